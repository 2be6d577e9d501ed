//! User pages: the admin's list, new user and one user's roles and status (`/admin/brukere`),
//! and the user's own account (`/konto`). The handlers are re-exported here.

mod account;
mod list;
mod new;
mod show;

pub use account::{AccountQuery, PasswordForm, account, change_password};
pub use list::list;
pub use new::{NewUserForm, create, new_form};
pub use show::{GrantForm, SavedQuery, VersionForm, grant, revoke, set_status, show};

use crate::auth::SignedIn;
use crate::error::{AppError, AppResult};
use crate::registry::store as registry;
use samveis_domain::access::{Action, Assignment, AssignmentError, Resource, Role, Scope};
use serde::Deserialize;

pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub active: bool,
    pub roles: Vec<String>,
}

pub(super) fn require_user_admin(user: &SignedIn) -> AppResult<()> {
    user.require(Action::ManageUsers, &Resource::Any)
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
    pub(super) fn parse(&self) -> Result<Assignment, AssignmentError> {
        let role = Role::from_code(&self.role).ok_or_else(|| AssignmentError::RoleUnknown(self.role.clone()))?;
        Assignment::new(role, Scope::parse_for(role, &self.scope)?)
    }
}

/// Choices for the role and scope fields: the roles the actor may hand out, and the offices.
pub struct AssignmentChoices {
    pub roles: Vec<(&'static str, &'static str)>,
    pub offices: Vec<registry::Office>,
}

pub(super) fn assignment_choices(
    conn: &mut crate::db::DbConnection,
    user: &SignedIn,
) -> Result<AssignmentChoices, AppError> {
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
