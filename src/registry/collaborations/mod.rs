//! Collaborations (samarbeid): what is stored of them and how it is read. The use cases that
//! change one (create, edit, end) are in [`save`], the stored writes in [`write`].

mod save;
mod write;

pub use save::{EditCollaboration, EndCollaboration, create, end, load_for_change, update};
pub use write::{backfill_codes, insert};

use super::store::{self, unknown_stored};
use crate::db::schema::{collaboration_members, collaborations, municipalities};
use crate::db::{DbConnection, StoreResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use samveis_domain::registry::{Collaboration, CollaborationKind, Layout, MunicipalityNumber};
use serde::Serialize;
use std::collections::BTreeSet;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Member {
    pub number: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CollaborationSummary {
    pub id: i64,
    /// Given from the name at registration and kept through renames: the DHIS2 org unit code.
    #[schema(example = "RKK_SALTEN")]
    pub code: String,
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
    /// The stored collaboration as the domain knows it; a stored number that does not parse is
    /// an error, never dropped.
    pub fn to_domain(&self) -> StoreResult<Collaboration> {
        let number = |n: &str| MunicipalityNumber::parse(n).map_err(|_| unknown_stored("kommunenummer", n));
        Ok(Collaboration {
            name: self.summary.name.clone(),
            kind: self.summary.kind,
            layout: self.summary.layout,
            host: number(&self.summary.host_number)?,
            members: self.members.iter().map(|m| number(&m.number)).collect::<StoreResult<_>>()?,
            valid_from: self.summary.valid_from,
            valid_to: self.summary.valid_to,
            note: self.note.clone(),
        })
    }
}

type SummaryRow = (i64, Option<String>, String, String, i32, String, String, NaiveDate, Option<NaiveDate>);

fn summaries(conn: &mut DbConnection, only: Option<Vec<i64>>) -> StoreResult<Vec<CollaborationSummary>> {
    let mut query = collaborations::table
        .inner_join(
            municipalities::table.on(municipalities::layout
                .eq(collaborations::layout)
                .and(municipalities::number.eq(collaborations::host_number))),
        )
        .select((
            collaborations::id,
            collaborations::code,
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
    rows.into_iter()
        .map(|(id, code, name, kind, layout, host_number, host_name, valid_from, valid_to)| {
            Ok(CollaborationSummary {
                id,
                code: code.unwrap_or_default(),
                name,
                kind: CollaborationKind::from_code(&kind).ok_or_else(|| unknown_stored("samarbeidstype", &kind))?,
                layout: Layout::from_year(layout).map_err(|_| unknown_stored("inndeling", &layout.to_string()))?,
                host_number,
                host_name,
                member_count: counts.iter().find(|(c, _)| *c == id).map_or(0, |(_, n)| *n as usize),
                valid_from,
                valid_to,
            })
        })
        .collect()
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

/// The collaborations with their host or a member among `area` (municipality numbers of
/// `layout`), whatever layout they were registered in: the numbers of another layout are read
/// through the code transitions.
pub fn touching(
    conn: &mut DbConnection,
    layout: Layout,
    area: &BTreeSet<String>,
) -> StoreResult<Vec<CollaborationSummary>> {
    let codes = store::code_map(conn)?;
    let members: Vec<(i64, String)> = collaboration_members::table
        .select((collaboration_members::collaboration_id, collaboration_members::municipality_number))
        .load(conn)?;
    let mut found = Vec::new();
    for c in list(conn)? {
        let mut numbers: Vec<&str> = members.iter().filter(|(id, _)| *id == c.id).map(|(_, n)| n.as_str()).collect();
        numbers.push(&c.host_number);
        if codes.any_in(c.layout, &numbers, layout, area) {
            found.push(c);
        }
    }
    Ok(found)
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
