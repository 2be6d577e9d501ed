//! Insight (innsikt): the national and county views, computed when asked from the delivered
//! technology status reports and the registry (no batch job; drafts never count).

pub mod api;
pub mod chart;
pub mod county;
mod error;
pub mod indicators;
pub mod org;
pub mod pages;
pub mod report;

pub use error::InsightError;

use crate::db::DbConnection;
use crate::error::AppError;
use crate::registry::store as registry;
use crate::reporting::store::{self as reports, RoundRow, SubmissionRow};
use chrono::NaiveDateTime;
use samveis_domain::access::OrgUnit;
use samveis_domain::insight::{
    Adoption, Counted, Provenance, RoundOrder, TechState, TechStatus, adoption, merge_statuses, technology_status,
};
use samveis_domain::registry::{Layout, MunicipalityRow};
use samveis_domain::reporting::{Answers, State};
use std::collections::{BTreeMap, BTreeSet};

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
    /// The round its status comes from: its latest delivered technology status.
    pub round: Option<RoundRow>,
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
    /// The rounds the municipalities' statuses come from.
    pub provenance: Provenance,
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

    /// "Status per 20. desember 2025, fra runden «Teknologistatus 2025»." (with how many
    /// municipalities each when the statuses come from several rounds).
    pub fn status_line(&self) -> String {
        status_line(&self.provenance, ("kommune", "kommuner"), "Ingen kommuner har levert teknologistatus ennå.")
    }

    /// Some of the figures are demo data.
    pub fn demo(&self) -> bool {
        self.provenance.demo()
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

/// The rounds of a form family (every version of the form), newest first: by deadline, and
/// among equal deadlines the one opened last. Every view and the «how is this computed» page
/// order rounds this one way.
pub fn rounds_of(conn: &mut DbConnection, rounds: &[RoundRow], code: &str) -> Result<Vec<RoundRow>, AppError> {
    let of_form = reports::template_ids_of(conn, code)?;
    let mut mine: Vec<RoundRow> = rounds.iter().filter(|r| of_form.contains(&r.template_id)).cloned().collect();
    mine.sort_by_key(|r| std::cmp::Reverse((r.deadline, r.id)));
    Ok(mine)
}

/// The latest round of a form, with its form.
pub fn latest_round_of(
    conn: &mut DbConnection,
    rounds: &[RoundRow],
    code: &str,
) -> Result<Option<(RoundRow, reports::TemplateRow)>, AppError> {
    // Only the chosen round's form is read and parsed: there may be hundreds of rounds.
    let Some(round) = rounds_of(conn, rounds, code)?.into_iter().next() else { return Ok(None) };
    Ok(reports::template(conn, round.template_id)?.map(|t| (round.clone(), t)))
}

/// Each org unit's latest delivered (sent or accepted) report across the rounds of a form: a
/// unit that has not delivered in the newest round counts with its report from an earlier one,
/// so opening a round blanks nothing. Grouped by round, newest first; rounds that supply no
/// report are left out.
pub fn latest_delivered_of(
    conn: &mut DbConnection,
    rounds: &[RoundRow],
    code: &str,
) -> Result<Vec<(RoundRow, Vec<SubmissionRow>)>, AppError> {
    let mut seen: BTreeSet<(OrgUnit, i32)> = BTreeSet::new();
    let mut out = Vec::new();
    for round in rounds_of(conn, rounds, code)? {
        let latest: Vec<SubmissionRow> = reports::submissions_of_round(conn, round.id)?
            .into_iter()
            .filter(|s| s.state.delivered() && seen.insert((s.org.unit.clone(), s.org.layout)))
            .collect();
        if !latest.is_empty() {
            out.push((round, latest));
        }
    }
    Ok(out)
}

/// The answers of a round's delivered submissions.
fn delivered_answers(conn: &mut DbConnection, round_id: i64) -> Result<Vec<Answers>, AppError> {
    let mut answers = Vec::new();
    for s in reports::submissions_of_round(conn, round_id)? {
        if s.state.delivered() {
            answers.push(parsed(&s)?);
        }
    }
    Ok(answers)
}

fn parsed(s: &SubmissionRow) -> Result<Answers, AppError> {
    serde_json::from_str(&s.answers).map_err(|e| AppError::Internal(e.to_string()))
}

/// How rounds are ordered (newest last).
fn order(r: &RoundRow) -> RoundOrder {
    (r.deadline, r.id)
}

/// The rounds the counted reports come from, how many units each, and as of when (the latest
/// delivery; the round's deadline for a report without a sending time).
pub(crate) fn provenance<'a>(counted: impl IntoIterator<Item = (&'a RoundRow, Option<NaiveDateTime>)>) -> Provenance {
    Provenance::of(counted.into_iter().map(|(r, at)| Counted {
        order: order(r),
        round: &r.name,
        demo: r.demo,
        delivered: at.map_or(r.deadline, |t| t.date()),
    }))
}

