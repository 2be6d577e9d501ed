//! Documents of an application: the anchoring document the applicant attaches (political or
//! administrative decision), and the signed grant letter, which also records the acceptance.
//! Stored like any file; handed out only to those who may see the application.

use super::applications::{authorize, load_visible};
use super::error::{GrantError, GrantResult};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::files::{self, FileInfo, Owner, Upload};
use samveis_domain::access::{Action, Actor};
use samveis_domain::reporting::classify_upload;

pub const OWNER: &str = "application";
pub const ANCHORING: &str = "forankring";
pub const SIGNED_LETTER: &str = "signert";

/// What a document is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The political or administrative decision behind a draft (the applicant).
    Anchoring,
    /// The signed grant letter, which accepts the grant.
    SignedLetter,
}

impl Purpose {
    /// The file field it is stored under.
    pub fn field(self) -> &'static str {
        match self {
            Purpose::Anchoring => ANCHORING,
            Purpose::SignedLetter => SIGNED_LETTER,
        }
    }
}

pub fn label(field: &str) -> &'static str {
    if field == SIGNED_LETTER { "Signert tilskuddsbrev" } else { "Forankring (vedtak)" }
}

/// Attaches a document: the anchoring one to a draft (the applicant), or the signed letter to a
/// granted application not yet accepted (which accepts it).
pub fn attach(conn: &mut DbConnection, ctx: &Ctx, id: i64, purpose: Purpose, upload: &Upload) -> GrantResult<()> {
    crate::db::write(conn, |conn| {
        let signed = purpose == Purpose::SignedLetter;
        let l = authorize(conn, ctx, id, if signed { Action::AcceptGrant } else { Action::EditApplication })?;
        let kind = classify_upload(&upload.file_name, &upload.bytes)
            .map_err(|e| GrantError::invalid("file", crate::web::format::capitalized(&e.to_string())))?;
        if signed {
            let decision =
                l.decision.as_ref().ok_or_else(|| GrantError::invalid("file", "Søknaden har ikke fått tilsagn."))?;
            if !super::store::mark_accepted(conn, decision.id, ctx.now)? {
                return Err(GrantError::invalid("file", "Tilskuddet er allerede akseptert."));
            }
        }
        let owner = Owner { kind: OWNER, id, field: purpose.field() };
        let sha256 = files::store_file(conn, &owner, upload, kind.content_type, ctx.now)?;
        let change = Change {
            action: if signed { "akseptert med signert brev" } else { "lastet opp forankring" },
            record_type: "søknad",
            record_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({"fil": sha256, "navn": upload.file_name})),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(())
    })
}

pub fn list(conn: &mut DbConnection, id: i64) -> GrantResult<Vec<FileInfo>> {
    Ok(files::infos(conn, OWNER, id)?.into_values().collect())
}

/// A document of an application the actor may see (a read).
pub fn download(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    id: i64,
    sha256: &str,
) -> GrantResult<(FileInfo, Vec<u8>)> {
    load_visible(conn, actor, id)?;
    let not_found = || GrantError::NotFound(format!("Søknad {id} har ingen slik fil."));
    let info = files::infos(conn, OWNER, id)?.remove(sha256).ok_or_else(not_found)?;
    let bytes = files::bytes(conn, sha256)?.ok_or_else(not_found)?;
    Ok((info, bytes))
}
