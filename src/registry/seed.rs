//! Reference data (referansedata): the three layouts, population and code transitions, shipped
//! in `data/registry/` and compiled into the binary. Loaded once, in one transaction.

use crate::db::schema::{
    code_transitions, counties, governor_offices, municipalities, municipality_population, office_counties, settings,
};
use crate::db::{DbConnection, StoreError, StoreResult};
use crate::per_backend;
use diesel::prelude::*;
use samveis_domain::registry::{SizeThresholds, official_name};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Bump when the files in data/registry change, so existing databases are reloaded.
const REFERENCE_DATA_VERSION: &str = "2026-12-04b";
const VERSION_KEY: &str = "reference_data_version";
pub const MEDIUM_FROM_KEY: &str = "size_class_medium_from";
pub const LARGE_FROM_KEY: &str = "size_class_large_from";

const LAYOUT_FILES: [(i32, &str); 3] = [
    (2015, include_str!("../../data/registry/kommuner-2015.csv")),
    (2020, include_str!("../../data/registry/kommuner-2020.csv")),
    (2024, include_str!("../../data/registry/kommuner-2024.csv")),
];
/// Population by year and layout beyond the layout files' own columns (see `data/registry/SOURCES.md`).
const POPULATION_FILES: [(i32, &str, &str); 2] = [
    (2020, "befolkning-2020-inndeling.csv", include_str!("../../data/registry/befolkning-2020-inndeling.csv")),
    (2024, "befolkning-2024-inndeling.csv", include_str!("../../data/registry/befolkning-2024-inndeling.csv")),
];
const TRANSITIONS: &str = include_str!("../../data/registry/kommunenummer-overgang.csv");
const OFFICES: &str = include_str!("../../data/registry/statsforvalterembeter.csv");

#[derive(Deserialize)]
struct MunicipalityRecord {
    kommunenummer: String,
    navn: String,
    navn_norsk: String,
    fylkesnummer: String,
    fylkesnavn: String,
    innbyggere: Option<i64>,
    #[serde(rename = "kilde_år")]
    kilde_ar: Option<i32>,
    innbyggere_2022: Option<i64>,
}

#[derive(Deserialize)]
struct PopulationRecord {
    kommunenummer: String,
    #[serde(rename = "år")]
    ar: i32,
    innbyggere: i64,
}

#[derive(Deserialize)]
struct TransitionRecord {
    fra_inndeling: i32,
    kommunenummer_fra: String,
    kommunenummer_2024: String,
    vekt: f64,
    merknad: String,
}

#[derive(Deserialize)]
struct OfficeRecord {
    embete: String,
    navn: String,
    inndeling: i32,
    fylkesnummer: String,
}

type County = (i32, String, String);
type Municipality = (i32, String, String, String, String);
type Population = (i32, String, i32, i64);
type Transition = (i32, String, String, i32, String);

/// All rows of the shipped files, parsed. A file that does not parse is a build defect, reported
/// with the file and row.
struct ReferenceData {
    counties: Vec<County>,
    municipalities: Vec<Municipality>,
    population: Vec<Population>,
    transitions: Vec<Transition>,
    offices: BTreeMap<String, String>,
    office_counties: Vec<(i32, String, String)>,
}

fn rows<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> StoreResult<Vec<T>> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(i, r)| r.map_err(|e| StoreError::Migration(format!("{file}, rad {}: {e}", i + 2))))
        .collect()
}

