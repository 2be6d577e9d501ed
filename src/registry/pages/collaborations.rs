//! The collaboration list and one collaboration with its members and its history.

use super::CollaborationRow;
use crate::audit::{self, AuditFilter};
use crate::audit_pages::AuditView;
use crate::auth::Visitor;
use crate::error::{AppError, AppResult};
use crate::registry::collaborations as collabs;
use crate::registry::store;
use crate::registry::views::Choice;
use crate::state::AppState;
use crate::web::{Frame, Nav, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use samveis_domain::access::{Action, Resource};
use samveis_domain::registry::CollaborationKind;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct CollaborationQuery {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub status: Option<String>,
    pub q: Option<String>,
    pub lagret: Option<String>,
}

#[derive(Template)]
#[template(path = "registry/collaborations.html")]
struct CollaborationsPage {
    frame: Frame,
    kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    query: String,
    rows: Vec<CollaborationRow>,
    may_create: bool,
}

pub async fn collaborations(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<CollaborationQuery>,
) -> AppResult<Response> {
    let all = state.db.run(|conn| Ok::<_, AppError>(collabs::list(conn)?)).await?;
    let today = state.today();
    let kind = q.kind.as_deref().and_then(CollaborationKind::from_code);
    let status = q.status.clone().unwrap_or_default();
    let text = q.q.clone().unwrap_or_default();
    let rows = all
        .iter()
        .filter(|c| kind.is_none_or(|k| c.kind == k))
        .filter(|c| match status.as_str() {
            "aktive" => c.is_active_on(today),
            "avsluttede" => !c.is_active_on(today),
            _ => true,
        })
        .filter(|c| {
            samveis_domain::registry::name_matches(&text, &c.name, &c.host_name)
                || c.host_number.starts_with(text.trim())
        })
        .map(|c| CollaborationRow::new(c, today))
        .collect();
    let kind_code = kind.map(|k| k.code()).unwrap_or_default();
    let page = CollaborationsPage {
        frame: Frame::new(&visitor, "Samarbeid", Nav::Collaborations),
        kinds: CollaborationKind::ALL.into_iter().map(|k| Choice::new(k.code(), k.label(), kind_code)).collect(),
        statuses: [("aktive", "Aktive"), ("avsluttede", "Avsluttede")]
            .into_iter()
            .map(|(v, l)| Choice::new(v, l, &status))
            .collect(),
        query: text,
        rows,
        may_create: visitor.may(Action::ManageCollaboration, &Resource::Any),
    };
    Ok(render(&page))
}
#[derive(Template)]
#[template(path = "registry/collaboration.html")]
struct CollaborationPage {
    frame: Frame,
    c: CollaborationRow,
    office: String,
    note: String,
    members: Vec<collabs::Member>,
    version: i64,
    may_manage: bool,
    today: String,
    history: Vec<AuditView>,
}

pub async fn collaboration(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Query(q): Query<CollaborationQuery>,
) -> AppResult<Response> {
    let found = state
        .db
        .run(move |conn| {
            let Some(detail) = collabs::get(conn, id)? else { return Ok(None) };
            let office = match &detail.host_office {
                Some(code) => store::offices(conn)?.into_iter().find(|o| &o.code == code).map(|o| o.name),
                None => None,
            };
            let filter = AuditFilter {
                record_type: Some("samarbeid".into()),
                record_id: Some(id.to_string()),
                ..Default::default()
            };
            let history = audit::list(conn, &filter, 50)?;
            Ok::<_, AppError>(Some((detail, office, history)))
        })
        .await?;
    let Some((detail, office, history)) = found else {
        return Err(AppError::NotFound(format!("Fant ikke samarbeid {id}.")));
    };
    let offices: Vec<String> = detail.host_office.iter().cloned().collect();
    let may_manage = visitor.may(Action::ManageCollaboration, &Resource::InArea(&offices));
    let page = CollaborationPage {
        frame: Frame::new(&visitor, detail.summary.name.clone(), Nav::Collaborations)
            .with_notice(q.lagret.as_deref().map(|_| "Endringene er lagret.")),
        c: CollaborationRow::new(&detail.summary, state.today()),
        office: office.unwrap_or_default(),
        note: detail.note.clone(),
        members: detail.members.clone(),
        version: detail.version,
        may_manage,
        today: state.today().to_string(),
        history: if visitor.may(Action::ViewAuditLog, &Resource::InArea(&offices)) {
            history.iter().map(AuditView::from).collect()
        } else {
            Vec::new()
        },
    };
    Ok(render(&page))
}
