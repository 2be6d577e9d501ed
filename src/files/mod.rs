//! Files: the bytes are stored once per content under their SHA-256; each use is a reference
//! (owner, field, the uploader's file name and type). Areas own their references (a submission's
//! deliverable, an import's source, a grant letter) and decide who may fetch them; this module
//! only stores and reads, and reads the multipart form a file arrives in.

mod multipart;
pub mod spreadsheet;

pub use multipart::{FormParts, UPLOAD_BODY_LIMIT, read_form, read_parts};

use crate::db::schema::{file_references, stored_files};
use crate::db::{DbConnection, StoreResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use samveis_domain::reporting::clean_file_name;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

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

/// The key bytes are stored under: their SHA-256 in lower-case hex.
pub fn key_of(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Which references to remove: those of owners of `kind` (any owner, or `owner` only) in
/// `field`, uploaded before `before` (or at any time).
pub struct Removal<'a> {
    pub kind: &'a str,
    pub owner: Option<i64>,
    pub field: &'a str,
    pub before: Option<NaiveDateTime>,
}

/// Removes the references `which` selects, and the stored bytes of those files that no other
/// reference uses (the foreign key keeps bytes a reference still points to). Returns how many
/// references went. Run it inside the caller's write transaction.
pub fn remove_references(conn: &mut DbConnection, which: &Removal) -> StoreResult<usize> {
    let selected = || {
        let mut q = file_references::table
            .filter(file_references::owner_kind.eq(which.kind.to_string()))
            .filter(file_references::field.eq(which.field.to_string()))
            .into_boxed();
        if let Some(owner) = which.owner {
            q = q.filter(file_references::owner_id.eq(owner));
        }
        if let Some(before) = which.before {
            q = q.filter(file_references::uploaded_at.lt(before));
        }
        q
    };
    let ids: Vec<i64> = selected().select(file_references::id).load(conn)?;
    let keys: Vec<String> = selected().select(file_references::sha256).distinct().load(conn)?;
    let removed = diesel::delete(file_references::table.filter(file_references::id.eq_any(&ids))).execute(conn)?;
    let unused = diesel::dsl::not(diesel::dsl::exists(
        file_references::table.filter(file_references::sha256.eq(stored_files::sha256)),
    ));
    diesel::delete(stored_files::table.filter(stored_files::sha256.eq_any(&keys)).filter(unused)).execute(conn)?;
    Ok(removed)
}

/// Moves the references of `owner` (in its field) to file `sha256` to field `to`.
pub fn move_references(conn: &mut DbConnection, owner: &Owner, sha256: &str, to: &str) -> StoreResult<usize> {
    let selected = file_references::table
        .filter(file_references::owner_kind.eq(owner.kind))
        .filter(file_references::owner_id.eq(owner.id))
        .filter(file_references::field.eq(owner.field))
        .filter(file_references::sha256.eq(sha256));
    Ok(diesel::update(selected).set(file_references::field.eq(to)).execute(conn)?)
}

/// Stores the bytes (once per content) and records this use of them; returns the key.
pub fn store_file(
    conn: &mut DbConnection,
    owner: &Owner,
    upload: &Upload,
    content_type: &str,
    now: NaiveDateTime,
) -> StoreResult<String> {
    let sha256 = key_of(&upload.bytes);
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