fn parse_reference_data() -> StoreResult<ReferenceData> {
    let mut county_map = BTreeMap::new();
    let mut municipalities = Vec::new();
    let mut population = Vec::new();
    for (layout, text) in LAYOUT_FILES {
        for r in rows::<MunicipalityRecord>(&format!("kommuner-{layout}.csv"), text)? {
            county_map.insert((layout, r.fylkesnummer.clone()), r.fylkesnavn.clone());
            // 2024 population comes from its own file, which has every year.
            if layout != 2024 {
                if let (Some(count), Some(year)) = (r.innbyggere, r.kilde_ar) {
                    population.push((layout, r.kommunenummer.clone(), year, count));
                }
                if let Some(count) = r.innbyggere_2022 {
                    population.push((layout, r.kommunenummer.clone(), 2022, count));
                }
            }
            // SSB writes both forms where Geonorge's name is only one («Rosse» → «Rosse - Røros»).
            let name = official_name(&r.navn, &r.navn_norsk);
            municipalities.push((layout, r.kommunenummer, name, r.navn_norsk, r.fylkesnummer));
        }
    }
    for (layout, file, text) in POPULATION_FILES {
        for r in rows::<PopulationRecord>(file, text)? {
            population.push((layout, r.kommunenummer, r.ar, r.innbyggere));
        }
    }
    let transitions = rows::<TransitionRecord>("kommunenummer-overgang.csv", TRANSITIONS)?
        .into_iter()
        .map(|r| {
            let weight = (r.vekt * 100.0).round() as i32;
            (r.fra_inndeling, r.kommunenummer_fra, r.kommunenummer_2024, weight, r.merknad)
        })
        .collect();
    let mut offices = BTreeMap::new();
    let mut office_counties = Vec::new();
    for r in rows::<OfficeRecord>("statsforvalterembeter.csv", OFFICES)? {
        offices.insert(r.embete.clone(), r.navn);
        office_counties.push((r.inndeling, r.fylkesnummer, r.embete));
    }
    let counties = county_map.into_iter().map(|((layout, number), name)| (layout, number, name)).collect();
    Ok(ReferenceData { counties, municipalities, population, transitions, offices, office_counties })
}

/// Loads the reference data if this database does not have the current version. Idempotent.
pub fn ensure_reference_data(conn: &mut DbConnection) -> StoreResult<bool> {
    let current: Option<String> =
        settings::table.filter(settings::key.eq(VERSION_KEY)).select(settings::value).first(conn).optional()?;
    if current.as_deref() == Some(REFERENCE_DATA_VERSION) {
        return Ok(false);
    }
    let data = parse_reference_data()?;
    crate::db::write(conn, |conn| {
        if current.is_some() {
            clear_reference_data(conn)?;
        }
        insert_reference_data(conn, &data)?;
        put_setting(conn, VERSION_KEY, REFERENCE_DATA_VERSION)?;
        let t = SizeThresholds::SSB;
        put_setting_if_missing(conn, MEDIUM_FROM_KEY, &t.medium_from.to_string())?;
        put_setting_if_missing(conn, LARGE_FROM_KEY, &t.large_from.to_string())?;
        Ok::<_, StoreError>(())
    })?;
    Ok(true)
}

fn clear_reference_data(conn: &mut DbConnection) -> StoreResult<()> {
    diesel::delete(office_counties::table).execute(conn)?;
    diesel::delete(governor_offices::table).execute(conn)?;
    diesel::delete(code_transitions::table).execute(conn)?;
    diesel::delete(municipality_population::table).execute(conn)?;
    // Municipalities and counties stay: collaborations point at them, and the layouts' codes
    // do not change. Names are refreshed below by upsert.
    Ok(())
}

fn insert_reference_data(conn: &mut DbConnection, data: &ReferenceData) -> StoreResult<()> {
    insert_counties(conn, &data.counties)?;
    insert_municipalities(conn, &data.municipalities)?;
    insert_population(conn, &data.population)?;
    insert_transitions(conn, &data.transitions)?;
    insert_offices(conn, data)
}

/// Counties by upsert: their names are refreshed, their rows stay.
fn insert_counties(conn: &mut DbConnection, counties: &[County]) -> StoreResult<()> {
    for chunk in counties.chunks(500) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(l, n, name)| (counties::layout.eq(*l), counties::number.eq(n), counties::name.eq(name)))
            .collect();
        per_backend!(conn, |c| diesel::insert_into(counties::table)
            .values(&rows)
            .on_conflict((counties::layout, counties::number))
            .do_update()
            .set(counties::name.eq(diesel::upsert::excluded(counties::name)))
            .execute(c))?;
    }
    Ok(())
}

/// Municipalities by upsert: their names are refreshed, their rows stay.
fn insert_municipalities(conn: &mut DbConnection, municipalities: &[Municipality]) -> StoreResult<()> {
    for chunk in municipalities.chunks(400) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(l, n, name, norwegian, county)| {
                (
                    municipalities::layout.eq(*l),
                    municipalities::number.eq(n),
                    municipalities::name.eq(name),
                    municipalities::name_norwegian.eq(norwegian),
                    municipalities::county_number.eq(county),
                )
            })
            .collect();
        per_backend!(conn, |c| diesel::insert_into(municipalities::table)
            .values(&rows)
            .on_conflict((municipalities::layout, municipalities::number))
            .do_update()
            .set((
                municipalities::name.eq(diesel::upsert::excluded(municipalities::name)),
                municipalities::name_norwegian.eq(diesel::upsert::excluded(municipalities::name_norwegian)),
            ))
            .execute(c))?;
    }
    Ok(())
}

