//! Documents of an application: uploading the anchoring document or the signed letter, and
//! downloading one.

use super::application_page::{Shown, after};
use crate::auth::{PageUser, Visitor};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::grants::documents::{self as service, Purpose};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;

async fn upload_document(
    state: &AppState,
    visitor: &Visitor,
    id: i64,
    multipart: axum::extract::Multipart,
    purpose: Purpose,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let (control, upload) = crate::files::read_form(multipart).await?;
    visitor.check_csrf(control.get("_csrf").map(String::as_str))?;
    let upload = upload.unwrap_or(crate::files::Upload { file_name: String::new(), bytes: vec![] });
    let ctx = Ctx::user(&user, state.now());
    let result = state.db.run(move |conn| service::attach(conn, &ctx, id, purpose, &upload)).await;
    let flag = if purpose == Purpose::SignedLetter { "akseptert" } else { "dokument" };
    after(state, visitor, id, result, flag, Shown::error).await
}

pub async fn anchoring_document(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    visitor: Visitor,
    multipart: axum::extract::Multipart,
) -> AppResult<Response> {
    upload_document(&state, &visitor, id, multipart, Purpose::Anchoring).await
}

pub async fn signed_letter(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    visitor: Visitor,
    multipart: axum::extract::Multipart,
) -> AppResult<Response> {
    upload_document(&state, &visitor, id, multipart, Purpose::SignedLetter).await
}

pub async fn document(
    State(state): State<AppState>,
    PageUser(_, user): PageUser,
    Path((id, sha256)): Path<(i64, String)>,
) -> AppResult<Response> {
    let actor = user.actor.clone();
    let (info, bytes) = state.db.run(move |conn| service::download(conn, Some(&actor), id, &sha256)).await?;
    Ok(crate::exports::attachment(&info.content_type, &info.file_name, bytes))
}
