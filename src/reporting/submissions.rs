//! Saving a submission (innlevering): the org unit saves a draft or sends its answers in, with
//! the version it read, and the change is audited with the answers before and after.

use super::access::{Loaded, load};
use super::error::{ReportingError, ReportingResult};
use super::store;
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::error::VERSION_CONFLICT;
use crate::web::format::capitalized;
use samveis_domain::access::Action;
use samveis_domain::reporting::{self as domain, Answers, Event, RawAnswers};

/// What the org unit sends: its answers as typed, at the version it read, to keep or send in.
#[derive(Debug, Clone)]
pub struct SaveCommand {
    pub id: i64,
    pub version: i64,
    pub answers: RawAnswers,
    /// Send in (true) or keep as a draft (false).
    pub submit: bool,
}

pub(crate) fn transition_error(e: domain::TransitionError) -> ReportingError {
    ReportingError::Refused(capitalized(&e.to_string()))
}

/// The org unit saves (`submit` false) or sends in (`submit` true) its answers.
pub fn save(conn: &mut DbConnection, ctx: &Ctx, cmd: &SaveCommand) -> ReportingResult<()> {
    let (id, now) = (cmd.id, ctx.now);
    crate::db::write(conn, |conn| {
        let loaded = load(conn, id)?;
        ctx.require(Action::EditSubmission, &loaded.resource())?;
        let event = if cmd.submit { Event::Submit } else { Event::Save };
        let next = loaded.state.after(&event).map_err(transition_error)?;
        let mut answers = domain::parse(&loaded.template.template, &cmd.answers).map_err(ReportingError::Invalid)?;
        keep_files(&loaded, &mut answers);
        if cmd.submit {
            let missing = domain::missing_required(&loaded.template.template, &answers);
            if !missing.is_empty() {
                return Err(ReportingError::Invalid(missing));
            }
        }
        let json = serde_json::to_string(&answers).map_err(ReportingError::internal)?;
        let update = store::SubmissionUpdate {
            state: next,
            answers: &json,
            submitted_at: if cmd.submit { Some(now) } else { loaded.submission.submitted_at },
            reviewer_comment: &loaded.submission.reviewer_comment,
        };
        write(conn, &loaded, cmd.version, &update, ctx)?;
        let change = Change {
            action: if cmd.submit { "sendt inn" } else { "lagret" },
            record_type: "innlevering",
            record_id: id.to_string(),
            before: serde_json::to_value(&loaded.answers).ok(),
            after: serde_json::to_value(&answers).ok(),
        };
        audit::record(conn, &ctx.author, now, change)?;
        Ok(())
    })
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

/// Files change only through an upload (`files::attach`): a form or API write keeps the stored
/// ones, so nobody can point a field at a file they have not uploaded and then read it.
fn keep_files(loaded: &Loaded, answers: &mut Answers) {
    for f in loaded.template.template.fields().filter(|f| f.kind == domain::FieldKind::File) {
        match loaded.answers.get(&f.code) {
            Some(stored) => answers.insert(f.code.clone(), stored.clone()),
            None => answers.remove(&f.code),
        };
    }
}