fn insert_population(conn: &mut DbConnection, population: &[Population]) -> StoreResult<()> {
    for chunk in population.chunks(500) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(l, n, y, p)| {
                (
                    municipality_population::layout.eq(*l),
                    municipality_population::number.eq(n),
                    municipality_population::year.eq(*y),
                    municipality_population::population.eq(*p),
                )
            })
            .collect();
        per_backend!(conn, |c| diesel::insert_into(municipality_population::table).values(&rows).execute(c))?;
    }
    Ok(())
}

fn insert_transitions(conn: &mut DbConnection, transitions: &[Transition]) -> StoreResult<()> {
    for chunk in transitions.chunks(400) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(fl, from, to, w, note)| {
                (
                    code_transitions::from_layout.eq(*fl),
                    code_transitions::from_number.eq(from),
                    code_transitions::to_number.eq(to),
                    code_transitions::weight_percent.eq(*w),
                    code_transitions::note.eq(note),
                )
            })
            .collect();
        per_backend!(conn, |c| diesel::insert_into(code_transitions::table).values(&rows).execute(c))?;
    }
    Ok(())
}

/// The governor offices and the counties each covers, per layout.
fn insert_offices(conn: &mut DbConnection, data: &ReferenceData) -> StoreResult<()> {
    let offices: Vec<_> = data
        .offices
        .iter()
        .map(|(code, name)| (governor_offices::code.eq(code), governor_offices::name.eq(name)))
        .collect();
    per_backend!(conn, |c| diesel::insert_into(governor_offices::table).values(&offices).execute(c))?;
    let links: Vec<_> = data
        .office_counties
        .iter()
        .map(|(l, county, office)| {
            (
                office_counties::layout.eq(*l),
                office_counties::county_number.eq(county),
                office_counties::office_code.eq(office),
            )
        })
        .collect();
    per_backend!(conn, |c| diesel::insert_into(office_counties::table).values(&links).execute(c))?;
    Ok(())
}

pub fn put_setting(conn: &mut DbConnection, key: &str, value: &str) -> StoreResult<()> {
    diesel::delete(settings::table.filter(settings::key.eq(key))).execute(conn)?;
    diesel::insert_into(settings::table).values((settings::key.eq(key), settings::value.eq(value))).execute(conn)?;
    Ok(())
}

