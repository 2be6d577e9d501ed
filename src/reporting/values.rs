//! The reported values of delivered submissions, one row per data element, kept in step with
//! each submission's state in the same transaction: a sent or accepted report counts at once, a
//! returned or reopened one stops counting. Indicators read these rows, never the drafts.

use super::store::{self, RoundRow, SubmissionRow};
use crate::db::schema::{reported_values, submissions};
use crate::db::{DbConnection, StoreResult};
use crate::per_backend;
use chrono::NaiveDate;
use diesel::prelude::*;
use samveis_domain::reporting::{Answers, Period, ReportedValue, State, reported_values as values_of};

/// The last day of a round's period: the moment its values describe.
pub fn period_end(round: &RoundRow) -> NaiveDate {
    Period::parse(&round.period).map(|p| p.dates().1).unwrap_or(round.deadline)
}

/// Rewrites a submission's reported values from what is stored now.
pub fn refresh(conn: &mut DbConnection, submission_id: i64) -> StoreResult<()> {
    diesel::delete(reported_values::table.filter(reported_values::submission_id.eq(submission_id))).execute(conn)?;
    let Some(s) = store::submission(conn, submission_id)? else { return Ok(()) };
    if !s.state.delivered() {
        return Ok(());
    }
    let Some(round) = store::round(conn, s.round_id)? else { return Ok(()) };
    let Some(template) = store::template(conn, round.template_id)? else { return Ok(()) };
    // Answers that do not parse were never written by this system; they count as none.
    let answers: Answers = serde_json::from_str(&s.answers).unwrap_or_default();
    let values = values_of(&template.template, &answers);
    insert(conn, &template.code, period_end(&round), &[(s, values)])?;
    Ok(())
}

/// Writes the values of delivered submissions of one form and period, in few statements (3 000
/// rows each, within both backends' limits on bound parameters). Returns the rows written.
pub fn insert(
    conn: &mut DbConnection,
    form_code: &str,
    period_end: NaiveDate,
    delivered: &[(SubmissionRow, Vec<ReportedValue>)],
) -> StoreResult<usize> {
    let rows: Vec<_> = delivered
        .iter()
        .flat_map(|(s, values)| {
            let kind = s.org.unit.stored().0;
            values.iter().map(move |v| {
                (
                    reported_values::submission_id.eq(s.id),
                    reported_values::form_code.eq(form_code),
                    reported_values::element.eq(&v.element),
                    reported_values::text.eq(&v.text),
                    reported_values::org_kind.eq(kind),
                    reported_values::org_id.eq(&s.org.id),
                    reported_values::layout.eq(s.org.layout),
                    reported_values::period_end.eq(period_end),
                    reported_values::number.eq(v.number),
                )
            })
        })
        .collect();
    for chunk in rows.chunks(3000) {
        per_backend!(conn, |c| diesel::insert_into(reported_values::table).values(chunk).execute(c))?;
    }
    Ok(rows.len())
}

/// Fills the table for databases whose submissions predate it (once, when it is empty).
pub fn backfill(conn: &mut DbConnection) -> StoreResult<usize> {
    let present: i64 = reported_values::table.count().get_result(conn)?;
    if present > 0 {
        return Ok(0);
    }
    let ids: Vec<i64> = submissions::table
        .filter(submissions::state.eq_any([State::Submitted.code(), State::Accepted.code()]))
        .select(submissions::id)
        .load(conn)?;
    crate::db::write(conn, |conn| {
        for id in &ids {
            refresh(conn, *id)?;
        }
        Ok(ids.len())
    })
}
