//! A new user with a first role (`/admin/brukere/ny`).

use super::{AssignmentChoices, AssignmentForm, assignment_choices, require_user_admin};
use crate::auth::{CsrfForm, PageUser, Visitor};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::users::{self, NewUser, UserError};
use crate::web::{Frame, Nav, render_with_status};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

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
    let ctx = Ctx::user(&user, state.now());
    let result = state.db.run(move |conn| Ok::<_, AppError>(users::create(conn, &ctx, &new))).await?;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/admin/brukere/{id}?lagret=1")).into_response()),
        Err(UserError::Invalid { message, .. }) => new_page(&state, &visitor, form, Some(message)).await,
        Err(e) => Err(e.into()),
    }
}
