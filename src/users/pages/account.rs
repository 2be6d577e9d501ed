//! The user's own account page (`/konto`): the roles they hold, and changing their password.

use crate::audit::{self, Change};
use crate::auth::pages::verify_password;
use crate::auth::store as credentials;
use crate::auth::{CsrfForm, PageUser, SESSION_COOKIE, SignedIn, Visitor, password, session, set_cookie};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::users::describe_scope;
use crate::web::{Frame, Nav, render_with_status};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use diesel::Connection;
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

/// Whether `current` is the user's password; refused while logins for the e-mail are throttled.
async fn current_password_ok(state: &AppState, user: &SignedIn, current: String) -> AppResult<bool> {
    let (e, now) = (user.email.clone(), state.now());
    let stored = state
        .db
        .run(move |conn| {
            if session::recent_failures(conn, &e, now)? >= session::MAX_FAILURES {
                return Err(AppError::TooManyAttempts);
            }
            Ok(credentials::credentials(conn, &e)?)
        })
        .await?;
    Ok(verify_password(current, stored).await.is_some())
}

/// Sets the new hash and ends every other session; this browser gets a new one (its token).
fn set_password(
    conn: &mut crate::db::DbConnection,
    user: &SignedIn,
    hash: &str,
    now: chrono::NaiveDateTime,
) -> AppResult<String> {
    let (id, author) = (user.id, user.author());
    conn.transaction(|conn| {
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
    let verified = current_password_ok(&state, &user, form.current.clone()).await?;
    let u = user.clone();
    let token = state
        .db
        .run(move |conn| {
            if !verified {
                session::record_failure(conn, &u.email, now)?;
                return Ok::<_, AppError>(None);
            }
            set_password(conn, &u, &hash, now).map(Some)
        })
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
