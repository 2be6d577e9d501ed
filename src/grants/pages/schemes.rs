//! The scheme pages: the list (with the programme office's form for a new scheme), one scheme
//! with its frames, county tables and grants, its export, and closing it.

use super::{deadline_text, kr, own_units, recipients_label, requirements_text};
use crate::auth::{CsrfForm, Visitor};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::grants::schemes::{GrantLine, NewSchemeCommand, SchemeForm, SchemeOverview};
use crate::grants::store::{self, Scheme};
use crate::grants::{GrantError, export as grants_export, schemes as service};
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render, render_with_status};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::{Action, Resource};
use samveis_domain::grants::{FrameTable, Weights};
use samveis_domain::registry::Layout;
use std::collections::{BTreeMap, BTreeSet};

pub struct SchemeLine {
    pub id: i64,
    pub name: String,
    pub owner: String,
    pub post: String,
    pub years: String,
    pub open: bool,
}

fn years(s: &Scheme) -> String {
    match s.last_year {
        Some(y) if y == s.first_year => y.to_string(),
        Some(y) => format!("{}–{y}", s.first_year),
        None => format!("fra {}", s.first_year),
    }
}

fn post(s: &Scheme) -> String {
    if s.budget_chapter.is_empty() {
        "–".into()
    } else {
        format!("kap. {}, post {}", s.budget_chapter, s.budget_post)
    }
}

#[derive(Template)]
#[template(path = "grants/schemes.html")]
struct SchemesPage {
    frame: Frame,
    schemes: Vec<SchemeLine>,
    may_apply: bool,
    may_manage: bool,
    form: SchemeForm,
    error: Option<String>,
    /// The authorities a scheme can belong to: (key, name).
    authorities: Vec<(String, String)>,
}

pub async fn schemes(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let yes = || Some("ja".to_string());
    let form = SchemeForm {
        recipients: "municipalities".into(),
        requires_budget: yes(),
        requires_plan: yes(),
        requires_anchoring: yes(),
        authority: "helsedirektoratet".into(),
        decides: "fylke".into(),
        four_eyes: "ja".into(),
        ..Default::default()
    };
    schemes_page(&state, &visitor, form, None).await
}

async fn schemes_page(
    state: &AppState,
    visitor: &Visitor,
    form: SchemeForm,
    error: Option<String>,
) -> AppResult<Response> {
    let list = state.db.run(|conn| Ok::<_, AppError>(store::schemes(conn)?)).await?;
    let schemes = list
        .iter()
        .map(|s| SchemeLine {
            id: s.id,
            name: s.name.clone(),
            owner: s.owner.clone(),
            post: post(s),
            years: years(s),
            open: !s.closed,
        })
        .collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = SchemesPage {
        frame: Frame::new(visitor, "Tilskudd", Nav::Grants),
        schemes,
        may_apply: !own_units(visitor).is_empty(),
        may_manage: visitor.may(Action::ManageGrants, &Resource::Any),
        form,
        error,
        authorities: crate::registry::authorities::all().iter().map(|a| (a.key.clone(), a.name.clone())).collect(),
    };
    Ok(render_with_status(status, &page))
}

