//! Booking on a grant's ledger, or reversing an entry (the county).

use super::application_page::{Shown, after, checked};
use crate::auth::CsrfForm;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::grants::ledger::{self as service, EntryForm, LedgerCommand};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use samveis_domain::access::Action;

pub async fn record(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, f): CsrfForm<EntryForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let ctx = Ctx::user(&user, state.now());
    let parsed = LedgerCommand::try_from(&f);
    let result = state
        .db
        .run(move |conn| {
            let c = checked(conn, &ctx, id, Action::DecideGrant, parsed)?;
            service::apply(conn, &ctx, id, &c)
        })
        .await;
    after(&state, &visitor, id, result, "bokfort", Shown::error).await
}
