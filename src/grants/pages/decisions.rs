//! Deciding an application (the county), accepting the grant (the applicant), and the grant
//! letter as PDF.

use super::application_page::{Shown, after, application_page, checked, load_page};
use crate::auth::{CsrfForm, PageUser, Visitor};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::grants::applications::authorize;
use crate::grants::decisions::{self as service, DecideCommand, DecisionForm};
use crate::grants::letter::grant_letter;
use crate::state::AppState;
use crate::web::render;
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
    if form.rader.is_some() {
        return another_row(&state, &visitor, ctx, id, form).await;
    }
    let parsed = DecideCommand::try_from(&form);
    let result = state
        .db
        .run(move |conn| {
            let c = checked(conn, &ctx, id, Action::DecideGrant, parsed)?;
            service::decide(conn, &ctx, id, &c)
        })
        .await;
    after(&state, &visitor, id, result, "vedtak", |problems| Shown {
        decision_form: Some(form),
        problems,
        heading: "Vedtaket ble ikke lagret. Rett opp dette:",
        ..Default::default()
    })
    .await
}

/// The decision form again with everything typed and one more target-figure row (the
/// «Legg til en rad» button; no JavaScript needed).
async fn another_row(
    state: &AppState,
    visitor: &Visitor,
    ctx: Ctx,
    id: i64,
    form: DecisionForm,
) -> AppResult<Response> {
    state.db.run(move |conn| authorize(conn, &ctx, id, Action::DecideGrant).map(|_| ())).await?;
    let (loaded, extra) = load_page(state, visitor.actor().cloned(), id).await?;
    let shown = Shown { decision_form: Some(form.with_another_row()), ..Default::default() };
    Ok(render(&application_page(visitor, &loaded, &extra, shown)))
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
