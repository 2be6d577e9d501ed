//! Indicator pages: the list, one indicator at a chosen level, period and layout (chart, ranked
//! table, exports, how it is computed), and the programme office's form to add or change one.
//! Indicator figures are published aggregates of delivered reports: anyone may read them.

use super::SaveIndicator;
use super::{
    Evaluated, LEVELS, aggregation_label, describe, level_code, level_label, over_time_label, parse_level, shown,
    unit_label,
};
use crate::auth::{CsrfForm, PageUser, Visitor};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::exports::{Cell, Table};
use crate::insight::InsightError;
use crate::insight::chart;
use crate::registry::views::Choice;
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render, render_with_status};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::{Action, Resource};
use samveis_domain::grants::EntryKind;
use samveis_domain::insight::indicator::{Aggregation, Definition, Level, OverTime, Source, Unit};
use samveis_domain::registry::Layout;
use samveis_domain::reporting::Period;
use serde::Deserialize;

fn nav(visitor: &Visitor) -> Nav {
    if visitor.may(Action::ViewRounds, &Resource::Any) { Nav::Insight } else { Nav::Figures }
}

pub struct ListRow {
    pub code: String,
    pub name: String,
    pub source: String,
    pub unit: &'static str,
}

#[derive(Template)]
#[template(path = "insight/indicators.html")]
struct ListPage {
    frame: Frame,
    rows: Vec<ListRow>,
    may_manage: bool,
}

pub async fn list(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let rows = state.db.run(|conn| Ok::<_, AppError>(super::store::all(conn)?)).await?;
    let rows = rows
        .into_iter()
        .map(|r| ListRow {
            source: match &r.definition.source {
                Source::Field { form, .. } => form.clone(),
                Source::Ledger { .. } => "regnskap".into(),
            },
            unit: unit_label(r.definition.shown_in()),
            code: r.definition.code,
            name: r.definition.name,
        })
        .collect();
    Ok(render(&ListPage {
        may_manage: visitor.may(Action::ManageIndicators, &Resource::Any),
        frame: Frame::new(&visitor, "Indikatorer", nav(&visitor)),
        rows,
    }))
}

#[derive(Debug, Default, Deserialize)]
pub struct AskQuery {
    pub niva: Option<String>,
    pub periode: Option<String>,
    pub inndeling: Option<String>,
    pub sorter: Option<String>,
}

/// The levels a visitor may see. The nation and the counties are published aggregates; a row per
/// municipality or collaboration is one unit's own answer, for those who follow the reporting.
pub fn levels_for(visitor: &Visitor) -> Vec<Level> {
    let all = visitor.may(Action::ViewRounds, &Resource::Any);
    LEVELS.into_iter().filter(|l| all || matches!(l, Level::Nation | Level::County)).collect()
}

/// What the visitor asked for, read strictly: a bad level, period or layout names the value; a
/// level the visitor may not see is refused.
pub fn read_ask(visitor: &Visitor, q: &AskQuery) -> Result<(Level, Option<Period>, Layout), AppError> {
    let level = parse_level(q.niva.as_deref().filter(|s| !s.is_empty()).unwrap_or("fylke"))?;
    if !levels_for(visitor).contains(&level) {
        return Err(if visitor.user.is_none() { AppError::Unauthenticated } else { AppError::Forbidden });
    }
    let period = match q.periode.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => {
            Some(Period::parse(p).map_err(|e| AppError::BadRequest(crate::web::format::capitalized(&e.to_string())))?)
        }
        None => None,
    };
    let layout = crate::insight::parse_layout(q.inndeling.as_deref())?;
    Ok((level, period, layout))
}

pub struct FigureRow {
    pub key: String,
    pub name: String,
    pub value: String,
    pub basis: String,
    pub reporting: u32,
}

fn basis(aggregation: Aggregation, unit: Unit, f: &samveis_domain::insight::indicator::Figure) -> String {
    match aggregation {
        Aggregation::Share => format!("{} av {}", f.numerator, f.denominator),
        Aggregation::Average => format!("{} / {} verdier", shown(unit, Some(f.numerator)), f.denominator),
        Aggregation::Sum | Aggregation::Count => String::new(),
    }
}

fn figure_rows(e: &Evaluated, by_value: bool) -> Vec<FigureRow> {
    let d = &e.indicator.definition;
    let mut figures: Vec<&samveis_domain::insight::indicator::Figure> = e.computed.rows.iter().collect();
    if by_value {
        figures.sort_by_key(|f| (std::cmp::Reverse(f.value.unwrap_or(i64::MIN)), f.key.clone()));
    }
    figures
        .into_iter()
        .map(|f| FigureRow {
            key: f.key.clone(),
            name: f.name.clone(),
            value: shown(d.shown_in(), f.value),
            basis: basis(d.aggregation, d.unit, f),
            reporting: f.reporting,
        })
        .collect()
}

