//! Grants (tilskudd): schemes with yearly frames split over the counties, applications that are
//! screened and decided with target figures, and the ledger of money granted, paid, carried
//! over, repaid and withdrawn. The rules are in `samveis_domain::grants`; this module stores
//! them, checks access and writes the audit trail.

pub mod api;
mod demo;
pub mod documents;
pub mod export;
pub mod import;
pub mod letter;
pub mod pages;
pub mod payments;
pub mod store;

pub use demo::load as load_demo;

use crate::audit::{self, Author, Change};
use crate::db::schema::{municipalities, municipality_population, office_counties};
use crate::db::{DbConnection, StoreError};
use crate::error::{AppError, VERSION_CONFLICT};
use crate::registry::{collaborations, store as registry};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use samveis_domain::access::{Action, Actor, ApplicationFacts, OrgUnit, Resource, may};
use samveis_domain::grants::{
    Allocation, ApplicationText, Balance, Ceiling, CountyBasis, DeMinimis, EntryKind, FrameTable, GrantFigures,
    TargetFigure, Warning, Weights, balance, check_payment, de_minimis, distribute, frame_table, screen,
};
use samveis_domain::registry::Layout;
use std::collections::BTreeMap;
use store::{Application, Decision, Entry, Frame, Scheme};

pub(crate) fn bad(text: impl Into<String>) -> AppError {
    AppError::BadRequest(text.into())
}

/// What the weighted key reads about each county of a layout, with population from `year`.
pub fn county_bases(conn: &mut DbConnection, layout: Layout, year: Option<i32>) -> Result<Vec<CountyBasis>, AppError> {
    let counties = registry::county_names(conn, layout)?;
    let members: Vec<(String, String)> = municipalities::table
        .filter(municipalities::layout.eq(layout.year()))
        .select((municipalities::county_number, municipalities::number))
        .load(conn)?;
    let population: BTreeMap<String, i64> = match year {
        Some(y) => municipality_population::table
            .filter(municipality_population::layout.eq(layout.year()))
            .filter(municipality_population::year.eq(y))
            .select((municipality_population::number, municipality_population::population))
            .load::<(String, i64)>(conn)?
            .into_iter()
            .collect(),
        None => BTreeMap::new(),
    };
    if let Some(y) = year {
        let missing = members.iter().filter(|(_, n)| !population.contains_key(n)).count();
        if missing > 0 {
            return Err(bad(format!("Befolkningstall for {y} mangler for {missing} kommuner i {layout}-inndelingen.")));
        }
    }
    Ok(counties
        .into_iter()
        .map(|(number, name)| {
            let mine: Vec<&String> = members.iter().filter(|(c, _)| *c == number).map(|(_, m)| m).collect();
            CountyBasis {
                population: mine.iter().filter_map(|m| population.get(*m)).sum(),
                municipalities: mine.len() as i64,
                number,
                name,
            }
        })
        .collect())
}

/// A key tried out: each county with its basis and amount (the CLI and the scheme page use this).
pub fn distribution(
    conn: &mut DbConnection,
    frame: i64,
    layout: Layout,
    population_year: Option<i32>,
    weights: Weights,
) -> Result<Vec<(CountyBasis, i64)>, AppError> {
    let year = population_year;
    if weights.population > 0 && year.is_none() {
        return Err(bad("Velg befolkningsår for en nøkkel med befolkningsvekt."));
    }
    let bases = county_bases(conn, layout, year)?;
    let amounts =
        distribute(frame, weights, &bases).map_err(|e| bad(crate::web::format::capitalized(&e.to_string())))?;
    Ok(bases.into_iter().zip(amounts).collect())
}

