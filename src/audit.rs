//! Audit trail (endringslogg): every change to collaborations, users and role assignments,
//! with who, when, which record, and the value before and after. Written in the same
//! transaction as the change, so there is no change without its entry.

use crate::db::schema::audit_events;
use crate::db::{DbConnection, StoreResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

/// Who made a change: a logged-in user, or the system (CLI, demo loader).
#[derive(Debug, Clone)]
pub struct Author {
    pub user_id: Option<i64>,
    pub label: String,
}

impl Author {
    pub fn system(label: &str) -> Author {
        Author { user_id: None, label: label.to_string() }
    }
}

pub struct Change<'a> {
    pub action: &'a str,
    pub record_type: &'a str,
    pub record_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// A change whose before and after are JSON text already (an import has the stored text).
pub struct JsonChange<'a> {
    pub action: &'a str,
    pub record_type: &'a str,
    pub record_id: String,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

pub fn record(conn: &mut DbConnection, author: &Author, now: NaiveDateTime, change: Change) -> StoreResult<()> {
    let json = |v: Option<serde_json::Value>| v.map(|v| v.to_string());
    let (before, after) = (json(change.before), json(change.after));
    let change = JsonChange {
        action: change.action,
        record_type: change.record_type,
        record_id: change.record_id,
        before: before.as_deref(),
        after: after.as_deref(),
    };
    record_all(conn, author, now, vec![change])
}

/// Several changes by one author at one moment, in few statements (an import).
pub fn record_all(
    conn: &mut DbConnection,
    author: &Author,
    now: NaiveDateTime,
    changes: Vec<JsonChange>,
) -> StoreResult<()> {
    let rows: Vec<_> = changes
        .into_iter()
        .map(|change| {
            (
                audit_events::occurred_at.eq(now),
                audit_events::user_id.eq(author.user_id),
                audit_events::actor.eq(&author.label),
                audit_events::action.eq(change.action),
                audit_events::record_type.eq(change.record_type),
                audit_events::record_id.eq(change.record_id),
                audit_events::before_json.eq(change.before),
                audit_events::after_json.eq(change.after),
            )
        })
        .collect();
    // 8 bound values a row, and snapshots of some kilobytes: 250 rows a statement.
    for chunk in rows.chunks(250) {
        crate::per_backend!(conn, |c| diesel::insert_into(audit_events::table).values(chunk).execute(c))?;
    }
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Queryable)]
pub struct AuditEvent {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub record_type: String,
    pub record_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Newest first, at most `limit` events.
pub fn list(conn: &mut DbConnection, filter: &AuditFilter, limit: i64) -> StoreResult<Vec<AuditEvent>> {
    let mut query = audit_events::table.into_boxed();
    if let Some(actor) = filter.actor.as_deref().filter(|a| !a.is_empty()) {
        query = query.filter(audit_events::actor.like(format!("%{}%", escape_like(actor))).escape('\\'));
    }
    if let Some(t) = filter.record_type.as_deref().filter(|t| !t.is_empty()) {
        query = query.filter(audit_events::record_type.eq(t.to_string()));
    }
    if let Some(id) = filter.record_id.as_deref().filter(|t| !t.is_empty()) {
        query = query.filter(audit_events::record_id.eq(id.to_string()));
    }
    if let Some(from) = filter.from.and_then(|d| d.and_hms_opt(0, 0, 0)) {
        query = query.filter(audit_events::occurred_at.ge(from));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()).and_then(|d| d.and_hms_opt(0, 0, 0)) {
        query = query.filter(audit_events::occurred_at.lt(to));
    }
    Ok(query
        .select((
            audit_events::id,
            audit_events::occurred_at,
            audit_events::actor,
            audit_events::action,
            audit_events::record_type,
            audit_events::record_id,
            audit_events::before_json,
            audit_events::after_json,
        ))
        .order(audit_events::id.desc())
        .limit(limit)
        .load::<AuditEvent>(conn)?)
}

/// The record types found in the trail, for the filter.
pub fn record_types(conn: &mut DbConnection) -> StoreResult<Vec<String>> {
    Ok(audit_events::table.select(audit_events::record_type).distinct().load::<String>(conn)?)
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}
