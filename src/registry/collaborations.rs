//! Collaborations (samarbeid): storage and the use cases create, edit and end. Each use case
//! asks the policy, validates through the domain, writes with a version check and records the
//! change in the audit trail, all in one transaction.

use super::store;
use crate::audit::{self, Author, Change};
use crate::db::schema::{collaboration_members, collaborations, municipalities};
use crate::db::{DbConnection, StoreError, StoreResult};
use crate::error::{AppError, VERSION_CONFLICT};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use samveis_domain::access::{Action, Actor, Resource, may};
use samveis_domain::registry::{
    Collaboration, CollaborationDraft, CollaborationError, CollaborationKind, Layout, MunicipalityNumber,
};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Member {
    pub number: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CollaborationSummary {
    pub id: i64,
    pub name: String,
    #[schema(value_type = String, example = "project")]
    pub kind: CollaborationKind,
    #[schema(value_type = i32, example = 2024)]
    pub layout: Layout,
    pub host_number: String,
    pub host_name: String,
    pub member_count: usize,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

impl CollaborationSummary {
    pub fn is_active_on(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|to| to >= day)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CollaborationDetail {
    #[serde(flatten)]
    pub summary: CollaborationSummary,
    pub note: String,
    pub version: i64,
    pub members: Vec<Member>,
    pub host_office: Option<String>,
    pub updated_at: NaiveDateTime,
}

impl CollaborationDetail {
    pub fn to_domain(&self) -> Option<Collaboration> {
        Some(Collaboration {
            name: self.summary.name.clone(),
            kind: self.summary.kind,
            layout: self.summary.layout,
            host: MunicipalityNumber::parse(&self.summary.host_number).ok()?,
            members: self.members.iter().filter_map(|m| MunicipalityNumber::parse(&m.number).ok()).collect(),
            valid_from: self.summary.valid_from,
            valid_to: self.summary.valid_to,
            note: self.note.clone(),
        })
    }
}

type SummaryRow = (i64, String, String, i32, String, String, NaiveDate, Option<NaiveDate>);

fn summaries(conn: &mut DbConnection, only: Option<Vec<i64>>) -> StoreResult<Vec<CollaborationSummary>> {
    let mut query = collaborations::table
        .inner_join(
            municipalities::table.on(municipalities::layout
                .eq(collaborations::layout)
                .and(municipalities::number.eq(collaborations::host_number))),
        )
        .select((
            collaborations::id,
            collaborations::name,
            collaborations::kind,
            collaborations::layout,
            collaborations::host_number,
            municipalities::name,
            collaborations::valid_from,
            collaborations::valid_to,
        ))
        .order((collaborations::name.asc(), collaborations::id.asc()))
        .into_boxed();
    if let Some(ids) = only {
        query = query.filter(collaborations::id.eq_any(ids));
    }
    let rows: Vec<SummaryRow> = query.load(conn)?;
    let counts: Vec<(i64, i64)> = collaboration_members::table
        .group_by(collaboration_members::collaboration_id)
        .select((collaboration_members::collaboration_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, name, kind, layout, host_number, host_name, valid_from, valid_to)| {
            Some(CollaborationSummary {
                id,
                name,
                kind: CollaborationKind::from_code(&kind)?,
                layout: Layout::from_year(layout).ok()?,
                host_number,
                host_name,
                member_count: counts.iter().find(|(c, _)| *c == id).map_or(0, |(_, n)| *n as usize),
                valid_from,
                valid_to,
            })
        })
        .collect())
}

pub fn list(conn: &mut DbConnection) -> StoreResult<Vec<CollaborationSummary>> {
    summaries(conn, None)
}

/// The collaborations a municipality (in a layout) is a member of.
pub fn of_municipality(
    conn: &mut DbConnection,
    layout: Layout,
    number: &MunicipalityNumber,
) -> StoreResult<Vec<CollaborationSummary>> {
    let ids: Vec<i64> = collaboration_members::table
        .inner_join(collaborations::table)
        .filter(collaboration_members::municipality_number.eq(number.as_str()))
        .filter(collaborations::layout.eq(layout.year()))
        .select(collaboration_members::collaboration_id)
        .load(conn)?;
    summaries(conn, Some(ids))
}

pub fn get(conn: &mut DbConnection, id: i64) -> StoreResult<Option<CollaborationDetail>> {
    let Some(summary) = summaries(conn, Some(vec![id]))?.into_iter().next() else {
        return Ok(None);
    };
    let (note, version, updated_at): (String, i64, NaiveDateTime) = collaborations::table
        .find(id)
        .select((collaborations::note, collaborations::version, collaborations::updated_at))
        .first(conn)?;
    let numbers: Vec<String> = collaboration_members::table
        .filter(collaboration_members::collaboration_id.eq(id))
        .order(collaboration_members::position.asc())
        .select(collaboration_members::municipality_number)
        .load(conn)?;
    let names = store::municipality_names(conn, summary.layout, &numbers)?;
    let members = numbers
        .into_iter()
        .map(|number| Member { name: names.get(&number).cloned().unwrap_or_default(), number })
        .collect();
    let host_office = store::office_of_municipality(conn, summary.layout, &summary.host_number)?;
    Ok(Some(CollaborationDetail { summary, note, version, members, host_office, updated_at }))
}

fn write_members(conn: &mut DbConnection, id: i64, members: &[MunicipalityNumber]) -> StoreResult<()> {
    diesel::delete(collaboration_members::table.filter(collaboration_members::collaboration_id.eq(id)))
        .execute(conn)?;
    let rows: Vec<_> = members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            (
                collaboration_members::collaboration_id.eq(id),
                collaboration_members::municipality_number.eq(m.as_str()),
                collaboration_members::position.eq(i as i32),
            )
        })
        .collect();
    crate::per_backend!(conn, |c| diesel::insert_into(collaboration_members::table).values(&rows).execute(c))?;
    Ok(())
}

