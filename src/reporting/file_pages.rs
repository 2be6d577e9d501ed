//! Pages for file deliverables: upload to (or remove from) a file field, and download.

use super::files::{self, AttachCommand, Upload};
use super::pages::refused_page;
use crate::auth::Visitor;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::files::read_form;
use crate::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};

pub async fn upload(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    visitor: Visitor,
    multipart: Multipart,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let (control, upload) = read_form(multipart).await?;
    visitor.check_csrf(control.get("_csrf").map(String::as_str))?;
    let version: i64 = control
        .get("_version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::BadRequest("Skjemaet mangler versjon.".into()))?;
    let field = control.get("_felt").cloned().unwrap_or_default();
    let remove = control.get("_handling").map(String::as_str) == Some("fjern");
    let upload = if remove { None } else { Some(upload.unwrap_or(Upload { file_name: String::new(), bytes: vec![] })) };
    let ctx = Ctx::user(&user, state.now());
    let cmd = AttachCommand { id, version, field, upload };
    let result = state.db.run(move |conn| Ok::<_, AppError>(files::attach(conn, &ctx, &cmd))).await?;
    match result {
        Ok(()) => {
            let flag = if remove { "uten-fil" } else { "fil" };
            Ok(Redirect::to(&format!("/rapportering/innleveringer/{id}?lagret={flag}")).into_response())
        }
        Err(e) => refused_page(&state, &visitor, id, None, e).await,
    }
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
