//! The audit trail page (`/admin/logg`): every change, filterable by user, record and date.

use crate::audit::{self, AuditEvent, AuditFilter};
use crate::auth::PageUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use samveis_domain::access::{Action, Resource};
use serde::Deserialize;

const PAGE_LIMIT: i64 = 200;

/// One change as the audit pages show it: when, who, what, and the record before and after.
pub struct AuditView {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub before: String,
    pub after: String,
}

impl From<&AuditEvent> for AuditView {
    fn from(e: &AuditEvent) -> Self {
        let pretty = |v: &Option<String>| {
            v.as_deref()
                .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .unwrap_or_default()
        };
        AuditView {
            at: format::datetime(e.occurred_at),
            actor: e.actor.clone(),
            action: e.action.clone(),
            before: pretty(&e.before),
            after: pretty(&e.after),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    pub bruker: Option<String>,
    #[serde(rename = "type")]
    pub record_type: Option<String>,
    pub id: Option<String>,
    pub fra: Option<String>,
    pub til: Option<String>,
}

pub struct RecordRow {
    pub record_type: String,
    pub record_id: String,
    pub link: String,
    pub view: AuditView,
}

#[derive(Template)]
#[template(path = "audit/page.html")]
struct AuditPage {
    frame: Frame,
    q: AuditQuery,
    rows: Vec<RecordRow>,
    limit: i64,
}

fn parse_date(field: &str, value: Option<&str>) -> AppResult<Option<NaiveDate>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::BadRequest(format!("{field}: «{v}» er ikke en gyldig dato (ÅÅÅÅ-MM-DD)."))),
    }
}

fn record_link(record_type: &str, id: &str) -> String {
    match record_type {
        "samarbeid" => format!("/samarbeid/{id}"),
        "bruker" => format!("/admin/brukere/{id}"),
        "indikator" => format!("/innsikt/indikatorer/{id}"),
        _ => String::new(),
    }
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    // County officers see the history of their own records on those records' pages.
    user.require(Action::ViewAuditLog, &Resource::Any)?;
    let filter = AuditFilter {
        actor: q.bruker.clone(),
        record_type: q.record_type.clone(),
        record_id: q.id.clone(),
        from: parse_date("Fra", q.fra.as_deref())?,
        to: parse_date("Til", q.til.as_deref())?,
    };
    let events = state.db.run(move |conn| Ok::<_, AppError>(audit::list(conn, &filter, PAGE_LIMIT)?)).await?;
    let rows = events
        .iter()
        .map(|e| RecordRow {
            record_type: e.record_type.clone(),
            record_id: e.record_id.clone(),
            link: record_link(&e.record_type, &e.record_id),
            view: AuditView::from(e),
        })
        .collect();
    let page = AuditPage { frame: Frame::new(&visitor, "Endringslogg", Nav::AuditLog), q, rows, limit: PAGE_LIMIT };
    Ok(render(&page))
}
