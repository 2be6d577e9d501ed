//! The front page: for a signed-in user «Mitt arbeid» first (what waits for them, see
//! [`crate::work`], and the areas they work in), then what Samveis holds at a glance and a
//! municipality search.

use crate::auth::Visitor;
use crate::error::{AppError, AppResult};
use crate::registry::{collaborations, store};
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render};
use crate::work::{GroupLines, grouped};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
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
    /// The areas the user works in, by role.
    work: Vec<WorkLink>,
    /// The user's tasks in groups; none for an anonymous visitor.
    tasks: Option<Vec<GroupLines>>,
    demo: bool,
}

pub async fn page(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let today = state.today();
    let assignments = visitor.user.as_ref().map(|u| u.actor.assignments.clone()).unwrap_or_default();
    let actor = visitor.actor().cloned();
    let (counties, active, work, tasks) = state
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
            let tasks = actor.map(|a| crate::work::tasks::tasks_of(conn, &a, today)).transpose()?;
            Ok::<_, AppError>((counties, active, work, tasks))
        })
        .await?;
    let mut frame = Frame::new(&visitor, if tasks.is_some() { "Mitt arbeid" } else { "Forside" }, Nav::Home);
    frame.open_tasks = tasks.as_ref().map(Vec::len);
    let page = HomePage {
        frame,
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
        tasks: tasks.map(|t| grouped(t, today)),
        demo: state.config.demo && visitor.may(Action::ViewOwnAccount, &Resource::Any),
    };
    Ok(render(&page))
}