fn require(actor: &Actor, action: Action) -> Result<(), AppError> {
    if may(Some(actor), action, &Resource::Any) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// How a year's frame is split: by a key, or by hand (county number → amount, blank unknown).
pub enum Split {
    Key { weights: Weights, population_year: Option<i32> },
    ByHand(Vec<(String, Option<i64>)>),
}

/// Saves a scheme's frame for a year with its county distribution (replacing an earlier one).
#[allow(clippy::too_many_arguments)] // one use case: who, when, which scheme, what
pub fn save_frame(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    author: &Author,
    now: NaiveDateTime,
    scheme_id: i64,
    year: i32,
    amount: i64,
    layout: Layout,
    split: Split,
) -> Result<i64, AppError> {
    if let Some(a) = actor {
        require(a, Action::ManageGrants)?;
    }
    if amount < 0 {
        return Err(bad(format!("Rammen kan ikke være negativ ({amount} kr).")));
    }
    conn.transaction(|conn| {
        let scheme = store::scheme(conn, scheme_id)?.ok_or_else(|| AppError::NotFound(format!("Fant ikke ordning {scheme_id}.")))?;
        if scheme.closed {
            return Err(bad(format!("Ordningen «{}» er avsluttet.", scheme.name)));
        }
        let (allocations, population_year, weights) = match &split {
            Split::Key { weights, population_year } => {
                let rows = distribution(conn, amount, layout, *population_year, *weights)?;
                let allocations: Vec<Allocation> = rows
                    .into_iter()
                    .map(|(b, a)| Allocation { county_number: b.number, county_name: b.name, amount: Some(a) })
                    .collect();
                (allocations, *population_year, Some(format!("population={},municipalities={},equal={}", weights.population, weights.municipalities, weights.equal)))
            }
            Split::ByHand(amounts) => {
                let names = registry::county_names(conn, layout)?;
                if let Some((n, _)) = amounts.iter().find(|(n, _)| !names.iter().any(|(c, _)| c == n)) {
                    return Err(bad(format!("Fylke «{n}» finnes ikke i {layout}-inndelingen.")));
                }
                if let Some((n, a)) = amounts.iter().find(|(_, a)| a.is_some_and(|a| a < 0)) {
                    return Err(bad(format!("Beløpet for fylke {n} kan ikke være negativt ({} kr).", a.unwrap_or_default())));
                }
                let allocations: Vec<Allocation> = names
                    .into_iter()
                    .map(|(number, name)| {
                        let amount = amounts.iter().find(|(n, _)| *n == number).and_then(|(_, a)| *a);
                        Allocation { county_number: number, county_name: name, amount }
                    })
                    .collect();
                (allocations, None, None)
            }
        };
        let before = match store::frames_of(conn, scheme_id)?.into_iter().find(|f| f.year == year) {
            Some(old) => {
                let cells = store::allocations_of(conn, old.id)?;
                Some(serde_json::json!({
                    "ramme": old.amount, "inndeling": old.layout, "nøkkel": old.weights, "befolkningsår": old.population_year,
                    "fordeling": cells.iter().map(|a| serde_json::json!({"fylke": a.county_number, "beløp": a.amount})).collect::<Vec<_>>(),
                }))
            }
            None => None,
        };
        let frame = Frame { id: 0, scheme_id, year, amount, layout: layout.year(), population_year, weights };
        let id = store::put_frame(conn, &frame, &allocations, now)?;
        let after = serde_json::json!({
            "ordning": scheme.name, "år": year, "ramme": amount, "inndeling": layout.year(),
            "nøkkel": frame.weights, "befolkningsår": population_year,
            "fordeling": allocations.iter().map(|a| serde_json::json!({"fylke": a.county_number, "beløp": a.amount})).collect::<Vec<_>>(),
        });
        let change = Change { action: "lagret ramme", record_type: "tilskuddsordning", record_id: scheme_id.to_string(), before, after: Some(after) };
        audit::record(conn, author, now, change)?;
        Ok(id)
    })
}

/// What the programme office types to create a scheme.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SchemeForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub budget_chapter: String,
    #[serde(default)]
    pub budget_post: String,
    #[serde(default)]
    pub recipients: String,
    #[serde(default)]
    pub first_year: String,
    #[serde(default)]
    pub last_year: String,
    #[serde(default)]
    pub rules: String,
}

pub fn create_scheme(
    conn: &mut DbConnection,
    actor: &Actor,
    author: &Author,
    now: NaiveDateTime,
    f: &SchemeForm,
) -> Result<i64, AppError> {
    require(actor, Action::ManageGrants)?;
    if f.name.trim().is_empty() || f.owner.trim().is_empty() {
        return Err(bad("Navn og forvalter må fylles ut."));
    }
    if !["municipalities", "projects", "undertakings"].contains(&f.recipients.as_str()) {
        return Err(bad(format!("Ukjent mottakergruppe «{}».", f.recipients)));
    }
    let year = |label: &str, t: &str| -> Result<Option<i32>, AppError> {
        match t.trim() {
            "" => Ok(None),
            y => y.parse().map(Some).map_err(|_| bad(format!("{label} «{y}» er ikke et årstall."))),
        }
    };
    let first = year("Første år", &f.first_year)?.ok_or_else(|| bad("Første år mangler."))?;
    let last = year("Siste år", &f.last_year)?;
    if last.is_some_and(|l| l < first) {
        return Err(bad("Siste år kan ikke være før første år."));
    }
    conn.transaction(|conn| {
        let new = store::NewScheme {
            name: f.name.trim(),
            owner: f.owner.trim(),
            budget_chapter: f.budget_chapter.trim(),
            budget_post: f.budget_post.trim(),
            recipients: &f.recipients,
            rules: f.rules.trim(),
            first_year: first,
            last_year: last,
        };
        let id = store::insert_scheme(conn, &new, now)?;
        let after = serde_json::json!({"navn": new.name, "forvalter": new.owner, "kapittel": new.budget_chapter, "post": new.budget_post, "mottakere": new.recipients, "år": [first, last]});
        audit::record(conn, author, now, Change { action: "opprettet", record_type: "tilskuddsordning", record_id: id.to_string(), before: None, after: Some(after) })?;
        Ok(id)
    })
}

/// Closes a scheme: no new applications or decisions; payments on its grants go on.
pub fn close_scheme(
    conn: &mut DbConnection,
    actor: &Actor,
    author: &Author,
    now: NaiveDateTime,
    id: i64,
) -> Result<(), AppError> {
    require(actor, Action::ManageGrants)?;
    conn.transaction(|conn| {
        let scheme = store::scheme(conn, id)?.ok_or_else(|| AppError::NotFound(format!("Fant ikke ordning {id}.")))?;
        if scheme.closed {
            return Err(bad("Ordningen er allerede avsluttet."));
        }
        store::close_scheme(conn, id)?;
        audit::record(
            conn,
            author,
            now,
            Change {
                action: "avsluttet",
                record_type: "tilskuddsordning",
                record_id: id.to_string(),
                before: Some(serde_json::json!({"avsluttet": false})),
                after: Some(serde_json::json!({"avsluttet": true})),
            },
        )?;
        Ok(())
    })
}

