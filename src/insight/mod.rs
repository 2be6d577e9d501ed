//! Insight (innsikt): the national and county views, computed when asked from the delivered
//! technology status reports and the registry (no batch job; drafts never count).

pub mod api;
pub mod chart;
mod error;
pub mod indicators;
pub mod org;
pub mod pages;
pub mod report;

pub use error::InsightError;

use crate::db::DbConnection;
use crate::error::AppError;
use crate::registry::store as registry;
use crate::reporting::store::{self as reports, RoundRow};
use chrono::NaiveDateTime;
use samveis_domain::insight::{Adoption, TechState, TechStatus, adoption, merge_statuses, technology_status};
use samveis_domain::registry::Layout;
use samveis_domain::reporting::{Answers, State};
use std::collections::BTreeMap;

/// The form whose answers the views read.
pub const TECHNOLOGY_STATUS: &str = "teknologistatus";

/// One municipality's line in the county view.
pub struct MunicipalityLine {
    pub number: String,
    pub name: String,
    pub county_number: String,
    pub population: Option<i64>,
    /// None when it has not delivered.
    pub statuses: Option<Vec<TechStatus>>,
    pub submitted_at: Option<NaiveDateTime>,
    pub accepted: bool,
    /// Its status comes from reports made on another layout.
    pub mapped: bool,
}

impl MunicipalityLine {
    pub fn in_operation(&self) -> usize {
        self.statuses.iter().flatten().filter(|s| s.state == Some(TechState::InOperation)).count()
    }

    pub fn investment(&self) -> i64 {
        self.statuses.iter().flatten().filter_map(|s| s.investment).sum()
    }

    pub fn users(&self) -> i64 {
        self.statuses.iter().flatten().filter_map(|s| s.users).sum()
    }
}

/// The figures of an area (the nation or a county).
pub struct AreaInsight {
    pub round: Option<RoundRow>,
    pub lines: Vec<MunicipalityLine>,
    pub adoption: Vec<Adoption>,
    /// The layout the lines are numbered on.
    pub layout: Layout,
    /// Delivered reports that could not be placed on the layout.
    pub unplaced: usize,
}

impl AreaInsight {
    /// Municipalities whose status was carried over from another layout.
    pub fn mapped(&self) -> usize {
        self.lines.iter().filter(|l| l.mapped).count()
    }

    pub fn reported(&self) -> usize {
        self.lines.iter().filter(|l| l.statuses.is_some()).count()
    }

    /// Municipalities with at least one technology in operation, and the population living there.
    pub fn offering(&self) -> (usize, i64) {
        let offering: Vec<&MunicipalityLine> = self.lines.iter().filter(|l| l.in_operation() > 0).collect();
        (offering.len(), offering.iter().filter_map(|l| l.population).sum())
    }

    pub fn population(&self) -> i64 {
        self.lines.iter().filter_map(|l| l.population).sum()
    }

    /// Which layout the figures are on, and what was carried over or left out to get there.
    pub fn layout_note(&self) -> String {
        let mut note = format!("Tallene vises på {}-inndelingen.", self.layout);
        let mapped = self.mapped();
        if mapped > 0 {
            note.push_str(&format!(
                " {mapped} {} status fra rapporter levert på en annen inndeling, ført over med kodeovergangene. Er en kommune delt, fordeles brukere og investering etter vekt; hører flere rapporterende kommuner til én kommune her, legges brukere og investering sammen, og hver teknologi står med den som har kommet lengst.",
                if mapped == 1 { "kommune har" } else { "kommuner har" }
            ));
        }
        if self.unplaced > 0 {
            note.push_str(&format!(
                " {} {} ikke plasseres entydig på {}-inndelingen (kommunen var flere kommuner da) og er ikke med.",
                self.unplaced,
                if self.unplaced == 1 { "rapport kunne" } else { "rapporter kunne" },
                self.layout
            ));
        }
        note
    }
}

