//! The demo set: the collaborations in the source documents (the 2015 development projects,
//! the Nordland regional councils of 2018, the 2023 network coordinator municipalities) and one
//! demo user per role. No real person's name: users are named by role.

use crate::audit::Author;
use crate::db::schema::{collaborations as collab_table, settings};
use crate::db::{DbConnection, StoreError};
use crate::error::AppError;
use crate::registry::{collaborations, store};
use crate::users::{self, NewUser, store as user_store};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use samveis_domain::access::{Assignment, Role, Scope};
use samveis_domain::registry::{CollaborationDraft, CollaborationKind, Layout, MunicipalityRow};
use serde::Deserialize;

pub const DEMO_PASSWORD: &str = "samveis-demo";
const DEMO_KEY: &str = "demo_collaborations_loaded";

const PROJECTS_2015: &str = include_str!("../data/demo/projects-2015.csv");
const NORDLAND_2018: &str = include_str!("../data/demo/nordland-regional-councils-2018.csv");
const NETWORK_2023: &str = include_str!("../data/demo/network-2023-coordinator-municipalities.csv");

/// A demo user: e-mail, display name (a role, not a person), role and scope.
pub struct DemoUser {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub scope: &'static str,
}

/// The collaboration a project leader is scoped to is looked up by name.
pub const PROJECT_LEADER_COLLABORATION: &str = "RKK Salten";

pub const DEMO_USERS: [DemoUser; 6] = [
    DemoUser {
        email: "admin@samveis.demo",
        name: "Programkontoret, nasjonal administrator",
        role: Role::NationalAdmin,
        scope: "",
    },
    DemoUser {
        email: "fylke.nordland@samveis.demo",
        name: "Rådgiver, Statsforvalteren i Nordland",
        role: Role::CountyOfficer,
        scope: "nordland",
    },
    DemoUser {
        email: "fylke.agder@samveis.demo",
        name: "Rådgiver, Statsforvalteren i Agder",
        role: Role::CountyOfficer,
        scope: "agder",
    },
    DemoUser {
        email: "kommune.bodo@samveis.demo",
        name: "Prosjektleder, Bodø kommune",
        role: Role::MunicipalEditor,
        scope: "1804",
    },
    DemoUser {
        email: "prosjekt.salten@samveis.demo",
        name: "Prosjektleder, RKK Salten",
        role: Role::ProjectLeader,
        scope: "",
    },
    DemoUser { email: "leser@samveis.demo", name: "Leser, Helsedirektoratet", role: Role::Viewer, scope: "" },
];

#[derive(Deserialize)]
struct ProjectRecord {
    county_2015: String,
    project: String,
    host_municipality: String,
    member_municipalities: String,
    technologies_tested: String,
}

#[derive(Deserialize)]
struct CouncilRecord {
    collaboration: String,
    kind: String,
    member_municipalities: String,
    largest_municipality: String,
    note: String,
}

#[derive(Deserialize)]
struct NetworkRecord {
    county_2020: String,
    municipality_or_region: String,
}

/// Finds a municipality by name, first within the county (names repeat across counties: Bø,
/// Våler), then nationally if the name is unique there (Selbu and Tydal sat in Sør-Trøndelag
/// while their project was led from Nord-Trøndelag). "Oslo (bydelene …)" and
/// "Stjørdal/Værnesregionen" match on their first part.
fn resolve<'a>(rows: &'a [MunicipalityRow], county: Option<&str>, name: &str) -> Option<&'a MunicipalityRow> {
    let name = name.split(['(', '/']).next().unwrap_or(name).trim().to_lowercase();
    let named = |r: &&MunicipalityRow| r.name.to_lowercase() == name || r.name_norwegian.to_lowercase() == name;
    let in_county = rows.iter().filter(|r| county.is_none_or(|c| r.county_name.eq_ignore_ascii_case(c))).find(named);
    in_county.or_else(|| {
        let mut all = rows.iter().filter(named);
        match (all.next(), all.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    })
}