/// A grant as the scheme page lists it.
#[derive(Debug, Clone)]
pub struct GrantLine {
    pub application: Application,
    pub decision: Option<Decision>,
    pub balance: Balance,
}

/// Everything the scheme page shows, computed from the records.
pub struct SchemeOverview {
    pub scheme: Scheme,
    pub frames: Vec<(Frame, FrameTable)>,
    pub grants: Vec<GrantLine>,
}

pub fn overview(conn: &mut DbConnection, scheme_id: i64) -> Result<SchemeOverview, AppError> {
    let scheme =
        store::scheme(conn, scheme_id)?.ok_or_else(|| AppError::NotFound(format!("Fant ikke ordning {scheme_id}.")))?;
    let applications = store::applications_of(conn, scheme_id)?;
    let mut decisions: BTreeMap<i64, Decision> =
        store::decisions_of_scheme(conn, scheme_id)?.into_iter().map(|d| (d.application_id, d)).collect();
    let mut entries: BTreeMap<i64, Vec<Entry>> = BTreeMap::new();
    for e in store::entries_of_scheme(conn, scheme_id)? {
        entries.entry(e.decision_id).or_default().push(e);
    }
    // Published figures: granted applications only. What is still being decided, or was
    // rejected, stays with the applicant and the county.
    let grants: Vec<GrantLine> = applications
        .into_iter()
        .filter(|a| a.state == "granted")
        .map(|a| {
            let decision = decisions.remove(&a.id);
            let ledger: Vec<_> = decision
                .as_ref()
                .and_then(|d| entries.get(&d.id))
                .map(|es| es.iter().filter_map(Entry::to_domain).collect())
                .unwrap_or_default();
            GrantLine { application: a, decision, balance: balance(&ledger) }
        })
        .collect();
    let mut frames = Vec::new();
    for f in store::frames_of(conn, scheme_id)? {
        let allocations = store::allocations_of(conn, f.id)?;
        let figures: Vec<GrantFigures> = grants
            .iter()
            .filter(|g| g.application.year == f.year)
            .map(|g| GrantFigures {
                recipient: g.application.applicant_name.clone(),
                county_number: g.application.county_number.clone(),
                applied: g.application.applied,
                granted: g.decision.as_ref().map(|d| d.granted),
                sub_allocated: g
                    .decision
                    .as_ref()
                    .filter(|d| !d.sub_allocations.is_empty())
                    .map(|d| d.sub_allocations.iter().map(|s| s.amount).sum()),
            })
            .collect();
        let table = frame_table(f.amount, &allocations, &figures, scheme.closed);
        frames.push((f, table));
    }
    Ok(SchemeOverview { scheme, frames, grants })
}

// ---------- Applications ----------

/// The applying org unit as the access policy knows it.
pub fn applicant_unit(a: &Application) -> Option<OrgUnit> {
    crate::reporting::org_unit_of(&a.applicant_kind, &a.applicant_id)
}

/// The offices whose area an application's county lies in.
pub fn application_offices(conn: &mut DbConnection, a: &Application) -> Result<Vec<String>, StoreError> {
    Ok(office_counties::table
        .filter(office_counties::layout.eq(a.layout))
        .filter(office_counties::county_number.eq(&a.county_number))
        .select(office_counties::office_code)
        .load(conn)?)
}

/// An application with its decision and ledger, and what the policy needs.
pub struct Loaded {
    pub application: Application,
    pub decision: Option<Decision>,
    pub entries: Vec<Entry>,
    pub offices: Vec<String>,
    pub scheme: Scheme,
}

impl Loaded {
    pub fn may(&self, actor: Option<&Actor>, action: Action) -> bool {
        let unit = applicant_unit(&self.application);
        let facts = ApplicationFacts {
            applicant: unit.as_ref(),
            offices: &self.offices,
            draft: self.application.state == "draft",
        };
        may(actor, action, &Resource::Application(facts))
    }

    pub fn balance(&self) -> Balance {
        let ledger: Vec<_> = self.entries.iter().filter_map(Entry::to_domain).collect();
        balance(&ledger)
    }

    pub fn warnings(&self) -> Vec<Warning> {
        screen(&text_of(&self.application))
    }
}

pub fn text_of(a: &Application) -> ApplicationText {
    ApplicationText {
        own_financing: a.own_financing.unwrap_or(0),
        politically_anchored: a.political_anchoring,
        administratively_anchored: a.administrative_anchoring,
        purpose: a.purpose.clone(),
        budget: a.budget.clone(),
        plan: a.plan.clone(),
    }
}

pub fn load(conn: &mut DbConnection, id: i64) -> Result<Loaded, AppError> {
    let not_found = || AppError::NotFound(format!("Fant ikke søknad {id}."));
    let application = store::application(conn, id)?.ok_or_else(not_found)?;
    let scheme = store::scheme(conn, application.scheme_id)?.ok_or_else(not_found)?;
    let decision = store::decision_of_application(conn, id)?;
    let entries = match &decision {
        Some(d) => store::entries_of(conn, d.id)?,
        None => vec![],
    };
    let offices = application_offices(conn, &application)?;
    Ok(Loaded { application, decision, entries, offices, scheme })
}

pub fn load_visible(conn: &mut DbConnection, actor: Option<&Actor>, id: i64) -> Result<Loaded, AppError> {
    let loaded = load(conn, id)?;
    if loaded.may(actor, Action::ViewApplication) { Ok(loaded) } else { Err(AppError::Forbidden) }
}

