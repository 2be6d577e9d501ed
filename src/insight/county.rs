//! The county governor's page: how far each municipality has come, in systems and investments.
//! One row per municipality with its delivered date, technologies in operation, users and
//! investment first, then each technology's state; or one technology in detail. Answers that
//! cannot both be true are flagged for a check with the municipality. CSV, XLSX and PDF.

use super::pages::{AdoptionRow, Headline, LayoutQuery, LayoutView, adoption_rows, headline};
use super::{AreaInsight, MunicipalityLine, chart};
use crate::auth::PageUser;
use crate::error::{AppError, AppResult};
use crate::exports::{Cell, Table};
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use samveis_domain::access::{Action, Resource};
use samveis_domain::insight::{Doubt, TECHNOLOGIES, TechState, TechStatus, Technology};
use samveis_domain::registry::{Layout, norwegian_collation_key};
use serde::Deserialize;
use std::cmp::Reverse;
use std::sync::Arc;

/// One technology cell: "I drift (120)", with a note when the answer should be checked.
pub struct CellView {
    pub text: String,
    /// The anchor of the note that says what to check.
    pub check: Option<String>,
}

pub struct RowView {
    pub number: String,
    pub name: String,
    pub mapped: bool,
    pub cells: Vec<CellView>,
    pub in_operation: usize,
    pub users: String,
    pub investment: String,
    pub submitted: String,
    /// The one technology shown in detail: its vendor.
    pub vendor: String,
}

/// An answer to check, listed under the table and linked from its cell.
pub struct DoubtView {
    pub anchor: String,
    pub municipality: String,
    pub technology: &'static str,
    pub text: String,
}

#[derive(Template)]
#[template(path = "insight/county.html")]
struct CountyPage {
    frame: Frame,
    layout: LayoutView,
    number: String,
    name: String,
    headline: Headline,
    chart: String,
    adoption: Vec<AdoptionRow>,
    /// The technologies shown as columns: all, or the one picked.
    technologies: Vec<&'static str>,
    picked: Option<Technology>,
    choices: Vec<crate::registry::views::Choice>,
    rows: Vec<RowView>,
    doubts: Vec<DoubtView>,
    sort: Sort,
    demo: bool,
}

/// The orders the table can be sorted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Name,
    InOperation,
    Users,
    Investment,
}

impl Sort {
    const ALL: [Sort; 4] = [Sort::Name, Sort::InOperation, Sort::Users, Sort::Investment];