struct Planned {
    draft: CollaborationDraft,
}

fn plan(
    layout: Layout,
    rows: &[MunicipalityRow],
    county: Option<&str>,
    spec: (&str, CollaborationKind, &str, &[&str]),
    dates: (&str, &str),
    note: String,
) -> Planned {
    let (name, kind, host, members) = spec;
    let mut numbers = Vec::new();
    let mut unknown = Vec::new();
    for m in members {
        match resolve(rows, county, m) {
            Some(r) if !numbers.contains(&r.number.to_string()) => numbers.push(r.number.to_string()),
            Some(_) => {}
            None => unknown.push(m.trim().to_string()),
        }
    }
    let host = resolve(rows, county, host).map(|r| r.number.to_string()).or_else(|| numbers.first().cloned());
    let mut note = note;
    if !unknown.is_empty() {
        note = format!("{note} Ikke koblet til én kommune: {}.", unknown.join(", ")).trim().to_string();
    }
    Planned {
        draft: CollaborationDraft {
            name: name.to_string(),
            kind: kind.code().to_string(),
            layout: layout.to_string(),
            host: host.unwrap_or_default(),
            members: numbers.join(","),
            valid_from: dates.0.to_string(),
            valid_to: dates.1.to_string(),
            note,
        },
    }
}

fn csv_rows<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<Vec<T>, StoreError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(i, r)| r.map_err(|e| StoreError::Migration(format!("{file}, rad {}: {e}", i + 2))))
        .collect()
}

fn planned_collaborations(conn: &mut DbConnection) -> Result<Vec<Planned>, StoreError> {
    let rows_2015 = store::municipality_rows(conn, Layout::Y2015)?;
    let rows_2020 = store::municipality_rows(conn, Layout::Y2020)?;
    let mut out = Vec::new();
    for p in csv_rows::<ProjectRecord>("projects-2015.csv", PROJECTS_2015)? {
        let members: Vec<&str> = p.member_municipalities.split(';').collect();
        let spec = (p.project.as_str(), CollaborationKind::Project, p.host_municipality.as_str(), members.as_slice());
        let note = format!("Utviklingskommune 2015. Teknologi: {}.", p.technologies_tested);
        out.push(plan(Layout::Y2015, &rows_2015, Some(&p.county_2015), spec, ("2015-01-01", "2016-12-31"), note));
    }
    for c in csv_rows::<CouncilRecord>("nordland-regional-councils-2018.csv", NORDLAND_2018)? {
        let kind = match c.kind.as_str() {
            "regional competence council" => CollaborationKind::RegionalCouncil,
            "digital cooperation" => CollaborationKind::Project,
            _ => continue, // "(no RKK)" is a remark in the source, not a collaboration.
        };
        let members: Vec<&str> = c.member_municipalities.split(';').collect();
        let name =
            if c.collaboration == "Bodø digital cooperation" { "Bodø digitalt samarbeid" } else { &c.collaboration };
        let spec = (name, kind, c.largest_municipality.as_str(), members.as_slice());
        out.push(plan(Layout::Y2015, &rows_2015, Some("Nordland"), spec, ("2018-01-01", ""), c.note));
    }
    let networks = csv_rows::<NetworkRecord>("network-2023-coordinator-municipalities.csv", NETWORK_2023)?;
    let mut counties: Vec<&str> = networks.iter().map(|n| n.county_2020.as_str()).collect();
    counties.dedup();
    for county in counties {
        let members: Vec<&str> =
            networks.iter().filter(|n| n.county_2020 == county).map(|n| n.municipality_or_region.as_str()).collect();
        let name = format!("Kommunenettverk for velferdsteknologi – {county}");
        let spec = (name.as_str(), CollaborationKind::Network, members[0], members.as_slice());
        let note = "Koordinatorkommuner i KS-nettverket 2023.".to_string();
        out.push(plan(Layout::Y2020, &rows_2020, Some(county), spec, ("2023-01-01", "2023-12-31"), note));
    }
    Ok(out)
}

