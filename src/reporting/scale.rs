//! A synthetic reporting history for load tests (`samveis demo --scale N`): every municipality
//! reports a 234-field monthly form for N years, all accepted: about N million reported values.
//! Reproducible (seeded), written through the same rounds, submissions and reported values as
//! real reports, one round per transaction.

use super::error::{ReportingError, ReportingResult};
use super::store;
use super::{Audience, REVIEWER_PROGRAMME, RoundSpec, open_round};
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::db::schema::submissions;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use samveis_domain::insight::TECHNOLOGIES;
use samveis_domain::insight::indicator::{Aggregation, Definition, OverTime, Source, Unit};
use samveis_domain::reporting::{Answer, Answers, Field, FieldKind, FormTemplate, Period, Section, reported_values};
use std::collections::{BTreeMap, BTreeSet};

pub const FORM: &str = "skala_maanedsrapport";

/// 26 figures per technology, 9 technologies: 234 values per report.
const METRICS: [&str; 26] = [
    "brukere",
    "nye_brukere",
    "avsluttede_brukere",
    "alarmer",
    "utrykninger",
    "falske_alarmer",
    "tilsyn_natt",
    "tilsyn_dag",
    "besok_spart",
    "timer_frigjort",
    "kroner_spart",
    "reiser_spart",
    "opplaering_timer",
    "ansatte_opplaert",
    "avvik",
    "hendelser",
    "henvendelser",
    "kartlagte",
    "vurderte",
    "tildelte",
    "venteliste",
    "leverandorfeil",
    "nedetid_timer",
    "kostnad_drift",
    "kostnad_innkjop",
    "tilfredshet",
];

fn template() -> FormTemplate {
    let sections = TECHNOLOGIES
        .iter()
        .map(|t| Section {
            title: t.label.to_string(),
            help: String::new(),
            fields: METRICS
                .iter()
                .map(|m| Field {
                    code: format!("{}_{m}", t.code),
                    label: m.replace('_', " "),
                    help: String::new(),
                    required: false,
                    min: Some(0),
                    max: None,
                    kind: if m.starts_with("kroner") || m.starts_with("kostnad") {
                        FieldKind::Money
                    } else {
                        FieldKind::Integer
                    },
                })
                .collect(),
        })
        .collect();
    FormTemplate {
        code: FORM.into(),
        name: "Månedsrapport (syntetisk lasttest)".into(),
        description: "Syntetiske tall for ytelsesmåling; ikke ekte rapporter.".into(),
        sections,
        rules: vec![],
    }
}

/// Indicators over the synthetic form, so the engine can be measured on it. Insight stores them
/// (the caller does: reporting does not depend on insight).
pub fn definitions() -> Vec<Definition> {
    let mut out = Vec::new();
    for t in TECHNOLOGIES {
        let d = |metric: &str, over_time, unit| Definition {
            code: format!("skala_{}_{metric}", t.code),
            name: format!("{} (syntetisk): {}", t.label, metric.replace('_', " ")),
            description: "Fra den syntetiske månedsrapporten (lasttest).".into(),
            source: Source::Field { form: FORM.into(), element: format!("{}_{metric}", t.code) },
            aggregation: Aggregation::Sum,
            over_time,
            matches: None,
            unit,
        };
        out.push(d("brukere", OverTime::Latest, Unit::Count));
        out.push(d("kroner_spart", OverTime::Sum, Unit::Kroner));
    }
    out
}

/// A municipality's answers for month `i` of the history: users grow, the rest varies.
fn answers(template: &FormTemplate, population: i64, month: usize, rng: &mut StdRng) -> Answers {
    let base = (population / 500).max(5);
    template
        .fields()
        .map(|f| {
            let n = if f.code.ends_with("_brukere") {
                base + (month as i64) * base / 60 + rng.gen_range(0..=base / 10)
            } else {
                rng.gen_range(0..=base * 3)
            };
            (f.code.clone(), Answer::Whole(n))
        })
        .collect()
}

pub struct Generated {
    pub rounds: usize,
    pub submissions: usize,
    pub values: usize,
}

/// The months of the history: `years` × 12 months ending with the month before `today`.
fn months(years: u32, today: NaiveDate) -> Vec<(i32, u32)> {
    let last = today.year() * 12 + today.month0() as i32 - 1;
    let first = last - years as i32 * 12 + 1;
    (first..=last).map(|m| (m.div_euclid(12), m.rem_euclid(12) as u32 + 1)).collect()
}