/// A value in hundredths of `unit`: kroner as kroner (with øre), the rest as decimals.
fn in_unit(unit: Unit, hundredths: i64) -> Cell {
    if unit == Unit::Kroner { Cell::KronerHundredths(hundredths) } else { Cell::Decimal(hundredths) }
}

/// What the numerator and denominator of a figure are, as headers: a sum or an average is made
/// of values in the indicator's unit (kroner, never øre unnamed beside them); a count or a share
/// of org units.
fn parts_headers(d: &Definition) -> (String, String) {
    let unit = unit_label(d.unit).to_lowercase();
    match d.aggregation {
        Aggregation::Sum => (format!("Teller: sum ({unit})"), "Nevner".into()),
        Aggregation::Average => (format!("Teller: sum ({unit})"), "Nevner: antall verdier".into()),
        Aggregation::Count => ("Teller: antall enheter".into(), "Nevner".into()),
        Aggregation::Share => ("Teller: antall enheter".into(), "Nevner: enheter som svarte".into()),
    }
}

/// The computed figures as a table for CSV and XLSX: numbers stay numbers.
pub fn table(e: &Evaluated) -> Table {
    let d = &e.indicator.definition;
    let numerator = |n: i64| match d.aggregation {
        Aggregation::Sum | Aggregation::Average => in_unit(d.unit, n),
        Aggregation::Count | Aggregation::Share => Cell::Number(n),
    };
    // The nation's total last; its key is empty.
    let rows: Vec<Vec<Cell>> = e
        .computed
        .rows
        .iter()
        .chain(std::iter::once(&e.computed.total))
        .map(|f| {
            vec![
                Cell::Text(f.key.clone()),
                Cell::Text(f.name.clone()),
                Cell::or_empty(f.value, |v| in_unit(d.shown_in(), v)),
                numerator(f.numerator),
                Cell::Number(f.denominator),
                Cell::Number(i64::from(f.reporting)),
            ]
        })
        .collect();
    let (numerator_header, denominator_header) = parts_headers(d);
    Table {
        title: format!(
            "{} – {} – {} – inndeling {}",
            d.name,
            level_label(e.ask.level),
            e.ask.period.label(),
            e.ask.layout
        ),
        headers: vec![
            "Nummer".into(),
            "Navn".into(),
            format!("Verdi ({})", unit_label(d.shown_in()).to_lowercase()),
            numerator_header,
            denominator_header,
            "Rapporterende enheter".into(),
        ],
        rows,
    }
}

#[derive(Template)]
#[template(path = "insight/indicator.html")]
struct IndicatorPage {
    frame: Frame,
    code: String,
    name: String,
    description: String,
    how: String,
    total: String,
    total_reporting: u32,
    levels: Vec<Choice>,
    layouts: Vec<Choice>,
    period: String,
    period_label: String,
    query: String,
    chart: Option<String>,
    donut: Option<String>,
    development: Option<String>,
    years: Vec<(i32, String)>,
    rows: Vec<FigureRow>,
    level_label: &'static str,
    notes: Vec<String>,
    by_value: bool,
    may_manage: bool,
    demo: bool,
}

fn query_string(e: &Evaluated) -> String {
    format!("niva={}&periode={}&inndeling={}", level_code(e.ask.level), e.ask.period.code(), e.ask.layout)
}

fn notes(e: &Evaluated) -> Vec<String> {
    let c = &e.computed;
    let mut out = vec![format!("{} verdier fra perioden {}.", format::number(e.values as i64), e.ask.period.label())];
    if c.mapped > 0 {
        out.push(format!(
            "{} verdier er registrert på en annen fylkes- og kommuneinndeling og er ført over til {}-inndelingen med kodeovergangene (delte kommuner etter vekt).",
            c.mapped, e.ask.layout
        ));
    }
    if c.unplaced > 0 {
        out.push(format!(
            "{} verdier kunne ikke plasseres på {}-inndelingen (kommunen er senere slått sammen eller delt slik at overgangen ikke er entydig) og er ikke med.",
            c.unplaced, e.ask.layout
        ));
    }
    if c.not_at_level > 0 {
        out.push(format!(
            "{} verdier kommer fra samarbeid eller kommuner og vises ikke på dette nivået, men er med i totalen.",
            c.not_at_level
        ));
    }
    out
}