/// The layout a view asks for in `inndeling`: none or empty is 2024; anything else must be one
/// of the three, or the request is refused naming the value.
pub fn parse_layout(value: Option<&str>) -> Result<Layout, AppError> {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        Some(l) => Layout::parse(l).map_err(|e| AppError::BadRequest(crate::web::format::capitalized(&e.to_string()))),
        None => Ok(Layout::CURRENT),
    }
}

/// The latest round of a form (by deadline; among equal deadlines the one opened last), with
/// its form. Every view and the «how is this computed» page choose rounds this one way.
pub fn latest_round_of(
    conn: &mut DbConnection,
    rounds: &[RoundRow],
    code: &str,
) -> Result<Option<(RoundRow, reports::TemplateRow)>, AppError> {
    // Only the chosen round's form is read and parsed: there may be hundreds of rounds.
    let of_form = reports::template_ids_of(conn, code)?;
    let latest = rounds.iter().filter(|r| of_form.contains(&r.template_id)).max_by_key(|r| (r.deadline, r.id));
    let Some(round) = latest else { return Ok(None) };
    Ok(reports::template(conn, round.template_id)?.map(|t| (round.clone(), t)))
}

/// The answers of a round's delivered submissions.
fn delivered_answers(conn: &mut DbConnection, round_id: i64) -> Result<Vec<Answers>, AppError> {
    let mut answers = Vec::new();
    for s in reports::submissions_of_round(conn, round_id)? {
        if s.state.delivered() {
            answers.push(serde_json::from_str(&s.answers).map_err(|e| AppError::Internal(e.to_string()))?);
        }
    }
    Ok(answers)
}

/// The latest technology status round.
fn latest_round(conn: &mut DbConnection) -> Result<Option<RoundRow>, AppError> {
    let rounds = reports::rounds(conn)?;
    Ok(latest_round_of(conn, &rounds, TECHNOLOGY_STATUS)?.map(|(r, _)| r))
}

/// A delivered technology status as it lands on a municipality of the chosen layout.
struct Placed {
    statuses: Vec<TechStatus>,
    weight: i32,
    submitted_at: Option<NaiveDateTime>,
    accepted: bool,
    mapped: bool,
}

/// The municipalities of a layout (all, or one county's) with their delivered technology status.
/// A report made on another layout is placed through the code transitions: a split
/// municipality's parts share it by weight, and the reports of municipalities later merged are
/// merged (see `merge_statuses`); a report that cannot be placed unambiguously is left out and
/// counted.
pub fn area(conn: &mut DbConnection, county: Option<&str>, layout: Layout) -> Result<AreaInsight, AppError> {
    use samveis_domain::insight::indicator::OrgKind;
    let round = latest_round(conn)?;
    let geography = indicators::store::geography(conn, layout)?;
    let mut placed: BTreeMap<String, Vec<Placed>> = BTreeMap::new();
    let mut unplaced = 0;
    if let Some(r) = &round {
        for s in reports::submissions_of_round(conn, r.id)? {
            if !s.org.is_municipality() || !s.state.delivered() {
                continue;
            }
            let place = geography.place(OrgKind::Municipality, &s.org.id, s.org.layout);
            if place.parts.is_empty() {
                // A county counts the reports that could have belonged to it.
                if county.is_none_or(|c| geography.counties_of(&s.org.id, s.org.layout).contains(c)) {
                    unplaced += 1;
                }
                continue;
            }
            let answers: Answers = serde_json::from_str(&s.answers).map_err(|e| AppError::Internal(e.to_string()))?;
            let statuses = technology_status(&answers);
            for (number, weight) in place.parts {
                placed.entry(number).or_default().push(Placed {
                    statuses: statuses.clone(),
                    weight,
                    submitted_at: s.submitted_at,
                    accepted: s.state == State::Accepted,
                    mapped: place.mapped,
                });
            }
        }
    }
    let rows = registry::municipality_rows(conn, layout)?;
    let lines: Vec<MunicipalityLine> = rows
        .into_iter()
        .filter(|m| county.is_none_or(|c| m.county_number.as_str() == c))
        .map(|m| {
            let found = placed.remove(m.number.as_str()).unwrap_or_default();
            let statuses = match found.as_slice() {
                [] => None,
                [one] if !one.mapped => Some(one.statuses.clone()),
                many => {
                    Some(merge_statuses(&many.iter().map(|p| (p.statuses.as_slice(), p.weight)).collect::<Vec<_>>()))
                }
            };
            MunicipalityLine {
                number: m.number.to_string(),
                name: m.name,
                county_number: m.county_number.to_string(),
                population: m.population,
                submitted_at: found.iter().filter_map(|p| p.submitted_at).max(),
                accepted: !found.is_empty() && found.iter().all(|p| p.accepted),
                mapped: found.iter().any(|p| p.mapped),
                statuses,
            }
        })
        .collect();
    let statuses: Vec<Vec<TechStatus>> = lines.iter().filter_map(|l| l.statuses.clone()).collect();
    Ok(AreaInsight { adoption: adoption(&statuses), round, lines, layout, unplaced })
}

