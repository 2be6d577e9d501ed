//! The audit trail page (`/admin/logg`): every change, filterable by user, record and date.

use crate::audit::{self, AuditEvent, AuditFilter};
use crate::audit_view::{FieldChange, changes};
use crate::auth::PageUser;
use crate::error::{AppError, AppResult};
use crate::registry::views::Choice;
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use samveis_domain::access::{Action, Resource};
use serde::Deserialize;

const PAGE_LIMIT: i64 = 200;

/// One change as the audit pages show it: when, who, what, and each field before and after.
pub struct AuditView {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub changes: Vec<FieldChange>,
    /// What was stored but is not JSON (never expected), shown as it is.
    pub raw: String,
}

impl From<&AuditEvent> for AuditView {
    fn from(e: &AuditEvent) -> Self {
        let parse = |v: &Option<String>| -> Result<Option<serde_json::Value>, String> {
            v.as_deref().map(|s| serde_json::from_str(s).map_err(|_| s.to_string())).transpose()
        };
        let (changes, raw) = match (parse(&e.before), parse(&e.after)) {
            (Ok(before), Ok(after)) => (changes(before.as_ref(), after.as_ref()), String::new()),
            (b, a) => (Vec::new(), [b.err(), a.err()].into_iter().flatten().collect::<Vec<_>>().join(" → ")),
        };
        AuditView {
            at: format::datetime(e.occurred_at),
            actor: e.actor.clone(),
            action: e.action.clone(),
            changes,
            raw,
        }
    }
}

/// The record types every part of Samveis writes to the trail, with how the filter names them.
const RECORD_TYPES: [(&str, &str); 10] = [
    ("bruker", "Bruker"),
    ("indikator", "Indikator"),
    ("innlevering", "Innlevering"),
    ("kalenderhendelse", "Hendelse i kalenderen"),
    ("runde", "Rapporteringsrunde"),
    ("samarbeid", "Samarbeid"),
    ("skjema", "Skjema"),
    ("søknad", "Søknad om tilskudd"),
    ("tilskuddsordning", "Tilskuddsordning"),
    ("utboks", "E-post i utboksen"),
];

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
    types: Vec<Choice>,
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
        "innlevering" => format!("/rapportering/innleveringer/{id}"),
        "kalenderhendelse" => format!("/kalender/hendelser/{id}"),
        "runde" => format!("/rapportering/runder/{id}"),
        "skjema" => format!("/rapportering/maler/{id}"),
        "søknad" => format!("/tilskudd/soknader/{id}"),
        "tilskuddsordning" => format!("/tilskudd/{id}"),
        _ => String::new(),
    }
}

/// The filter's record types: every known one, and any other found in the trail.
fn type_choices(found: Vec<String>, current: &str) -> Vec<Choice> {
    let mut choices: Vec<Choice> =
        RECORD_TYPES.iter().map(|(code, label)| Choice::new(*code, *label, current)).collect();
    for other in found.into_iter().filter(|f| !RECORD_TYPES.iter().any(|(c, _)| c == f)) {
        choices.push(Choice::new(other.clone(), other, current));
    }
    choices
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
    let (events, found) = state
        .db
        .run(move |conn| Ok::<_, AppError>((audit::list(conn, &filter, PAGE_LIMIT)?, audit::record_types(conn)?)))
        .await?;
    let types = type_choices(found, q.record_type.as_deref().unwrap_or_default());
    let rows = events
        .iter()
        .map(|e| RecordRow {
            record_type: e.record_type.clone(),
            record_id: e.record_id.clone(),
            link: record_link(&e.record_type, &e.record_id),
            view: AuditView::from(e),
        })
        .collect();
    let page =
        AuditPage { frame: Frame::new(&visitor, "Endringslogg", Nav::AuditLog), q, rows, types, limit: PAGE_LIMIT };
    Ok(render(&page))
}