/// A bar per org unit with a value, at the level asked.
fn value_chart(e: &Evaluated) -> String {
    let d = &e.indicator.definition;
    let bars: Vec<(String, i64, String)> = e
        .computed
        .rows
        .iter()
        .filter_map(|f| f.value.map(|v| (f.name.clone(), v, shown(d.shown_in(), Some(v)))))
        .collect();
    chart::value_bars("indikator", &format!("{} per {}", d.name, level_label(e.ask.level).to_lowercase()), &bars)
}

/// The national figure year by year.
fn development_chart(e: &Evaluated, years: &super::Years) -> String {
    let d = &e.indicator.definition;
    let points: Vec<(String, Option<i64>, String)> =
        years.iter().map(|(y, v)| (y.to_string(), *v, shown(d.shown_in(), *v))).collect();
    chart::line("utvikling", &format!("{}: utviklingen år for år, hele landet", d.name), &points)
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<String>,
    Query(q): Query<AskQuery>,
) -> AppResult<Response> {
    let (level, period, layout) = read_ask(&visitor, &q)?;
    let today = state.today();
    let views = state.views.clone();
    let (e, years_raw) = state
        .db
        .run(move |conn| {
            let e = super::evaluate(&views, conn, &code, (level, period, layout), today)?;
            let years = super::yearly(&views, conn, &e.indicator, layout)?;
            Ok::<_, AppError>((e, years))
        })
        .await?;
    let by_value = q.sorter.as_deref() == Some("verdi");
    let rows = figure_rows(&e, by_value);
    let d = &e.indicator.definition;
    let chart = (level != Level::Municipality && rows.len() > 1).then(|| value_chart(&e));
    let unit = d.shown_in();
    let years: Vec<(i32, String)> = years_raw.iter().map(|(y, v)| (*y, shown(unit, *v))).collect();
    let development = (years.len() > 1).then(|| development_chart(&e, &years_raw));
    let total = &e.computed.total;
    let donut = (d.aggregation == Aggregation::Share && total.denominator > 0)
        .then(|| chart::donut("andel", &d.name, total.numerator, total.denominator, &shown(unit, total.value)));
    let page = IndicatorPage {
        frame: Frame::new(&visitor, d.name.clone(), nav(&visitor)),
        code: d.code.clone(),
        name: d.name.clone(),
        description: d.description.clone(),
        how: describe(d),
        total: shown(d.shown_in(), e.computed.total.value),
        total_reporting: e.computed.total.reporting,
        levels: levels_for(&visitor)
            .iter()
            .map(|l| Choice::new(level_code(*l), level_label(*l), level_code(level)))
            .collect(),
        layouts: Layout::ALL
            .iter()
            .rev()
            .map(|l| Choice::new(l.to_string(), l.to_string(), &layout.to_string()))
            .collect(),
        period: e.ask.period.code(),
        period_label: e.ask.period.label(),
        query: query_string(&e),
        chart,
        donut,
        development,
        years,
        level_label: level_label(level),
        notes: notes(&e),
        rows,
        by_value,
        may_manage: visitor.may(Action::ManageIndicators, &Resource::Any),
        demo: state.config.demo,
    };
    Ok(render(&page))
}

pub async fn export(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((code, file)): Path<(String, String)>,
    Query(q): Query<AskQuery>,
) -> AppResult<Response> {
    let (level, period, layout) = read_ask(&visitor, &q)?;
    let today = state.today();
    let (c, views) = (code.clone(), state.views.clone());
    let e = state.db.run(move |conn| super::evaluate(&views, conn, &c, (level, period, layout), today)).await?;
    let save_as = format!("indikator-{code}-{}-{}", level_code(level), e.ask.period.code());
    crate::exports::download(&table(&e), &file, "indikator", &save_as)
}

/// The form as typed, kept when it is refused.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IndicatorForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub form: String,
    #[serde(default)]
    pub element: String,
    #[serde(default)]
    pub entry_kind: String,
    #[serde(default)]
    pub aggregation: String,
    #[serde(default)]
    pub over_time: String,
    #[serde(default)]
    pub matches: String,
    #[serde(default)]
    pub unit: String,
    pub version: Option<i64>,
}

const AGGREGATIONS: [(Aggregation, &str); 4] = [
    (Aggregation::Sum, "sum"),
    (Aggregation::Count, "count"),
    (Aggregation::Share, "share"),
    (Aggregation::Average, "average"),
];
const OVER_TIME: [(OverTime, &str); 2] = [(OverTime::Latest, "latest"), (OverTime::Sum, "sum")];
const UNITS: [(Unit, &str); 4] =
    [(Unit::Count, "count"), (Unit::Kroner, "kroner"), (Unit::Hours, "hours"), (Unit::Percent, "percent")];

