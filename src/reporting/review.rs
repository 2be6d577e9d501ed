//! Reviewing a submission (vurdering): the reviewer accepts it, returns it with a comment, or
//! reopens an accepted one with a reason.

use super::access::load;
use super::error::ReportingResult;
use super::store;
use super::submissions::{transition_error, write};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::DbConnection;
use samveis_domain::access::Action;
use samveis_domain::reporting::State;

/// What a reviewer decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Return { comment: String },
    Reopen { reason: String },
}

impl Decision {
    fn event(&self) -> samveis_domain::reporting::Event {
        use samveis_domain::reporting::Event;
        match self {
            Decision::Accept => Event::Accept,
            Decision::Return { comment } => Event::Return { comment: comment.clone() },
            Decision::Reopen { reason } => Event::Reopen { reason: reason.clone() },
        }
    }
}

/// A review of one submission at the version the reviewer read.
#[derive(Debug, Clone)]
pub struct ReviewCommand {
    pub id: i64,
    pub version: i64,
    pub decision: Decision,
}

/// The reviewer accepts, returns or reopens a submission.
pub fn review(conn: &mut DbConnection, ctx: &Ctx, cmd: &ReviewCommand) -> ReportingResult<()> {
    let id = cmd.id;
    crate::db::write(conn, |conn| {
        let loaded = load(conn, id)?;
        ctx.require(Action::ReviewSubmission, &loaded.resource())?;
        let next = loaded.state.after(&cmd.decision.event()).map_err(transition_error)?;
        let (action, comment) = match &cmd.decision {
            Decision::Accept => ("godkjent", loaded.submission.reviewer_comment.clone()),
            Decision::Return { comment } => ("sendt tilbake", comment.trim().to_string()),
            Decision::Reopen { reason } => ("åpnet igjen", reason.trim().to_string()),
        };
        let update = store::SubmissionUpdate {
            state: next,
            answers: &loaded.submission.answers,
            submitted_at: loaded.submission.submitted_at,
            reviewer_comment: &comment,
        };
        write(conn, &loaded, cmd.version, &update, ctx)?;
        let state = |s: State, c: &str| serde_json::json!({"tilstand": s.code(), "kommentar": c});
        let change = Change {
            action,
            record_type: "innlevering",
            record_id: id.to_string(),
            before: Some(state(loaded.state, &loaded.submission.reviewer_comment)),
            after: Some(state(next, &comment)),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(())
    })
}
