//! Insight pages: the national view and the county governor's page (one row per municipality,
//! every technology's state, users and investment), with charts, tables and exports.

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
use samveis_domain::insight::{Adoption, TECHNOLOGIES};
use samveis_domain::registry::Layout;
use serde::Deserialize;

pub(super) fn share(part: i64, whole: i64) -> String {
    if whole == 0 {
        return "–".into();
    }
    let tenths = (part * 1000 + whole / 2) / whole;
    format!("{},{} %", tenths / 10, tenths % 10)
}

#[derive(Clone)]
pub struct AdoptionRow {
    pub label: &'static str,
    pub in_operation: u32,
    pub trial: u32,
    pub not_started: u32,
    pub unanswered: u32,
    pub users: String,
    pub investment: String,
}

pub(super) fn adoption_rows(rows: &[Adoption]) -> Vec<AdoptionRow> {
    rows.iter()
        .map(|a| AdoptionRow {
            label: a.technology.label,
            in_operation: a.in_operation,
            trial: a.trial,
            not_started: a.not_started,
            unanswered: a.unanswered,
            users: format::number(a.users),
            investment: format::kroner(a.investment),
        })
        .collect()
}

/// The headline figures of an area.
#[derive(Clone)]
pub struct Headline {
    /// "Status per …, fra runden «…»."
    pub source: String,
    pub reported: usize,
    pub municipalities: usize,
    pub offering: usize,
    pub population_share: String,
}

fn headline(a: &AreaInsight) -> Headline {
    let (offering, population) = a.offering();
    Headline {
        source: a.status_line(),
        reported: a.reported(),
        municipalities: a.lines.len(),
        offering,
        population_share: share(population, a.population()),
    }
}

/// The query a link carries to stay on a layout ("" on 2024, the default).
pub(super) fn layout_query(layout: Layout) -> String {
    if layout == Layout::CURRENT { String::new() } else { format!("?inndeling={layout}") }
}

/// The layout a view is on: the picker, what the page says about it, and how links keep it.
#[derive(Clone)]
pub struct LayoutView {
    pub action: String,
    pub choices: Vec<crate::registry::views::Choice>,
    pub note: String,
    /// Other choices the picker keeps (the sort order).
    pub hidden: Vec<(&'static str, String)>,
    layout: Layout,
}

impl LayoutView {
    fn new(action: String, area: &AreaInsight) -> LayoutView {
        let current = area.layout.to_string();
        let choices = Layout::ALL
            .iter()
            .map(|l| crate::registry::views::Choice::new(l.to_string(), format!("{l}-inndelingen"), &current))
            .collect();
        LayoutView { action, choices, note: area.layout_note(), hidden: vec![], layout: area.layout }
    }

    /// The query a link carries to stay on this layout ("" on 2024).
    pub fn query(&self) -> String {
        layout_query(self.layout)
    }

