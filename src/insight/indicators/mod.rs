//! Indicators in the app: definitions stored as data (the shipped ones and those the programme
//! office adds), computed on request by the domain's one engine for pages, exports and the API.

pub mod api;
pub mod builtin;
pub mod pages;
pub mod store;

use super::InsightError;
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::generation::ViewCache;
use crate::web::format;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use samveis_domain::access::{Action, Resource};
use samveis_domain::insight::indicator::{
    Aggregation, Computed, Definition, DefinitionError, Level, OverTime, Source, Unit, compute,
};
use samveis_domain::registry::Layout;
use samveis_domain::reporting::Period;
use std::sync::Arc;
use store::IndicatorRow;

/// What to compute: at which level, for which period, on which layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ask {
    pub level: Level,
    pub period: Period,
    pub layout: Layout,
}

pub struct Evaluated {
    pub indicator: IndicatorRow,
    pub ask: Ask,
    pub computed: Computed,
    /// Values read for the period, before placing them.
    pub values: usize,
}

pub fn level_code(level: Level) -> &'static str {
    match level {
        Level::Nation => "land",
        Level::County => "fylke",
        Level::Municipality => "kommune",
        Level::Collaboration => "samarbeid",
    }
}

pub fn level_label(level: Level) -> &'static str {
    match level {
        Level::Nation => "Hele landet",
        Level::County => "Fylke",
        Level::Municipality => "Kommune",
        Level::Collaboration => "Samarbeid",
    }
}

pub const LEVELS: [Level; 4] = [Level::Nation, Level::County, Level::Municipality, Level::Collaboration];

pub fn parse_level(code: &str) -> Result<Level, InsightError> {
    LEVELS.into_iter().find(|l| level_code(*l) == code).ok_or_else(|| InsightError::Invalid {
        field: "niva",
        message: format!("Ukjent nivå «{code}»: bruk land, fylke, kommune eller samarbeid."),
    })
}

/// A figure the Norwegian way in its unit ("1 447 130 kr", "33,33 %", "12,5 timer").
pub fn shown(unit: Unit, hundredths: Option<i64>) -> String {
    let Some(v) = hundredths else { return "–".into() };
    match unit {
        Unit::Count => format::hundredths(v),
        Unit::Kroner => format!("{}\u{a0}kr", format::hundredths(v)),
        Unit::Hours => format!("{}\u{a0}timer", format::hundredths(v)),
        Unit::Percent => format!("{}\u{a0}%", format::hundredths(v)),
    }
}

/// The period a view shows when none is asked for: the year of the newest value, else this year.
fn default_period(conn: &mut DbConnection, d: &Definition, today: NaiveDate) -> Result<Period, AppError> {
    let newest = store::span(conn, &d.source)?.map(|(_, last)| last);
    Ok(Period::Year(newest.unwrap_or(today).year()))
}

pub fn indicator(conn: &mut DbConnection, code: &str) -> Result<IndicatorRow, AppError> {
    store::one(conn, code)?.ok_or_else(|| AppError::NotFound(format!("Fant ikke indikatoren «{code}».")))
}

/// Computes an indicator; a missing period means the newest year with values. Kept in `views`
/// until the data changes.
pub fn evaluate(
    views: &ViewCache,
    conn: &mut DbConnection,
    code: &str,
    ask: (Level, Option<Period>, Layout),
    today: NaiveDate,
) -> Result<Arc<Evaluated>, AppError> {
    let (level, period, layout) = ask;
    let key = format!(
        "indicator:{code}:{}:{}:{layout}:{today}",
        level_code(level),
        period.map(|p| p.code()).unwrap_or_default()
    );
    views.get(conn, key, |conn| {
        let indicator = indicator(conn, code)?;
        let period = match period {
            Some(p) => p,
            None => default_period(conn, &indicator.definition, today)?,
        };
        let facts = store::facts(conn, &indicator.definition.source, period.dates())?;
        let geography = store::geography(conn, layout)?;
        let computed = compute(&indicator.definition, &facts, &geography, level);
        Ok(Evaluated { indicator, ask: Ask { level, period, layout }, computed, values: facts.len() })
    })
}

/// A national figure per year (none where nothing was reported).
pub type Years = Vec<(i32, Option<i64>)>;

/// How many years a development line shows at most.
const YEARS_SHOWN: i32 = 12;

/// The national figure per year, from the first year with values to the newest (the last 12 at
/// most), each year computed exactly as a view of that year would.
pub fn yearly(
    views: &ViewCache,
    conn: &mut DbConnection,
    indicator: &IndicatorRow,
    layout: Layout,
) -> Result<Arc<Years>, AppError> {
    let key = format!("indicator-years:{}:{layout}", indicator.definition.code);
    views.get(conn, key, |conn| years_of(conn, indicator, layout))
}