/// Who an actor applies for: their municipalities and collaborations, with layout 2024.
pub fn applicant_of(
    conn: &mut DbConnection,
    unit: &OrgUnit,
) -> Result<(String, String, String, i32, String), AppError> {
    match unit {
        OrgUnit::Municipality(n) => {
            let row = registry::municipality_rows(conn, Layout::CURRENT)?
                .into_iter()
                .find(|m| m.number == *n)
                .ok_or_else(|| bad(format!("Kommune {n} finnes ikke i 2024-inndelingen.")))?;
            Ok(("municipality".into(), n.to_string(), row.name, Layout::CURRENT.year(), row.county_number.to_string()))
        }
        OrgUnit::Collaboration(id) => {
            let c = collaborations::get(conn, *id)?.ok_or_else(|| bad(format!("Samarbeid {id} finnes ikke.")))?;
            let host = registry::municipality_rows(conn, c.summary.layout)?
                .into_iter()
                .find(|m| m.number.as_str() == c.summary.host_number)
                .ok_or_else(|| bad("Vertskommunen finnes ikke i registeret."))?;
            Ok((
                "collaboration".into(),
                id.to_string(),
                c.summary.name,
                c.summary.layout.year(),
                host.county_number.to_string(),
            ))
        }
    }
}

/// What an applicant types; amounts as typed (Norwegian number formats accepted).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct ApplicationForm {
    #[serde(default)]
    pub applied: String,
    #[serde(default)]
    pub own_financing: String,
    /// Other de minimis aid received in the last three years (kr), for undertakings.
    #[serde(default)]
    pub declared_other_aid: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub technologies: String,
    #[serde(default)]
    pub target_group: String,
    #[serde(default)]
    pub political_anchoring: Option<String>,
    #[serde(default)]
    pub administrative_anchoring: Option<String>,
    #[serde(default)]
    pub budget: String,
    #[serde(default)]
    pub plan: String,
}

/// Reads whole kroner as people write them: "1 447 130", "1447130 kr", "1.447.130".
pub fn parse_kroner(label: &str, text: &str) -> Result<Option<i64>, AppError> {
    samveis_domain::grants::parse_kroner(text).map_err(|e| bad(format!("{label}: {e}.")))
}

impl ApplicationForm {
    pub fn of(a: &Application) -> ApplicationForm {
        let kr = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        ApplicationForm {
            applied: kr(a.applied),
            own_financing: kr(a.own_financing),
            declared_other_aid: kr(a.declared_other_aid),
            purpose: a.purpose.clone(),
            technologies: a.technologies.clone(),
            target_group: a.target_group.clone(),
            political_anchoring: a.political_anchoring.then(|| "ja".into()),
            administrative_anchoring: a.administrative_anchoring.then(|| "ja".into()),
            budget: a.budget.clone(),
            plan: a.plan.clone(),
        }
    }

    fn apply_to(&self, a: &mut Application, sending: bool) -> Result<(), AppError> {
        a.applied = parse_kroner("Søkt beløp", &self.applied)?;
        a.own_financing = parse_kroner("Egenfinansiering", &self.own_financing)?;
        a.declared_other_aid = parse_kroner("Annen bagatellmessig støtte", &self.declared_other_aid)?;
        a.purpose = self.purpose.trim().into();
        a.technologies = self.technologies.trim().into();
        a.target_group = self.target_group.trim().into();
        a.political_anchoring = self.political_anchoring.as_deref() == Some("ja");
        a.administrative_anchoring = self.administrative_anchoring.as_deref() == Some("ja");
        a.budget = self.budget.trim().into();
        a.plan = self.plan.trim().into();
        if sending {
            if a.applied.is_none_or(|n| n == 0) {
                return Err(bad("Søkt beløp mangler."));
            }
            if a.purpose.is_empty() {
                return Err(bad("Formålet mangler."));
            }
        }
        Ok(())
    }
}

/// Starts a draft application for the actor's org unit.
pub fn start_application(
    conn: &mut DbConnection,
    actor: &Actor,
    author: &Author,
    now: NaiveDateTime,
    scheme_id: i64,
    unit: &OrgUnit,
) -> Result<i64, AppError> {
    conn.transaction(|conn| {
        let scheme = store::scheme(conn, scheme_id)?
            .ok_or_else(|| AppError::NotFound(format!("Fant ikke ordning {scheme_id}.")))?;
        if scheme.closed {
            return Err(bad(format!("Ordningen «{}» er avsluttet og tar ikke imot søknader.", scheme.name)));
        }
        let (kind, id, name, layout, county) = applicant_of(conn, unit)?;
        // This year, within the scheme's years.
        let this_year: i32 = now.date().format("%Y").to_string().parse().unwrap_or(scheme.first_year);
        let year = this_year.max(scheme.first_year).min(scheme.last_year.unwrap_or(i32::MAX));
        let draft = Application {
            id: 0,
            scheme_id,
            year,
            applicant_kind: kind,
            applicant_id: id,
            applicant_name: name,
            layout,
            county_number: county,
            applied: None,
            own_financing: None,
            declared_other_aid: None,
            purpose: String::new(),
            technologies: String::new(),
            target_group: String::new(),
            political_anchoring: false,
            administrative_anchoring: false,
            budget: String::new(),
            plan: String::new(),
            state: "draft".into(),
            historic: false,
            submitted_at: None,
            version: 1,
        };
        let facts = ApplicationFacts { applicant: Some(unit), offices: &[], draft: true };
        if !may(Some(actor), Action::EditApplication, &Resource::Application(facts)) {
            return Err(AppError::Forbidden);
        }
        let id = store::insert_application(conn, &draft, now)?;
        let change = Change {
            action: "opprettet",
            record_type: "søknad",
            record_id: id.to_string(),
            before: None,
            after: serde_json::to_value(&draft).ok(),
        };
        audit::record(conn, author, now, change)?;
        Ok(id)
    })
}