    /// The same, after other query parameters.
    pub fn and(&self) -> String {
        if self.layout == Layout::CURRENT { String::new() } else { format!("&inndeling={}", self.layout) }
    }
}

/// A technology's target figures in one unit beside the users reported for it.
#[derive(Clone)]
pub struct TargetRow {
    pub label: &'static str,
    pub target: String,
    pub unit: String,
    pub actual: String,
    /// A share of the target, "ikke sammenlignbar" for a target not counted in people, or "–".
    pub reached: String,
    pub comparable: bool,
}

pub(super) fn target_rows(lines: &[samveis_domain::insight::targets::TargetLine]) -> Vec<TargetRow> {
    lines
        .iter()
        .map(|l| TargetRow {
            label: l.technology.label,
            target: format::number(l.target),
            unit: l.unit.clone(),
            actual: l.actual.map(format::number).unwrap_or_else(|| "–".into()),
            reached: match l.reached_tenths() {
                Some(tenths) => format!("{},{}\u{a0}%", format::number(tenths / 10), tenths % 10),
                None if !l.comparable => "ikke sammenlignbar".into(),
                None => "–".into(),
            },
            comparable: l.comparable,
        })
        .collect()
}

#[derive(Clone)]
pub struct CountyRow {
    pub number: String,
    pub name: String,
    pub municipalities: usize,
    pub reported: usize,
    pub offering: usize,
}

#[derive(Template, Clone)]
#[template(path = "insight/national.html")]
struct NationalPage {
    frame: Frame,
    layout: LayoutView,
    headline: Headline,
    chart: String,
    adoption: Vec<AdoptionRow>,
    counties: Vec<CountyRow>,
    project_status: Option<super::ProjectStatus>,
    open_rounds: Vec<(i64, String, String)>,
    money: (String, String),
    benefits_round: Option<String>,
    benefits: Vec<(&'static str, String, String, String, String)>,
    benefits_total: (String, String, String),
    targets: Vec<TargetRow>,
    unmatched_targets: usize,
    demo: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct LayoutQuery {
    pub inndeling: Option<String>,
}

pub async fn national(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Query(q): Query<LayoutQuery>,
) -> AppResult<Response> {
    user.require(Action::ViewRounds, &Resource::Any)?;
    let layout = super::parse_layout(q.inndeling.as_deref())?;
    let today = state.today();
    let views = state.views.clone();
    let figures = state
        .db
        .run(move |conn| {
            views.get(conn, format!("national:{today}:{layout}"), |conn| national_figures(conn, today, layout))
        })
        .await?;
    let mut page = NationalPage::clone(&figures);
    page.frame = Frame::new(&visitor, "Innsikt: hele landet", Nav::Insight);
    Ok(render(&page))
}

/// Everything on the national page but the visitor's frame.
fn national_figures(
    conn: &mut crate::db::DbConnection,
    today: chrono::NaiveDate,
    layout: Layout,
) -> Result<NationalPage, AppError> {
    let area = super::area(conn, None, layout)?;
    let counties = crate::registry::store::county_names(conn, layout)?;
    let targets: Vec<_> = crate::grants::all_targets(conn)?.into_iter().map(|(_, _, t)| t).collect();
    let programme = super::programme(conn, today)?;
    let counties = counties
        .into_iter()
        .map(|(number, name)| {
            let mine: Vec<&MunicipalityLine> = area.lines.iter().filter(|l| l.county_number == number).collect();
            CountyRow {
                municipalities: mine.len(),
                reported: mine.iter().filter(|l| l.statuses.is_some()).count(),
                offering: mine.iter().filter(|l| l.in_operation() > 0).count(),
                number,
                name,
            }
        })
        .collect();
    let users = samveis_domain::insight::targets::users_of(&area.adoption);
    let (target_lines, unmatched) = samveis_domain::insight::targets::targets_vs_actuals(&targets, users);
    let page = NationalPage {
        targets: target_rows(&target_lines),
        unmatched_targets: unmatched.len(),
        frame: Frame::anonymous(""),
        layout: LayoutView::new("/innsikt".into(), &area),
        headline: headline(&area),
        chart: chart::adoption_bars("landet", "Velferdsteknologi i kommunene: i drift og i utprøving", &area.adoption),
        adoption: adoption_rows(&area.adoption),
        counties,
        project_status: programme.project_status,
        open_rounds: programme
            .open_rounds
            .into_iter()
            .map(|(id, name, delivered, expected)| {
                (id, name, format!("{delivered} av {expected} ({})", share(i64::from(delivered), i64::from(expected))))
            })
            .collect(),
        money: (format::kroner(programme.granted), format::kroner(programme.paid)),
        benefits_total: (
            format::kroner(programme.benefits.iter().map(|b| b.avoided_kroner).sum()),
            samveis_domain::reporting::format_hundredths(programme.benefits.iter().map(|b| b.freed_hours).sum()),
            format::number(programme.benefits.iter().map(|b| b.included_users).sum()),
        ),
        benefits: programme
            .benefits
            .iter()
            .map(|b| {
                (
                    b.technology,
                    format::kroner(b.avoided_kroner),
                    samveis_domain::reporting::format_hundredths(b.freed_hours),
                    format::number(b.included_users),
                    format::number(b.new_users),
                )
            })
            .collect(),
        benefits_round: programme.benefits_round,
        demo: area.demo(),
    };
    Ok(page)
}

pub struct MunicipalityView {
    pub number: String,
    pub name: String,
    pub reported: bool,
    pub mapped: bool,
    /// Per technology: "I drift (120)", "Utprøving", "Ikke startet" or "–".
    pub cells: Vec<String>,
    pub in_operation: usize,
    pub users: String,
    pub investment: String,
    pub submitted: String,
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
    technologies: Vec<&'static str>,
    rows: Vec<MunicipalityView>,
    sort: String,
    demo: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct SortQuery {
    pub sorter: Option<String>,
    pub inndeling: Option<String>,
}

fn cell(s: &samveis_domain::insight::TechStatus) -> String {
    match (s.state.as_ref().map(|s| s.label()), s.users) {
        (Some(state), Some(users)) if users > 0 => format!("{state} ({})", format::number(users)),
        (Some(state), _) => state.to_string(),
        (None, _) => "–".into(),
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
) -> Result<std::sync::Arc<(String, AreaInsight)>, AppError> {
    views.get(conn, format!("county:{number}:{layout}"), |conn| county_area_in(conn, number, layout))
}

pub(super) async fn county_area(
    state: &AppState,
    number: String,
    layout: Layout,
) -> AppResult<std::sync::Arc<(String, AreaInsight)>> {
    let views = state.views.clone();
    state.db.run(move |conn| county_area_cached(&views, conn, &number, layout)).await
}

fn sorted<'a>(mut lines: Vec<&'a MunicipalityLine>, by: &str) -> Vec<&'a MunicipalityLine> {
    match by {
        "drift" => lines.sort_by_key(|l| std::cmp::Reverse(l.in_operation())),
        "investering" => lines.sort_by_key(|l| std::cmp::Reverse(l.investment())),
        _ => {}
    }
    lines
}

pub async fn county(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(number): Path<String>,
    Query(q): Query<SortQuery>,
) -> AppResult<Response> {
    user.require(Action::ViewRounds, &Resource::Any)?;
    let layout = super::parse_layout(q.inndeling.as_deref())?;
    let county = county_area(&state, number.clone(), layout).await?;
    let (name, area) = (&county.0, &county.1);
    let sort = q.sorter.unwrap_or_else(|| "navn".into());
    let mut layout = LayoutView::new(format!("/innsikt/fylker/{number}"), area);
    layout.hidden.push(("sorter", sort.clone()));
    let rows = sorted(area.lines.iter().collect(), &sort)
        .into_iter()
        .map(|l| MunicipalityView {
            number: l.number.clone(),
            name: l.name.clone(),
            reported: l.statuses.is_some(),
            mapped: l.mapped,
            cells: l
                .statuses
                .as_ref()
                .map(|s| s.iter().map(cell).collect())
                .unwrap_or_else(|| vec!["–".into(); TECHNOLOGIES.len()]),
            in_operation: l.in_operation(),
            users: format::number(l.users()),
            investment: format::kroner(l.investment()),
            submitted: l.submitted_at.map(|t| format::date(t.date())).unwrap_or_else(|| "Ikke levert".into()),
        })
        .collect();
    let page = CountyPage {
        frame: Frame::new(&visitor, format!("Innsikt: {name}"), Nav::Insight),
        layout,
        headline: headline(area),
        chart: chart::adoption_bars("fylket", &format!("Velferdsteknologi i kommunene i {name}"), &area.adoption),
        adoption: adoption_rows(&area.adoption),
        technologies: TECHNOLOGIES.iter().map(|t| t.label).collect(),
        rows,
        sort,
        demo: area.demo(),
        number,
        name: name.clone(),
    };
    Ok(render(&page))
}

/// The county table for CSV and XLSX: one row per municipality, per technology state, users and
/// investment.
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
    let rows = area
        .lines
        .iter()
        .map(|l| {
            let mut row = vec![
                Cell::Text(l.number.clone()),
                Cell::Text(l.name.clone()),
                Cell::Text(l.submitted_at.map(|t| t.format("%d.%m.%Y").to_string()).unwrap_or_default()),
            ];
            for i in 0..TECHNOLOGIES.len() {
                let s = l.statuses.as_ref().and_then(|s| s.get(i));
                row.push(Cell::Text(
                    s.and_then(|s| s.state.as_ref()).map(|s| s.label().to_string()).unwrap_or_default(),
                ));
                row.push(s.and_then(|s| s.users).map_or(Cell::Text(String::new()), Cell::Number));
                row.push(s.and_then(|s| s.investment).map_or(Cell::Text(String::new()), Cell::Number));
            }
            row.push(Cell::Number(l.in_operation() as i64));
            row.push(Cell::Number(l.investment()));
            row.push(Cell::Text(if l.mapped { "ja".into() } else { String::new() }));
            row
        })
        .collect();
    Table { title: name.to_string(), headers, rows }
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

pub async fn national_pdf(
    State(state): State<AppState>,
    PageUser(_, user): PageUser,
    Query(q): Query<LayoutQuery>,
) -> AppResult<Response> {
    user.require(Action::ViewRounds, &Resource::Any)?;
    let layout = super::parse_layout(q.inndeling.as_deref())?;
    let today = state.today();
    let pdf = state
        .db
        .run(move |conn| {
            let area = super::area(conn, None, layout)?;
            let programme = super::programme(conn, today)?;
            Ok::<_, AppError>(super::report::national(today, &area, &programme)?)
        })
        .await?;
    Ok(crate::exports::attachment("application/pdf", &format!("statusrapport-{today}.pdf"), pdf))
}

#[derive(Template)]
#[template(path = "insight/method.html")]
struct MethodPage {
    frame: Frame,
    technology_round: Option<(i64, String)>,
    status_round: Option<(i64, String)>,
    benefits_round: Option<(i64, String)>,
}

/// Which records each figure counts, and how.
pub async fn method(State(state): State<AppState>, PageUser(visitor, user): PageUser) -> AppResult<Response> {
    user.require(Action::ViewRounds, &Resource::Any)?;
    let (technology_round, status_round, benefits_round) = state
        .db
        .run(|conn| {
            let rounds = crate::reporting::store::rounds(conn)?;
            let mut latest = |code: &str| -> Result<Option<(i64, String)>, AppError> {
                Ok(super::latest_round_of(conn, &rounds, code)?.map(|(r, _)| (r.id, r.name)))
            };
            Ok::<_, AppError>((latest(super::TECHNOLOGY_STATUS)?, latest("statusrapport")?, latest("milepael_m1")?))
        })
        .await?;
    let frame = Frame::new(&visitor, "Slik regnes tallene ut", Nav::Insight);
    Ok(render(&MethodPage { frame, technology_round, status_round, benefits_round }))
}
