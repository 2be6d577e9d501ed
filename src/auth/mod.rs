//! Who is asking: the visitor (anonymous or signed in), extracted from the session cookie, and
//! the CSRF checks every cookie-authenticated write must pass. Every area's pages use it, so it
//! depends on no area: it reads the user behind a session through its own [`store`].

pub mod pages;
pub mod password;
pub mod session;
pub mod store;
pub mod throttle;

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::{Action, Actor, Resource, may};
use serde::de::DeserializeOwned;

pub const SESSION_COOKIE: &str = "samveis_session";
pub const CSRF_COOKIE: &str = "samveis_csrf";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn set_cookie(name: &str, value: &str, secure: bool, max_age_seconds: i64) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}"))
        .ok()
}

/// The anonymous CSRF token, set by [`csrf_cookie`] before any handler runs.
#[derive(Clone)]
struct AnonymousCsrf(String);

/// Gives every visitor a CSRF cookie, so the login form (before any session) is protected too.
pub async fn csrf_cookie(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let existing = cookie(req.headers(), CSRF_COOKIE).filter(|t| t.len() == 64);
    let token = existing.clone().unwrap_or_else(session::random_token);
    req.extensions_mut().insert(AnonymousCsrf(token.clone()));
    let mut response = next.run(req).await;
    if existing.is_none() {
        if let Some(v) = set_cookie(CSRF_COOKIE, &token, state.config.secure_cookies, 60 * 60 * 24) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub actor: Actor,
}

impl SignedIn {
    pub fn author(&self) -> crate::audit::Author {
        crate::audit::Author { user_id: Some(self.id), label: self.email.clone() }
    }

    /// Refuses unless the policy allows `action` on `resource`.
    pub fn require(&self, action: Action, resource: &Resource) -> Result<(), AppError> {
        if may(Some(&self.actor), action, resource) { Ok(()) } else { Err(AppError::Forbidden) }
    }
}

/// Whoever makes the request, with the CSRF token their forms must carry.
#[derive(Debug, Clone)]
pub struct Visitor {
    pub user: Option<SignedIn>,
    pub csrf: String,
    /// The signed-in user's open tasks for the menu, counted before a page is made
    /// (`crate::work::menu_count`); none where they were not counted.
    pub open_tasks: Option<usize>,
}

impl Visitor {
    pub fn actor(&self) -> Option<&Actor> {
        self.user.as_ref().map(|u| &u.actor)
    }

    pub fn may(&self, action: Action, resource: &Resource) -> bool {
        may(self.actor(), action, resource)
    }

    pub fn check_csrf(&self, token: Option<&str>) -> Result<(), AppError> {
        match token {
            Some(t) if !self.csrf.is_empty() && constant_time_eq(t.as_bytes(), self.csrf.as_bytes()) => Ok(()),
            _ => Err(AppError::Csrf),
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn load_visitor(state: &AppState, parts: &Parts) -> Result<Visitor, AppError> {
    let anonymous = parts.extensions.get::<AnonymousCsrf>().map(|c| c.0.clone()).unwrap_or_default();
    let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Ok(Visitor { user: None, csrf: anonymous, open_tasks: None });
    };
    let now = state.now();
    let found = state
        .db
        .run(move |conn| {
            let Some((user_id, csrf)) = session::lookup(conn, &token, now)? else { return Ok(None) };
            let user = store::signed_in(conn, user_id)?;
            Ok::<_, AppError>(user.map(|u| (u, csrf)))
        })
        .await?;
    Ok(match found {
        Some((user, csrf)) => Visitor { user: Some(user), csrf, open_tasks: None },
        None => Visitor { user: None, csrf: anonymous, open_tasks: None },
    })
}

impl<S> FromRequestParts<S> for Visitor
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(v) = parts.extensions.get::<Visitor>() {
            return Ok(v.clone());
        }
        let visitor = load_visitor(&AppState::from_ref(state), parts).await?;
        parts.extensions.insert(visitor.clone());
        Ok(visitor)
    }
}

/// A page that needs login: anonymous visitors are sent to the login page and back.
pub struct PageUser(pub Visitor, pub SignedIn);

impl<S> FromRequestParts<S> for PageUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let visitor = Visitor::from_request_parts(parts, state).await.map_err(crate::web::error_page)?;
        match visitor.user.clone() {
            Some(user) => Ok(PageUser(visitor, user)),
            None => {
                let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let target = format!("/logg-inn?neste={}", crate::web::url_encode(next));
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

/// A form post: the body parsed into `T`, after the CSRF field matched the visitor's token.
pub struct CsrfForm<T>(pub Visitor, pub T);

#[derive(serde::Deserialize)]
struct CsrfOnly {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

/// A form with nothing but its CSRF token (a button that does one thing).
#[derive(Debug, serde::Deserialize)]
pub struct EmptyForm {}

/// A form post as raw bytes, after the CSRF field matched: for forms whose fields come from
/// data (report templates) and repeat (check boxes).
pub struct CsrfBody(pub Visitor, pub axum::body::Bytes);

impl<S> FromRequest<S> for CsrfBody
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let visitor = Visitor::from_request_parts(&mut parts, state).await.map_err(crate::web::error_page)?;
        let bytes = axum::body::to_bytes(body, 1024 * 1024)
            .await
            .map_err(|_| crate::web::error_page(AppError::BadRequest("Skjemaet er for stort.".into())))?;
        let token: CsrfOnly = serde_urlencoded::from_bytes(&bytes).unwrap_or(CsrfOnly { csrf: None });
        visitor.check_csrf(token.csrf.as_deref()).map_err(crate::web::error_page)?;
        Ok(CsrfBody(visitor, bytes))
    }
}

impl<S, T> FromRequest<S> for CsrfForm<T>
where
    AppState: FromRef<S>,
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let CsrfBody(visitor, bytes) = CsrfBody::from_request(req, state).await?;
        let form = serde_urlencoded::from_bytes::<T>(&bytes)
            .map_err(|e| crate::web::error_page(AppError::BadRequest(format!("Skjemaet kunne ikke leses: {e}"))))?;
        Ok(CsrfForm(visitor, form))
    }
}

/// A signed-in API caller whose write carries the session's CSRF token in `X-CSRF-Token`.
pub struct ApiWriter(pub SignedIn);

impl<S> FromRequestParts<S> for ApiWriter
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = crate::web::ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let visitor = Visitor::from_request_parts(parts, state).await?;
        let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
        let header = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        visitor.check_csrf(header)?;
        Ok(ApiWriter(user))
    }
}

/// The address a request came from: the connection's peer, or, when the peer is this machine
/// (a reverse proxy such as nginx in front), the last address the proxy added to
/// `X-Forwarded-For`. Loopback when neither is known (a router driven without a socket).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub std::net::IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        use std::net::{IpAddr, Ipv4Addr, SocketAddr};
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
        if !peer.is_loopback() {
            return Ok(ClientAddress(peer));
        }
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .next_back();
        Ok(ClientAddress(forwarded.unwrap_or(peer)))
    }
}
