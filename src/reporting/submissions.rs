//! Saving a submission (innlevering): the org unit saves a draft or sends its answers in, with
//! the version it read, and the change is audited with the answers before and after.

use super::access::{Loaded, load};
use super::error::{ReportingError, ReportingResult};
use super::files::{self, FileChange};
use super::store;
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::error::VERSION_CONFLICT;
use crate::web::format::capitalized;
use samveis_domain::access::Action;
use samveis_domain::reporting::{self as domain, Event, Purpose, RawAnswers};

/// What the org unit sends: its answers as typed, at the version it read, to keep or send in,
/// with the files chosen on the form (or removed) in the same post.
pub struct SaveCommand {
    pub id: i64,
    pub version: i64,
    pub answers: RawAnswers,
    /// Send in (true) or keep as a draft (false).
    pub submit: bool,
    /// Files uploaded to (or removed from) file fields with this post.
    pub files: Vec<FileChange>,
}

pub(crate) fn transition_error(e: domain::TransitionError) -> ReportingError {
    ReportingError::Refused(capitalized(&e.to_string()))
}

/// The org unit saves (`submit` false) or sends in (`submit` true) its answers, with the files
/// of the post stored in the same transaction: all of it, or nothing and every problem named.
pub fn save(conn: &mut DbConnection, ctx: &Ctx, cmd: &SaveCommand) -> ReportingResult<()> {
    let (id, now) = (cmd.id, ctx.now);
    crate::db::write(conn, |conn| {
        let loaded = load(conn, id)?;
        ctx.require(Action::EditSubmission, &loaded.resource())?;
        let event = if cmd.submit { Event::Submit } else { Event::Save };
        let next = loaded.state.after(&event).map_err(transition_error)?;
        let template = &loaded.template.template;
        let (files, found) = files::changed(conn, ctx, &loaded, &cmd.files)?;
        let purpose = if cmd.submit { Purpose::Send } else { Purpose::Draft };
        let answers = domain::check(template, &cmd.answers, &files, purpose, found)
            .map_err(|errors| ReportingError::Invalid(files::not_stored(template, &cmd.files, errors)))?;
        let json = serde_json::to_string(&answers).map_err(ReportingError::internal)?;
        let update = store::SubmissionUpdate {
            state: next,
            answers: &json,
            submitted_at: if cmd.submit { Some(now) } else { loaded.submission.submitted_at },
            reviewer_comment: &loaded.submission.reviewer_comment,
            override_reason: None,
        };
        write(conn, &loaded, cmd.version, &update, ctx)?;
        let change = Change {
            action: action(cmd),
            record_type: "innlevering",
            record_id: id.to_string(),
            before: serde_json::to_value(&loaded.answers).ok(),
            after: serde_json::to_value(&answers).ok(),
        };
        audit::record(conn, &ctx.author, now, change)?;
        Ok(())
    })
}

/// The audit action of a save: sent in, or kept as a draft with a file uploaded or removed.
fn action(cmd: &SaveCommand) -> &'static str {
    if cmd.submit {
        "sendt inn"
    } else if cmd.files.iter().any(|f| f.upload.is_some()) {
        "lastet opp fil"
    } else if !cmd.files.is_empty() {
        "fjernet fil"
    } else {
        "lagret"
    }
}

/// Writes the update if the submission is still at `expected_version`; a conflict otherwise.
pub(crate) fn write(
    conn: &mut DbConnection,
    loaded: &Loaded,
    expected_version: i64,
    update: &store::SubmissionUpdate,
    ctx: &Ctx,
) -> ReportingResult<()> {
    let id = loaded.submission.id;
    if loaded.submission.version != expected_version
        || !store::update_submission(conn, id, expected_version, update, ctx.now)?
    {
        return Err(ReportingError::Conflict(VERSION_CONFLICT.into()));
    }
    Ok(())
}
