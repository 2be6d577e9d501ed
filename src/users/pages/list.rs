//! The users an admin may manage, with their roles.

use super::{UserRow, require_user_admin};
use crate::auth::PageUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::users::{self, describe_scope};
use crate::web::{Frame, Nav, render};
use askama::Template;
use axum::extract::State;
use axum::response::Response;

#[derive(Template)]
#[template(path = "users/list.html")]
struct ListPage {
    frame: Frame,
    rows: Vec<UserRow>,
}

pub async fn list(State(state): State<AppState>, PageUser(visitor, user): PageUser) -> AppResult<Response> {
    require_user_admin(&user)?;
    let actor = user.actor.clone();
    let rows = state
        .db
        .run(move |conn| {
            let mut rows = Vec::new();
            for u in users::visible_users(conn, &actor)? {
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
