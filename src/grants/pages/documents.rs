//! Documents of an application: uploading the anchoring document or the signed letter, and
//! downloading one.

use super::application_page::{Shown, after};
use super::applications::SaveForm;
use crate::auth::{PageUser, Visitor};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::grants::applications;
use crate::grants::documents::{self as service, Purpose};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;

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
    if purpose == Purpose::Anchoring && control.contains_key("version") {
        if let Some(refused) = save_typed(state, visitor, id, &control).await? {
            return Ok(refused);
        }
        // Sent from the application form without a file (Enter in a field): the draft is saved.
        if upload.as_ref().is_none_or(|u| u.file_name.is_empty() && u.bytes.is_empty()) {
            return Ok(axum::response::Redirect::to(&format!("/tilskudd/soknader/{id}?lagret=1")).into_response());
        }
    }
    let upload = upload.unwrap_or(crate::files::Upload { file_name: String::new(), bytes: vec![] });
    let ctx = Ctx::user(&user, state.now());
    let result = state.db.run(move |conn| service::attach(conn, &ctx, id, purpose, &upload)).await;
    if purpose == Purpose::SignedLetter {
        return after(state, visitor, id, result, "akseptert", Shown::error).await;
    }
    // The anchoring document's refusal is shown on its field, before «Send søknaden».
    after(state, visitor, id, result, "dokument", |problems| Shown {
        problems: problems.into_iter().map(|(_, m)| ("doc-anchoring".to_string(), m)).collect(),
        heading: "Dokumentet ble ikke lastet opp. Rett opp dette:",
        ..Default::default()
    })
    .await
}

/// The application form's fields, sent along when «Last opp» inside the form is pressed: the
/// draft is saved with them first, so nothing typed is lost. The page again with the refusals
/// when it cannot be saved (and then nothing is uploaded).
async fn save_typed(
    state: &AppState,
    visitor: &Visitor,
    id: i64,
    control: &BTreeMap<String, String>,
) -> AppResult<Option<Response>> {
    let typed = serde_urlencoded::to_string(control).ok();
    let Some(form) = typed.and_then(|t| serde_urlencoded::from_str::<SaveForm>(&t).ok()) else { return Ok(None) };
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let ctx = Ctx::user(&user, state.now());
    let (mut c, problems) = form.read();
    c.send = false;
    let result = state.db.run(move |conn| applications::save_application_with(conn, &ctx, id, &c, problems)).await;
    if result.is_ok() {
        return Ok(None);
    }
    let shown = |problems| Shown {
        form: Some(form.form),
        problems,
        heading: "Utkastet ble ikke lagret, og dokumentet ble ikke lastet opp. Rett opp dette:",
        ..Default::default()
    };
    after(state, visitor, id, result, "", shown).await.map(Some)
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