const CALENDAR_2021: &str = include_str!("../data/demo/programme-calendar-autumn-2021.csv");

#[derive(serde::Deserialize)]
struct CalendarRecord {
    date: chrono::NaiveDate,
    end_date: Option<chrono::NaiveDate>,
    start_time: Option<chrono::NaiveTime>,
    end_time: Option<chrono::NaiveTime>,
    kind: String,
    title: String,
}

/// The autumn 2021 gatherings and webinars (the deadlines are the demo rounds'). Idempotent.
fn load_calendar(conn: &mut DbConnection, now: NaiveDateTime) -> Result<(), AppError> {
    use crate::db::schema::calendar_events;
    let loaded: i64 = calendar_events::table.count().get_result(conn)?;
    if loaded > 0 {
        return Ok(());
    }
    for e in csv_rows::<CalendarRecord>("programme-calendar-autumn-2021.csv", CALENDAR_2021)? {
        if e.kind != "deadline" {
            let when =
                samveis_domain::calendar::When::new(e.date, e.end_date, e.start_time, e.end_time).map_err(|err| {
                    AppError::Internal(format!("programme-calendar-autumn-2021.csv, «{}»: {err}", e.title))
                })?;
            let event = crate::calendar::NewEvent { when, kind: &e.kind, title: &e.title, demo: true };
            crate::calendar::add_event(conn, &crate::context::Ctx::system("demodata", now), &event)?;
        }
    }
    Ok(())
}

/// Loads the demo collaborations and users if not loaded before. Idempotent.
pub fn load(conn: &mut DbConnection, now: NaiveDateTime) -> Result<(), AppError> {
    let author = Author::system("demodata");
    crate::db::write(conn, |conn| {
        let loaded: i64 = settings::table.filter(settings::key.eq(DEMO_KEY)).count().get_result(conn)?;
        if loaded == 0 {
            for p in planned_collaborations(conn)? {
                let c = p.draft.validate(|_, _| true).map_err(|errors| {
                    let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
                    AppError::Internal(format!("demodata «{}»: {}", p.draft.name, list.join("; ")))
                })?;
                let id = collaborations::insert(conn, &c, now)?;
                let change = crate::audit::Change {
                    action: "opprettet",
                    record_type: "samarbeid",
                    record_id: id.to_string(),
                    before: None,
                    after: serde_json::to_value(&c).ok(),
                };
                crate::audit::record(conn, &author, now, change)?;
            }
            crate::registry::seed::put_setting(conn, DEMO_KEY, "1")?;
        }
        crate::reporting::load_demo(conn, now)?;
        crate::grants::load_demo(conn, now)?;
        load_calendar(conn, now)?;
        for u in &DEMO_USERS {
            if user_store::email_taken(conn, u.email)? {
                continue;
            }
            let scope = match u.role {
                Role::ProjectLeader => Scope::Collaboration(collaboration_id(conn, PROJECT_LEADER_COLLABORATION)?),
                role => Scope::parse_for(role, u.scope).map_err(|e| AppError::Internal(e.to_string()))?,
            };
            let assignment = Assignment::new(u.role, scope).map_err(|e| AppError::Internal(e.to_string()))?;
            let new = NewUser {
                email: u.email.into(),
                display_name: u.name.into(),
                password: DEMO_PASSWORD.into(),
                assignment,
            };
            users::create(conn, &crate::context::Ctx::system("demodata", now), &new)?;
        }
        Ok(())
    })
}

fn collaboration_id(conn: &mut DbConnection, name: &str) -> Result<i64, AppError> {
    collab_table::table
        .filter(collab_table::name.eq(name))
        .select(collab_table::id)
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::Internal(format!("demosamarbeidet {name} mangler")))
}
