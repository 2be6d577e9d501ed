//! Pages for file deliverables: the report form posted with its files (upload to or remove from
//! a file field, or save and send with the files chosen), and download.

use super::files;
use super::pages::{save_command, saved};
use crate::auth::Visitor;
use crate::error::AppResult;
use crate::files::read_parts;
use crate::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;

/// The body limit of a report form posted with its files: a largest file for each of four file
/// fields (the most any shipped form has, milestone 3) and room for the answers around them.
pub const FORM_BODY_LIMIT: usize = 4 * samveis_domain::reporting::MAX_FILE_BYTES + 1024 * 1024;

/// The report form of a submission with file fields, posted as multipart: the answers, the files
/// chosen and the button pressed, saved together so an upload keeps everything typed.
pub async fn upload(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    visitor: Visitor,
    multipart: Multipart,
) -> AppResult<Response> {
    let parts = read_parts(multipart).await?;
    let csrf = parts.fields.iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v.as_str());
    visitor.check_csrf(csrf)?;
    saved(&state, &visitor, save_command(id, parts.fields, parts.files)?).await
}

pub async fn download(
    State(state): State<AppState>,
    Path((id, sha256)): Path<(i64, String)>,
    visitor: Visitor,
) -> AppResult<Response> {
    let actor = visitor.actor().cloned();
    let (info, bytes) = state.db.run(move |conn| files::download(conn, actor.as_ref(), id, &sha256)).await?;
    Ok(crate::exports::attachment(&info.content_type, &info.file_name, bytes))
}
