//! Pages for file deliverables: upload to (or remove from) a file field, and download.

use super::files::{self, Upload};
use super::pages::refused_page;
use crate::app::AppState;
use crate::auth::Visitor;
use crate::error::{AppError, AppResult};
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::BTreeMap;

/// The body limit of the upload route: the largest accepted file and room for the form around
/// it, so a file just too large still reaches the check that names it.
pub const UPLOAD_BODY_LIMIT: usize = samveis_domain::reporting::MAX_FILE_BYTES + 1024 * 1024;

fn unreadable(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::BadRequest("Filen er større enn 10 MB og ble ikke lagret.".into())
    } else {
        AppError::BadRequest(format!("Opplastingen kunne ikke leses: {}", e.body_text()))
    }
}

/// Reads the form: its control fields and the file, if one was chosen.
pub(crate) async fn read_form(
    mut multipart: Multipart,
) -> Result<(BTreeMap<String, String>, Option<Upload>), AppError> {
    let mut control = BTreeMap::new();
    let mut upload = None;
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "fil" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(unreadable)?.to_vec();
            upload = Some(Upload { file_name, bytes });
        } else {
            control.insert(name, field.text().await.map_err(unreadable)?);
        }
    }
    Ok((control, upload))
}

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
    let (now, actor, author) = (state.now(), user.actor.clone(), user.author());
    let result = state
        .db
        .run(move |conn| {
            Ok::<_, AppError>(files::attach(conn, &actor, &author, now, id, version, &field, upload.as_ref()))
        })
        .await?;
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
    Ok(crate::web::attachment(&info.content_type, &info.file_name, bytes))
}
