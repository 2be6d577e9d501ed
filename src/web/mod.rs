//! The web edge: the page frame every page shares, rendering, error pages and JSON errors,
//! static assets and security headers.

mod errors;
pub mod format;
pub mod input;
pub mod pdf;
pub mod request_id;

use crate::auth::Visitor;
use crate::error::AppError;
use askama::Template;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use samveis_domain::access::{Action, Resource, Role};

/// Which main menu item a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Home,
    Municipalities,
    Counties,
    Collaborations,
    Reporting,
    Grants,
    Insight,
    /// Published indicator figures, for those without the insight pages.
    Figures,
    Calendar,
    Users,
    AuditLog,
    Outbox,
    Account,
    None,
}

impl Nav {
    pub fn code(self) -> &'static str {
        match self {
            Nav::Home => "hjem",
            Nav::Municipalities => "kommuner",
            Nav::Counties => "fylker",
            Nav::Collaborations => "samarbeid",
            Nav::Reporting => "rapportering",
            Nav::Grants => "tilskudd",
            Nav::Insight => "innsikt",
            Nav::Figures => "tall",
            Nav::Calendar => "kalender",
            Nav::Users => "brukere",
            Nav::AuditLog => "logg",
            Nav::Outbox => "utboks",
            Nav::Account => "konto",
            Nav::None => "",
        }
    }
}

/// What the page frame (header, menu, footer) needs to know.
#[derive(Debug, Clone)]
pub struct Frame {
    pub title: String,
    pub nav: Nav,
    pub csrf: String,
    pub user_name: Option<String>,
    pub role_summary: String,
    pub may_manage_users: bool,
    pub may_view_audit: bool,
    pub may_manage_outbox: bool,
    pub may_view_insight: bool,
    pub signed_in: bool,
    /// The open tasks in «Mitt arbeid», shown beside it in the menu when counted.
    pub open_tasks: Option<usize>,
    pub notice: Option<String>,
}

impl Frame {
    pub fn new(visitor: &Visitor, title: impl Into<String>, nav: Nav) -> Frame {
        let roles: Vec<&str> = visitor
            .user
            .iter()
            .flat_map(|u| u.actor.assignments.iter().map(|a| a.role))
            .collect::<std::collections::BTreeSet<Role>>()
            .into_iter()
            .map(Role::label)
            .collect();
        Frame {
            title: title.into(),
            nav,
            csrf: visitor.csrf.clone(),
            user_name: visitor.user.as_ref().map(|u| u.display_name.clone()),
            role_summary: roles.join(", "),
            may_manage_users: visitor.may(Action::ManageUsers, &Resource::Any),
            may_view_audit: visitor.may(Action::ViewAuditLog, &Resource::Any),
            may_manage_outbox: visitor.may(Action::ManageOutbox, &Resource::Any),
            may_view_insight: visitor.may(Action::ViewRounds, &Resource::Any),
            signed_in: visitor.user.is_some(),
            open_tasks: visitor.open_tasks,
            notice: None,
        }
    }

    pub fn anonymous(title: impl Into<String>) -> Frame {
        Frame::new(&Visitor { user: None, csrf: String::new(), open_tasks: None }, title, Nav::None)
    }

    /// A one-line confirmation shown at the top of the page ("Lagret.").
    pub fn with_notice(mut self, notice: Option<&str>) -> Frame {
        self.notice = notice.map(str::to_string);
        self
    }

    /// A page that shows a refused form or action: its title begins with «Feil: », so a screen
    /// reader says so first (Designsystemet's guidance on error summaries).
    pub fn with_errors(mut self, failed: bool) -> Frame {
        if failed {
            self.title = format!("Feil: {}", self.title);
        }
        self
    }

    /// The count beside «Mitt arbeid» in the menu, when there is one.
    /// The number, and the noun a screen reader says after it («oppgave», «oppgaver»).
    pub fn task_count(&self) -> Option<(String, &'static str)> {
        self.open_tasks
            .filter(|n| *n > 0)
            .map(|n| (format::number(n as i64), if n == 1 { "oppgave" } else { "oppgaver" }))
    }

