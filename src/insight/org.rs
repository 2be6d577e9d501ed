//! The views of one org unit, a municipality or a project: its own history across rounds (the
//! reports the visitor may see, the project status report by report), its latest technology
//! status, its target figures against what was reported, and its grants and money.

use super::pages::{AdoptionRow, TargetRow, adoption_rows, target_rows};
use crate::auth::PageUser;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::reporting::pages::SubmissionLine;
use crate::reporting::store as reports;
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use samveis_domain::access::{Action, Actor};
use samveis_domain::insight::targets::{targets_vs_actuals, users_in, users_of};
use samveis_domain::insight::{TechStatus, Technology, adoption, technology_status};
use samveis_domain::registry::Layout;
use samveis_domain::reporting::{Answer, Answers};
use std::collections::BTreeMap;

/// What an org unit reported over time, as far as the visitor may see.
struct History {
    lines: Vec<SubmissionLine>,
    hidden: usize,
    /// The latest delivered technology status: the round's name and the statuses.
    latest_status: Option<(String, Vec<TechStatus>)>,
    /// «Prosjektstatus» of each delivered status report, oldest first (by round): round, period, status.
    project_status: Vec<(String, String, String)>,
}

fn history(
    conn: &mut DbConnection,
    actor: &Actor,
    kind: &str,
    id: &str,
    today: NaiveDate,
) -> Result<History, AppError> {
    let rounds: BTreeMap<i64, reports::RoundRow> = reports::rounds(conn)?.into_iter().map(|r| (r.id, r)).collect();
    let forms: BTreeMap<i64, String> = reports::templates(conn)?.into_iter().map(|t| (t.id, t.code)).collect();
    let subs = reports::submissions_of_orgs(
        conn,
        &samveis_domain::access::OrgUnit::from_stored(kind, id).into_iter().collect::<Vec<_>>(),
    )?;
    let mut h = History { lines: vec![], hidden: 0, latest_status: None, project_status: vec![] };
    let mut latest: Option<(NaiveDate, i64)> = None;
    for s in &subs {
        let Some(round) = rounds.get(&s.round_id) else { continue };
        let visible = crate::reporting::permitted_in_round(
            conn,
            Some(actor),
            Action::ViewSubmission,
            round,
            std::slice::from_ref(s),
        )?;
        if visible.first() != Some(&true) {
            h.hidden += 1;
            continue;
        }
        h.lines.push(crate::reporting::pages::line(s, round, today));
        if !s.state.delivered() {
            continue;
        }
        let form = forms.get(&round.template_id).map(String::as_str);
        if form == Some(super::TECHNOLOGY_STATUS) && latest.is_none_or(|l| (round.deadline, round.id) > l) {
            let answers: Answers = serde_json::from_str(&s.answers).map_err(|e| AppError::Internal(e.to_string()))?;
            h.latest_status = Some((round.name.clone(), technology_status(&answers)));
            latest = Some((round.deadline, round.id));
        }
        if form == Some("statusrapport") {
            let answers: Answers = serde_json::from_str(&s.answers).map_err(|e| AppError::Internal(e.to_string()))?;
            if let Some(Answer::Choice(status)) = answers.get("prosjektstatus") {
                h.project_status.push((
                    round.name.clone(),
                    crate::reporting::pages::period_label(&round.period),
                    status.clone(),
                ));
            }
        }
    }
    h.project_status.reverse();
    Ok(h)
}

/// Granted, paid and left per grant the org unit received: (application, scheme, year, granted,
/// paid, left), from the ledger.
type GrantLine = (i64, String, i32, String, String, String);

fn grants_of(conn: &mut DbConnection, kind: &str, id: &str) -> Result<Vec<GrantLine>, AppError> {
    let mut out = Vec::new();
    for scheme in crate::grants::store::schemes(conn)? {
        let o = crate::grants::overview(conn, scheme.id)?;
        for g in o.grants.iter().filter(|g| g.application.applicant_kind == kind && g.application.applicant_id == id) {
            out.push((
                g.application.id,
                scheme.name.clone(),
                g.application.year,
                format::kroner(g.balance.granted - g.balance.withdrawn),
                format::kroner(g.balance.net_paid()),
                format::kroner(g.balance.payable()),
            ));
        }
    }
    Ok(out)
}

