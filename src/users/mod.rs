//! Users (brukere) and role assignments: the use cases behind the admin pages and the CLI.
//! A national admin manages everyone; a county officer manages the users of the
//! municipalities and collaborations in their area (see the access policy).

pub mod pages;
pub mod store;

use crate::audit::{self, Author, Change};
use crate::auth::{password, session};
use crate::db::{DbConnection, StoreError};
use crate::error::{AppError, VERSION_CONFLICT};
use crate::registry::{collaborations, store as registry};
use chrono::NaiveDateTime;
use diesel::Connection;
use samveis_domain::access::{Action, Actor, Assignment, Resource, Role, Scope, may};
use samveis_domain::registry::Layout;
use store::User;

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
fn check_scope_exists(conn: &mut DbConnection, scope: &Scope) -> Result<(), AppError> {
    let exists = match scope {
        Scope::National => true,
        Scope::Office(code) => registry::offices(conn)?.iter().any(|o| &o.code == code),
        Scope::Municipality(_) => !offices_of_scope(conn, scope)?.is_empty(),
        Scope::Collaboration(id) => collaborations::get(conn, *id)?.is_some(),
    };
    if exists { Ok(()) } else { Err(AppError::BadRequest(format!("Omfanget «{scope}» finnes ikke i registeret."))) }
}

pub fn may_grant(conn: &mut DbConnection, actor: &Actor, a: &Assignment) -> Result<bool, StoreError> {
    let offices = offices_of_scope(conn, &a.scope)?;
    Ok(may(Some(actor), Action::ManageUsers, &Resource::Assignment { role: a.role, offices: &offices }))
}

/// Whether the actor may see and manage this user: every assignment the user holds must be one
/// the actor could grant.
pub fn may_manage(conn: &mut DbConnection, actor: &Actor, user: &User) -> Result<bool, StoreError> {
    if actor.is_national_admin() {
        return Ok(true);
    }
    if user.assignments.is_empty() {
        return Ok(false);
    }
    for a in &user.assignments {
        if !may_grant(conn, actor, &a.assignment)? {
            return Ok(false);
        }
    }
    Ok(true)
}

pub fn load_managed(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<User, AppError> {
    let user = store::get(conn, id)?.ok_or_else(|| AppError::NotFound(format!("Fant ikke bruker {id}.")))?;
    if may_manage(conn, actor, &user)? { Ok(user) } else { Err(AppError::Forbidden) }
}

pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub assignment: Assignment,
}

fn snapshot(user: &User) -> Option<serde_json::Value> {
    let roles: Vec<String> =
        user.assignments.iter().map(|a| format!("{} {}", a.assignment.role.code(), a.assignment.scope)).collect();
    Some(serde_json::json!({
        "email": user.email, "display_name": user.display_name, "active": user.active, "roles": roles
    }))
}

fn check_email(email: &str) -> Result<(), AppError> {
    let e = email.trim();
    let valid = e.len() <= 200 && e.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.'));
    if valid { Ok(()) } else { Err(AppError::BadRequest(format!("«{e}» er ikke en gyldig e-postadresse."))) }
}

/// Creates a user with a first role assignment. `actor` is None for the CLI, which runs with
/// the operator's authority.
pub fn create(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    author: &Author,
    now: NaiveDateTime,
    new: &NewUser,
) -> Result<i64, AppError> {
    check_email(&new.email)?;
    if new.display_name.trim().is_empty() {
        return Err(AppError::BadRequest("Navn mangler.".into()));
    }
    password::check_strength(&new.password).map_err(AppError::BadRequest)?;
    let hash = password::hash(&new.password).map_err(AppError::Internal)?;
    conn.transaction(|conn| {
        check_scope_exists(conn, &new.assignment.scope)?;
        if let Some(actor) = actor {
            if !may_grant(conn, actor, &new.assignment)? {
                return Err(AppError::Forbidden);
            }
        }
        if store::email_taken(conn, &new.email)? {
            let email = store::normalize_email(&new.email);
            return Err(AppError::BadRequest(format!("Det finnes allerede en bruker med e-post {email}.")));
        }
        let id = store::insert(conn, &new.email, &new.display_name, &hash, now)?;
        store::add_assignment(conn, id, &new.assignment)?;
        let user = store::get(conn, id)?;
        let change = Change {
            action: "opprettet",
            record_type: "bruker",
            record_id: id.to_string(),
            before: None,
            after: user.as_ref().and_then(snapshot),
        };
        audit::record(conn, author, now, change)?;
        Ok(id)
    })
}

