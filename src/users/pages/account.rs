//! The user's own account page (`/konto`): the roles they hold, and changing their password.

use crate::audit::{self, Change};
use crate::auth::pages::{begin_attempt, verify_password, wait_message};
use crate::auth::store as credentials;
use crate::auth::throttle::{self, Attempt};
use crate::auth::{
    ClientAddress, CsrfForm, PageUser, SESSION_COOKIE, SignedIn, Visitor, password, session, set_cookie,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::users::describe_scope;
use crate::web::{Frame, Nav, render_with_status};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub struct AssignmentView {
    pub role: &'static str,
    pub scope: String,
}

#[derive(Template)]
#[template(path = "auth/account.html")]
struct AccountPage {
    frame: Frame,
    email: String,
    assignments: Vec<AssignmentView>,
    error: Option<String>,
}

async fn account_page(
    state: &AppState,
    visitor: &Visitor,
    error: Option<String>,
    notice: Option<&str>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let list = user.actor.assignments.clone();
    let assignments = state
        .db
        .run(move |conn| {
            list.iter()
                .map(|a| Ok(AssignmentView { role: a.role.label(), scope: describe_scope(conn, &a.scope)? }))
                .collect::<Result<Vec<_>, AppError>>()
        })
        .await?;
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = AccountPage {
        frame: Frame::new(visitor, "Min konto", Nav::Account).with_notice(notice),
        email: user.email.clone(),
        assignments,
        error,
    };
    Ok(render_with_status(status, &page))
}

#[derive(Debug, Default, Deserialize)]
pub struct AccountQuery {
    pub lagret: Option<String>,
}

pub async fn account(
    State(state): State<AppState>,
    PageUser(visitor, _): PageUser,
    Query(q): Query<AccountQuery>,
) -> AppResult<Response> {
    account_page(&state, &visitor, None, q.lagret.as_deref().map(|_| "Passordet er endret.")).await
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub current: String,
    #[serde(default)]
    pub new: String,
    #[serde(default)]
    pub repeat: String,
}

/// Whether `current` is the user's password, counted by the login throttle before it is checked:
/// `Err(wait)` while the account is slowed down at this address.
async fn current_password_ok(
    state: &AppState,
    attempt: &Attempt,
    current: String,
) -> AppResult<Result<bool, std::time::Duration>> {
    let stored = match begin_attempt(state, attempt).await? {
        Ok(stored) => stored,
        Err(wait) => return Ok(Err(wait)),
    };
    let verified = verify_password(current, stored).await.is_some();
    if verified {
        let attempt = attempt.clone();
        state.db.run(move |conn| Ok::<_, AppError>(throttle::succeeded(conn, &attempt)?)).await?;
    }
    Ok(Ok(verified))
}

/// Sets the new hash and ends every other session; this browser gets a new one (its token).
fn set_password(
    conn: &mut crate::db::DbConnection,
    user: &SignedIn,
    hash: &str,
    now: chrono::NaiveDateTime,
) -> AppResult<String> {
    let (id, author) = (user.id, user.author());
    crate::db::write(conn, |conn| {
        credentials::set_password(conn, id, hash)?;
        // Whoever else holds a session of this user is logged out; this browser gets a new one.
        session::delete_all_of(conn, id)?;
        let token = session::create(conn, id, now)?;
        let change = Change {
            action: "passord endret",
            record_type: "bruker",
            record_id: id.to_string(),
            before: None,
            after: None,
        };
        audit::record(conn, &author, now, change)?;
        Ok::<_, AppError>(token)
    })
}

pub async fn change_password(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    CsrfForm(visitor, form): CsrfForm<PasswordForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    if form.new != form.repeat {
        return account_page(&state, &visitor, Some("De to nye passordene er ikke like.".into()), None).await;
    }
    if let Err(message) = password::check_strength(&form.new) {
        return account_page(&state, &visitor, Some(message), None).await;
    }
    let hash = password::hash(&form.new).map_err(AppError::Internal)?;
    let now = state.now();
    let attempt = Attempt { email: user.email.clone(), address };
    let verified = match current_password_ok(&state, &attempt, form.current.clone()).await? {
        Ok(verified) => verified,
        Err(wait) => return account_page(&state, &visitor, Some(wait_message(wait)), None).await,
    };
    let u = user.clone();
    let token = state
        .db
        .run(move |conn| if verified { set_password(conn, &u, &hash, now).map(Some) } else { Ok(None) })
        .await?;
    let Some(token) = token else {
        return account_page(&state, &visitor, Some("Nåværende passord er feil.".into()), None).await;
    };
    let mut response = Redirect::to("/konto?lagret=1").into_response();
    let max_age = session::SESSION_HOURS * 3600;
    if let Some(v) = set_cookie(SESSION_COOKIE, &token, state.config.secure_cookies, max_age) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}