/// Saves (or sends) an application draft; version-checked and audited.
#[allow(clippy::too_many_arguments)] // one use case: who, when, which record and version, what
pub fn save_application(
    conn: &mut DbConnection,
    actor: &Actor,
    author: &Author,
    now: NaiveDateTime,
    id: i64,
    expected: i64,
    form: &ApplicationForm,
    send: bool,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let loaded = load(conn, id)?;
        if !loaded.may(Some(actor), Action::EditApplication) {
            return Err(AppError::Forbidden);
        }
        if loaded.application.state != "draft" {
            return Err(bad("Søknaden er sendt inn og kan ikke endres."));
        }
        let mut a = loaded.application.clone();
        form.apply_to(&mut a, send)?;
        if send {
            a.state = "submitted".into();
            a.submitted_at = Some(now);
        }
        if a.version != expected || !store::update_application(conn, &a, expected, now)? {
            return Err(AppError::Conflict(VERSION_CONFLICT.into()));
        }
        let change = Change {
            action: if send { "sendt inn" } else { "lagret" },
            record_type: "søknad",
            record_id: id.to_string(),
            before: serde_json::to_value(&loaded.application).ok(),
            after: serde_json::to_value(&a).ok(),
        };
        audit::record(conn, author, now, change)?;
        Ok(())
    })
}

/// What a county officer decides.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub granted: String,
    #[serde(default)]
    pub conditions: String,
    /// One per line: "50;medisindispensere;stk;2026-12-31" or "50 medisindispensere".
    #[serde(default)]
    pub targets: String,
    #[serde(default)]
    pub aid_type: String,
    /// One per line: "kommunenummer;beløp".
    #[serde(default)]
    pub sub_allocations: String,
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub version: i64,
    /// "ja" when the officer decides de minimis aid beyond the ceiling knowingly.
    #[serde(default)]
    pub confirm_de_minimis: Option<String>,
}

pub const AID_TYPES: [(&str, &str); 3] = [
    ("not_state_aid", "Ikke statsstøtte"),
    ("de_minimis", "Bagatellmessig støtte (de minimis)"),
    ("other", "Annen støtte"),
];

/// Reads target-figure lines: "50;medisindispensere;stk;2026-12-31", or free text with numbers.
pub fn parse_targets(text: &str) -> Result<Vec<TargetFigure>, AppError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().map(str::trim).enumerate().filter(|(_, l)| !l.is_empty()) {
        let parts: Vec<&str> = line.split(';').map(str::trim).collect();
        if parts.len() == 1 {
            let found = samveis_domain::grants::parse_target_figures(line);
            if found.is_empty() {
                return Err(bad(format!(
                    "Måltall, linje {}: «{line}» har ikke noe antall; skriv for eksempel «50;medisindispensere;stk;2026-12-31».",
                    i + 1
                )));
            }
            out.extend(found);
            continue;
        }
        let quantity: i64 = parts[0]
            .replace(' ', "")
            .parse()
            .map_err(|_| bad(format!("Måltall, linje {}: «{}» er ikke et antall.", i + 1, parts[0])))?;
        if quantity <= 0 || parts.get(1).is_none_or(|t| t.is_empty()) {
            return Err(bad(format!("Måltall, linje {}: skriv et antall over 0 og hva som telles.", i + 1)));
        }
        let due =
            match parts.get(3).filter(|d| !d.is_empty()) {
                Some(d) => Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                    bad(format!("Måltall, linje {}: fristen «{d}» er ikke en dato (ÅÅÅÅ-MM-DD).", i + 1))
                })?),
                None => None,
            };
        out.push(TargetFigure {
            quantity,
            technology: parts[1].to_string(),
            unit: parts.get(2).filter(|u| !u.is_empty()).map_or("stk".to_string(), |u| u.to_string()),
            due,
        });
    }
    Ok(out)
}