/// The rest of the national picture: project status, open rounds and money.
pub struct Programme {
    /// The latest status report round and how the projects answered «Prosjektstatus».
    pub status_round: Option<String>,
    pub statuses: Vec<(String, u32)>,
    /// Rounds whose deadline has not passed: name, delivered, expected.
    pub open_rounds: Vec<(i64, String, u32, u32)>,
    /// Over all schemes: granted (less withdrawn) and paid (less repaid), from the ledger.
    pub granted: i64,
    pub paid: i64,
    /// The latest benefits round and its sums per technology.
    pub benefits_round: Option<String>,
    pub benefits: Vec<samveis_domain::insight::Benefit>,
}

/// The delivered answers of the latest round of a form.
fn latest_delivered(
    conn: &mut DbConnection,
    rounds: &[RoundRow],
    code: &str,
) -> Result<Option<(RoundRow, Vec<Answers>)>, AppError> {
    let Some((round, _)) = latest_round_of(conn, rounds, code)? else { return Ok(None) };
    let answers = delivered_answers(conn, round.id)?;
    Ok(Some((round, answers)))
}

pub fn programme(conn: &mut DbConnection, today: chrono::NaiveDate) -> Result<Programme, AppError> {
    use samveis_domain::grants::balance;
    let mut status_round = None;
    let mut statuses: Vec<(String, u32)> = Vec::new();
    let rounds = reports::rounds(conn)?;
    if let Some((r, t)) = latest_round_of(conn, &rounds, "statusrapport")? {
        if let Some(samveis_domain::reporting::FieldKind::SingleChoice { options }) =
            t.template.field("prosjektstatus").map(|f| f.kind.clone())
        {
            statuses = options.into_iter().map(|o| (o, 0)).collect();
            for answers in delivered_answers(conn, r.id)? {
                if let Some(samveis_domain::reporting::Answer::Choice(c)) = answers.get("prosjektstatus") {
                    if let Some(slot) = statuses.iter_mut().find(|(o, _)| o == c) {
                        slot.1 += 1;
                    }
                }
            }
        }
        status_round = Some(r.name);
    }
    let open: Vec<RoundRow> = rounds.iter().filter(|r| r.deadline >= today).cloned().collect();
    let open_rounds = crate::reporting::pages::round_lines(conn, today, open)?
        .into_iter()
        .map(|l| (l.id, l.name, l.delivered, l.expected))
        .collect();
    let mut ledger = Vec::new();
    for s in crate::grants::store::schemes(conn)? {
        ledger.extend(crate::grants::store::entries_of_scheme(conn, s.id)?.iter().map(|e| e.to_domain()));
    }
    let b = balance(&ledger);
    let (benefits_round, benefits) = match latest_delivered(conn, &rounds, "milepael_m1")? {
        Some((round, answers)) => (Some(round.name), samveis_domain::insight::benefits(&answers)),
        None => (None, vec![]),
    };
    Ok(Programme {
        status_round,
        statuses,
        open_rounds,
        granted: b.granted - b.withdrawn,
        paid: b.net_paid(),
        benefits_round,
        benefits,
    })
}
