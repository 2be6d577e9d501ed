//! Insight (innsikt): the national and county views, computed when asked from the delivered
//! technology status reports and the registry (no batch job; drafts never count).

pub mod api;
pub mod cache;
pub mod chart;
pub mod indicators;
pub mod org;
pub mod pages;
pub mod report;

use crate::db::DbConnection;
use crate::error::AppError;
use crate::registry::store as registry;
use crate::reporting::store::{self as reports, RoundRow};
use chrono::NaiveDateTime;
use samveis_domain::insight::{Adoption, TechStatus, adoption, technology_status};
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
}

impl MunicipalityLine {
    pub fn in_operation(&self) -> usize {
        self.statuses.iter().flatten().filter(|s| s.state.as_deref() == Some("I drift")).count()
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
}

impl AreaInsight {
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
        if State::from_code(&s.state).is_some_and(State::delivered) {
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

/// The 2024 municipalities (all, or one county's) with their delivered technology status.
pub fn area(conn: &mut DbConnection, county: Option<&str>) -> Result<AreaInsight, AppError> {
    let round = latest_round(conn)?;
    let mut delivered: BTreeMap<String, (Answers, Option<NaiveDateTime>, bool)> = BTreeMap::new();
    if let Some(r) = &round {
        for s in reports::submissions_of_round(conn, r.id)? {
            let state = State::from_code(&s.state).unwrap_or(State::Draft);
            if s.org.kind != "municipality" || !state.delivered() {
                continue;
            }
            let answers: Answers = serde_json::from_str(&s.answers).map_err(|e| AppError::Internal(e.to_string()))?;
            delivered.insert(s.org.id.clone(), (answers, s.submitted_at, state == State::Accepted));
        }
    }
    let rows = registry::municipality_rows(conn, Layout::CURRENT)?;
    let lines: Vec<MunicipalityLine> = rows
        .into_iter()
        .filter(|m| county.is_none_or(|c| m.county_number.as_str() == c))
        .map(|m| {
            let found = delivered.remove(m.number.as_str());
            MunicipalityLine {
                number: m.number.to_string(),
                name: m.name,
                county_number: m.county_number.to_string(),
                population: m.population,
                submitted_at: found.as_ref().and_then(|f| f.1),
                accepted: found.as_ref().is_some_and(|f| f.2),
                statuses: found.map(|f| technology_status(&f.0)),
            }
        })
        .collect();
    let statuses: Vec<Vec<TechStatus>> = lines.iter().filter_map(|l| l.statuses.clone()).collect();
    Ok(AreaInsight { adoption: adoption(&statuses), round, lines })
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
        ledger.extend(crate::grants::store::entries_of_scheme(conn, s.id)?.iter().filter_map(|e| e.to_domain()));
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