/// Decides a sent application: granted (with amount, conditions, target figures, aid type and
/// the host's sub-allocations) or rejected. A grant opens the ledger with its amount.
pub fn decide(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    author: &Author,
    now: NaiveDateTime,
    id: i64,
    form: &DecisionForm,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let loaded = load(conn, id)?;
        if actor.is_some_and(|a| !loaded.may(Some(a), Action::DecideGrant)) {
            return Err(AppError::Forbidden);
        }
        if loaded.scheme.closed {
            return Err(bad(format!("Ordningen «{}» er avsluttet; det kan ikke fattes nye vedtak.", loaded.scheme.name)));
        }
        if loaded.application.state != "submitted" {
            return Err(bad("Bare innsendte søknader som ikke er avgjort, kan få vedtak."));
        }
        if loaded.application.version != form.version {
            return Err(AppError::Conflict(VERSION_CONFLICT.into()));
        }
        let mut a = loaded.application.clone();
        let granting = match form.outcome.as_str() {
            "innvilg" => true,
            "avslag" => false,
            _ => return Err(bad("Velg om søknaden innvilges eller avslås.")),
        };
        if granting {
            let granted = parse_kroner("Innvilget beløp", &form.granted)?.filter(|n| *n > 0).ok_or_else(|| bad("Innvilget beløp mangler."))?;
            let aid_type = AID_TYPES.iter().find(|(c, _)| *c == form.aid_type).map(|(c, _)| *c).ok_or_else(|| bad("Velg støttetype."))?;
            let mut subs = Vec::new();
            let names: BTreeMap<String, String> = registry::municipality_rows(conn, Layout::from_year(a.layout).unwrap_or(Layout::CURRENT))?
                .into_iter()
                .map(|m| (m.number.to_string(), m.name))
                .collect();
            for (i, line) in form.sub_allocations.lines().map(str::trim).enumerate().filter(|(_, l)| !l.is_empty()) {
                let (number, amount) = line.split_once(';').ok_or_else(|| bad(format!("Videre fordeling, linje {}: skriv «kommunenummer;beløp».", i + 1)))?;
                let name = names.get(number.trim()).ok_or_else(|| bad(format!("Videre fordeling, linje {}: kommune «{}» finnes ikke.", i + 1, number.trim())))?;
                let amount = parse_kroner(&format!("Videre fordeling, linje {}", i + 1), amount)?.unwrap_or(0);
                subs.push(store::SubAllocation { municipality: number.trim().into(), name: name.clone(), amount });
            }
            if aid_type == "de_minimis" {
                let check = de_minimis_check(conn, &loaded, granted, now.date())?;
                if check.exceeds() && form.confirm_de_minimis.as_deref() != Some("ja") {
                    return Err(bad(format!(
                        "Bagatellmessig støtte: {} vil få {} de siste tre årene (vedtatt {} + erklært {} + dette vedtaket {}), over taket på {}. Kryss av for å bekrefte vedtaket likevel.",
                        loaded.application.applicant_name,
                        crate::web::format::kroner(check.total()),
                        crate::web::format::kroner(check.decided),
                        crate::web::format::kroner(check.declared),
                        crate::web::format::kroner(check.this_decision),
                        crate::web::format::kroner(check.ceiling)
                    )));
                }
            }
            let passed_on: i64 = subs.iter().map(|s| s.amount).sum();
            if passed_on > granted {
                return Err(bad(format!("Videre fordeling ({passed_on} kr) er mer enn innvilget beløp ({granted} kr).")));
            }
            let decision = Decision {
                id: 0,
                application_id: id,
                granted,
                conditions: form.conditions.trim().into(),
                target_figures: parse_targets(&form.targets)?,
                sub_allocations: subs,
                aid_type: aid_type.into(),
                decided_on: now.date(),
                reference: form.reference.trim().into(),
                accepted_at: None,
            };
            let decision_id = store::insert_decision(conn, &decision, now)?;
            let entry = store::NewEntry { decision_id, kind: EntryKind::Granted, amount: granted, entry_date: now.date(), note: "Vedtak", reverses: None, demo: false };
            store::insert_entry(conn, &entry, now)?;
            a.state = "granted".into();
            let state = Loaded { application: a.clone(), ..load(conn, id)? };
            let letter = letter::render(&letter_of(conn, &state, &Decision { id: decision_id, ..decision })?);
            let upload = crate::files::Upload { file_name: format!("tilskuddsbrev-{id}.pdf"), bytes: letter };
            let owner = crate::files::Owner { kind: OWNER_LETTER, id, field: "" };
            crate::files::store_file(conn, &owner, &upload, "application/pdf", now)?;
        } else {
            a.state = "rejected".into();
        }
        if !store::update_application(conn, &a, form.version, now)? {
            return Err(AppError::Conflict(VERSION_CONFLICT.into()));
        }
        let after = serde_json::json!({"tilstand": a.state, "innvilget": form.granted, "vilkår": form.conditions, "måltall": form.targets, "støttetype": form.aid_type});
        let change = Change { action: if granting { "innvilget" } else { "avslått" }, record_type: "søknad", record_id: id.to_string(), before: Some(serde_json::json!({"tilstand": loaded.application.state})), after: Some(after) };
        audit::record(conn, author, now, change)?;
        Ok(())
    })
}

/// The applicant accepts the grant letter's terms.
pub fn accept(
    conn: &mut DbConnection,
    actor: &Actor,
    author: &Author,
    now: NaiveDateTime,
    id: i64,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let loaded = load(conn, id)?;
        if !loaded.may(Some(actor), Action::AcceptGrant) {
            return Err(AppError::Forbidden);
        }
        let decision = loaded.decision.ok_or_else(|| bad("Søknaden har ikke fått vedtak om tilskudd."))?;
        if !store::mark_accepted(conn, decision.id, now)? {
            return Err(bad("Tilskuddet er allerede akseptert."));
        }
        let change = Change {
            action: "akseptert",
            record_type: "søknad",
            record_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({"akseptert": now})),
        };
        audit::record(conn, author, now, change)?;
        Ok(())
    })
}

