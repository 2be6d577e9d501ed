//! Registry queries: counties, municipalities with population and size class, offices and
//! code transitions. Reference data is small (under 450 rows a layout), so lists load whole
//! and the pure domain filters and sorts them.

use super::seed::{LARGE_FROM_KEY, MEDIUM_FROM_KEY};
use crate::db::schema::{
    code_transitions, counties, governor_offices, municipalities, municipality_population, office_counties, settings,
};
use crate::db::{DbConnection, StoreResult};
use diesel::prelude::*;
use samveis_domain::registry::{
    CodeMap, CountyNumber, Layout, MunicipalityNumber, MunicipalityRow, NameIndex, Registered, SizeThresholds,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub fn size_thresholds(conn: &mut DbConnection) -> StoreResult<SizeThresholds> {
    let rows: Vec<(String, String)> = settings::table
        .filter(settings::key.eq_any([MEDIUM_FROM_KEY, LARGE_FROM_KEY]))
        .select((settings::key, settings::value))
        .load(conn)?;
    let get = |key: &str| rows.iter().find(|(k, _)| k == key).and_then(|(_, v)| v.parse::<i64>().ok());
    Ok(match (get(MEDIUM_FROM_KEY), get(LARGE_FROM_KEY)) {
        (Some(m), Some(l)) => SizeThresholds::new(m, l).unwrap_or_default(),
        _ => SizeThresholds::default(),
    })
}

/// Latest population per municipality in a layout: number -> (year, population).
fn latest_population(conn: &mut DbConnection, layout: Layout) -> StoreResult<BTreeMap<String, (i32, i64)>> {
    let rows: Vec<(String, i32, i64)> = municipality_population::table
        .filter(municipality_population::layout.eq(layout.year()))
        .select((municipality_population::number, municipality_population::year, municipality_population::population))
        .load(conn)?;
    let mut latest: BTreeMap<String, (i32, i64)> = BTreeMap::new();
    for (number, year, population) in rows {
        let entry = latest.entry(number).or_insert((year, population));
        if year > entry.0 {
            *entry = (year, population);
        }
    }
    Ok(latest)
}

/// Every municipality of a layout, with county, latest population and size class.
///
/// The rows come from reference data that only changes with a release (it is compiled into the
/// binary and loaded at start), so they are kept in memory per layout and size thresholds: the
/// thresholds are read on every call, and a change to them gives a new entry.
pub fn municipality_rows(conn: &mut DbConnection, layout: Layout) -> StoreResult<Vec<MunicipalityRow>> {
    type Key = (Layout, SizeThresholds);
    static CACHE: std::sync::RwLock<Vec<(Key, Arc<Vec<MunicipalityRow>>)>> = std::sync::RwLock::new(Vec::new());
    let key = (layout, size_thresholds(conn)?);
    if let Ok(cache) = CACHE.read() {
        if let Some((_, rows)) = cache.iter().find(|(k, _)| *k == key) {
            return Ok(rows.as_ref().clone());
        }
    }
    let rows = load_municipality_rows(conn, layout, key.1)?;
    if let Ok(mut cache) = CACHE.write() {
        cache.push((key, Arc::new(rows.clone())));
    }
    Ok(rows)
}

fn load_municipality_rows(
    conn: &mut DbConnection,
    layout: Layout,
    thresholds: SizeThresholds,
) -> StoreResult<Vec<MunicipalityRow>> {
    let latest = latest_population(conn, layout)?;
    let index = name_index(conn)?;
    let rows: Vec<(String, String, String, String, String)> =
        municipalities::table
            .inner_join(counties::table.on(
                counties::layout.eq(municipalities::layout).and(counties::number.eq(municipalities::county_number)),
            ))
            .filter(municipalities::layout.eq(layout.year()))
            .select((
                municipalities::number,
                municipalities::name,
                municipalities::name_norwegian,
                municipalities::county_number,
                counties::name,
            ))
            .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(number, name, name_norwegian, county_number, county_name)| {
            let pop = latest.get(&number).copied();
            let other_names = index.other_names(layout, &number).iter().map(|(_, n)| n.clone()).collect();
            Some(MunicipalityRow {
                number: MunicipalityNumber::parse(&number).ok()?,
                name,
                name_norwegian,
                county_number: CountyNumber::parse(&county_number).ok()?,
                county_name,
                population: pop.map(|p| p.1),
                population_year: pop.map(|p| p.0),
                size_class: pop.map(|p| thresholds.classify(p.1)),
                other_names,
            })
        })
        .collect())
}

