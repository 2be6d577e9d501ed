//! Moving a round's deadline (endre frist): the programme office's form. The round's event in
//! every calendar moves with it, as a changed event (SEQUENCE and LAST-MODIFIED), not a new one.

use crate::auth::{CsrfForm, PageUser, Visitor};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::reporting::ReportingError;
use crate::state::AppState;
use crate::web::{Frame, Nav, render_with_status};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::{Action, Resource};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct DeadlineForm {
    #[serde(default)]
    pub deadline: String,
}

#[derive(Template)]
#[template(path = "reporting/round_deadline.html")]
struct DeadlinePage {
    frame: Frame,
    id: i64,
    name: String,
    current: String,
    /// What was typed, kept on error.
    deadline: String,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    visitor: &Visitor,
    id: i64,
    typed: Option<String>,
    error: Option<String>,
) -> AppResult<Response> {
    let round = state
        .db
        .run(move |conn| crate::reporting::store::round(conn, id))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Fant ikke runde {id}.")))?;
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_with_status(
        status,
        &DeadlinePage {
            frame: Frame::new(visitor, format!("Endre frist: {}", round.name), Nav::Reporting),
            id,
            current: crate::web::format::date(round.deadline),
            deadline: typed.unwrap_or_else(|| round.deadline.format("%Y-%m-%d").to_string()),
            name: round.name,
            error,
        },
    ))
}

pub async fn form(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    user.require(Action::ManageRounds, &Resource::Any)?;
    page(&state, &visitor, id, None, None).await
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, form): CsrfForm<DeadlineForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    user.require(Action::ManageRounds, &Resource::Any)?;
    let ctx = Ctx::user(&user, state.now());
    let typed = form.deadline.clone();
    let result =
        state.db.run(move |conn| Ok::<_, AppError>(crate::reporting::change_deadline(conn, &ctx, id, &typed))).await?;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/rapportering/runder/{id}")).into_response()),
        Err(e @ ReportingError::Invalid(_)) => {
            page(&state, &visitor, id, Some(form.deadline), Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}