/// The stored columns of a collaboration that a user edits.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = collaborations, treat_none_as_null = true)]
struct EditableColumns<'a> {
    name: &'a str,
    kind: &'a str,
    layout: i32,
    host_number: &'a str,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    note: &'a str,
}

impl<'a> From<&'a Collaboration> for EditableColumns<'a> {
    fn from(c: &'a Collaboration) -> Self {
        EditableColumns {
            name: &c.name,
            kind: c.kind.code(),
            layout: c.layout.year(),
            host_number: c.host.as_str(),
            valid_from: c.valid_from,
            valid_to: c.valid_to,
            note: &c.note,
        }
    }
}

pub fn insert(conn: &mut DbConnection, c: &Collaboration, now: NaiveDateTime) -> StoreResult<i64> {
    crate::generation::changed(conn)?;
    let id: i64 = diesel::insert_into(collaborations::table)
        .values((
            EditableColumns::from(c),
            collaborations::version.eq(1_i64),
            collaborations::created_at.eq(now),
            collaborations::updated_at.eq(now),
        ))
        .returning(collaborations::id)
        .get_result(conn)?;
    write_members(conn, id, &c.members)?;
    Ok(id)
}

/// Writes a new state if the stored version is still `expected_version`; false otherwise.
fn update_versioned(
    conn: &mut DbConnection,
    id: i64,
    expected_version: i64,
    c: &Collaboration,
    now: NaiveDateTime,
) -> StoreResult<bool> {
    let changed = diesel::update(
        collaborations::table.filter(collaborations::id.eq(id)).filter(collaborations::version.eq(expected_version)),
    )
    .set((
        EditableColumns::from(c),
        collaborations::version.eq(expected_version + 1),
        collaborations::updated_at.eq(now),
    ))
    .execute(conn)?;
    if changed == 1 {
        write_members(conn, id, &c.members)?;
    }
    Ok(changed == 1)
}

/// Why saving a collaboration did not happen.
#[derive(Debug)]
pub enum SaveError {
    /// The draft broke rules; each error names its field and value.
    Invalid(Vec<CollaborationError>),
    Refused(AppError),
}