/// Every municipality of every layout with its names and the code transitions, to find a typed
/// name or number in any layout. Reference data only changes with a release, so the index is
/// built once per process (the first database asked; every database of a release has the same).
pub fn name_index(conn: &mut DbConnection) -> StoreResult<Arc<NameIndex>> {
    static INDEX: std::sync::OnceLock<Arc<NameIndex>> = std::sync::OnceLock::new();
    if let Some(index) = INDEX.get() {
        return Ok(index.clone());
    }
    let rows: Vec<(i32, String, String, String, String)> =
        municipalities::table
            .inner_join(counties::table.on(
                counties::layout.eq(municipalities::layout).and(counties::number.eq(municipalities::county_number)),
            ))
            .select((
                municipalities::layout,
                municipalities::number,
                municipalities::name,
                municipalities::name_norwegian,
                counties::name,
            ))
            .order((municipalities::layout, municipalities::number))
            .load(conn)?;
    let rows = rows
        .into_iter()
        .map(|(layout, number, name, name_norwegian, county_name)| {
            let layout = Layout::from_year(layout).map_err(|_| unknown_stored("inndeling", &layout.to_string()))?;
            Ok(Registered { layout, number, name, name_norwegian, county_name })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    if rows.is_empty() {
        return Ok(Arc::new(NameIndex::default()));
    }
    let index = Arc::new(NameIndex::new(rows, code_map(conn)?));
    Ok(INDEX.get_or_init(|| index).clone())
}

pub fn municipality_row(
    conn: &mut DbConnection,
    layout: Layout,
    number: &MunicipalityNumber,
) -> StoreResult<Option<MunicipalityRow>> {
    Ok(municipality_rows(conn, layout)?.into_iter().find(|r| &r.number == number))
}

/// The layouts a municipality number exists in, oldest first.
pub fn layouts_with(conn: &mut DbConnection, number: &MunicipalityNumber) -> StoreResult<Vec<Layout>> {
    let years: Vec<i32> = municipalities::table
        .filter(municipalities::number.eq(number.as_str()))
        .select(municipalities::layout)
        .order(municipalities::layout.asc())
        .load(conn)?;
    Ok(years.into_iter().filter_map(|y| Layout::from_year(y).ok()).collect())
}

pub fn population_by_year(
    conn: &mut DbConnection,
    layout: Layout,
    number: &MunicipalityNumber,
) -> StoreResult<Vec<(i32, i64)>> {
    Ok(municipality_population::table
        .filter(municipality_population::layout.eq(layout.year()))
        .filter(municipality_population::number.eq(number.as_str()))
        .select((municipality_population::year, municipality_population::population))
        .order(municipality_population::year.asc())
        .load(conn)?)
}

/// The years (1 January) with a population figure for every municipality of a layout, oldest first.
pub fn population_years(conn: &mut DbConnection, layout: Layout) -> StoreResult<Vec<i32>> {
    let municipalities = municipality_numbers(conn, layout)?.len() as i64;
    let counts: Vec<(i32, i64)> = municipality_population::table
        .filter(municipality_population::layout.eq(layout.year()))
        .group_by(municipality_population::year)
        .select((municipality_population::year, diesel::dsl::count_star()))
        .order(municipality_population::year.asc())
        .load(conn)?;
    Ok(counts.into_iter().filter(|(_, n)| *n == municipalities).map(|(y, _)| y).collect())
}

/// Which population years each layout has, in words: "2024, 2025 og 2026 (2024-inndelingen); …".
pub fn population_years_described(conn: &mut DbConnection) -> StoreResult<String> {
    let mut parts = Vec::new();
    for layout in [Layout::Y2024, Layout::Y2020, Layout::Y2015] {
        let years: Vec<String> = population_years(conn, layout)?.iter().map(ToString::to_string).collect();
        let years = if years.is_empty() { "ingen".to_string() } else { samveis_domain::words::listed(&years) };
        parts.push(format!("{layout}-inndelingen: {years}"));
    }
    Ok(parts.join("; "))
}

/// The set of municipality numbers in a layout, for validating what users type.
pub fn municipality_numbers(conn: &mut DbConnection, layout: Layout) -> StoreResult<BTreeSet<String>> {
    Ok(municipalities::table
        .filter(municipalities::layout.eq(layout.year()))
        .select(municipalities::number)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// Numbers and names of the given municipalities in a layout.
pub fn municipality_names(
    conn: &mut DbConnection,
    layout: Layout,
    numbers: &[String],
) -> StoreResult<BTreeMap<String, String>> {
    Ok(municipalities::table
        .filter(municipalities::layout.eq(layout.year()))
        .filter(municipalities::number.eq_any(numbers))
        .select((municipalities::number, municipalities::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

/// (number, name) of the counties in a layout, by number.
pub fn county_names(conn: &mut DbConnection, layout: Layout) -> StoreResult<Vec<(String, String)>> {
    Ok(counties::table
        .filter(counties::layout.eq(layout.year()))
        .select((counties::number, counties::name))
        .order(counties::number.asc())
        .load(conn)?)
}

#[derive(Debug, Clone, Serialize)]
pub struct CountyRow {
    pub number: String,
    pub name: String,
    pub office_code: Option<String>,
    pub office_name: Option<String>,
    pub municipality_count: usize,
    /// Sum of the members' latest population; none when the layout has no population.
    pub population: Option<i64>,
    pub population_year: Option<i32>,
}

pub fn county_rows(conn: &mut DbConnection, layout: Layout) -> StoreResult<Vec<CountyRow>> {
    let list: Vec<(String, String, Option<String>, Option<String>)> =
        counties::table
            .left_join(office_counties::table.on(
                office_counties::layout.eq(counties::layout).and(office_counties::county_number.eq(counties::number)),
            ))
            .left_join(governor_offices::table.on(governor_offices::code.eq(office_counties::office_code)))
            .filter(counties::layout.eq(layout.year()))
            .select((
                counties::number,
                counties::name,
                governor_offices::code.nullable(),
                governor_offices::name.nullable(),
            ))
            .order(counties::number.asc())
            .load(conn)?;
    let municipalities = municipality_rows(conn, layout)?;
    Ok(list
        .into_iter()
        .map(|(number, name, office_code, office_name)| {
            let members: Vec<_> = municipalities.iter().filter(|m| m.county_number.as_str() == number).collect();
            let population = members.iter().map(|m| m.population).sum::<Option<i64>>();
            let population_year = members.iter().filter_map(|m| m.population_year).max();
            CountyRow {
                number,
                name,
                office_code,
                office_name,
                municipality_count: members.len(),
                population,
                population_year,
            }
        })
        .collect())
}

#[derive(Debug, Clone, Serialize)]
pub struct Office {
    pub code: String,
    pub name: String,
}

pub fn offices(conn: &mut DbConnection) -> StoreResult<Vec<Office>> {
    Ok(governor_offices::table
        .select((governor_offices::code, governor_offices::name))
        .order(governor_offices::name.asc())
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(code, name)| Office { code, name })
        .collect())
}

/// The office whose area a municipality lies in (through its county in that layout).
pub fn office_of_municipality(conn: &mut DbConnection, layout: Layout, number: &str) -> StoreResult<Option<String>> {
    Ok(municipalities::table
        .inner_join(
            office_counties::table.on(office_counties::layout
                .eq(municipalities::layout)
                .and(office_counties::county_number.eq(municipalities::county_number))),
        )
        .filter(municipalities::layout.eq(layout.year()))
        .filter(municipalities::number.eq(number))
        .select(office_counties::office_code)
        .first(conn)
        .optional()?)
}

/// The office of every municipality of a layout, by municipality number (one query for lists).
/// The numbers of the municipalities in the offices' areas, in any layout.
pub fn municipalities_of_offices(conn: &mut DbConnection, offices: &[String]) -> StoreResult<Vec<String>> {
    Ok(municipalities::table
        .inner_join(
            office_counties::table.on(office_counties::layout
                .eq(municipalities::layout)
                .and(office_counties::county_number.eq(municipalities::county_number))),
        )
        .filter(office_counties::office_code.eq_any(offices))
        .select(municipalities::number)
        .distinct()
        .load(conn)?)
}

pub fn offices_by_municipality(conn: &mut DbConnection, layout: Layout) -> StoreResult<BTreeMap<String, String>> {
    Ok(municipalities::table
        .inner_join(
            office_counties::table.on(office_counties::layout
                .eq(municipalities::layout)
                .and(office_counties::county_number.eq(municipalities::county_number))),
        )
        .filter(municipalities::layout.eq(layout.year()))
        .select((municipalities::number, office_counties::office_code))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

/// The municipality numbers (2024 layout) in an office's area.
pub fn municipalities_of_office(conn: &mut DbConnection, office: &str) -> StoreResult<BTreeSet<String>> {
    Ok(municipalities::table
        .inner_join(
            office_counties::table.on(office_counties::layout
                .eq(municipalities::layout)
                .and(office_counties::county_number.eq(municipalities::county_number))),
        )
        .filter(office_counties::office_code.eq(office))
        .select(municipalities::number)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

#[derive(Debug, Clone, Serialize)]
pub struct Transition {
    pub layout: i32,
    pub number: String,
    pub name: String,
    pub weight_percent: i32,
    pub note: String,
}

/// For an older municipality: what it became in 2024. For a 2024 municipality: what it came
/// from. Splits carry a weight below 100 and are candidates, not shares.
pub fn transitions(
    conn: &mut DbConnection,
    layout: Layout,
    number: &MunicipalityNumber,
) -> StoreResult<Vec<Transition>> {
    let query = code_transitions::table
        .select((
            code_transitions::from_layout,
            code_transitions::from_number,
            code_transitions::to_number,
            code_transitions::weight_percent,
            code_transitions::note,
        ))
        .into_boxed();
    let query = if layout == Layout::CURRENT {
        query
            .filter(code_transitions::to_number.eq(number.as_str()))
            .filter(code_transitions::from_layout.ne(Layout::CURRENT.year()))
    } else {
        query
            .filter(code_transitions::from_layout.eq(layout.year()))
            .filter(code_transitions::from_number.eq(number.as_str()))
    };
    let rows: Vec<(i32, String, String, i32, String)> = query.load(conn)?;
    let mut out = Vec::new();
    for (from_layout, from, to, weight_percent, note) in rows {
        let (target_layout, target) = if layout == Layout::CURRENT { (from_layout, from) } else { (2024, to) };
        let name: Option<String> = municipalities::table
            .filter(municipalities::layout.eq(target_layout))
            .filter(municipalities::number.eq(&target))
            .select(municipalities::name)
            .first(conn)
            .optional()?;
        out.push(Transition {
            layout: target_layout,
            number: target,
            name: name.unwrap_or_default(),
            weight_percent,
            note,
        });
    }
    out.sort_by(|a, b| (a.layout, &a.number).cmp(&(b.layout, &b.number)));
    Ok(out)
}

/// Every code transition, to read one layout's numbers in another.
pub fn code_map(conn: &mut DbConnection) -> StoreResult<CodeMap> {
    let rows: Vec<(i32, String, String)> = code_transitions::table
        .select((code_transitions::from_layout, code_transitions::from_number, code_transitions::to_number))
        .load(conn)?;
    let rows = rows
        .into_iter()
        .map(|(layout, from, to)| {
            let layout = Layout::from_year(layout).map_err(|_| unknown_stored("inndeling", &layout.to_string()))?;
            Ok((layout, from, to))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(CodeMap::new(rows))
}

/// A stored value the code does not know (a kind, a layout, a number): the row cannot be read,
/// and says so instead of being left out.
pub fn unknown_stored(what: &str, value: &str) -> crate::db::StoreError {
    let message = format!("ukjent {what} «{value}» i databasen");
    diesel::result::Error::DeserializationError(message.into()).into()
}
