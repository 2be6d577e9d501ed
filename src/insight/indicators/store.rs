//! Storage of indicator definitions, and the values and geography they are computed from.

use crate::db::schema::{
    code_transitions, collaborations, grant_applications, grant_decisions, indicators, ledger_entries, reported_values,
};
use crate::db::{DbConnection, StoreResult};
use crate::registry::store as registry;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use samveis_domain::insight::indicator::{Definition, Fact, OrgKind, Source};
use samveis_domain::insight::placement::{Geography, Transition};
use samveis_domain::registry::Layout;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct IndicatorRow {
    pub definition: Definition,
    pub builtin: bool,
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

type Row = (String, String, bool, i64, NaiveDateTime);

fn row((code, json, builtin, version, updated_at): Row) -> Option<IndicatorRow> {
    // A definition that no longer parses is skipped rather than breaking every view.
    let definition: Definition = serde_json::from_str(&json).ok()?;
    (definition.code == code).then_some(IndicatorRow { definition, builtin, version, updated_at })
}

fn columns()
-> (indicators::code, indicators::definition, indicators::builtin, indicators::version, indicators::updated_at) {
    (indicators::code, indicators::definition, indicators::builtin, indicators::version, indicators::updated_at)
}

pub fn all(conn: &mut DbConnection) -> StoreResult<Vec<IndicatorRow>> {
    let rows: Vec<Row> = indicators::table.select(columns()).order(indicators::code.asc()).load(conn)?;
    Ok(rows.into_iter().filter_map(row).collect())
}

/// Every stored code, also of a definition that no longer reads.
pub fn codes(conn: &mut DbConnection) -> StoreResult<std::collections::BTreeSet<String>> {
    Ok(indicators::table.select(indicators::code).load::<String>(conn)?.into_iter().collect())
}

pub fn one(conn: &mut DbConnection, code: &str) -> StoreResult<Option<IndicatorRow>> {
    let r: Option<Row> = indicators::table.find(code).select(columns()).first(conn).optional()?;
    Ok(r.and_then(row))
}

fn json(d: &Definition) -> String {
    serde_json::to_string(d).unwrap_or_default()
}

pub fn insert(conn: &mut DbConnection, d: &Definition, builtin: bool, now: NaiveDateTime) -> StoreResult<()> {
    diesel::insert_into(indicators::table)
        .values((
            indicators::code.eq(&d.code),
            indicators::definition.eq(json(d)),
            indicators::builtin.eq(builtin),
            indicators::version.eq(1_i64),
            indicators::created_at.eq(now),
            indicators::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Writes a changed definition if the stored version is still `expected`.
pub fn update(conn: &mut DbConnection, d: &Definition, expected: i64, now: NaiveDateTime) -> StoreResult<bool> {
    let n = diesel::update(indicators::table.find(&d.code).filter(indicators::version.eq(expected)))
        .set((indicators::definition.eq(json(d)), indicators::version.eq(expected + 1), indicators::updated_at.eq(now)))
        .execute(conn)?;
    Ok(n == 1)
}

fn org_kind(code: &str) -> Option<OrgKind> {
    match code {
        "municipality" => Some(OrgKind::Municipality),
        "collaboration" => Some(OrgKind::Collaboration),
        "county" => Some(OrgKind::County),
        _ => None,
    }
}

type FactRow = (String, String, i32, NaiveDate, i64, Option<i64>, String);

/// The values an indicator aggregates, from the first to the last day of a period.
pub fn facts(conn: &mut DbConnection, source: &Source, (from, to): (NaiveDate, NaiveDate)) -> StoreResult<Vec<Fact>> {
    let rows: Vec<FactRow> = match source {
        Source::Field { form, element } => reported_values::table
            .filter(reported_values::form_code.eq(form))
            .filter(reported_values::element.eq(element))
            .filter(reported_values::period_end.between(from, to))
            .select((
                reported_values::org_kind,
                reported_values::org_id,
                reported_values::layout,
                reported_values::period_end,
                reported_values::submission_id,
                reported_values::number,
                reported_values::text,
            ))
            .load(conn)?,
        Source::Ledger { entry_kind } => ledger_entries::table
            .inner_join(grant_decisions::table.inner_join(grant_applications::table))
            .filter(ledger_entries::kind.eq(entry_kind))
            .filter(ledger_entries::entry_date.between(from, to))
            .select((
                grant_applications::applicant_kind,
                grant_applications::applicant_id,
                grant_applications::layout,
                ledger_entries::entry_date,
                ledger_entries::id,
                ledger_entries::amount.nullable(),
                ledger_entries::note,
            ))
            .load::<FactRow>(conn)?
            .into_iter()
            .map(|(k, id, l, d, e, amount, _)| (k, id, l, d, e, amount.map(|a| a * 100), String::new()))
            .collect(),
    };
    Ok(rows
        .into_iter()
        .filter_map(|(kind, org_id, layout, day, id, number, text)| {
            Some(Fact {
                org_kind: org_kind(&kind)?,
                org_id,
                layout,
                when: (day, id),
                number,
                text: (!text.is_empty()).then_some(text),
            })
        })
        .collect())
}

/// The chosen layout's municipalities, counties and collaborations, and the code transitions
/// that place other layouts' numbers on it.
pub fn geography(conn: &mut DbConnection, layout: Layout) -> StoreResult<Geography> {
    let municipalities: BTreeMap<String, (String, String)> = registry::municipality_rows(conn, layout)?
        .into_iter()
        .map(|m| (m.number.to_string(), (m.name, m.county_number.to_string())))
        .collect();
    let counties = registry::county_names(conn, layout)?.into_iter().collect();
    let transitions: Vec<(i32, String, String, i32)> = code_transitions::table
        .select((
            code_transitions::from_layout,
            code_transitions::from_number,
            code_transitions::to_number,
            code_transitions::weight_percent,
        ))
        .load(conn)?;
    let transitions = transitions.into_iter().map(|(from_layout, from_number, to_number, weight_percent)| Transition {
        from_layout,
        from_number,
        to_number,
        weight_percent,
    });
    let places = Geography::new(layout.year(), municipalities.clone(), counties, transitions, BTreeMap::new());
    let hosts: Vec<(i64, String, i32, String)> = collaborations::table
        .select((collaborations::id, collaborations::name, collaborations::layout, collaborations::host_number))
        .load(conn)?;
    let collaborations = hosts
        .into_iter()
        .filter_map(|(id, name, host_layout, host)| {
            let placed = places.place(OrgKind::Municipality, &host, host_layout);
            let county = placed.parts.first().and_then(|(n, _)| places.county_of(n))?.to_string();
            Some((id.to_string(), (name, county)))
        })
        .collect();
    Ok(places.with_collaborations(collaborations))
}

/// The first and the last day any value of a source describes.
pub fn span(conn: &mut DbConnection, source: &Source) -> StoreResult<Option<(NaiveDate, NaiveDate)>> {
    use diesel::dsl::{max, min};
    let (first, last): (Option<NaiveDate>, Option<NaiveDate>) = match source {
        Source::Field { form, element } => reported_values::table
            .filter(reported_values::form_code.eq(form))
            .filter(reported_values::element.eq(element))
            .select((min(reported_values::period_end), max(reported_values::period_end)))
            .first(conn)?,
        Source::Ledger { entry_kind } => ledger_entries::table
            .filter(ledger_entries::kind.eq(entry_kind))
            .select((min(ledger_entries::entry_date), max(ledger_entries::entry_date)))
            .first(conn)?,
    };
    Ok(first.zip(last))
}