/// Records a money event on a grant (payment, carry-over, repayment, withdrawal), or reverses an
/// earlier entry. Checked against the balance; never edits an entry.
#[allow(clippy::too_many_arguments)] // one use case: who, when, which grant, what
pub fn record(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    author: &Author,
    now: NaiveDateTime,
    id: i64,
    kind: EntryKind,
    amount: i64,
    date: NaiveDate,
    note: &str,
    demo: bool,
) -> Result<i64, AppError> {
    conn.transaction(|conn| {
        store::lock_grant(conn, id)?;
        let loaded = load(conn, id)?;
        if actor.is_some_and(|a| !loaded.may(Some(a), Action::DecideGrant)) {
            return Err(AppError::Forbidden);
        }
        let decision = loaded.decision.as_ref().ok_or_else(|| bad("Søknaden har ikke fått vedtak om tilskudd."))?;
        if kind == EntryKind::Paid && payments::of_application(conn, id)?.iter().any(|r| r.final_payment && r.state == "paid") {
            return Err(bad("Sluttutbetalingen er gjort; det kan ikke utbetales mer på dette tilskuddet."));
        }
        if kind == EntryKind::Granted {
            return Err(bad("Innvilget beløp føres av vedtaket."));
        }
        if kind == EntryKind::Repaid && note.trim().is_empty() {
            return Err(bad("Skriv grunnen til tilbakebetalingen."));
        }
        check_payment(&loaded.balance(), kind, amount).map_err(|e| bad(crate::web::format::capitalized(&e.to_string())))?;
        let entry = store::NewEntry { decision_id: decision.id, kind, amount, entry_date: date, note: note.trim(), reverses: None, demo };
        let entry_id = store::insert_entry(conn, &entry, now)?;
        let after = serde_json::json!({"post": entry_id, "type": kind.code(), "beløp": amount, "dato": date, "merknad": note.trim()});
        let change = Change { action: "bokført", record_type: "søknad", record_id: id.to_string(), before: None, after: Some(after) };
        audit::record(conn, author, now, change)?;
        Ok(entry_id)
    })
}

/// Reverses a ledger entry with a new entry of the opposite sign.
pub fn reverse(
    conn: &mut DbConnection,
    actor: &Actor,
    author: &Author,
    now: NaiveDateTime,
    id: i64,
    entry_id: i64,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        store::lock_grant(conn, id)?;
        let loaded = load(conn, id)?;
        if !loaded.may(Some(actor), Action::DecideGrant) {
            return Err(AppError::Forbidden);
        }
        let entry = loaded
            .entries
            .iter()
            .find(|e| e.id == entry_id)
            .ok_or_else(|| AppError::NotFound(format!("Fant ikke post {entry_id}.")))?;
        if entry.reverses.is_some() || loaded.entries.iter().any(|e| e.reverses == Some(entry_id)) {
            return Err(bad(format!("Post {entry_id} er allerede en tilbakeføring eller tilbakeført.")));
        }
        let kind = EntryKind::from_code(&entry.kind)
            .ok_or_else(|| AppError::Internal(format!("ukjent posttype {}", entry.kind)))?;
        if kind == EntryKind::Granted {
            return Err(bad("Vedtaket føres ikke tilbake her; trekk tilskuddet tilbake i stedet."));
        }
        let new = store::NewEntry {
            decision_id: entry.decision_id,
            kind,
            amount: -entry.amount,
            entry_date: now.date(),
            note: "Tilbakeføring",
            reverses: Some(entry_id),
            demo: entry.demo,
        };
        // The balance after the reversal must still hold (a payment already repaid cannot be undone).
        let mut after: Vec<_> = loaded.entries.iter().filter_map(Entry::to_domain).collect();
        after.push(samveis_domain::grants::LedgerEntry { kind, amount: -entry.amount });
        let b = balance(&after);
        if b.payable() < 0 || b.net_paid() < 0 {
            return Err(bad(format!("Post {entry_id} kan ikke tilbakeføres: da ville regnskapet ikke gå opp (gjenstår {} kr, netto utbetalt {} kr).", b.payable(), b.net_paid())));
        }
        let new_id = store::insert_entry(conn, &new, now)?;
        // A payment made on a request: the request is approved again, to be paid or returned.
        payments::reopen_paid(conn, entry_id, now)?;
        let change = Change {
            action: "tilbakeført",
            record_type: "søknad",
            record_id: id.to_string(),
            before: Some(serde_json::json!({"post": entry_id})),
            after: Some(serde_json::json!({"post": new_id, "beløp": -entry.amount})),
        };
        audit::record(conn, author, now, change)?;
        Ok(())
    })
}

/// The target figures an org unit has agreed to in its grants, with the scheme and year, so its
/// reports can be read against them.
pub fn targets_for(
    conn: &mut DbConnection,
    kind: &str,
    id: &str,
) -> Result<Vec<(String, i32, TargetFigure)>, StoreError> {
    targets_where(conn, Some((kind, id)))
}

/// The target figures of every grant decision: (scheme, year, figure).
pub fn all_targets(conn: &mut DbConnection) -> Result<Vec<(String, i32, TargetFigure)>, StoreError> {
    targets_where(conn, None)
}

fn targets_where(
    conn: &mut DbConnection,
    applicant: Option<(&str, &str)>,
) -> Result<Vec<(String, i32, TargetFigure)>, StoreError> {
    use crate::db::schema::{grant_applications, grant_decisions, grant_schemes};
    let mut query = grant_decisions::table
        .inner_join(grant_applications::table.inner_join(grant_schemes::table))
        .select((grant_schemes::name, grant_applications::year, grant_decisions::target_figures))
        .order(grant_applications::year.desc())
        .into_boxed();
    if let Some((kind, id)) = applicant {
        query =
            query.filter(grant_applications::applicant_kind.eq(kind)).filter(grant_applications::applicant_id.eq(id));
    }
    let rows: Vec<(String, i32, String)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .flat_map(|(scheme, year, json)| {
            let figures: Vec<TargetFigure> = serde_json::from_str(&json).unwrap_or_default();
            figures.into_iter().map(move |t| (scheme.clone(), year, t))
        })
        .collect())
}