fn put_setting_if_missing(conn: &mut DbConnection, key: &str, value: &str) -> StoreResult<()> {
    let exists: i64 = settings::table.filter(settings::key.eq(key)).count().get_result(conn)?;
    if exists == 0 {
        put_setting(conn, key, value)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_files_have_the_documented_counts() {
        let data = parse_reference_data().unwrap();
        let count = |layout| data.municipalities.iter().filter(|m| m.0 == layout).count();
        assert_eq!((count(2015), count(2020), count(2024)), (428, 356, 357));
        let counties = |layout| data.counties.iter().filter(|c| c.0 == layout).count();
        assert_eq!((counties(2015), counties(2020), counties(2024)), (19, 11, 15));
        let sum_2024: i64 = data.population.iter().filter(|p| p.0 == 2024 && p.2 == 2024).map(|p| p.3).sum();
        assert_eq!(sum_2024, 5_550_203);
        // Every county of every layout has exactly one office.
        for (layout, number, _) in &data.counties {
            let n = data.office_counties.iter().filter(|(l, c, _)| l == layout && c == number).count();
            assert_eq!(n, 1, "county {number} in {layout}");
        }
        assert_eq!(data.offices.len(), 10);
    }

    /// The registry's name index over the shipped files, as the store builds it.
    fn shipped_index() -> samveis_domain::registry::NameIndex {
        use samveis_domain::registry::{CodeMap, Layout, NameIndex, Registered};
        let data = parse_reference_data().unwrap();
        let layout = |year: i32| Layout::from_year(year).unwrap();
        let county = |l: i32, n: &str| data.counties.iter().find(|c| c.0 == l && c.1 == n).unwrap().2.clone();
        let rows = data.municipalities.iter().map(|(l, number, name, norwegian, c)| Registered {
            layout: layout(*l),
            number: number.clone(),
            name: name.clone(),
            name_norwegian: norwegian.clone(),
            county_name: county(*l, c),
        });
        let codes = data.transitions.iter().map(|(l, from, to, _, _)| (layout(*l), from.clone(), to.clone()));
        NameIndex::new(rows.collect(), CodeMap::new(codes))
    }

    /// How people write a form: as it is, in capitals, with «kommune», without Sami diacritics.
    fn typed_forms(form: &str) -> Vec<String> {
        let plain: String = form
            .chars()
            .map(|c| match c {
                'á' => 'a',
                'Á' => 'A',
                'š' => 's',
                'ŋ' => 'n',
                'č' => 'c',
                'đ' => 'd',
                'ž' => 'z',
                'ŧ' => 't',
                other => other,
            })
            .collect();
        vec![form.to_string(), form.to_uppercase(), format!("{form} kommune"), plain]
    }

    #[test]
    fn every_name_of_every_municipality_of_every_layout_finds_it() {
        use samveis_domain::registry::{Layout, official_name, parallel_forms};
        let index = shipped_index();
        for (year, text) in LAYOUT_FILES {
            let layout = Layout::from_year(year).unwrap();
            for r in rows::<MunicipalityRecord>("kommuner", text).unwrap() {
                let official = official_name(&r.navn, &r.navn_norsk);
                let forms = parallel_forms(&official, &r.navn_norsk);
                let reversed = forms.iter().rev().cloned().collect::<Vec<_>>().join(" - ");
                let names = [r.navn.clone(), r.navn_norsk.clone(), official.clone(), reversed].into_iter().chain(forms);
                let typed: std::collections::BTreeSet<String> = names.flat_map(|n| typed_forms(&n)).collect();
                for typed in typed {
                    let hits: Vec<String> = index.find(layout, &typed).hits.iter().map(|h| h.number.clone()).collect();
                    assert!(hits.contains(&r.kommunenummer), "{year} «{typed}» → {hits:?}, not {}", r.kommunenummer);
                    if hits.len() > 1 {
                        // A name two municipalities share (Herøy): the county tells them apart.
                        let with_county = format!("{typed} ({})", r.fylkesnavn);
                        let hits: Vec<String> =
                            index.find(layout, &with_county).hits.iter().map(|h| h.number.clone()).collect();
                        assert_eq!(hits, std::slice::from_ref(&r.kommunenummer), "{year} «{with_county}»");
                    }
                }
            }
        }
    }

    #[test]
    fn names_shared_in_a_layout_are_the_documented_ones() {
        use samveis_domain::registry::Layout;
        let index = shipped_index();
        let shared = |layout, name: &str| {
            let found = index.find(layout, name);
            found.hits.iter().map(|h| format!("{} {}", h.number, h.county_name)).collect::<Vec<_>>()
        };
        assert_eq!(shared(Layout::Y2015, "Herøy"), ["1515 Møre og Romsdal", "1818 Nordland"]);
        assert_eq!(shared(Layout::Y2015, "Bø").len(), 2);
        assert_eq!(shared(Layout::Y2015, "Os").len(), 2);
        assert_eq!(shared(Layout::Y2024, "Våler").len(), 2);
        assert_eq!(shared(Layout::Y2024, "Rosse"), ["5025 Trøndelag"], "2020's Sami name finds Røros");
        assert_eq!(shared(Layout::Y2020, "Røros"), ["5025 Trøndelag"]);
        assert_eq!(shared(Layout::Y2015, "Guovdageaidnu"), ["2011 Finnmark"]);
        assert_eq!(shared(Layout::Y2024, "Bodo"), ["1804 Nordland"], "æøå left out, where unambiguous");
        assert_eq!(official_name_of(&index, Layout::Y2020, "5025"), "Rosse - Røros");
    }

    fn official_name_of(
        index: &samveis_domain::registry::NameIndex,
        layout: samveis_domain::registry::Layout,
        n: &str,
    ) -> String {
        index.get(layout, n).unwrap().name.clone()
    }
}
