//! Reminders from the round page: queue them for those who have not delivered, then try to
//! send them at once.

use crate::auth::{CsrfForm, EmptyForm};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::{Action, Resource};

/// Sends the queued reminders right away, so the round page shows how it went. They are queued
/// already: should sending fail here, the background sender tries again.
async fn send_at_once(state: &AppState) {
    let Some(settings) = state.config.mail.as_ref() else { return };
    if let Err(e) = crate::mail::deliver_pending(&state.db, settings, chrono::Duration::zero()).await {
        tracing::error!(error = %e, "påminnelsene ble lagt i utboksen, men ikke sendt");
    }
}

pub async fn remind(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, _): CsrfForm<EmptyForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    user.require(Action::SendReminders, &Resource::Any)?;
    let ctx = Ctx::user(&user, state.now());
    let done = state.db.run(move |conn| crate::reporting::reminders::remind(conn, &ctx, id)).await?;
    send_at_once(&state).await;
    let target = format!("/rapportering/runder/{id}?paminnet={}&uten={}", done.messages, done.without_recipient);
    Ok(Redirect::to(&target).into_response())
}
