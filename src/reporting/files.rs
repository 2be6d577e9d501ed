//! File deliverables (stored by [`crate::files`]). A deliverable is attached to a submission's
//! file field with the same version check and audit as any other answer, and handed out only to
//! those who may see a submission that refers to it, under the name its own uploader gave.

use super::access::{load, load_visible};
use super::error::{ReportingError, ReportingResult};
use super::submissions::{transition_error, write};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::DbConnection;
pub use crate::files::{FileInfo, Owner, Upload, bytes, infos, key_of, store_file};
use crate::web::format::capitalized;
use samveis_domain::access::{Action, Actor};
use samveis_domain::reporting::{Answer, Event, Field, FieldKind, classify_upload};

/// Owners of file references.
pub const OWNER_SUBMISSION: &str = "submission";
pub const OWNER_IMPORT: &str = "import";

/// A file for a file field of a submission, at the version the uploader read; `upload` None
/// removes the stored one.
pub struct AttachCommand {
    pub id: i64,
    pub version: i64,
    pub field: String,
    pub upload: Option<Upload>,
}

/// Checks and stores an upload for field `f`; returns its SHA-256.
fn stored(conn: &mut DbConnection, ctx: &Ctx, id: i64, f: &Field, upload: &Upload) -> ReportingResult<String> {
    let kind = classify_upload(&upload.file_name, &upload.bytes).map_err(|e| {
        ReportingError::invalid(&f.code, format!("{}: {}", f.label, capitalized(&e.to_string()).trim_end_matches('.')))
    })?;
    let owner = Owner { kind: OWNER_SUBMISSION, id, field: &f.code };
    Ok(store_file(conn, &owner, upload, kind.content_type, ctx.now)?)
}

/// Attaches a file to a file field of a submission (or removes it).
pub fn attach(conn: &mut DbConnection, ctx: &Ctx, cmd: &AttachCommand) -> ReportingResult<()> {
    let (id, field) = (cmd.id, cmd.field.as_str());
    crate::db::write(conn, |conn| {
        let loaded = load(conn, id)?;
        ctx.require(Action::EditSubmission, &loaded.resource())?;
        let next = loaded.state.after(&Event::Save).map_err(transition_error)?;
        let Some(f) = loaded.template.template.field(field).filter(|f| f.kind == FieldKind::File) else {
            return Err(ReportingError::Refused(format!("Skjemaet har ikke filfeltet «{field}».")));
        };
        let mut answers = loaded.answers.clone();
        match &cmd.upload {
            Some(upload) => {
                answers.insert(field.to_string(), Answer::File(stored(conn, ctx, id, f, upload)?));
            }
            None => {
                answers.remove(field);
            }
        }
        let json = serde_json::to_string(&answers).map_err(ReportingError::internal)?;
        let update = super::store::SubmissionUpdate {
            state: next,
            answers: &json,
            submitted_at: loaded.submission.submitted_at,
            reviewer_comment: &loaded.submission.reviewer_comment,
        };
        write(conn, &loaded, cmd.version, &update, ctx)?;
        let change = Change {
            action: if cmd.upload.is_some() { "lastet opp fil" } else { "fjernet fil" },
            record_type: "innlevering",
            record_id: id.to_string(),
            before: serde_json::to_value(&loaded.answers).ok(),
            after: serde_json::to_value(&answers).ok(),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(())
    })
}

/// A file of a submission the actor may see: its description and bytes. A file the submission
/// does not refer to is not found, whoever else has it.
pub fn download(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    id: i64,
    sha256: &str,
) -> ReportingResult<(FileInfo, Vec<u8>)> {
    let loaded = load_visible(conn, actor, id)?;
    let not_found = || ReportingError::NotFound(format!("Innlevering {id} har ingen slik fil."));
    if !loaded.answers.values().any(|a| matches!(a, Answer::File(s) if s == sha256)) {
        return Err(not_found());
    }
    let info = loaded.files.get(sha256).cloned().ok_or_else(not_found)?;
    let bytes = bytes(conn, sha256)?.ok_or_else(not_found)?;
    Ok((info, bytes))
}
