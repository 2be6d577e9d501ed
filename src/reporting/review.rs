//! Reviewing a submission (vurdering): the reviewer accepts it, returns it with a comment, or
//! reopens an accepted one with a reason. A submission with empty required fields (or a
//! deliverable ticked as finished without its file) is accepted only with an explicit override
//! and its justification, kept on the submission and audited with the fields it overrode.

use super::access::{Loaded, load};
use super::error::{ReportingError, ReportingResult};
use super::store;
use super::submissions::{transition_error, write};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::DbConnection;
use samveis_domain::access::Action;
use samveis_domain::reporting::{State, incomplete, label_of};

/// What a reviewer decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Accept; `override_reason` is the justification when the reviewer ticked «godkjenn likevel».
    Accept {
        override_reason: Option<String>,
    },
    Return {
        comment: String,
    },
    Reopen {
        reason: String,
    },
}

impl Decision {
    fn event(&self) -> samveis_domain::reporting::Event {
        use samveis_domain::reporting::Event;
        match self {
            Decision::Accept { .. } => Event::Accept,
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

/// What an acceptance overrides: the labels of the fields that stand in the way of it, and the
/// justification. None when nothing is in the way; refused when something is and the reviewer
/// gave no override or no justification.
fn overridden(loaded: &Loaded, reason: Option<&str>) -> ReportingResult<Option<(Vec<String>, String)>> {
    let template = &loaded.template.template;
    let gaps: Vec<String> =
        incomplete(template, &loaded.answers).iter().map(|e| label_of(template, &e.field)).collect();
    if gaps.is_empty() {
        return Ok(None);
    }
    let named = gaps.iter().map(|g| format!("«{g}»")).collect::<Vec<_>>().join(", ");
    match reason.map(str::trim) {
        None => Err(ReportingError::Refused(format!(
            "Besvarelsen kan ikke godkjennes: {} mangler ({named}). Send den tilbake, eller kryss av for å godkjenne likevel og skriv en begrunnelse.",
            if gaps.len() == 1 { "ett påkrevd felt" } else { "påkrevde felt" }
        ))),
        Some("") => Err(ReportingError::Refused(format!(
            "Skriv en begrunnelse for å godkjenne likevel når dette mangler: {named}."
        ))),
        Some(reason) => Ok(Some((gaps, reason.to_string()))),
    }
}

/// The reviewer accepts, returns or reopens a submission.
pub fn review(conn: &mut DbConnection, ctx: &Ctx, cmd: &ReviewCommand) -> ReportingResult<()> {
    let id = cmd.id;
    crate::db::write(conn, |conn| {
        let loaded = load(conn, id)?;
        ctx.require(Action::ReviewSubmission, &loaded.resource())?;
        let next = loaded.state.after(&cmd.decision.event()).map_err(transition_error)?;
        let (action, comment, overriding) = match &cmd.decision {
            Decision::Accept { override_reason } => match overridden(&loaded, override_reason.as_deref())? {
                None => ("godkjent", loaded.submission.reviewer_comment.clone(), None),
                o => ("godkjent med overstyring", loaded.submission.reviewer_comment.clone(), o),
            },
            Decision::Return { comment } => ("sendt tilbake", comment.trim().to_string(), None),
            Decision::Reopen { reason } => ("åpnet igjen", reason.trim().to_string(), None),
        };
        let update = store::SubmissionUpdate {
            state: next,
            answers: &loaded.submission.answers,
            submitted_at: loaded.submission.submitted_at,
            reviewer_comment: &comment,
            override_reason: overriding.as_ref().map(|(_, reason)| reason.as_str()),
        };
        write(conn, &loaded, cmd.version, &update, ctx)?;
        let state = |s: State, c: &str| serde_json::json!({"tilstand": s.code(), "kommentar": c});
        let mut after = state(next, &comment);
        if let Some((fields, reason)) = &overriding {
            after["overstyring"] = serde_json::json!({"tomme_felt": fields, "begrunnelse": reason});
        }
        let change = Change {
            action,
            record_type: "innlevering",
            record_id: id.to_string(),
            before: Some(state(loaded.state, &loaded.submission.reviewer_comment)),
            after: Some(after),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(())
    })
}