impl From<StoreError> for SaveError {
    fn from(e: StoreError) -> Self {
        SaveError::Refused(e.into())
    }
}

impl From<diesel::result::Error> for SaveError {
    fn from(e: diesel::result::Error) -> Self {
        SaveError::Refused(e.into())
    }
}

impl From<AppError> for SaveError {
    fn from(e: AppError) -> Self {
        SaveError::Refused(e)
    }
}

fn validate(conn: &mut DbConnection, draft: &CollaborationDraft) -> Result<Collaboration, SaveError> {
    let layout = Layout::parse(&draft.layout).unwrap_or(Layout::CURRENT);
    let known = store::municipality_numbers(conn, layout)?;
    draft.validate(|l, n| l == layout && known.contains(n.as_str())).map_err(SaveError::Invalid)
}

fn require_area(conn: &mut DbConnection, actor: &Actor, c: &Collaboration) -> Result<(), SaveError> {
    let office = store::office_of_municipality(conn, c.layout, c.host.as_str())?;
    let offices: Vec<String> = office.into_iter().collect();
    if may(Some(actor), Action::ManageCollaboration, &Resource::InArea(&offices)) {
        Ok(())
    } else {
        Err(AppError::Forbidden.into())
    }
}

fn snapshot(c: &Collaboration) -> Option<serde_json::Value> {
    serde_json::to_value(c).ok()
}

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    author: &Author,
    now: NaiveDateTime,
    draft: &CollaborationDraft,
) -> Result<i64, SaveError> {
    conn.transaction(|conn| {
        let c = validate(conn, draft)?;
        require_area(conn, actor, &c)?;
        let id = insert(conn, &c, now)?;
        let change = Change {
            action: "opprettet",
            record_type: "samarbeid",
            record_id: id.to_string(),
            before: None,
            after: snapshot(&c),
        };
        audit::record(conn, author, now, change)?;
        Ok(id)
    })
}

/// Loads a collaboration the actor may change, or says why not.
pub fn load_for_change(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<CollaborationDetail, AppError> {
    let detail = get(conn, id)?.ok_or_else(|| AppError::NotFound(format!("Fant ikke samarbeid {id}.")))?;
    let offices: Vec<String> = detail.host_office.iter().cloned().collect();
    if may(Some(actor), Action::ManageCollaboration, &Resource::InArea(&offices)) {
        Ok(detail)
    } else {
        Err(AppError::Forbidden)
    }
}

pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    author: &Author,
    now: NaiveDateTime,
    id: i64,
    expected_version: i64,
    draft: &CollaborationDraft,
) -> Result<(), SaveError> {
    conn.transaction(|conn| {
        let before = load_for_change(conn, actor, id)?;
        let c = validate(conn, draft)?;
        require_area(conn, actor, &c)?;
        if before.version != expected_version || !update_versioned(conn, id, expected_version, &c, now)? {
            return Err(AppError::Conflict(VERSION_CONFLICT.into()).into());
        }
        crate::generation::changed(conn)?;
        let change = Change {
            action: "endret",
            record_type: "samarbeid",
            record_id: id.to_string(),
            before: before.to_domain().as_ref().and_then(snapshot),
            after: snapshot(&c),
        };
        audit::record(conn, author, now, change)?;
        Ok(())
    })
}

/// Ends a collaboration on `end` (sets its last valid day), keeping everything else.
#[allow(clippy::too_many_arguments)] // one use case: who, when, which record and version, what
pub fn end(
    conn: &mut DbConnection,
    actor: &Actor,
    author: &Author,
    now: NaiveDateTime,
    id: i64,
    expected_version: i64,
    end: &str,
) -> Result<(), SaveError> {
    if end.trim().is_empty() {
        return Err(AppError::BadRequest("Oppgi siste dag samarbeidet gjelder.".into()).into());
    }
    let before = load_for_change(conn, actor, id)?;
    let mut draft = before.to_domain().as_ref().map(CollaborationDraft::from).unwrap_or_default();
    draft.valid_to = end.to_string();
    update(conn, actor, author, now, id, expected_version, &draft)
}
