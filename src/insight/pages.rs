//! Insight pages: the national view and the county governor's page (one row per municipality,
//! every technology's state, users and investment), with charts, tables and exports.

use super::{AreaInsight, MunicipalityLine, chart};
use crate::auth::PageUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use samveis_domain::access::{Action, Resource};
use samveis_domain::grants::TargetFigure;
use samveis_domain::insight::targets::{TargetLine, sum_lines, targets_vs_actuals};
use samveis_domain::insight::{Adoption, TechStatus, Technology};
use samveis_domain::registry::Layout;
use serde::Deserialize;
use std::collections::BTreeMap;

pub(super) fn share(part: i64, whole: i64) -> String {
    if whole == 0 {
        return "–".into();
    }
    format::percent_tenths((part * 1000 + whole / 2) / whole)
}

#[derive(Clone)]
pub struct AdoptionRow {
    pub label: &'static str,
    pub in_operation: u32,
    pub trial: u32,
    pub not_started: u32,
    pub unanswered: u32,
    pub not_delivered: u32,
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
            not_delivered: a.not_delivered,
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

pub(super) fn headline(a: &AreaInsight) -> Headline {
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
    pub(super) fn new(action: String, area: &AreaInsight) -> LayoutView {
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

    /// The layout picked, where it is not the default.
    pub fn chosen(&self) -> Option<String> {
        (self.layout != Layout::CURRENT).then(|| self.layout.to_string())
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
                Some(tenths) => format::percent_tenths(tenths),
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

/// Each recipient's targets against the users it reported itself (a municipality's number
/// carried over to the view's layout through the code transitions; a collaboration's targets
/// are shown without users), added up per technology and unit; and how many targets name no
/// technology.
fn recipients_targets(
    conn: &mut crate::db::DbConnection,
    area: &AreaInsight,
    layout: Layout,
) -> Result<(Vec<TargetLine>, usize), AppError> {
    let codes = crate::registry::store::code_map(conn)?;
    let mut by_recipient: BTreeMap<(String, String, i32), Vec<TargetFigure>> = BTreeMap::new();
    for (kind, id, from, t) in crate::grants::targets_by_applicant(conn)? {
        by_recipient.entry((kind, id, from)).or_default().push(t);
    }
    let (mut lines, mut unmatched) = (Vec::new(), 0);
    for ((kind, id, from), figures) in by_recipient {
        let numbers = match Layout::from_year(from) {
            Ok(from) if kind == "municipality" => codes.numbers_in(from, &id, layout),
            _ => vec![],
        };
        let statuses: Vec<&TechStatus> = area
            .lines
            .iter()
            .filter(|l| numbers.contains(&l.number))
            .filter_map(|l| l.statuses.as_ref())
            .flatten()
            .collect();
        let users = |tech: &Technology| {
            let reported: Vec<i64> =
                statuses.iter().filter(|s| s.technology == *tech).filter_map(|s| s.users).collect();
            (!reported.is_empty()).then(|| reported.iter().sum())
        };
        let (own, other) = targets_vs_actuals(&figures, users);
        lines.extend(own);
        unmatched += other.len();
    }
    Ok((sum_lines(lines), unmatched))
}

/// Everything on the national page but the visitor's frame.
fn national_figures(
    conn: &mut crate::db::DbConnection,
    today: chrono::NaiveDate,
    layout: Layout,
) -> Result<NationalPage, AppError> {
    let area = super::area(conn, None, layout)?;
    let counties = crate::registry::store::county_names(conn, layout)?;
    let (target_lines, unmatched) = recipients_targets(conn, &area, layout)?;
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
    let page = NationalPage {
        targets: target_rows(&target_lines),
        unmatched_targets: unmatched,
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
            format::hundredths(programme.benefits.iter().map(|b| b.freed_hours).sum()),
            format::number(programme.benefits.iter().map(|b| b.included_users).sum()),
        ),
        benefits: programme
            .benefits
            .iter()
            .map(|b| {
                (
                    b.technology,
                    format::kroner(b.avoided_kroner),
                    format::hundredths(b.freed_hours),
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