fn pick<T: Copy>(options: &[(T, &str)], code: &str, field: &'static str) -> Result<T, (&'static str, String)> {
    options
        .iter()
        .find(|(_, c)| *c == code)
        .map(|(v, _)| *v)
        .ok_or((field, format!("Velg et alternativ («{code}» finnes ikke).")))
}

fn code_of<T: PartialEq + Copy>(options: &[(T, &str)], value: T) -> String {
    options.iter().find(|(v, _)| *v == value).map(|(_, c)| c.to_string()).unwrap_or_default()
}

impl IndicatorForm {
    fn from_definition(d: &Definition, version: i64) -> IndicatorForm {
        let (source, form, element, entry_kind) = match &d.source {
            Source::Field { form, element } => ("field", form.clone(), element.clone(), String::new()),
            Source::Ledger { entry_kind } => ("ledger", String::new(), String::new(), entry_kind.clone()),
        };
        IndicatorForm {
            code: d.code.clone(),
            name: d.name.clone(),
            description: d.description.clone(),
            source: source.into(),
            form,
            element,
            entry_kind,
            aggregation: code_of(&AGGREGATIONS, d.aggregation),
            over_time: code_of(&OVER_TIME, d.over_time),
            matches: d.matches.clone().unwrap_or_default(),
            unit: code_of(&UNITS, d.unit),
            version: Some(version),
        }
    }

    /// The definition, or the field that is wrong and why.
    fn definition(&self) -> Result<Definition, (&'static str, String)> {
        let source = match self.source.as_str() {
            "ledger" => Source::Ledger { entry_kind: self.entry_kind.trim().to_string() },
            "field" => Source::Field { form: self.form.trim().to_string(), element: self.element.trim().to_string() },
            other => return Err(("source-field", format!("Velg en kilde («{other}» finnes ikke)."))),
        };
        if let Source::Ledger { entry_kind } = &source {
            if EntryKind::from_code(entry_kind).is_none() {
                return Err(("entry_kind", "Velg en regnskapspost.".into()));
            }
        }
        let d = Definition {
            code: self.code.trim().to_string(),
            name: self.name.trim().to_string(),
            description: self.description.trim().to_string(),
            source,
            aggregation: pick(&AGGREGATIONS, &self.aggregation, "aggregation")?,
            over_time: pick(&OVER_TIME, &self.over_time, "over_time")?,
            matches: Some(self.matches.trim().to_string()).filter(|m| !m.is_empty()),
            unit: pick(&UNITS, &self.unit, "unit")?,
        };
        d.check().map_err(|e| (super::definition_field(&e), crate::web::format::capitalized(&e.to_string())))?;
        Ok(d)
    }
}

