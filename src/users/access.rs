//! Who may manage whom: the offices a scope lies in, and whether a principal may grant an
//! assignment or manage a user (every assignment the user holds must be one it could grant).

use super::UserError;
use super::store::{self, User};
use crate::db::{DbConnection, StoreError};
use crate::registry::{collaborations, store as registry};
use samveis_domain::access::{Action, Actor, Assignment, Principal, Resource, Scope};
use samveis_domain::registry::Layout;

/// The offices whose area a scope lies in; empty for national scope.
pub fn offices_of_scope(conn: &mut DbConnection, scope: &Scope) -> Result<Vec<String>, StoreError> {
    Ok(match scope {
        Scope::National => Vec::new(),
        Scope::Office(code) => vec![code.clone()],
        Scope::Municipality(number) => {
            let mut found = None;
            for layout in Layout::ALL.into_iter().rev() {
                found = registry::office_of_municipality(conn, layout, number.as_str())?;
                if found.is_some() {
                    break;
                }
            }
            found.into_iter().collect()
        }
        Scope::Collaboration(id) => collaborations::get(conn, *id)?.and_then(|c| c.host_office).into_iter().collect(),
    })
}

/// Checks that the scope names something that exists.
pub(super) fn check_scope_exists(conn: &mut DbConnection, scope: &Scope) -> Result<(), UserError> {
    let exists = match scope {
        Scope::National => true,
        Scope::Office(code) => registry::offices(conn)?.iter().any(|o| &o.code == code),
        Scope::Municipality(_) => !offices_of_scope(conn, scope)?.is_empty(),
        Scope::Collaboration(id) => collaborations::get(conn, *id)?.is_some(),
    };
    if exists {
        Ok(())
    } else {
        Err(UserError::invalid("scope", format!("Omfanget «{scope}» finnes ikke i registeret.")))
    }
}

pub fn may_grant(conn: &mut DbConnection, who: &Principal, a: &Assignment) -> Result<bool, StoreError> {
    let offices = offices_of_scope(conn, &a.scope)?;
    Ok(who.may(Action::ManageUsers, &Resource::Assignment { role: a.role, offices: &offices }))
}

/// Whether the principal may see and manage this user: every assignment the user holds must be
/// one it could grant. The system and a national admin manage everyone.
pub fn may_manage(conn: &mut DbConnection, who: &Principal, user: &User) -> Result<bool, StoreError> {
    if who.actor().is_none_or(Actor::is_national_admin) {
        return Ok(true);
    }
    if user.assignments.is_empty() {
        return Ok(false);
    }
    for a in &user.assignments {
        if !may_grant(conn, who, &a.assignment)? {
            return Ok(false);
        }
    }
    Ok(true)
}

pub fn load_managed(conn: &mut DbConnection, who: &Principal, id: i64) -> Result<User, UserError> {
    let user = store::get(conn, id)?.ok_or_else(|| UserError::NotFound(format!("Fant ikke bruker {id}.")))?;
    if may_manage(conn, who, &user)? { Ok(user) } else { Err(UserError::Forbidden) }
}

/// The users an actor may see in the admin list.
pub fn visible_users(conn: &mut DbConnection, actor: &Actor) -> Result<Vec<User>, StoreError> {
    let who = Principal::User(actor.clone());
    let mut out = Vec::new();
    for user in store::list(conn)? {
        if may_manage(conn, &who, &user)? {
            out.push(user);
        }
    }
    Ok(out)
}