    fn parse(code: Option<&str>) -> AppResult<Sort> {
        match code {
            None | Some("" | "navn") => Ok(Sort::Name),
            Some("drift") => Ok(Sort::InOperation),
            Some("brukere") => Ok(Sort::Users),
            Some("investering") => Ok(Sort::Investment),
            Some(other) => Err(AppError::BadRequest(format!(
                "Ukjent sortering «{other}». Velg navn, drift, brukere eller investering."
            ))),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Sort::Name => "navn",
            Sort::InOperation => "drift",
            Sort::Users => "brukere",
            Sort::Investment => "investering",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Name => "navn",
            Sort::InOperation => "teknologier i drift",
            Sort::Users => "brukere",
            Sort::Investment => "investering",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CountyQuery {
    pub sorter: Option<String>,
    pub teknologi: Option<String>,
    pub inndeling: Option<String>,
}

fn pick(code: Option<&str>) -> AppResult<Option<(usize, Technology)>> {
    match code.filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(code) => TECHNOLOGIES
            .iter()
            .position(|t| t.code == code)
            .map(|i| Some((i, TECHNOLOGIES[i])))
            .ok_or_else(|| AppError::BadRequest(format!("Ukjent teknologi «{code}»."))),
    }
}

/// A county's name and figures on a layout; a number the layout lacks is not found.
fn county_area_in(
    conn: &mut crate::db::DbConnection,
    number: &str,
    layout: Layout,
) -> Result<(String, AreaInsight), AppError> {
    let name = crate::registry::store::county_names(conn, layout)?
        .into_iter()
        .find(|(n, _)| n == number)
        .map(|(_, name)| name)
        .ok_or_else(|| AppError::NotFound(format!("Fylke {number} finnes ikke i {layout}-inndelingen.")))?;
    Ok((name, super::area(conn, Some(number), layout)?))
}

/// The same, reused until the data changes: the county page, its exports, the county API and
/// a municipality's page on an older layout share one computation.
pub(super) fn county_area_cached(
    views: &crate::generation::ViewCache,
    conn: &mut crate::db::DbConnection,
    number: &str,
    layout: Layout,
) -> Result<Arc<(String, AreaInsight)>, AppError> {
    views.get(conn, format!("county:{number}:{layout}"), |conn| county_area_in(conn, number, layout))
}

pub(super) async fn county_area(
    state: &AppState,
    number: String,
    layout: Layout,
) -> AppResult<Arc<(String, AreaInsight)>> {
    let views = state.views.clone();
    state.db.run(move |conn| county_area_cached(&views, conn, &number, layout)).await
}

/// The lines in the order asked for: by name as Norwegians sort (æ, ø, å last), or with the
/// most first and name breaking ties. With one technology picked, users and investment are
/// that technology's, and «i drift» means how far it has come.
fn sorted(mut lines: Vec<&MunicipalityLine>, by: Sort, picked: Option<usize>) -> Vec<&MunicipalityLine> {
    let tech = |l: &MunicipalityLine| picked.and_then(|i| l.statuses.as_ref().and_then(|s| s.get(i)).cloned());
    let key = |l: &MunicipalityLine| -> i64 {
        match (by, picked) {
            (Sort::Name, _) => 0,
            (Sort::InOperation, None) => l.in_operation() as i64,
            (Sort::Users, None) => l.users(),
            (Sort::Investment, None) => l.investment(),
            (Sort::InOperation, Some(_)) => tech(l).map_or(-1, |s| progress(&s)),
            (Sort::Users, Some(_)) => tech(l).and_then(|s| s.users).unwrap_or(-1),
            (Sort::Investment, Some(_)) => tech(l).and_then(|s| s.investment).unwrap_or(-1),
        }
    };
    lines.sort_by_cached_key(|l| (Reverse(key(l)), norwegian_collation_key(&l.name), l.number.clone()));
    lines
}

fn progress(s: &TechStatus) -> i64 {
    match s.state {
        Some(TechState::InOperation) => 3,
        Some(TechState::Trial) => 2,
        Some(TechState::NotStarted) => 1,
        _ => 0,
    }
}

fn cell(s: &TechStatus) -> String {
    match (s.state.as_ref().map(|s| s.label()), s.users) {
        (Some(state), Some(users)) if users > 0 => format!("{state} ({})", format::number(users)),
        (Some(state), _) => state.to_string(),
        (None, Some(users)) if users > 0 => format!("– ({})", format::number(users)),
        (None, _) => "–".into(),
    }
}

/// "1 bruker", "268 brukere".
fn users_text(n: i64) -> String {
    format!("{} {}", format::number(n), if n == 1 { "bruker" } else { "brukere" })
}

/// What is odd about an answer, in words for the county officer.
pub fn doubt_text(d: &Doubt) -> String {
    match d {
        Doubt::UsersButNotStarted(u) => format!("svart «Ikke startet», men oppgitt {}", users_text(*u)),
        Doubt::UsersButNoState(u) => format!("ingen status oppgitt, men {}", users_text(*u)),
        Doubt::UnknownAnswer(text) => format!("svaret «{text}» er ikke et av valgene i skjemaet"),
        Doubt::MoreUsersThanInhabitants { users, population } => {
            format!("oppgitt {}, flere enn kommunens {} innbyggere", users_text(*users), format::number(*population))
        }
    }
}

fn anchor(l: &MunicipalityLine, t: &Technology) -> String {
    format!("sjekk-{}-{}", l.number, t.code)
}

/// Every answer to check in the area, in table order.
fn doubts(lines: &[&MunicipalityLine]) -> Vec<DoubtView> {
    let mut out = Vec::new();
    for l in lines {
        for s in l.statuses.iter().flatten() {
            if let Some(d) = s.doubt(l.population) {
                out.push(DoubtView {
                    anchor: anchor(l, &s.technology),
                    municipality: l.name.clone(),
                    technology: s.technology.label,
                    text: doubt_text(&d),
                });
            }
        }
    }
    out
}

fn row(l: &MunicipalityLine, picked: Option<usize>) -> RowView {
    let statuses: Vec<&TechStatus> = match (l.statuses.as_ref(), picked) {
        (Some(all), None) => all.iter().collect(),
        (Some(all), Some(i)) => all.get(i).into_iter().collect(),
        (None, _) => Vec::new(),
    };
    let width = if picked.is_some() { 1 } else { TECHNOLOGIES.len() };
    let mut cells: Vec<CellView> = statuses
        .iter()
        .map(|s| CellView { text: cell(s), check: s.doubt(l.population).map(|_| anchor(l, &s.technology)) })
        .collect();
    cells.resize_with(width, || CellView { text: "–".into(), check: None });
    let one = statuses.first().filter(|_| picked.is_some());
    RowView {
        number: l.number.clone(),
        name: l.name.clone(),
        mapped: l.mapped,
        cells,
        in_operation: l.in_operation(),
        users: format::number(one.map_or_else(|| l.users(), |s| s.users.unwrap_or(0))),
        investment: format::kroner(one.map_or_else(|| l.investment(), |s| s.investment.unwrap_or(0))),
        submitted: l
            .submitted_at
            .map(|t| format::date(format::oslo_time(t).date()))
            .unwrap_or_else(|| "Ikke levert".into()),
        vendor: one.and_then(|s| s.vendor.clone()).unwrap_or_else(|| "–".into()),
    }
}

pub async fn county(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(number): Path<String>,
    Query(q): Query<CountyQuery>,
) -> AppResult<Response> {
    user.require(Action::ViewRounds, &Resource::Any)?;
    let layout = super::parse_layout(q.inndeling.as_deref())?;
    let sort = Sort::parse(q.sorter.as_deref())?;
    let picked = pick(q.teknologi.as_deref())?;
    let county = county_area(&state, number.clone(), layout).await?;
    let (name, area) = (&county.0, &county.1);
    let mut layout = LayoutView::new(format!("/innsikt/fylker/{number}"), area);
    layout.hidden.push(("sorter", sort.code().to_string()));
    if let Some((_, t)) = picked {
        layout.hidden.push(("teknologi", t.code.to_string()));
    }
    let lines = sorted(area.lines.iter().collect(), sort, picked.map(|(i, _)| i));
    let current = picked.map(|(_, t)| t.code).unwrap_or_default();
    let page = CountyPage {
        frame: Frame::new(&visitor, format!("Innsikt: {name}"), Nav::Insight),
        headline: headline(area),
        chart: chart::adoption_bars("fylket", &format!("Velferdsteknologi i kommunene i {name}"), &area.adoption),
        adoption: adoption_rows(&area.adoption),
        technologies: match picked {
            Some((_, t)) => vec![t.label],
            None => TECHNOLOGIES.iter().map(|t| t.label).collect(),
        },
        choices: TECHNOLOGIES
            .iter()
            .map(|t| crate::registry::views::Choice::new(t.code.to_string(), t.label.to_string(), current))
            .collect(),
        rows: lines.iter().map(|l| row(l, picked.map(|(i, _)| i))).collect(),
        doubts: doubts(&lines),
        picked: picked.map(|(_, t)| t),
        layout,
        sort,
        demo: area.demo(),
        number,
        name: name.clone(),
    };
    Ok(render(&page))
}

impl CountyPage {
    /// The query that keeps the layout and the picked technology, for the sort links.
    fn keep(&self) -> String {
        let tech = self.picked.map(|t| format!("&teknologi={}", t.code)).unwrap_or_default();
        format!("{tech}{}", self.layout.and())
    }

    fn sorts(&self) -> &'static [Sort] {
        &Sort::ALL
    }
}

/// The county table for CSV and XLSX: one row per municipality, per technology state, users and
/// investment, and the answers to check.
fn county_table(name: &str, area: &AreaInsight) -> Table {
    let mut headers = vec!["Kommunenummer".to_string(), "Kommune".into(), "Levert".into()];
    for t in TECHNOLOGIES {
        headers.push(format!("{}: status", t.label));
        headers.push(format!("{}: brukere", t.label));
        headers.push(format!("{}: investering (kr)", t.label));
    }
    headers.push("Teknologier i drift".into());
    headers.push("Investering i alt (kr)".into());
    headers.push(format!("Ført over til {}-inndelingen", area.layout));
    headers.push("Bør sjekkes".into());
    let rows = sorted(area.lines.iter().collect(), Sort::Name, None).into_iter().map(export_row).collect();
    Table { title: name.to_string(), headers, rows }
}

fn export_row(l: &MunicipalityLine) -> Vec<Cell> {
    let mut row = vec![
        Cell::Text(l.number.clone()),
        Cell::Text(l.name.clone()),
        Cell::or_empty(l.submitted_at, |t| Cell::Date(crate::web::format::oslo_time(t).date())),
    ];
    for i in 0..TECHNOLOGIES.len() {
        let s = l.statuses.as_ref().and_then(|s| s.get(i));
        row.push(Cell::Text(s.and_then(|s| s.state.as_ref()).map(|s| s.label().to_string()).unwrap_or_default()));
        row.push(s.and_then(|s| s.users).map_or(Cell::Text(String::new()), Cell::Number));
        row.push(Cell::or_empty(s.and_then(|s| s.investment), Cell::Kroner));
    }
    row.push(Cell::Number(l.in_operation() as i64));
    row.push(Cell::Kroner(l.investment()));
    row.push(Cell::Text(if l.mapped { "ja".into() } else { String::new() }));
    let checks: Vec<String> = l
        .statuses
        .iter()
        .flatten()
        .filter_map(|s| s.doubt(l.population).map(|d| format!("{}: {}", s.technology.label, doubt_text(&d))))
        .collect();
    row.push(Cell::Text(checks.join("; ")));
    row
}

pub async fn county_export(
    State(state): State<AppState>,
    PageUser(_, user): PageUser,
    Path((number, file)): Path<(String, String)>,
    Query(q): Query<LayoutQuery>,
) -> AppResult<Response> {
    user.require(Action::ViewRounds, &Resource::Any)?;
    if file != "statusrapport.pdf" && !file.starts_with("kommuner.") {
        return Err(AppError::NotFound("Fant ikke filen.".into()));
    }
    let layout = super::parse_layout(q.inndeling.as_deref())?;
    let county = county_area(&state, number.clone(), layout).await?;
    let (name, area) = (&county.0, &county.1);
    if file == "statusrapport.pdf" {
        let pdf = super::report::county(state.today(), name, area)?;
        return Ok(crate::exports::attachment("application/pdf", &format!("statusrapport-{number}.pdf"), pdf));
    }
    let stem = match area.layout {
        Layout::CURRENT => format!("innsikt-fylke-{number}"),
        other => format!("innsikt-fylke-{number}-{other}"),
    };
    crate::exports::download(&county_table(name, area), &file, "kommuner", &stem)
}