#[derive(Template)]
#[template(path = "insight/indicator_form.html")]
struct FormPage {
    frame: Frame,
    heading: String,
    action: String,
    editing: bool,
    form: IndicatorForm,
    forms: Vec<Choice>,
    entry_kinds: Vec<Choice>,
    aggregations: Vec<Choice>,
    over_time: Vec<Choice>,
    units: Vec<Choice>,
    error: Option<(&'static str, String)>,
}

impl FormPage {
    fn new(
        visitor: &Visitor,
        form: IndicatorForm,
        forms: Vec<String>,
        error: Option<(&'static str, String)>,
    ) -> FormPage {
        let editing = form.version.is_some();
        let heading = if editing { format!("Endre indikator «{}»", form.code) } else { "Ny indikator".into() };
        let action = if editing {
            format!("/innsikt/indikatorer/{}/rediger", form.code)
        } else {
            "/innsikt/indikatorer/ny".into()
        };
        let mut frame = Frame::new(visitor, heading.clone(), Nav::Insight);
        if error.is_some() {
            frame.title = format!("Feil i skjema: {heading}");
        }
        FormPage {
            frame,
            heading,
            action,
            editing,
            forms: forms.iter().map(|f| Choice::new(f.clone(), f.clone(), &form.form)).collect(),
            entry_kinds: EntryKind::ALL.iter().map(|k| Choice::new(k.code(), k.label(), &form.entry_kind)).collect(),
            aggregations: AGGREGATIONS
                .iter()
                .map(|(a, c)| Choice::new(*c, aggregation_label(*a), &form.aggregation))
                .collect(),
            over_time: OVER_TIME.iter().map(|(o, c)| Choice::new(*c, over_time_label(*o), &form.over_time)).collect(),
            units: UNITS.iter().map(|(u, c)| Choice::new(*c, unit_label(*u), &form.unit)).collect(),
            form,
            error,
        }
    }

    pub fn error_for(&self, field: &str) -> Option<String> {
        self.error.as_ref().filter(|(f, _)| *f == field).map(|(_, m)| m.clone())
    }
}

/// A field source must name a form and one of its fields (a table cell by `code.row.column`).
async fn unknown_element(state: &AppState, d: &Definition) -> AppResult<Option<(&'static str, String)>> {
    let Source::Field { form, element } = &d.source else { return Ok(None) };
    let (f, e) = (form.clone(), element.clone());
    let known = state
        .db
        .run(move |conn| {
            let template = crate::reporting::store::template_by_code(conn, &f)?;
            Ok::<_, AppError>(template.map(|t| t.template.field(samveis_domain::reporting::field_of(&e)).is_some()))
        })
        .await?;
    Ok(match known {
        None => Some(("form", format!("Skjemaet «{form}» finnes ikke."))),
        Some(false) => Some(("element", format!("Skjemaet «{form}» har ikke feltet «{element}»."))),
        Some(true) => None,
    })
}

async fn form_codes(state: &AppState) -> AppResult<Vec<String>> {
    let templates = state.db.run(|conn| Ok::<_, AppError>(crate::reporting::store::templates(conn)?)).await?;
    let mut codes: Vec<String> = templates.into_iter().map(|t| t.code).collect();
    codes.sort();
    codes.dedup();
    Ok(codes)
}

pub async fn new(State(state): State<AppState>, PageUser(visitor, user): PageUser) -> AppResult<Response> {
    user.require(Action::ManageIndicators, &Resource::Any)?;
    let form = IndicatorForm {
        source: "field".into(),
        form: "teknologistatus".into(),
        aggregation: "sum".into(),
        over_time: "latest".into(),
        unit: "count".into(),
        ..Default::default()
    };
    Ok(render(&FormPage::new(&visitor, form, form_codes(&state).await?, None)))
}

pub async fn edit(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(code): Path<String>,
) -> AppResult<Response> {
    user.require(Action::ManageIndicators, &Resource::Any)?;
    let row = state.db.run(move |conn| super::indicator(conn, &code)).await?;
    let form = IndicatorForm::from_definition(&row.definition, row.version);
    Ok(render(&FormPage::new(&visitor, form, form_codes(&state).await?, None)))
}

async fn save(state: AppState, visitor: Visitor, mut form: IndicatorForm) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    // Refused before the form is read, as the service would refuse it after.
    user.require(Action::ManageIndicators, &Resource::Any)?;
    let refuse = |status, form: IndicatorForm, forms, error| {
        render_with_status(status, &FormPage::new(&visitor, form, forms, Some(error)))
    };
    let definition = match form.definition() {
        Ok(d) => d,
        Err(error) => return Ok(refuse(StatusCode::UNPROCESSABLE_ENTITY, form, form_codes(&state).await?, error)),
    };
    if let Some(error) = unknown_element(&state, &definition).await? {
        return Ok(refuse(StatusCode::UNPROCESSABLE_ENTITY, form, form_codes(&state).await?, error));
    }
    let ctx = Ctx::user(&user, state.now());
    let command = SaveIndicator { definition: definition.clone(), version: form.version };
    let result = state.db.run(move |conn| Ok::<_, AppError>(super::save(conn, &ctx, &command))).await?;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/innsikt/indikatorer/{}", definition.code)).into_response()),
        Err(InsightError::Conflict(message)) => {
            form.code = definition.code;
            Ok(refuse(StatusCode::CONFLICT, form, form_codes(&state).await?, ("code", message)))
        }
        Err(InsightError::Invalid { field, message }) => {
            Ok(refuse(StatusCode::UNPROCESSABLE_ENTITY, form, form_codes(&state).await?, (field, message)))
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn create(
    State(state): State<AppState>,
    CsrfForm(visitor, mut form): CsrfForm<IndicatorForm>,
) -> AppResult<Response> {
    form.version = None;
    save(state, visitor, form).await
}

pub async fn update(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CsrfForm(visitor, mut form): CsrfForm<IndicatorForm>,
) -> AppResult<Response> {
    visitor.user.as_ref().ok_or(AppError::Unauthenticated)?.require(Action::ManageIndicators, &Resource::Any)?;
    if form.version.is_none() {
        return Err(AppError::BadRequest("Skjemaet mangler versjon.".into()));
    }
    form.code = code;
    save(state, visitor, form).await
}