fn years_of(
    conn: &mut DbConnection,
    indicator: &IndicatorRow,
    layout: Layout,
) -> Result<Vec<(i32, Option<i64>)>, AppError> {
    let d = &indicator.definition;
    let Some((first, last)) = store::span(conn, &d.source)? else { return Ok(vec![]) };
    let from = first.year().max(last.year() - YEARS_SHOWN + 1);
    let range = (Period::Year(from).dates().0, Period::Year(last.year()).dates().1);
    let facts = store::facts(conn, &d.source, range)?;
    let geography = store::geography(conn, layout)?;
    Ok((from..=last.year())
        .map(|year| {
            let of_year: Vec<_> = facts.iter().filter(|f| f.when.0.year() == year).cloned().collect();
            (year, compute(d, &of_year, &geography, Level::Nation).total.value)
        })
        .collect())
}

/// Loads the shipped definitions that are not stored yet (never overwrites a stored one).
pub fn ensure_builtin(conn: &mut DbConnection, now: NaiveDateTime) -> Result<(), crate::db::StoreError> {
    let present = store::codes(conn)?;
    for d in builtin::definitions() {
        if !present.contains(&d.code) {
            store::insert(conn, &d, true, now)?;
        }
    }
    Ok(())
}

/// The form field a definition error belongs to.
pub fn definition_field(e: &DefinitionError) -> &'static str {
    match e {
        DefinitionError::Code(_) => "code",
        DefinitionError::Name => "name",
        DefinitionError::ShareWithoutMatch => "matches",
        DefinitionError::LedgerNotSum => "aggregation",
        DefinitionError::Element => "element",
    }
}

/// An indicator definition to add (`version` None) or to change from the version the user saw.
#[derive(Debug, Clone)]
pub struct SaveIndicator {
    pub definition: Definition,
    pub version: Option<i64>,
}

/// Adds or changes an indicator definition: only the programme office; checked, audited, and a
/// stale change is refused.
pub fn save(conn: &mut DbConnection, ctx: &Ctx, command: &SaveIndicator) -> Result<(), InsightError> {
    ctx.require(Action::ManageIndicators, &Resource::Any)?;
    let definition = &command.definition;
    definition.check().map_err(|e| InsightError::Invalid {
        field: definition_field(&e),
        message: crate::web::format::capitalized(&e.to_string()),
    })?;
    crate::db::write(conn, |conn| {
        crate::generation::changed(conn)?;
        let before = store::one(conn, &definition.code)?;
        match (command.version, &before) {
            (None, Some(_)) => {
                return Err(InsightError::Conflict(format!(
                    "Det finnes alt en indikator med koden «{}».",
                    definition.code
                )));
            }
            (None, None) => store::insert(conn, definition, false, ctx.now)?,
            (Some(_), None) => {
                return Err(InsightError::NotFound(format!("Fant ikke indikatoren «{}».", definition.code)));
            }
            (Some(v), Some(_)) => {
                if !store::update(conn, definition, v, ctx.now)? {
                    return Err(InsightError::Conflict(crate::error::VERSION_CONFLICT.into()));
                }
            }
        }
        let change = Change {
            action: if before.is_some() { "endret" } else { "opprettet" },
            record_type: "indikator",
            record_id: definition.code.clone(),
            before: before.and_then(|b| serde_json::to_value(b.definition).ok()),
            after: serde_json::to_value(definition).ok(),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(())
    })
}

pub fn aggregation_label(a: Aggregation) -> &'static str {
    match a {
        Aggregation::Sum => "Sum",
        Aggregation::Count => "Antall enheter",
        Aggregation::Share => "Andel av enhetene som svarte",
        Aggregation::Average => "Gjennomsnitt",
    }
}

pub fn over_time_label(o: OverTime) -> &'static str {
    match o {
        OverTime::Sum => "Alle verdier i perioden legges sammen",
        OverTime::Latest => "Bare siste verdi per enhet i perioden",
    }
}

pub fn unit_label(u: Unit) -> &'static str {
    match u {
        Unit::Count => "Antall",
        Unit::Kroner => "Kroner",
        Unit::Hours => "Timer",
        Unit::Percent => "Prosent",
    }
}

pub fn entry_kind_label(code: &str) -> &'static str {
    samveis_domain::grants::EntryKind::from_code(code).map_or("Ukjent post", |k| k.label())
}

/// The definition in one Norwegian sentence, for the page and the «how is this computed» text.
pub fn describe(d: &Definition) -> String {
    let source = match &d.source {
        Source::Field { form, element } => {
            format!("dataelementet «{element}» i skjemaet «{form}» (sendte og godkjente rapporter; utkast telles ikke)")
        }
        Source::Ledger { entry_kind } => {
            format!("regnskapsposter av typen «{}» (med korrigeringer)", entry_kind_label(entry_kind))
        }
    };
    let how = match (d.aggregation, d.matches.as_deref().filter(|m| !m.is_empty())) {
        (Aggregation::Share, Some(m)) => format!("andelen enheter med verdien «{m}» av enhetene som svarte"),
        (Aggregation::Count, Some(m)) => format!("antall enheter med verdien «{m}»"),
        (Aggregation::Count, None) => "antall enheter med en verdi (ikke 0)".into(),
        (a, _) => aggregation_label(a).to_lowercase(),
    };
    format!("{} – fra {source}. {}.", crate::web::format::capitalized(&how), over_time_label(d.over_time))
}
