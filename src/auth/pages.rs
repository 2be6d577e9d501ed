//! Login (innlogging) and logout. The user's own account page is in `users`.

use super::store as users;
use super::throttle::{self, Attempt};
use super::{ClientAddress, CsrfForm, SESSION_COOKIE, Visitor, password, session, set_cookie};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{Frame, Nav, render, render_with_status};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    pub neste: Option<String>,
}

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    frame: Frame,
    email: String,
    next: String,
    error: Option<String>,
}

/// Only local paths, so the login page cannot be used to send users elsewhere.
fn safe_next(next: Option<&str>) -> String {
    match next {
        // Browsers drop tabs and new lines from URLs, so "/\t/host" would become "//host":
        // only visible ASCII is let through.
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && p.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            p.to_string()
        }
        _ => "/".to_string(),
    }
}

pub async fn login_form(visitor: Visitor, Query(q): Query<NextQuery>) -> Response {
    let page = LoginPage {
        frame: Frame::new(&visitor, "Logg inn", Nav::None),
        email: String::new(),
        next: safe_next(q.neste.as_deref()),
        error: None,
    };
    render(&page)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub epost: String,
    #[serde(default)]
    pub passord: String,
    pub neste: Option<String>,
}

enum LoginOutcome {
    Success(String),
    Wrong,
    Throttled(std::time::Duration),
}

/// Checks a password on the blocking pool, holding no database connection while Argon2 works.
/// An unknown e-mail is checked against a dummy hash, so timing tells nothing.
pub async fn verify_password(password: String, stored: Option<(i64, String, bool)>) -> Option<i64> {
    tokio::task::spawn_blocking(move || match stored {
        Some((id, hash, active)) => (password::verify(&password, &hash) && active).then_some(id),
        None => {
            password::verify_dummy(&password);
            None
        }
    })
    .await
    .ok()
    .flatten()
}

/// Counts the attempt before the password is checked; the stored credentials if it may go on.
pub async fn begin_attempt(
    state: &AppState,
    attempt: &Attempt,
) -> AppResult<Result<Option<(i64, String, bool)>, std::time::Duration>> {
    let (attempt, now) = (attempt.clone(), state.now());
    state
        .db
        .run(move |conn| {
            if let Err(wait) = throttle::begin(conn, &attempt, now)? {
                return Ok(Err(wait));
            }
            Ok::<_, AppError>(Ok(users::credentials(conn, &attempt.email)?))
        })
        .await
}

/// The message of a refused attempt: how long to wait.
pub fn wait_message(wait: std::time::Duration) -> String {
    format!(
        "For mange mislykkede innlogginger. Vent {} og prøv igjen.",
        samveis_domain::access::throttle::wait_text(wait)
    )
}

pub async fn login(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    ClientAddress(address): ClientAddress,
    CsrfForm(visitor, form): CsrfForm<LoginForm>,
) -> AppResult<Response> {
    let email = users::normalize_email(&form.epost);
    let attempt = Attempt { email: email.clone(), address };
    let outcome = match begin_attempt(&state, &attempt).await? {
        Err(wait) => LoginOutcome::Throttled(wait),
        Ok(stored) => {
            let verified = verify_password(form.passord.clone(), stored).await;
            let old = super::cookie(&headers, SESSION_COOKIE);
            let now = state.now();
            state
                .db
                .run(move |conn| match verified {
                    Some(user_id) => {
                        throttle::succeeded(conn, &attempt)?;
                        // A fresh token at every login; the browser's old session ends.
                        if let Some(old) = old {
                            session::delete(conn, &old)?;
                        }
                        Ok::<_, AppError>(LoginOutcome::Success(session::create(conn, user_id, now)?))
                    }
                    None => Ok(LoginOutcome::Wrong),
                })
                .await?
        }
    };
    let refuse = |status: StatusCode, message: &str| {
        let page = LoginPage {
            frame: Frame::new(&visitor, "Logg inn", Nav::None),
            email: email.clone(),
            next: safe_next(form.neste.as_deref()),
            error: Some(message.to_string()),
        };
        render_with_status(status, &page)
    };
    match outcome {
        LoginOutcome::Success(token) => {
            let mut response = Redirect::to(&safe_next(form.neste.as_deref())).into_response();
            let max_age = session::SESSION_HOURS * 3600;
            if let Some(v) = set_cookie(SESSION_COOKIE, &token, state.config.secure_cookies, max_age) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(response)
        }
        LoginOutcome::Wrong => Ok(refuse(StatusCode::UNAUTHORIZED, "Feil e-post eller passord.")),
        LoginOutcome::Throttled(wait) => Ok(refuse(StatusCode::TOO_MANY_REQUESTS, &wait_message(wait))),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    CsrfForm(_visitor, _): CsrfForm<crate::auth::EmptyForm>,
) -> AppResult<Response> {
    if let Some(token) = super::cookie(&headers, SESSION_COOKIE) {
        state.db.run(move |conn| Ok::<_, AppError>(session::delete(conn, &token)?)).await?;
    }
    let mut response = Redirect::to("/").into_response();
    if let Some(v) = set_cookie(SESSION_COOKIE, "", state.config.secure_cookies, 0) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}
