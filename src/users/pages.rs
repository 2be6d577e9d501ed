//! User administration pages (`/admin/brukere`): list, create, and grant or revoke roles.

use super::{NewUser, UserChange};
use crate::auth::pages::describe_scope;
use crate::auth::{CsrfForm, PageUser, SignedIn, Visitor};
use crate::error::{AppError, AppResult};
use crate::registry::store as registry;
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render, render_with_status};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::{Action, Assignment, AssignmentError, Resource, Role, Scope};
use serde::Deserialize;

pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub active: bool,
    pub roles: Vec<String>,
}

#[derive(Template)]
#[template(path = "users/list.html")]
struct ListPage {
    frame: Frame,
    rows: Vec<UserRow>,
}

fn require_user_admin(user: &SignedIn) -> AppResult<()> {
    user.require(Action::ManageUsers, &Resource::Any)
}

pub async fn list(State(state): State<AppState>, PageUser(visitor, user): PageUser) -> AppResult<Response> {
    require_user_admin(&user)?;
    let actor = user.actor.clone();
    let rows = state
        .db
        .run(move |conn| {
            let mut rows = Vec::new();
            for u in super::visible_users(conn, &actor)? {
                let mut roles = Vec::new();
                for a in &u.assignments {
                    roles.push(format!(
                        "{}: {}",
                        a.assignment.role.label(),
                        describe_scope(conn, &a.assignment.scope)?
                    ));
                }
                rows.push(UserRow { id: u.id, email: u.email, display_name: u.display_name, active: u.active, roles });
            }
            Ok::<_, AppError>(rows)
        })
        .await?;
    Ok(render(&ListPage { frame: Frame::new(&visitor, "Brukere", Nav::Users), rows }))
}

/// The role-and-scope part of a form, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct AssignmentForm {
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub scope: String,
}

impl AssignmentForm {
    fn parse(&self) -> Result<Assignment, AssignmentError> {
        let role = Role::from_code(&self.role).ok_or_else(|| AssignmentError::RoleUnknown(self.role.clone()))?;
        Assignment::new(role, Scope::parse_for(role, &self.scope)?)
    }
}

/// Choices for the role and scope fields: the roles the actor may hand out, and the offices.
pub struct AssignmentChoices {
    pub roles: Vec<(&'static str, &'static str)>,
    pub offices: Vec<registry::Office>,
}

fn assignment_choices(conn: &mut crate::db::DbConnection, user: &SignedIn) -> Result<AssignmentChoices, AppError> {
    let roles = Role::ALL
        .into_iter()
        .filter(|r| {
            user.actor.is_national_admin() || matches!(r, Role::MunicipalEditor | Role::ProjectLeader | Role::Viewer)
        })
        .map(|r| (r.code(), r.label()))
        .collect();
    let mine = user.actor.offices();
    let offices = registry::offices(conn)?
        .into_iter()
        .filter(|o| user.actor.is_national_admin() || mine.contains(&o.code))
        .collect();
    Ok(AssignmentChoices { roles, offices })
}

#[derive(Debug, Default, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub scope: String,
}

#[derive(Template)]
#[template(path = "users/new.html")]
struct NewPage {
    frame: Frame,
    form: NewUserForm,
    choices: AssignmentChoices,
    error: Option<String>,
}

async fn new_page(
    state: &AppState,
    visitor: &Visitor,
    form: NewUserForm,
    error: Option<String>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    require_user_admin(&user)?;
    let choices = state.db.run(move |conn| assignment_choices(conn, &user)).await?;
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = NewPage { frame: Frame::new(visitor, "Ny bruker", Nav::Users), form, choices, error };
    Ok(render_with_status(status, &page))
}

pub async fn new_form(State(state): State<AppState>, PageUser(visitor, _): PageUser) -> AppResult<Response> {
    new_page(&state, &visitor, NewUserForm { role: "municipal-editor".into(), ..Default::default() }, None).await
}

pub async fn create(
    State(state): State<AppState>,
    CsrfForm(visitor, mut form): CsrfForm<NewUserForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    require_user_admin(&user)?;
    let assignment = match (AssignmentForm { role: form.role.clone(), scope: form.scope.clone() }).parse() {
        Ok(a) => a,
        Err(e) => return new_page(&state, &visitor, form, Some(format!("{e}."))).await,
    };
    let new = NewUser {
        email: form.email.clone(),
        display_name: form.display_name.clone(),
        password: std::mem::take(&mut form.password),
        assignment,
    };
    let now = state.now();
    let (actor, author) = (user.actor.clone(), user.author());
    let result =
        state.db.run(move |conn| Ok::<_, AppError>(super::create(conn, Some(&actor), &author, now, &new))).await?;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/admin/brukere/{id}?lagret=1")).into_response()),
        Err(AppError::BadRequest(message)) => new_page(&state, &visitor, form, Some(message)).await,
        Err(e) => Err(e),
    }
}