/// The grant targets of an org unit beside the users reported, and the targets naming no technology.
fn targets(
    conn: &mut DbConnection,
    kind: &str,
    id: &str,
    reported: impl Fn(&Technology) -> Option<i64>,
) -> Result<(Vec<TargetRow>, Vec<String>), AppError> {
    let figures: Vec<_> = crate::grants::targets_for(conn, kind, id)?.into_iter().map(|(_, _, t)| t).collect();
    let (lines, unmatched) = targets_vs_actuals(&figures, reported);
    let other =
        unmatched.iter().map(|t| format!("{} {} {}", format::number(t.quantity), t.unit, t.technology)).collect();
    Ok((target_rows(&lines), other))
}

fn status_rows(statuses: &[TechStatus]) -> Vec<(String, String, String, String)> {
    statuses
        .iter()
        .map(|t| {
            (
                t.technology.label.to_string(),
                t.state.as_ref().map_or_else(|| "–".into(), |s| s.label().to_string()),
                t.users.map(format::number).unwrap_or_else(|| "–".into()),
                t.investment.map(format::kroner).unwrap_or_else(|| "–".into()),
            )
        })
        .collect()
}

#[derive(Template)]
#[template(path = "insight/municipality.html")]
struct MunicipalityPage {
    frame: Frame,
    number: String,
    name: String,
    county_number: String,
    county: String,
    /// Keeps the layout in the links ("" on 2024).
    layout_query: String,
    population: String,
    statuses: Vec<(String, String, String, String)>,
    status_round: String,
    /// The status is placed from reports made on another layout, as on the county page.
    carried_over: bool,
    lines: Vec<SubmissionLine>,
    hidden: usize,
    grants: Vec<GrantLine>,
    targets: Vec<TargetRow>,
    other_targets: Vec<String>,
}

/// On an older layout, the status the county page shows for the municipality (placed from the
/// reports of the municipalities it became), for those who follow the reporting. None when the
/// page shows its own reports instead.
fn carried_over_status(
    views: &crate::generation::ViewCache,
    conn: &mut DbConnection,
    actor: &Actor,
    row: &samveis_domain::registry::MunicipalityRow,
    layout: Layout,
) -> Result<Option<(String, Vec<TechStatus>, bool)>, AppError> {
    let follows = samveis_domain::access::may(Some(actor), Action::ViewRounds, &samveis_domain::access::Resource::Any);
    if layout == Layout::CURRENT || !follows {
        return Ok(None);
    }
    let county = super::county::county_area_cached(views, conn, row.county_number.as_str(), layout)?;
    let line = county.1.lines.iter().find(|l| l.number == row.number.as_str());
    Ok(line.and_then(|l| {
        let round = l.round.as_ref().map(|r| r.name.clone()).unwrap_or_default();
        l.statuses.clone().map(|s| (round, s, l.mapped))
    }))
}

/// One municipality's own picture (published figures; its reports as far as the visitor may see).
pub async fn municipality(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(number): Path<String>,
    Query(q): Query<super::pages::LayoutQuery>,
) -> AppResult<Response> {
    let today = state.today();
    let actor = user.actor.clone();
    // A municipality of an older layout has its own page too: the county view links to it.
    let layout = super::parse_layout(q.inndeling.as_deref())?;
    let views = state.views.clone();
    let page = state
        .db
        .run(move |conn| {
            let row = crate::registry::store::municipality_rows(conn, layout)?
                .into_iter()
                .find(|m| m.number.as_str() == number)
                .ok_or_else(|| AppError::NotFound(format!("Kommune {number} finnes ikke i {layout}-inndelingen.")))?;
            let h = history(conn, &actor, "municipality", &number, today)?;
            let (status_round, statuses, carried_over) = carried_over_status(&views, conn, &actor, &row, layout)?
                .unwrap_or_else(|| {
                    let (round, statuses) = h.latest_status.clone().unwrap_or_default();
                    (round, statuses, false)
                });
            let (targets, other_targets) = targets(conn, "municipality", &number, users_in(&statuses))?;
            Ok::<_, AppError>(MunicipalityPage {
                frame: Frame::anonymous(""),
                grants: grants_of(conn, "municipality", &number)?,
                number,
                name: row.name.clone(),
                county_number: row.county_number.to_string(),
                county: row.county_name.clone(),
                layout_query: super::pages::layout_query(layout),
                population: row.population.map(format::number).unwrap_or_else(|| "–".into()),
                statuses: status_rows(&statuses),
                status_round,
                carried_over,
                lines: h.lines,
                hidden: h.hidden,
                targets,
                other_targets,
            })
        })
        .await?;
    let frame = Frame::new(&visitor, format!("Innsikt: {}", page.name), Nav::Insight);
    Ok(render(&MunicipalityPage { frame, ..page }))
}

