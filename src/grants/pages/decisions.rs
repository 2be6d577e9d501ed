//! Deciding an application (the county), accepting the grant (the applicant), and the grant
//! letter as PDF.

use super::application_page::{Shown, after, checked};
use crate::auth::{CsrfForm, PageUser};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::grants::decisions::{self as service, DecideCommand, DecisionForm};
use crate::grants::letter::grant_letter;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use samveis_domain::access::Action;

pub async fn decide(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, form): CsrfForm<DecisionForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let ctx = Ctx::user(&user, state.now());
    let parsed = DecideCommand::try_from(&form);
    let result = state
        .db
        .run(move |conn| {
            let c = checked(conn, &ctx, id, Action::DecideGrant, parsed)?;
            service::decide(conn, &ctx, id, &c)
        })
        .await;
    after(&state, &visitor, id, result, "vedtak", |m| Shown {
        form: None,
        decision_form: Some(form),
        error: Some(m),
        notice: None,
    })
    .await
}

pub async fn accept(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, _): CsrfForm<crate::auth::EmptyForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let ctx = Ctx::user(&user, state.now());
    let result = state.db.run(move |conn| service::accept(conn, &ctx, id)).await;
    after(&state, &visitor, id, result, "akseptert", Shown::error).await
}

pub async fn letter(
    State(state): State<AppState>,
    PageUser(_, user): PageUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (actor, now) = (user.actor.clone(), state.now());
    let pdf = state.db.run(move |conn| grant_letter(conn, Some(&actor), id, now)).await?;
    Ok(crate::exports::attachment("application/pdf", &format!("tilskuddsbrev-{id}.pdf"), pdf))
}
