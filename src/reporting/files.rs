//! File deliverables (stored by [`crate::files`]). A deliverable is attached to a submission's
//! file field with the same version check and audit as any other answer, and handed out only to
//! those who may see a submission that refers to it, under the name its own uploader gave.

use super::{SaveError, load, load_visible, transition_error};
use crate::audit::{self, Author, Change};
use crate::db::DbConnection;
use crate::error::{AppError, VERSION_CONFLICT};
pub use crate::files::{FileInfo, Owner, Upload, bytes, infos, store_file};
use crate::web::format::capitalized;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use samveis_domain::access::{Action, Actor};
use samveis_domain::reporting::{Answer, Event, FieldError, FieldKind, classify_upload};

/// Owners of file references.
pub const OWNER_SUBMISSION: &str = "submission";
pub const OWNER_IMPORT: &str = "import";

/// Attaches a file to a file field of a submission (`upload` None removes it).
#[allow(clippy::too_many_arguments)] // one use case: who, when, which record and version, what
pub fn attach(
    conn: &mut DbConnection,
    actor: &Actor,
    author: &Author,
    now: NaiveDateTime,
    id: i64,
    expected_version: i64,
    field: &str,
    upload: Option<&Upload>,
) -> Result<(), SaveError> {
    conn.transaction(|conn| {
        let loaded = load(conn, id)?;
        if !loaded.may(Some(actor), Action::EditSubmission) {
            return Err(AppError::Forbidden.into());
        }
        let next = loaded.state.after(&Event::Save).map_err(transition_error)?;
        let Some(f) = loaded.template.template.field(field).filter(|f| f.kind == FieldKind::File) else {
            return Err(AppError::BadRequest(format!("Skjemaet har ikke filfeltet «{field}».")).into());
        };
        let mut answers = loaded.answers.clone();
        match upload {
            Some(upload) => {
                let kind = classify_upload(&upload.file_name, &upload.bytes).map_err(|e| {
                    SaveError::Invalid(vec![FieldError {
                        field: field.to_string(),
                        message: format!("{}: {}", f.label, capitalized(&e.to_string()).trim_end_matches('.')),
                    }])
                })?;
                let owner = Owner { kind: OWNER_SUBMISSION, id, field };
                let sha256 = store_file(conn, &owner, upload, kind.content_type, now)?;
                answers.insert(field.to_string(), Answer::File(sha256));
            }
            None => {
                answers.remove(field);
            }
        }
        let json = serde_json::to_string(&answers).map_err(|e| AppError::Internal(e.to_string()))?;
        let update = super::store::SubmissionUpdate {
            state: next.code(),
            answers: &json,
            submitted_at: loaded.submission.submitted_at,
            reviewer_comment: &loaded.submission.reviewer_comment,
        };
        if loaded.submission.version != expected_version
            || !super::store::update_submission(conn, id, expected_version, &update, now)?
        {
            return Err(AppError::Conflict(VERSION_CONFLICT.into()).into());
        }
        let change = Change {
            action: if upload.is_some() { "lastet opp fil" } else { "fjernet fil" },
            record_type: "innlevering",
            record_id: id.to_string(),
            before: serde_json::to_value(&loaded.answers).ok(),
            after: serde_json::to_value(&answers).ok(),
        };
        audit::record(conn, author, now, change)?;
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
) -> Result<(FileInfo, Vec<u8>), AppError> {
    let loaded = load_visible(conn, actor, id)?;
    let not_found = || AppError::NotFound(format!("Innlevering {id} har ingen slik fil."));
    if !loaded.answers.values().any(|a| matches!(a, Answer::File(s) if s == sha256)) {
        return Err(not_found());
    }
    let info = loaded.files.get(sha256).cloned().ok_or_else(not_found)?;
    let bytes = bytes(conn, sha256)?.ok_or_else(not_found)?;
    Ok((info, bytes))
}
