//! Files: the bytes are stored once per content under their SHA-256; each use is a reference
//! (owner, field, the uploader's file name and type). A deliverable is attached to a submission's
//! file field with the same version check and audit as any other answer, and handed out only to
//! those who may see a submission that refers to it, under the name its own uploader gave.

use super::{SaveError, capitalized, load, load_visible, transition_error};
use crate::audit::{self, Author, Change};
use crate::db::schema::{file_references, stored_files};
use crate::db::{DbConnection, StoreResult};
use crate::error::{AppError, VERSION_CONFLICT};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use samveis_domain::access::{Action, Actor};
use samveis_domain::reporting::{Answer, Event, FieldError, FieldKind, classify_upload, clean_file_name};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Owners of file references.
pub const OWNER_SUBMISSION: &str = "submission";
pub const OWNER_IMPORT: &str = "import";

/// A file as the browser sent it.
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// One use of a stored file, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    pub sha256: String,
    /// The field (or purpose) the file was uploaded for.
    pub field: String,
    pub size: i64,
    pub content_type: String,
    pub file_name: String,
}

/// Who a reference belongs to: a submission's field, or a round's import.
pub struct Owner<'a> {
    pub kind: &'a str,
    pub id: i64,
    pub field: &'a str,
}

/// Stores the bytes (once per content) and records this use of them; returns the key.
pub fn store_file(
    conn: &mut DbConnection,
    owner: &Owner,
    upload: &Upload,
    content_type: &str,
    now: NaiveDateTime,
) -> StoreResult<String> {
    let sha256 = hex::encode(Sha256::digest(&upload.bytes));
    let row = (
        stored_files::sha256.eq(&sha256),
        stored_files::size.eq(upload.bytes.len() as i64),
        stored_files::content.eq(&upload.bytes),
        stored_files::created_at.eq(now),
    );
    // Two uploads of the same bytes at once both succeed: the second finds the content there.
    crate::per_backend!(conn, |c| diesel::insert_into(stored_files::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    diesel::insert_into(file_references::table)
        .values((
            file_references::sha256.eq(&sha256),
            file_references::owner_kind.eq(owner.kind),
            file_references::owner_id.eq(owner.id),
            file_references::field.eq(owner.field),
            file_references::file_name.eq(clean_file_name(&upload.file_name)),
            file_references::content_type.eq(content_type),
            file_references::uploaded_at.eq(now),
        ))
        .execute(conn)?;
    Ok(sha256)
}

/// The files an owner has uploaded, by key; where the same content was uploaded twice, the
/// latest name counts.
pub fn infos(conn: &mut DbConnection, kind: &str, id: i64) -> StoreResult<BTreeMap<String, FileInfo>> {
    let rows: Vec<(String, String, String, String, i64)> = file_references::table
        .inner_join(stored_files::table)
        .filter(file_references::owner_kind.eq(kind))
        .filter(file_references::owner_id.eq(id))
        .order(file_references::id.asc())
        .select((
            file_references::sha256,
            file_references::field,
            file_references::file_name,
            file_references::content_type,
            stored_files::size,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(sha256, field, file_name, content_type, size)| {
            (sha256.clone(), FileInfo { sha256, field, size, content_type, file_name })
        })
        .collect())
}

/// The bytes of a stored file.
pub fn bytes(conn: &mut DbConnection, sha256: &str) -> StoreResult<Option<Vec<u8>>> {
    Ok(stored_files::table.find(sha256).select(stored_files::content).first(conn).optional()?)
}

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
