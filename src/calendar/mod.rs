//! The calendar (kalender): gatherings and webinars, the deadlines of the reporting rounds one
//! reports in or follows, and the acceptance deadlines of one's own grants; on a page and as a
//! personal iCalendar feed behind a secret token (calendar apps cannot log in).

pub mod pages;

use crate::context::Ctx;
use crate::db::DbConnection;
use crate::db::schema::{calendar_events, calendar_tokens};
use crate::error::AppError;
use chrono::NaiveDate;
use diesel::prelude::*;
use samveis_domain::access::{Action, Actor, Resource, may};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEntry {
    pub date: NaiveDate,
    /// gathering | webinar | deadline
    pub kind: &'static str,
    pub title: String,
    /// A page in Samveis, if any.
    pub link: Option<String>,
    /// What the entry is, whoever's calendar it is in and whatever else is added: "event-12",
    /// "round-6-deadline", "grant-31-acceptance". The feed's UID adds the public host.
    pub identity: String,
}

pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "gathering" => "Samling",
        "webinar" => "Webinar",
        _ => "Frist",
    }
}

fn static_kind(kind: &str) -> &'static str {
    match kind {
        "gathering" => "gathering",
        "webinar" => "webinar",
        _ => "deadline",
    }
}

/// A gathering or webinar to put in everyone's calendar.
pub struct NewEvent<'a> {
    pub date: NaiveDate,
    /// gathering | webinar
    pub kind: &'a str,
    pub title: &'a str,
    /// Part of the demo data.
    pub demo: bool,
}

