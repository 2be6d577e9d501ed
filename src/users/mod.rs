//! Users (brukere) and role assignments: the use cases behind the admin pages, the user's own
//! account page and the CLI. A national admin manages everyone; a county officer manages the
//! users of the municipalities and collaborations in their area (see the access policy).
//! Depends on `auth` (passwords, sessions, who is asking) and the registry, never the reverse.

mod access;
mod change;
mod create;
mod error;
pub mod pages;
mod scope;
pub mod store;

pub use access::{load_managed, may_grant, may_manage, offices_of_scope, visible_users};
pub use change::{ChangeUser, UserChange, change};
pub use create::{NewUser, create};
pub use error::UserError;
pub use scope::describe_scope;

use store::User;

/// What the audit trail keeps of a user.
fn snapshot(user: &User) -> Option<serde_json::Value> {
    let roles: Vec<String> =
        user.assignments.iter().map(|a| format!("{} {}", a.assignment.role.code(), a.assignment.scope)).collect();
    Some(serde_json::json!({
        "email": user.email, "display_name": user.display_name, "active": user.active, "roles": roles
    }))
}
