//! Payment requests: the recipient asks (with an invoice), the county approves, returns or pays.

use super::application_page::{Shown, after, application_page, checked, load_page};
use crate::auth::CsrfForm;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::grants::GrantError;
use crate::grants::payments::{self as service, HandleForm, Handling, RequestCommand, RequestForm};
use crate::state::AppState;
use crate::web::render_with_status;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::Action;

pub async fn request_payment(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, form): CsrfForm<RequestForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let ctx = Ctx::user(&user, state.now());
    let parsed = RequestCommand::try_from(&form);
    let result = state
        .db
        .run(move |conn| {
            let c = checked(conn, &ctx, id, Action::AcceptGrant, parsed)?;
            service::send(conn, &ctx, id, &c)
        })
        .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/tilskudd/soknader/{id}?lagret=anmodning")).into_response()),
        Err(GrantError::Invalid { field, message }) => {
            let (loaded, extra) = load_page(&state, visitor.actor().cloned(), id).await?;
            let invoice_error = (field == "invoice_number").then(|| message.clone());
            let mut page = application_page(&visitor, &loaded, &extra, Shown::message(message));
            page.request_form = form;
            page.invoice_error = invoice_error;
            Ok(render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn handle_payment(
    State(state): State<AppState>,
    Path((id, request)): Path<(i64, i64)>,
    CsrfForm(visitor, f): CsrfForm<HandleForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let ctx = Ctx::user(&user, state.now());
    let parsed = Handling::parse(request, &f);
    let result = state
        .db
        .run(move |conn| {
            let h = checked(conn, &ctx, id, Action::DecideGrant, parsed)?;
            service::handle(conn, &ctx, id, &h)
        })
        .await;
    after(&state, &visitor, id, result, "behandlet", Shown::error).await
}