/// Adds an event; the programme office's (today only the demo loader adds them).
pub fn add_event(conn: &mut DbConnection, ctx: &Ctx, event: &NewEvent) -> Result<(), AppError> {
    ctx.require(Action::ManageRounds, &Resource::Any)?;
    diesel::insert_into(calendar_events::table)
        .values((
            calendar_events::event_date.eq(event.date),
            calendar_events::kind.eq(event.kind),
            calendar_events::title.eq(event.title),
            calendar_events::demo.eq(event.demo),
            calendar_events::created_at.eq(ctx.now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Everything in the actor's calendar, by date.
pub fn entries(conn: &mut DbConnection, actor: &Actor) -> Result<Vec<CalendarEntry>, AppError> {
    let mut out: Vec<CalendarEntry> = calendar_events::table
        .select((calendar_events::id, calendar_events::event_date, calendar_events::kind, calendar_events::title))
        .load::<(i64, NaiveDate, String, String)>(conn)?
        .into_iter()
        .map(|(id, date, kind, title)| CalendarEntry {
            date,
            kind: static_kind(&kind),
            title,
            link: None,
            identity: format!("event-{id}"),
        })
        .collect();
    // Rounds: all of them for those who follow rounds; otherwise those one reports in.
    let follows = may(Some(actor), Action::ViewRounds, &Resource::Any);
    let own = crate::reporting::pages::own_orgs(actor);
    let mine: Vec<crate::reporting::store::SubmissionRow> =
        crate::reporting::store::submissions_of_orgs(conn, &crate::reporting::pages::own_units(actor))?;
    for r in crate::reporting::store::rounds(conn)? {
        let submission = mine.iter().find(|s| s.round_id == r.id);
        if !follows && submission.is_none() {
            continue;
        }
        let link = match submission {
            Some(s) => format!("/rapportering/innleveringer/{}", s.id),
            None => format!("/rapportering/runder/{}", r.id),
        };
        out.push(CalendarEntry {
            date: r.deadline,
            kind: "deadline",
            title: format!("Frist: {}", r.name),
            link: Some(link),
            identity: format!("round-{}-deadline", r.id),
        });
    }
    // Grants one has been given and not yet accepted: by the deadline the letter states, or
    // within three weeks of the decision where the scheme gives none.
    for (kind, id) in &own {
        for a in crate::grants::store::applications_of_applicant(conn, kind, id)? {
            if let Some(d) =
                crate::grants::store::decision_of_application(conn, a.id)?.filter(|d| d.accepted_at.is_none())
            {
                let terms = crate::grants::store::scheme(conn, a.scheme_id)?.map(|s| s.terms);
                out.push(CalendarEntry {
                    date: terms
                        .and_then(|t| t.accept_by(d.decided_on))
                        .unwrap_or(d.decided_on + chrono::Duration::days(21)),
                    kind: "deadline",
                    title: format!("Aksepter tilskuddet: {}", a.applicant_name),
                    link: Some(format!("/tilskudd/soknader/{}", a.id)),
                    identity: format!("grant-{}-acceptance", a.id),
                });
            }
        }
    }
    out.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.title.cmp(&b.title)));
    Ok(out)
}

/// A new secret feed address for the signed-in user (an earlier one stops working). The system
/// has no calendar.
pub fn renew_token(conn: &mut DbConnection, ctx: &Ctx) -> Result<String, AppError> {
    ctx.require(Action::ViewOwnAccount, &Resource::Any)?;
    let (user_id, now) = (ctx.actor().ok_or(AppError::Forbidden)?.user_id, ctx.now);
    let token = crate::auth::session::random_token();
    diesel::delete(calendar_tokens::table.filter(calendar_tokens::user_id.eq(user_id))).execute(conn)?;
    diesel::insert_into(calendar_tokens::table)
        .values((
            calendar_tokens::token_hash.eq(crate::auth::session::token_hash(&token)),
            calendar_tokens::user_id.eq(user_id),
            calendar_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The actor a feed token belongs to (an active user), if any.
pub fn actor_of_token(conn: &mut DbConnection, token: &str) -> Result<Option<Actor>, AppError> {
    let user: Option<i64> = calendar_tokens::table
        .find(crate::auth::session::token_hash(token))
        .select(calendar_tokens::user_id)
        .first(conn)
        .optional()?;
    let Some(user_id) = user else { return Ok(None) };
    Ok(crate::auth::store::active_actor(conn, user_id)?)
}

/// The host of the public address ("samveis.no" of "https://samveis.no:443/"), which makes
/// the UIDs global.
fn host_of(base_url: &str) -> &str {
    let rest = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
    let host = rest.split('/').next().unwrap_or(rest);
    host.rsplit_once(':').filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit())).map_or(host, |(h, _)| h)
}

/// The entries as iCalendar (RFC 5545): one all-day event each, its DTEND the day after (DTEND
/// is exclusive), its UID what the entry is at the public host, so a calendar program sees the
/// same event as the same, across users and whatever else is added.
pub fn to_ical(entries: &[CalendarEntry], base_url: &str) -> String {
    use icalendar::{Calendar, Component, Event, EventLike};
    let mut cal = Calendar::empty();
    cal.append_property(("VERSION", "2.0"))
        .append_property(("PRODID", "-//Samveis//Nasjonalt velferdsteknologiprogram//NB"))
        .append_property(("CALSCALE", "GREGORIAN"));
    cal.name("Samveis").description("Frister og samlinger i Nasjonalt velferdsteknologiprogram");
    let host = host_of(base_url);
    for e in entries {
        let mut event = Event::new();
        event
            .uid(&format!("{}@{host}", e.identity))
            .summary(&e.title)
            .starts(e.date)
            .ends(e.date.succ_opt().unwrap_or(e.date))
            .add_property("CATEGORIES", kind_label(e.kind));
        if let Some(link) = &e.link {
            event.url(&format!("{base_url}{link}"));
        }
        cal.push(event.done());
    }
    cal.done().to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_uid_host_is_the_public_host_without_scheme_or_port() {
        assert_eq!(super::host_of("https://samveis.no"), "samveis.no");
        assert_eq!(super::host_of("http://127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(super::host_of("https://samveis.example.no:8443/sti"), "samveis.example.no");
    }
}
