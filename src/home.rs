//! The front page: what Samveis holds at a glance, a municipality search, and the signed-in
//! user's own area of work. Also the health check.

use crate::auth::Visitor;
use crate::error::{AppError, AppResult};
use crate::registry::{collaborations, store};
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use diesel::RunQueryDsl;
use samveis_domain::access::{Action, Resource, Scope};
use samveis_domain::registry::Layout;

pub struct WorkLink {
    pub href: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    frame: Frame,
    municipalities: usize,
    counties: usize,
    population: String,
    population_year: String,
    active_collaborations: usize,
    work: Vec<WorkLink>,
    demo: bool,
}

pub async fn page(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let today = state.today();
    let assignments = visitor.user.as_ref().map(|u| u.actor.assignments.clone()).unwrap_or_default();
    let (counties, active, work) = state
        .db
        .run(move |conn| {
            let counties = store::county_rows(conn, Layout::CURRENT)?;
            let all = collaborations::list(conn)?;
            let active = all.iter().filter(|c| c.is_active_on(today)).count();
            let mut work = Vec::new();
            for a in &assignments {
                let label = crate::users::describe_scope(conn, &a.scope)?;
                let href = match &a.scope {
                    Scope::National => "/samarbeid".to_string(),
                    Scope::Office(_) => "/samarbeid?status=aktive".to_string(),
                    Scope::Municipality(n) => format!("/kommuner/{n}"),
                    Scope::Collaboration(id) => format!("/samarbeid/{id}"),
                };
                work.push(WorkLink { href, label: format!("{}: {label}", a.role.label()) });
            }
            Ok::<_, AppError>((counties, active, work))
        })
        .await?;
    let page = HomePage {
        frame: Frame::new(&visitor, "Forside", Nav::Home),
        municipalities: counties.iter().map(|c| c.municipality_count).sum(),
        counties: counties.len(),
        population: format::optional_number(counties.iter().map(|c| c.population).sum()),
        population_year: counties
            .iter()
            .filter_map(|c| c.population_year)
            .max()
            .map(|y| y.to_string())
            .unwrap_or_default(),
        active_collaborations: active,
        work,
        demo: state.config.demo && visitor.may(Action::ViewOwnAccount, &Resource::Any),
    };
    Ok(render(&page))
}

/// 200 when the database answers, 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> Response {
    let ok = state
        .db
        .run(|conn| diesel::sql_query("SELECT 1").execute(conn).map_err(crate::db::StoreError::from))
        .await
        .is_ok();
    if ok {
        (StatusCode::OK, "ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "databasen svarer ikke").into_response()
    }
}
