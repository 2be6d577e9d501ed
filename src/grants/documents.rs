//! Documents of an application: the anchoring document the applicant attaches (political or
//! administrative decision), and the signed grant letter, which also records the acceptance.
//! Stored like any file; handed out only to those who may see the application.

use super::{bad, load, load_visible};
use crate::audit::{self, Author, Change};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::files::{self, FileInfo, Owner, Upload};
use chrono::NaiveDateTime;
use diesel::Connection;
use samveis_domain::access::{Action, Actor};
use samveis_domain::reporting::classify_upload;

pub const OWNER: &str = "application";
pub const ANCHORING: &str = "forankring";
pub const SIGNED_LETTER: &str = "signert";

pub fn label(purpose: &str) -> &'static str {
    if purpose == SIGNED_LETTER { "Signert tilskuddsbrev" } else { "Forankring (vedtak)" }
}

/// Attaches a document: the anchoring one to a draft (the applicant), or the signed letter to a
/// granted application not yet accepted (which accepts it).
pub fn attach(
    conn: &mut DbConnection,
    actor: &Actor,
    author: &Author,
    now: NaiveDateTime,
    id: i64,
    purpose: &str,
    upload: &Upload,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let l = load(conn, id)?;
        let signed = purpose == SIGNED_LETTER;
        let action = if signed { Action::AcceptGrant } else { Action::EditApplication };
        if !l.may(Some(actor), action) {
            return Err(AppError::Forbidden);
        }
        let kind = classify_upload(&upload.file_name, &upload.bytes)
            .map_err(|e| bad(crate::web::format::capitalized(&e.to_string())))?;
        if signed {
            let decision = l.decision.as_ref().ok_or_else(|| bad("Søknaden har ikke fått tilsagn."))?;
            if !super::store::mark_accepted(conn, decision.id, now)? {
                return Err(bad("Tilskuddet er allerede akseptert."));
            }
        }
        let field = if signed { SIGNED_LETTER } else { ANCHORING };
        let sha256 = files::store_file(conn, &Owner { kind: OWNER, id, field }, upload, kind.content_type, now)?;
        let change = Change {
            action: if signed { "akseptert med signert brev" } else { "lastet opp forankring" },
            record_type: "søknad",
            record_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({"fil": sha256, "navn": upload.file_name})),
        };
        audit::record(conn, author, now, change)?;
        Ok(())
    })
}

pub fn list(conn: &mut DbConnection, id: i64) -> Result<Vec<FileInfo>, AppError> {
    Ok(files::infos(conn, OWNER, id)?.into_values().collect())
}

pub fn download(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    id: i64,
    sha256: &str,
) -> Result<(FileInfo, Vec<u8>), AppError> {
    load_visible(conn, actor, id)?;
    let not_found = || AppError::NotFound(format!("Søknad {id} har ingen slik fil."));
    let info = files::infos(conn, OWNER, id)?.remove(sha256).ok_or_else(not_found)?;
    let bytes = files::bytes(conn, sha256)?.ok_or_else(not_found)?;
    Ok((info, bytes))
}
