//! One user: their roles and status, and the changes an admin makes to them.

use super::{AssignmentChoices, AssignmentForm, UserRow, assignment_choices, require_user_admin};
use crate::auth::{CsrfForm, PageUser, Visitor};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::users::{self, ChangeUser, UserChange, UserError, describe_scope};
use crate::web::{Frame, Nav, format, render_with_status};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::Principal;
use serde::Deserialize;

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
            let u = users::load_managed(conn, &Principal::User(me.actor.clone()), id)?;
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
    let ctx = Ctx::user(&me, state.now());
    let command = ChangeUser { user_id: id, version, what };
    let result = state.db.run(move |conn| Ok::<_, AppError>(users::change(conn, &ctx, &command))).await?;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/admin/brukere/{id}?lagret=1")).into_response()),
        Err(UserError::Invalid { message, .. } | UserError::Conflict(message)) => {
            show_page(state, visitor, id, Some(message), form, None).await
        }
        Err(e) => Err(e.into()),
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

impl VersionForm {
    /// The status button: «ja» activates, anything else deactivates.
    fn activate(&self) -> bool {
        self.active.as_deref() == Some("ja")
    }
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
    apply_change(&state, &visitor, id, version, UserChange::SetActive(form.activate()), AssignmentForm::default()).await
}