pub struct AssignmentRow {
    pub id: i64,
    pub role: &'static str,
    pub scope: String,
}

#[derive(Template)]
#[template(path = "users/show.html")]
struct ShowPage {
    frame: Frame,
    user: UserRow,
    created: String,
    version: i64,
    assignments: Vec<AssignmentRow>,
    choices: AssignmentChoices,
    error: Option<String>,
    form: AssignmentForm,
}

#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    pub lagret: Option<String>,
}

async fn show_page(
    state: &AppState,
    visitor: &Visitor,
    id: i64,
    error: Option<String>,
    form: AssignmentForm,
    notice: Option<&str>,
) -> AppResult<Response> {
    let me = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    require_user_admin(&me)?;
    let (u, assignments, choices) = state
        .db
        .run(move |conn| {
            let u = super::load_managed(conn, &me.actor, id)?;
            let mut rows = Vec::new();
            for a in &u.assignments {
                let scope = describe_scope(conn, &a.assignment.scope)?;
                rows.push(AssignmentRow { id: a.id, role: a.assignment.role.label(), scope });
            }
            let choices = assignment_choices(conn, &me)?;
            Ok::<_, AppError>((u, rows, choices))
        })
        .await?;
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = ShowPage {
        frame: Frame::new(visitor, u.display_name.clone(), Nav::Users).with_notice(notice),
        created: format::datetime(u.created_at),
        version: u.version,
        user: UserRow { id: u.id, email: u.email, display_name: u.display_name, active: u.active, roles: Vec::new() },
        assignments,
        choices,
        error,
        form,
    };
    Ok(render_with_status(status, &page))
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(visitor, _): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> AppResult<Response> {
    show_page(&state, &visitor, id, None, AssignmentForm::default(), q.lagret.as_deref().map(|_| "Lagret.")).await
}

#[derive(Debug, Deserialize)]
pub struct GrantForm {
    #[serde(flatten)]
    pub assignment: AssignmentForm,
    pub version: String,
}

fn parse_version(text: &str) -> AppResult<i64> {
    text.trim().parse().map_err(|_| AppError::BadRequest(format!("Ugyldig versjon «{text}».")))
}

/// Applies one change to a user and answers: back to the user page, or the page with the reason.
async fn apply_change(
    state: &AppState,
    visitor: &Visitor,
    id: i64,
    version: i64,
    what: UserChange,
    form: AssignmentForm,
) -> AppResult<Response> {
    let me = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    require_user_admin(&me)?;
    let now = state.now();
    let (actor, author) = (me.actor.clone(), me.author());
    let result = state
        .db
        .run(move |conn| Ok::<_, AppError>(super::change(conn, &actor, &author, now, id, version, what)))
        .await?;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/admin/brukere/{id}?lagret=1")).into_response()),
        Err(AppError::BadRequest(m) | AppError::Conflict(m)) => {
            show_page(state, visitor, id, Some(m), form, None).await
        }
        Err(e) => Err(e),
    }
}

pub async fn grant(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, form): CsrfForm<GrantForm>,
) -> AppResult<Response> {
    let version = parse_version(&form.version)?;
    match form.assignment.parse() {
        Ok(a) => apply_change(&state, &visitor, id, version, UserChange::Grant(a), form.assignment).await,
        Err(e) => show_page(&state, &visitor, id, Some(format!("{e}.")), form.assignment, None).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct VersionForm {
    pub version: String,
    #[serde(default)]
    pub active: Option<String>,
}

pub async fn revoke(
    State(state): State<AppState>,
    Path((id, assignment_id)): Path<(i64, i64)>,
    CsrfForm(visitor, form): CsrfForm<VersionForm>,
) -> AppResult<Response> {
    let version = parse_version(&form.version)?;
    apply_change(&state, &visitor, id, version, UserChange::Revoke(assignment_id), AssignmentForm::default()).await
}

pub async fn set_status(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, form): CsrfForm<VersionForm>,
) -> AppResult<Response> {
    let version = parse_version(&form.version)?;
    let active = form.active.as_deref() == Some("ja");
    apply_change(&state, &visitor, id, version, UserChange::SetActive(active), AssignmentForm::default()).await
}