    /// `aria-current` for a menu item, by its code ("kommuner", "fylker", …).
    pub fn current(&self, code: &str) -> &'static str {
        if self.nav.code() == code { "page" } else { "false" }
    }
}

/// Renders a page template to an HTML response.
pub fn render<T: Template>(page: &T) -> Response {
    render_with_status(StatusCode::OK, page)
}

pub fn render_with_status<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template error");
            (StatusCode::INTERNAL_SERVER_ERROR, "Noe gikk galt hos oss.").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    frame: Frame,
    status: u16,
    message: String,
    /// The request's id, for the user to quote («Feilkode»).
    request_id: Option<String>,
}

/// The HTML answer to an error.
pub fn error_page(error: AppError) -> Response {
    error.log_if_internal();
    page_for(error.status(), error.to_string())
}

fn page_for(status: StatusCode, message: String) -> Response {
    let title = match status {
        StatusCode::NOT_FOUND => "Fant ikke siden",
        StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED => "Ingen tilgang",
        StatusCode::CONFLICT => "Endringen ble ikke lagret",
        s if s.is_server_error() => "Noe gikk galt",
        _ => "Det gikk ikke",
    };
    let page = ErrorPage {
        frame: Frame::anonymous(title),
        status: status.as_u16(),
        message,
        request_id: request_id::current(),
    };
    render_with_status(status, &page)
}

/// The answer when a handler panicked (`CatchPanicLayer`): the panic is logged with its message
/// in the request's span, the user gets the Norwegian error page with the request id.
pub fn panic_page(payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = crate::db::panic_message(payload.as_ref());
    tracing::error!(panic = %message, "handler panicked");
    page_for(StatusCode::INTERNAL_SERVER_ERROR, AppError::Internal(message).to_string())
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        error_page(self)
    }
}

/// The JSON answer to an error: `{"error": "forbidden", "message": "…", "fields": […], "request_id": "…"}`.
#[derive(Debug)]
pub struct ApiError(pub AppError, pub Vec<FieldMessage>);

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e, Vec::new())
    }
}

impl From<crate::db::StoreError> for ApiError {
    fn from(e: crate::db::StoreError) -> Self {
        ApiError(e.into(), Vec::new())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log_if_internal();
        let status = if self.1.is_empty() { self.0.status() } else { StatusCode::UNPROCESSABLE_ENTITY };
        let body = serde_json::json!({
            "error": if self.1.is_empty() { self.0.code() } else { "invalid" },
            "message": self.0.to_string(),
            "fields": self.1,
            "request_id": request_id::current(),
        });
        (status, Json(body)).into_response()
    }
}

/// Percent-encodes a value for a URL query.
pub fn url_encode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)]).map(|s| s[1..].to_string()).unwrap_or_default()
}

const DS_CSS: &str = include_str!("../../static/ds/designsystemet.css");
const THEME_CSS: &str = include_str!("../../static/ds/theme.css");
const SAMVEIS_CSS: &str = include_str!("../../static/samveis.css");

/// Static assets, compiled into the binary.
pub async fn static_file(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    let (body, kind) = match name.as_str() {
        "ds/designsystemet.css" => (DS_CSS, "text/css; charset=utf-8"),
        "ds/theme.css" => (THEME_CSS, "text/css; charset=utf-8"),
        "samveis.css" => (SAMVEIS_CSS, "text/css; charset=utf-8"),
        _ => return error_page(AppError::NotFound("Fant ikke filen.".into())),
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
        ],
        body,
    )
        .into_response()
}

/// Security headers on every response.
pub fn security_headers() -> [(header::HeaderName, HeaderValue); 7] {
    [
        // Pages can hold what a signed-in user may see: no shared or back-button caches. Static
        // files set their own caching.
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                 object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            ),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin")),
        (
            header::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        ),
        (header::HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin")),
    ]
}