pub async fn create_scheme(
    State(state): State<AppState>,
    CsrfForm(visitor, form): CsrfForm<SchemeForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let ctx = Ctx::user(&user, state.now());
    ctx.require(Action::ManageGrants, &Resource::Any)?;
    let result = match NewSchemeCommand::try_from(&form) {
        Ok(c) => state.db.run(move |conn| service::create_scheme(conn, &ctx, &c)).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/tilskudd/{id}/fordeling")).into_response()),
        Err(GrantError::Invalid { message, .. }) => schemes_page(&state, &visitor, form, Some(message)).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn close_scheme(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, _): CsrfForm<crate::auth::EmptyForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let ctx = Ctx::user(&user, state.now());
    state.db.run(move |conn| service::close_scheme(conn, &ctx, id)).await?;
    Ok(Redirect::to(&format!("/tilskudd/{id}")).into_response())
}

pub struct CountyView {
    pub name: String,
    pub key: String,
    pub applied: String,
    pub granted: String,
    pub difference: String,
}

pub struct FrameView {
    pub year: i32,
    pub amount: String,
    pub basis: String,
    pub lines: Vec<CountyView>,
    pub key_sum: String,
    pub applied_sum: String,
    pub granted_sum: String,
    pub warnings: Vec<String>,
}

pub struct GrantView {
    pub application_id: i64,
    pub year: i32,
    pub recipient: String,
    pub county: String,
    pub state: &'static str,
    pub applied: String,
    pub granted: String,
    pub targets: String,
    pub passed_on: String,
    pub paid: String,
    pub payable: String,
    pub demo_paid: bool,
}

#[derive(Template)]
#[template(path = "grants/scheme.html")]
struct SchemePage {
    frame: Frame,
    scheme: Scheme,
    post: String,
    years: String,
    recipients: &'static str,
    frames: Vec<FrameView>,
    grants: Vec<GrantView>,
    totals: (String, String, String),
    demo: bool,
    may_manage: bool,
    may_apply: bool,
    /// The application deadline and what a sent application must hold, in words.
    deadline: String,
    requires: String,
    /// Who decides, and the acceptance deadline, as the letter states them.
    decides: String,
    accept: String,
}

/// "Statsforvalteren i søkerens fylke" or the owner's name.
fn decides_label(s: &Scheme) -> String {
    if s.terms.county_decides {
        return "Statsforvalteren i søkerens fylke".into();
    }
    crate::registry::authorities::authority(&s.terms.authority).map_or_else(|| s.owner.clone(), |a| a.name.clone())
}

/// "15. mai 2023", "3 uker etter vedtaket" or "ingen frist registrert".
fn accept_label(s: &Scheme) -> String {
    match (s.terms.accept_by, s.terms.accept_weeks) {
        (Some(date), _) => format::date(date),
        (None, Some(1)) => "1 uke etter vedtaket".into(),
        (None, Some(weeks)) => format!("{weeks} uker etter vedtaket"),
        (None, None) => "ingen frist registrert".into(),
    }
}

fn frame_basis(f: &store::Frame) -> String {
    match (&f.weights, f.population_year) {
        (Some(w), year) => {
            let weights = Weights::parse(w).map(|w| w.to_string()).unwrap_or_else(|_| w.clone());
            format!(
                "Fordelt med nøkkel: {weights}{}, {}-inndelingen.",
                year.map(|y| format!(", befolkning {y}")).unwrap_or_default(),
                f.layout
            )
        }
        (None, _) => format!("Fordelt manuelt (eller som oppgitt i kilden), {}-inndelingen.", f.layout),
    }
}

fn frame_view(f: &store::Frame, t: &FrameTable) -> FrameView {
    FrameView {
        year: f.year,
        amount: format::kroner(f.amount),
        basis: frame_basis(f),
        lines: t
            .lines
            .iter()
            .map(|l| CountyView {
                name: l.county_name.clone(),
                key: kr(l.key),
                applied: kr(l.applied),
                granted: format::kroner(l.granted),
                difference: kr(l.difference),
            })
            .collect(),
        key_sum: format::kroner(t.key_sum),
        applied_sum: kr(t.applied_sum),
        granted_sum: format::kroner(t.granted_sum),
        warnings: t.warnings.clone(),
    }
}

fn joined<T>(items: &[T], show: impl Fn(&T) -> String) -> String {
    items.iter().map(show).collect::<Vec<_>>().join(", ")
}

fn grant_view(g: &GrantLine, counties: &BTreeMap<(i32, String), String>) -> GrantView {
    let d = g.decision.as_ref();
    let a = &g.application;
    GrantView {
        application_id: a.id,
        year: a.year,
        recipient: a.applicant_name.clone(),
        county: counties.get(&(a.layout, a.county_number.clone())).cloned().unwrap_or_else(|| a.county_number.clone()),
        state: a.state.label(),
        applied: kr(a.applied),
        granted: kr(d.map(|d| d.granted)),
        targets: d
            .map(|d| joined(&d.target_figures, |t| format!("{} {}", format::number(t.quantity), t.technology)))
            .unwrap_or_default(),
        passed_on: d
            .map(|d| joined(&d.sub_allocations, |s| format!("{} {}", s.name, format::kroner(s.amount))))
            .unwrap_or_default(),
        paid: format::kroner(g.balance.net_paid()),
        payable: format::kroner(g.balance.payable()),
        demo_paid: false,
    }
}

/// The overview, every layout's county names, and the decisions with synthetic (demo) payments.
type SchemeData = (SchemeOverview, BTreeMap<(i32, String), String>, BTreeSet<i64>);

async fn scheme_data(state: &AppState, id: i64) -> AppResult<SchemeData> {
    state
        .db
        .run(move |conn| {
            let overview = service::overview(conn, id)?;
            let mut counties = BTreeMap::new();
            for layout in Layout::ALL {
                for (n, name) in crate::registry::store::county_names(conn, layout)? {
                    counties.insert((layout.year(), n), name);
                }
            }
            let demo: BTreeSet<i64> =
                store::entries_of_scheme(conn, id)?.into_iter().filter(|e| e.demo).map(|e| e.decision_id).collect();
            Ok::<_, AppError>((overview, counties, demo))
        })
        .await
}

pub async fn scheme(State(state): State<AppState>, visitor: Visitor, Path(id): Path<i64>) -> AppResult<Response> {
    let (overview, counties, demo_paid) = scheme_data(&state, id).await?;
    let SchemeOverview { scheme, frames, grants } = overview;
    let granted: i64 = grants.iter().map(|g| g.balance.granted - g.balance.withdrawn).sum();
    let paid: i64 = grants.iter().map(|g| g.balance.net_paid()).sum();
    let payable: i64 = grants.iter().map(|g| g.balance.payable()).sum();
    let views: Vec<GrantView> = grants
        .iter()
        .map(|g| GrantView {
            demo_paid: g.decision.as_ref().is_some_and(|d| demo_paid.contains(&d.id)),
            ..grant_view(g, &counties)
        })
        .collect();
    let page = SchemePage {
        frame: Frame::new(&visitor, scheme.name.clone(), Nav::Grants),
        post: post(&scheme),
        years: years(&scheme),
        recipients: recipients_label(&scheme.recipients),
        frames: frames.iter().map(|(f, t)| frame_view(f, t)).collect(),
        demo: views.iter().any(|g| g.demo_paid) || scheme.name.contains("demodata"),
        grants: views,
        totals: (format::kroner(granted), format::kroner(paid), format::kroner(payable)),
        may_manage: visitor.may(Action::ManageGrants, &Resource::Any),
        may_apply: !scheme.closed && !own_units(&visitor).is_empty(),
        deadline: deadline_text(&scheme),
        requires: requirements_text(&scheme.requires, None),
        decides: decides_label(&scheme),
        accept: accept_label(&scheme),
        scheme,
    };
    Ok(render(&page))
}

pub async fn export(State(state): State<AppState>, Path((id, file)): Path<(i64, String)>) -> AppResult<Response> {
    let table = state.db.run(move |conn| service::overview(conn, id).map(|o| grants_export::grants_table(&o))).await?;
    crate::exports::download(&table, &file, "tilsagn", &format!("tilsagn-{id}"))
}
