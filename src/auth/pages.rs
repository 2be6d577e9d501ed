//! Login (innlogging), logout and the user's own account page.

use super::throttle::{self, Attempt};
use super::{ClientAddress, CsrfForm, PageUser, SESSION_COOKIE, Visitor, password, session, set_cookie};
use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::users::store as users;
use crate::web::{Frame, Nav, render, render_with_status};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use diesel::Connection;
use samveis_domain::access::Scope;
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
async fn begin_attempt(
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

pub struct AssignmentView {
    pub role: &'static str,
    pub scope: String,
}

/// A scope as people read it: "Statsforvalteren i Nordland", "Bodø (1804)", "RKK Salten".
pub fn describe_scope(conn: &mut crate::db::DbConnection, scope: &Scope) -> Result<String, crate::db::StoreError> {
    use crate::registry::{collaborations, store};
    use samveis_domain::registry::Layout;
    Ok(match scope {
        Scope::National => "Hele landet".to_string(),
        Scope::Office(code) => {
            store::offices(conn)?.into_iter().find(|o| &o.code == code).map_or(code.clone(), |o| o.name)
        }
        Scope::Municipality(n) => {
            let names = store::municipality_names(conn, Layout::CURRENT, &[n.to_string()])?;
            format!("{} kommune ({n})", names.get(n.as_str()).cloned().unwrap_or_default())
        }
        Scope::Collaboration(id) => {
            collaborations::get(conn, *id)?.map_or(format!("Samarbeid {id}"), |c| c.summary.name)
        }
    })
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
    let (email, author, id) = (user.email.clone(), user.author(), user.id);
    let attempt = Attempt { email, address };
    let stored = match begin_attempt(&state, &attempt).await? {
        Ok(stored) => stored,
        Err(wait) => return account_page(&state, &visitor, Some(wait_message(wait)), None).await,
    };
    let verified = verify_password(form.current.clone(), stored).await.is_some();
    let token = state
        .db
        .run(move |conn| {
            if !verified {
                return Ok::<_, AppError>(None);
            }
            throttle::succeeded(conn, &attempt)?;
            conn.transaction(|conn| {
                users::set_password(conn, id, &hash)?;
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
                Ok::<_, AppError>(Some(token))
            })
        })
        .await?;
    if let Some(token) = token {
        let mut response = Redirect::to("/konto?lagret=1").into_response();
        let max_age = session::SESSION_HOURS * 3600;
        if let Some(v) = set_cookie(SESSION_COOKIE, &token, state.config.secure_cookies, max_age) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
        return Ok(response);
    }
    account_page(&state, &visitor, Some("Nåværende passord er feil.".into()), None).await
}