/// "Status per 20. desember 2025, fra runden «Teknologistatus 2025»." or, when nothing counts, `none`.
pub fn status_line(p: &Provenance, unit: (&str, &str), none: &str) -> String {
    let date = p.as_of.map(crate::web::format::date).unwrap_or_default();
    p.sentence(&date, unit).map_or_else(|| none.to_string(), |s| format!("{s}."))
}

/// A delivered technology status as it lands on a municipality of the chosen layout.
struct Placed<'a> {
    statuses: Vec<TechStatus>,
    weight: i32,
    submitted_at: Option<NaiveDateTime>,
    accepted: bool,
    mapped: bool,
    round: &'a RoundRow,
}

/// Each municipality's latest delivered technology status placed on a layout (all, or one
/// county's), and how many reports could not be placed unambiguously.
fn place<'a>(
    geography: &samveis_domain::insight::placement::Geography,
    county: Option<&str>,
    delivered: &'a [(RoundRow, Vec<SubmissionRow>)],
) -> Result<(BTreeMap<String, Vec<Placed<'a>>>, usize), AppError> {
    use samveis_domain::insight::indicator::OrgKind;
    let mut placed: BTreeMap<String, Vec<Placed>> = BTreeMap::new();
    let mut unplaced = 0;
    for (round, subs) in delivered {
        for s in subs.iter().filter(|s| s.org.is_municipality()) {
            let place = geography.place(OrgKind::Municipality, &s.org.id, s.org.layout);
            if place.parts.is_empty() {
                // A county counts the reports that could have belonged to it.
                if county.is_none_or(|c| geography.counties_of(&s.org.id, s.org.layout).contains(c)) {
                    unplaced += 1;
                }
                continue;
            }
            let statuses = technology_status(&parsed(s)?);
            for (number, weight) in place.parts {
                placed.entry(number).or_default().push(Placed {
                    statuses: statuses.clone(),
                    weight,
                    submitted_at: s.submitted_at,
                    accepted: s.state == State::Accepted,
                    mapped: place.mapped,
                    round,
                });
            }
        }
    }
    Ok((placed, unplaced))
}

/// A municipality's line from the reports placed on it: those of the newest round among them
/// (a municipality renumbered between layouts is never counted twice), merged if several.
fn line(m: MunicipalityRow, mut found: Vec<Placed>) -> MunicipalityLine {
    let newest = found.iter().map(|p| order(p.round)).max();
    found.retain(|p| Some(order(p.round)) == newest);
    let statuses = match found.as_slice() {
        [] => None,
        [one] if !one.mapped => Some(one.statuses.clone()),
        many => Some(merge_statuses(&many.iter().map(|p| (p.statuses.as_slice(), p.weight)).collect::<Vec<_>>())),
    };
    MunicipalityLine {
        number: m.number.to_string(),
        name: m.name,
        county_number: m.county_number.to_string(),
        population: m.population,
        submitted_at: found.iter().filter_map(|p| p.submitted_at).max(),
        accepted: !found.is_empty() && found.iter().all(|p| p.accepted),
        mapped: found.iter().any(|p| p.mapped),
        round: found.first().map(|p| p.round.clone()),
        statuses,
    }
}