/// The synthetic form's id: stored once, found after.
fn form_id(conn: &mut DbConnection, now: NaiveDateTime) -> ReportingResult<i64> {
    Ok(match store::template_by_code(conn, FORM)? {
        Some(t) => t.id,
        None => store::insert_template(conn, &template(), now)?,
    })
}

/// The periods that already have a round of the synthetic form.
fn present_periods(conn: &mut DbConnection) -> ReportingResult<BTreeSet<String>> {
    let versions = store::template_ids_of(conn, FORM)?;
    Ok(store::rounds(conn)?.into_iter().filter(|r| versions.contains(&r.template_id)).map(|r| r.period).collect())
}

/// One month's round.
struct Month<'a> {
    index: usize,
    period: Period,
    form: &'a FormTemplate,
    population: &'a BTreeMap<String, i64>,
}

/// Opens a month's round and accepts every municipality's answers in it; returns the
/// submissions and values written.
fn write_month(
    conn: &mut DbConnection,
    ctx: &Ctx,
    template_id: i64,
    month: &Month,
    rng: &mut StdRng,
) -> ReportingResult<(usize, usize)> {
    let deadline = month.period.dates().1 + chrono::Duration::days(10);
    let spec = RoundSpec {
        name: format!("Månedsrapport {} (syntetisk)", month.period.label()),
        template_id,
        period: month.period.code(),
        deadline: deadline.to_string(),
        reviewer: REVIEWER_PROGRAMME.into(),
        audience: Audience::AllMunicipalities { layout: 2024 },
        demo: true,
    };
    let round_id = open_round(conn, ctx, &spec)?;
    let submitted_at = deadline.and_hms_opt(9, 0, 0).unwrap_or(ctx.now);
    crate::db::write(conn, |conn| {
        let mut delivered = Vec::new();
        for s in store::submissions_of_round(conn, round_id)? {
            let people = month.population.get(&s.org.id).copied().unwrap_or(5000);
            let a = answers(month.form, people, month.index, rng);
            let json = serde_json::to_string(&a).map_err(ReportingError::internal)?;
            diesel::update(submissions::table.find(s.id))
                .set((
                    submissions::state.eq(samveis_domain::reporting::State::Accepted.code()),
                    submissions::answers.eq(&json),
                    submissions::submitted_at.eq(Some(submitted_at)),
                    submissions::version.eq(s.version + 1),
                ))
                .execute(conn)?;
            delivered.push((s, reported_values(month.form, &a)));
        }
        let values = super::values::insert(conn, FORM, month.period.dates().1, &delivered)?;
        crate::generation::changed(conn)?;
        Ok((delivered.len(), values))
    })
}

/// Writes the synthetic history as the system (`ctx`), `years` long. Store [`definitions`]
/// alongside to measure indicators on it.
pub fn generate(conn: &mut DbConnection, ctx: &Ctx, years: u32) -> ReportingResult<Generated> {
    let template_id = form_id(conn, ctx.now)?;
    let form = template();
    let population: BTreeMap<String, i64> =
        crate::registry::store::municipality_rows(conn, samveis_domain::registry::Layout::CURRENT)?
            .into_iter()
            .map(|m| (m.number.to_string(), m.population.unwrap_or(5000)))
            .collect();
    // Running it again adds only the months that are missing, never a second round of a month.
    let present = present_periods(conn)?;
    let mut rng = StdRng::seed_from_u64(2026);
    let mut done = Generated { rounds: 0, submissions: 0, values: 0 };
    for (index, (year, month)) in months(years, ctx.now.date()).into_iter().enumerate() {
        let period = Period::Month(year, month as u8);
        if present.contains(&period.code()) {
            continue;
        }
        let month = Month { index, period, form: &form, population: &population };
        let (submissions, values) = write_month(conn, ctx, template_id, &month, &mut rng)?;
        done.submissions += submissions;
        done.values += values;
        done.rounds += 1;
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_history_ends_the_month_before_today_and_spans_whole_years() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap_or_default();
        let m = super::months(2, today);
        assert_eq!((m.len(), m.first().copied(), m.last().copied()), (24, Some((2024, 1)), Some((2025, 12))));
        assert_eq!(super::template().fields().count(), 234);
    }
}