/// What a change to a user does; each is checked, versioned and audited the same way.
pub enum UserChange {
    Grant(Assignment),
    Revoke(i64),
    SetActive(bool),
}

pub fn change(
    conn: &mut DbConnection,
    actor: &Actor,
    author: &Author,
    now: NaiveDateTime,
    user_id: i64,
    expected_version: i64,
    what: UserChange,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let before = load_managed(conn, actor, user_id)?;
        if !store::bump_version(conn, user_id, expected_version)? {
            return Err(AppError::Conflict(VERSION_CONFLICT.into()));
        }
        let action = apply(conn, actor, &before, what)?;
        let after = store::get(conn, user_id)?;
        let change = Change {
            action,
            record_type: "bruker",
            record_id: user_id.to_string(),
            before: snapshot(&before),
            after: after.as_ref().and_then(snapshot),
        };
        audit::record(conn, author, now, change)?;
        Ok(())
    })
}

fn apply(conn: &mut DbConnection, actor: &Actor, user: &User, what: UserChange) -> Result<&'static str, AppError> {
    match what {
        UserChange::Grant(a) => {
            check_scope_exists(conn, &a.scope)?;
            if !may_grant(conn, actor, &a)? {
                return Err(AppError::Forbidden);
            }
            if store::add_assignment(conn, user.id, &a)?.is_none() {
                return Err(AppError::BadRequest("Brukeren har allerede denne rollen.".into()));
            }
            Ok("rolle gitt")
        }
        UserChange::Revoke(assignment_id) => {
            let target = user
                .assignments
                .iter()
                .find(|a| a.id == assignment_id)
                .ok_or_else(|| AppError::NotFound("Fant ikke rollen.".into()))?;
            if !may_grant(conn, actor, &target.assignment)? {
                return Err(AppError::Forbidden);
            }
            if actor.user_id == user.id && target.assignment.role == Role::NationalAdmin {
                return Err(AppError::BadRequest("Du kan ikke fjerne din egen administratorrolle.".into()));
            }
            if target.assignment.role == Role::NationalAdmin {
                keep_an_admin(conn, user.id)?;
            }
            store::remove_assignment(conn, user.id, assignment_id)?;
            Ok("rolle fjernet")
        }
        UserChange::SetActive(active) => {
            if actor.user_id == user.id && !active {
                return Err(AppError::BadRequest("Du kan ikke deaktivere deg selv.".into()));
            }
            if !active && user.assignments.iter().any(|a| a.assignment.role == Role::NationalAdmin) {
                keep_an_admin(conn, user.id)?;
            }
            store::set_active(conn, user.id, active)?;
            if !active {
                session::delete_all_of(conn, user.id)?;
            }
            Ok(if active { "aktivert" } else { "deaktivert" })
        }
    }
}

/// Refuses a change that would leave no active national admin besides `user_id`.
fn keep_an_admin(conn: &mut DbConnection, user_id: i64) -> Result<(), AppError> {
    let others = store::list(conn)?
        .into_iter()
        .filter(|u| u.id != user_id && u.active)
        .filter(|u| u.assignments.iter().any(|a| a.assignment.role == Role::NationalAdmin))
        .count();
    if others == 0 {
        return Err(AppError::BadRequest("Det må finnes minst én aktiv nasjonal administrator.".into()));
    }
    Ok(())
}

/// The users an actor may see in the admin list.
pub fn visible_users(conn: &mut DbConnection, actor: &Actor) -> Result<Vec<User>, StoreError> {
    let mut out = Vec::new();
    for user in store::list(conn)? {
        if may_manage(conn, actor, &user)? {
            out.push(user);
        }
    }
    Ok(out)
}