/// The latest delivered technology status of each member municipality the visitor may see (a
/// project leader does not see the members' reports unless they are their own), across the
/// technology status rounds: the «status per» line and the statuses.
fn members_status(
    conn: &mut DbConnection,
    actor: &Actor,
    members: &[String],
) -> Result<(String, Vec<Vec<TechStatus>>), AppError> {
    let rounds = reports::rounds(conn)?;
    let mut statuses = Vec::new();
    let mut counted = Vec::new();
    for (round, subs) in super::latest_delivered_of(conn, &rounds, super::TECHNOLOGY_STATUS)? {
        let subs: Vec<_> =
            subs.into_iter().filter(|s| s.org.is_municipality() && members.contains(&s.org.id)).collect();
        let visible = crate::reporting::permitted_in_round(conn, Some(actor), Action::ViewSubmission, &round, &subs)?;
        for (s, shown) in subs.iter().zip(visible) {
            if shown {
                let answers: Answers =
                    serde_json::from_str(&s.answers).map_err(|e| AppError::Internal(e.to_string()))?;
                statuses.push(technology_status(&answers));
                counted.push((round.clone(), s.submitted_at));
            }
        }
    }
    let p = super::provenance(counted.iter().map(|(r, at)| (r, *at)));
    Ok((super::status_line(&p, ("kommune", "kommuner"), ""), statuses))
}

#[derive(Template)]
#[template(path = "insight/project.html")]
struct ProjectPage {
    frame: Frame,
    id: i64,
    name: String,
    host: String,
    members: usize,
    project_status: Vec<(String, String, String)>,
    adoption: Vec<AdoptionRow>,
    reported_members: usize,
    status_round: String,
    lines: Vec<SubmissionLine>,
    hidden: usize,
    grants: Vec<GrantLine>,
    targets: Vec<TargetRow>,
    other_targets: Vec<String>,
}

/// A project's own picture: its status reports over time, its member municipalities' technology
/// status summed, its targets against their reported users, its grants and money.
pub async fn project(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let today = state.today();
    let actor = user.actor.clone();
    let page = state
        .db
        .run(move |conn| {
            let c = crate::registry::collaborations::get(conn, id)?
                .ok_or_else(|| AppError::NotFound(format!("Fant ikke samarbeid {id}.")))?;
            let h = history(conn, &actor, "collaboration", &id.to_string(), today)?;
            // Members are numbered on the collaboration's layout; the status is on 2024's.
            let geography = super::indicators::store::geography(conn, samveis_domain::registry::Layout::CURRENT)?;
            let current: Vec<String> = c
                .members
                .iter()
                .flat_map(|m| {
                    let kind = samveis_domain::insight::indicator::OrgKind::Municipality;
                    geography.place(kind, &m.number, c.summary.layout.year()).parts.into_iter().map(|(n, _)| n)
                })
                .collect();
            let (status_round, statuses) = members_status(conn, &actor, &current)?;
            // Members that delivered no status count as «Ikke levert».
            let mut distinct = current.clone();
            distinct.sort();
            distinct.dedup();
            let mut parts: Vec<Option<&[TechStatus]>> = statuses.iter().map(|s| Some(s.as_slice())).collect();
            parts.resize(parts.len().max(distinct.len()), None);
            let summed = adoption(&parts);
            let (targets, other_targets) = targets(conn, "collaboration", &id.to_string(), users_of(&summed))?;
            Ok::<_, AppError>(ProjectPage {
                frame: Frame::anonymous(""),
                grants: grants_of(conn, "collaboration", &id.to_string())?,
                id,
                name: c.summary.name.clone(),
                host: c.summary.host_name.clone(),
                members: c.members.len(),
                project_status: h.project_status,
                adoption: adoption_rows(&summed),
                reported_members: statuses.len(),
                status_round,
                lines: h.lines,
                hidden: h.hidden,
                targets,
                other_targets,
            })
        })
        .await?;
    let frame = Frame::new(&visitor, format!("Innsikt: {}", page.name), Nav::Insight);
    Ok(render(&ProjectPage { frame, ..page }))
}
