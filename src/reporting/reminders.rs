//! Reminders (påminnelser): a message to each editor of an org unit that has not delivered,
//! queued in the outbox; `crate::mail` sends it over SMTP where that is set up.

use super::access::permitted_where;
use super::error::{ReportingError, ReportingResult};
use super::store::{self, RoundRow, SubmissionRow};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::schema::{outbox, role_assignments, users};
use crate::db::{DbConnection, StoreResult};
use crate::mail::outbox::Counts;
use crate::web::format;
use diesel::prelude::*;
use samveis_domain::access::{Action, OrgUnit, Resource};

/// The e-mail addresses of the active users who answer for an org unit.
fn recipients(conn: &mut DbConnection, org: &OrgUnit) -> StoreResult<Vec<String>> {
    let (role, scope) = match org {
        OrgUnit::Municipality(n) => ("municipal-editor", format!("kommune:{n}")),
        OrgUnit::Collaboration(id) => ("project-leader", format!("samarbeid:{id}")),
    };
    Ok(role_assignments::table
        .inner_join(users::table)
        .filter(role_assignments::role.eq(role))
        .filter(role_assignments::scope.eq(scope))
        .filter(users::active.eq(true))
        .select(users::email)
        .load(conn)?)
}

/// What a reminder run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reminded {
    pub messages: usize,
    pub org_units: usize,
    /// Org units that have not delivered but have no user to remind.
    pub without_recipient: usize,
}

/// Queues one reminder of the round to each address; returns how many.
fn queue(
    conn: &mut DbConnection,
    ctx: &Ctx,
    round: &RoundRow,
    s: &SubmissionRow,
    emails: &[String],
) -> StoreResult<usize> {
    let subject = format!("Påminnelse: {} – frist {}", round.name, format::date(round.deadline));
    let body = format!(
        "Hei!\n\n{} har ikke levert «{}» ennå. Fristen er {}.\nLevér i Samveis under «Mine rapporter».\n\nHilsen {}",
        s.org.name,
        round.name,
        format::date(round.deadline),
        ctx.author.label
    );
    for email in emails {
        diesel::insert_into(outbox::table)
            .values((
                outbox::created_at.eq(ctx.now),
                outbox::recipient.eq(email),
                outbox::subject.eq(&subject),
                outbox::body.eq(&body),
                outbox::round_id.eq(Some(round.id)),
                outbox::submission_id.eq(Some(s.id)),
                outbox::result.eq(crate::mail::outbox::WAITING),
            ))
            .execute(conn)?;
    }
    Ok(emails.len())
}

/// Queues a reminder for every submission of the round that is not delivered and that the
/// principal may review. All in one transaction, audited.
pub fn remind(conn: &mut DbConnection, ctx: &Ctx, round_id: i64) -> ReportingResult<Reminded> {
    ctx.require(Action::SendReminders, &Resource::Any)?;
    crate::db::write(conn, |conn| {
        let round = store::round(conn, round_id)?
            .ok_or_else(|| ReportingError::NotFound(format!("Fant ikke runde {round_id}.")))?;
        let mut done = Reminded::default();
        let submissions = store::submissions_of_round(conn, round_id)?;
        // Reviewing rights decide whom one may chase.
        let reviewable = permitted_where(conn, &round, &submissions, |r| ctx.may(Action::ReviewSubmission, r))?;
        for (s, may_chase) in submissions.iter().zip(reviewable) {
            if s.state.delivered() || !may_chase {
                continue;
            }
            let emails = recipients(conn, &s.org.unit)?;
            if emails.is_empty() {
                done.without_recipient += 1;
                continue;
            }
            done.org_units += 1;
            done.messages += queue(conn, ctx, &round, s, &emails)?;
        }
        let after = serde_json::json!({"meldinger": done.messages, "mottakere": done.org_units, "uten_mottaker": done.without_recipient});
        let change = Change {
            action: "påminnelse",
            record_type: "runde",
            record_id: round_id.to_string(),
            before: None,
            after: Some(after),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(done)
    })
}

/// Where a round's reminders stand: "12 påminnelser: 10 sendt, 2 venter."
pub fn delivery(conn: &mut DbConnection, round_id: i64) -> StoreResult<String> {
    Ok(describe(crate::mail::outbox::counts(conn, Some(round_id))?))
}

fn describe(c: Counts) -> String {
    if c.total() == 0 {
        return "Ingen påminnelser er sendt for denne runden ennå.".to_string();
    }
    let parts: Vec<String> = [(c.sent, "sendt"), (c.waiting, "venter"), (c.failed, "feilet")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, label)| format!("{n} {label}"))
        .collect();
    let noun = if c.total() == 1 { "påminnelse" } else { "påminnelser" };
    format!("{} {noun}: {}.", c.total(), parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_round_page_says_where_reminders_stand() {
        assert_eq!(describe(Counts::default()), "Ingen påminnelser er sendt for denne runden ennå.");
        assert_eq!(describe(Counts { sent: 10, waiting: 2, failed: 0 }), "12 påminnelser: 10 sendt, 2 venter.");
        assert_eq!(describe(Counts { sent: 0, waiting: 0, failed: 1 }), "1 påminnelse: 1 feilet.");
    }
}