// ---------- De minimis ----------

pub const DE_MINIMIS_EURO_KEY: &str = "de_minimis_ceiling_eur";
pub const EUR_NOK_ORE_KEY: &str = "eur_nok_ore";

/// The de minimis ceiling and the exchange rate used, from the settings (EUR 300 000 and
/// 11,50 kr per euro unless set).
pub fn ceiling(conn: &mut DbConnection) -> Result<Ceiling, StoreError> {
    use crate::db::schema::settings;
    let rows: Vec<(String, String)> = settings::table
        .filter(settings::key.eq_any([DE_MINIMIS_EURO_KEY, EUR_NOK_ORE_KEY]))
        .select((settings::key, settings::value))
        .load(conn)?;
    let get = |k: &str, default: i64| {
        rows.iter().find(|(key, _)| key == k).and_then(|(_, v)| v.parse().ok()).unwrap_or(default)
    };
    Ok(Ceiling {
        euro: get(DE_MINIMIS_EURO_KEY, Ceiling::REGULATION_2023_2831),
        nok_per_eur_ore: get(EUR_NOK_ORE_KEY, 1150),
    })
}

/// De minimis aid to this applicant in the three years before `on`, with `amount` added.
pub fn de_minimis_check(
    conn: &mut DbConnection,
    l: &Loaded,
    amount: i64,
    on: NaiveDate,
) -> Result<DeMinimis, StoreError> {
    use crate::db::schema::{grant_applications, grant_decisions};
    let earlier: Vec<(NaiveDate, i64)> = grant_decisions::table
        .inner_join(grant_applications::table)
        .filter(grant_applications::applicant_kind.eq(&l.application.applicant_kind))
        .filter(grant_applications::applicant_id.eq(&l.application.applicant_id))
        .filter(grant_applications::id.ne(l.application.id))
        .filter(grant_decisions::aid_type.eq("de_minimis"))
        .select((grant_decisions::decided_on, grant_decisions::granted))
        .load(conn)?;
    Ok(de_minimis(&earlier, l.application.declared_other_aid.unwrap_or(0), on, amount, ceiling(conn)?))
}

// ---------- Grant letter ----------

pub const OWNER_LETTER: &str = "letter";

/// The letter's content, from the decision and the registry.
fn letter_of(conn: &mut DbConnection, l: &Loaded, d: &Decision) -> Result<letter::Letter, AppError> {
    let layout = Layout::from_year(l.application.layout).unwrap_or(Layout::CURRENT);
    let county = registry::county_names(conn, layout)?
        .into_iter()
        .find(|(n, _)| *n == l.application.county_number)
        .map_or_else(|| l.application.county_number.clone(), |(_, name)| name);
    let payment_terms = if l.scheme.rules.is_empty() {
        "Tilskuddet utbetales etter anmodning om utbetaling med faktura, kostnader så langt mot godkjent budsjett og kort status.".to_string()
    } else {
        l.scheme.rules.clone()
    };
    Ok(letter::Letter {
        sender: l.scheme.owner.clone(),
        date: d.decided_on,
        reference: d.reference.clone(),
        recipient: l.application.applicant_name.clone(),
        recipient_county: county,
        scheme: l.scheme.name.clone(),
        year: l.application.year,
        granted: d.granted,
        purpose: if l.application.purpose.is_empty() {
            "formålet i søknaden".into()
        } else {
            l.application.purpose.clone()
        },
        conditions: d.conditions.clone(),
        targets: d
            .target_figures
            .iter()
            .map(|t| {
                let due = t.due.map(|due| format!(" (frist {})", crate::web::format::date(due))).unwrap_or_default();
                format!("{} {} {}{due}", crate::web::format::number(t.quantity), t.unit, t.technology)
            })
            .collect(),
        passed_on: d
            .sub_allocations
            .iter()
            .map(|s| format!("{}: {}", s.name, crate::web::format::kroner(s.amount)))
            .collect(),
        payment_terms,
        accept_by: d.decided_on + chrono::Duration::days(21),
        aid_type: AID_TYPES
            .iter()
            .find(|(c, _)| *c == d.aid_type)
            .map_or("annen støtte", |(_, label)| label)
            .to_string(),
    })
}

/// The grant letter of an application the actor may see: the stored one, or made and stored
/// now (historic decisions get theirs on first download).
pub fn grant_letter(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    id: i64,
    now: NaiveDateTime,
) -> Result<Vec<u8>, AppError> {
    let loaded = load_visible(conn, actor, id)?;
    let decision = loaded.decision.clone().ok_or_else(|| {
        AppError::NotFound("Søknaden har ikke fått tilsagn, og har derfor ikke noe tilskuddsbrev.".into())
    })?;
    if let Some(info) = crate::files::infos(conn, OWNER_LETTER, id)?.into_values().last() {
        if let Some(bytes) = crate::files::bytes(conn, &info.sha256)? {
            return Ok(bytes);
        }
    }
    let pdf = letter::render(&letter_of(conn, &loaded, &decision)?);
    let upload = crate::files::Upload { file_name: format!("tilskuddsbrev-{id}.pdf"), bytes: pdf };
    let owner = crate::files::Owner { kind: OWNER_LETTER, id, field: "" };
    crate::files::store_file(conn, &owner, &upload, "application/pdf", now)?;
    Ok(upload.bytes)
}