/// The municipalities of a layout (all, or one county's) with their latest delivered
/// technology status across the technology status rounds. A report made on another layout is
/// placed through the code transitions: a split municipality's parts share it by weight, and
/// the reports of municipalities later merged are merged (see `merge_statuses`); a report that
/// cannot be placed unambiguously is left out and counted.
pub fn area(conn: &mut DbConnection, county: Option<&str>, layout: Layout) -> Result<AreaInsight, AppError> {
    let rounds = reports::rounds(conn)?;
    let delivered = latest_delivered_of(conn, &rounds, TECHNOLOGY_STATUS)?;
    let geography = indicators::store::geography(conn, layout)?;
    let (mut placed, unplaced) = place(&geography, county, &delivered)?;
    let lines: Vec<MunicipalityLine> = registry::municipality_rows(conn, layout)?
        .into_iter()
        .filter(|m| county.is_none_or(|c| m.county_number.as_str() == c))
        .map(|m| {
            let found = placed.remove(m.number.as_str()).unwrap_or_default();
            line(m, found)
        })
        .collect();
    let statuses: Vec<Option<&[TechStatus]>> = lines.iter().map(|l| l.statuses.as_deref()).collect();
    let adoption = adoption(&statuses);
    let provenance = provenance(lines.iter().filter_map(|l| l.round.as_ref().map(|r| (r, l.submitted_at))));
    Ok(AreaInsight { adoption, provenance, lines, layout, unplaced })
}

/// How the projects answered «Prosjektstatus», each with its latest delivered status report.
#[derive(Clone)]
pub struct ProjectStatus {
    /// The newest round the answers come from (the latest round when none has delivered).
    pub newest: String,
    /// The answers come from more than one round.
    pub several: bool,
    /// "Status per …, fra runden «…»." with how many projects each when from several rounds.
    pub line: String,
    /// Per option of «Prosjektstatus» (as the latest round's form has them), how many projects.
    pub counts: Vec<(String, u32)>,
}

impl ProjectStatus {
    /// "Statusrapport desember 2021", or "… og tidligere runder" when from several.
    pub fn caption(&self) -> String {
        if self.several { format!("{} og tidligere runder", self.newest) } else { self.newest.clone() }
    }
}

/// The rest of the national picture: project status, open rounds and money.
pub struct Programme {
    pub project_status: Option<ProjectStatus>,
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

/// The projects' status from each one's latest delivered status report; None before the first
/// status report round.
fn project_status(conn: &mut DbConnection, rounds: &[RoundRow]) -> Result<Option<ProjectStatus>, AppError> {
    use samveis_domain::reporting::{Answer, FieldKind};
    const FORM: &str = "statusrapport";
    let Some((latest, t)) = latest_round_of(conn, rounds, FORM)? else { return Ok(None) };
    let mut counts: Vec<(String, u32)> = match t.template.field("prosjektstatus").map(|f| f.kind.clone()) {
        Some(FieldKind::SingleChoice { options }) => options.into_iter().map(|o| (o, 0)).collect(),
        _ => vec![],
    };
    let delivered = latest_delivered_of(conn, rounds, FORM)?;
    for s in delivered.iter().flat_map(|(_, subs)| subs) {
        if let Some(Answer::Choice(c)) = parsed(s)?.get("prosjektstatus") {
            if let Some(slot) = counts.iter_mut().find(|(o, _)| o == c) {
                slot.1 += 1;
            }
        }
    }
    let p = provenance(delivered.iter().flat_map(|(r, subs)| subs.iter().map(move |s| (r, s.submitted_at))));
    Ok(Some(ProjectStatus {
        newest: p.newest().unwrap_or(&latest.name).to_string(),
        several: p.rounds.len() > 1,
        line: status_line(&p, ("prosjekt", "prosjekter"), "Ingen prosjekter har levert statusrapport ennå."),
        counts,
    }))
}

pub fn programme(conn: &mut DbConnection, today: chrono::NaiveDate) -> Result<Programme, AppError> {
    use samveis_domain::grants::balance;
    let rounds = reports::rounds(conn)?;
    let project_status = project_status(conn, &rounds)?;
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
        project_status,
        open_rounds,
        granted: b.granted - b.withdrawn,
        paid: b.net_paid(),
        benefits_round,
        benefits,
    })
}
