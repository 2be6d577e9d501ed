//! Changing a user: grant or revoke a role, activate or deactivate. Each change is checked,
//! versioned and audited the same way, in one transaction.

use super::access::{check_scope_exists, load_managed, may_grant};
use super::store::{self, User};
use super::{UserError, snapshot};
use crate::audit::{self, Change};
use crate::auth::session;
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::error::VERSION_CONFLICT;
use samveis_domain::access::{Assignment, Role};

/// What a change to a user does.
#[derive(Debug, Clone)]
pub enum UserChange {
    Grant(Assignment),
    Revoke(i64),
    SetActive(bool),
}

/// One change to one user, based on the version the admin saw.
#[derive(Debug, Clone)]
pub struct ChangeUser {
    pub user_id: i64,
    pub version: i64,
    pub what: UserChange,
}

pub fn change(conn: &mut DbConnection, ctx: &Ctx, command: &ChangeUser) -> Result<(), UserError> {
    let user_id = command.user_id;
    crate::db::write(conn, |conn| {
        let before = load_managed(conn, &ctx.who, user_id)?;
        if !store::bump_version(conn, user_id, command.version)? {
            return Err(UserError::Conflict(VERSION_CONFLICT.into()));
        }
        let action = apply(conn, ctx, &before, &command.what)?;
        let after = store::get(conn, user_id)?;
        let change = Change {
            action,
            record_type: "bruker",
            record_id: user_id.to_string(),
            before: snapshot(&before),
            after: after.as_ref().and_then(snapshot),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(())
    })
}

/// Whether the one acting is this user (the system is nobody).
fn is_self(ctx: &Ctx, user: &User) -> bool {
    ctx.actor().is_some_and(|a| a.user_id == user.id)
}

fn apply(conn: &mut DbConnection, ctx: &Ctx, user: &User, what: &UserChange) -> Result<&'static str, UserError> {
    match what {
        UserChange::Grant(a) => grant(conn, ctx, user, a),
        UserChange::Revoke(assignment_id) => revoke(conn, ctx, user, *assignment_id),
        UserChange::SetActive(active) => set_active(conn, ctx, user, *active),
    }
}

fn grant(conn: &mut DbConnection, ctx: &Ctx, user: &User, a: &Assignment) -> Result<&'static str, UserError> {
    check_scope_exists(conn, &a.scope)?;
    if !may_grant(conn, &ctx.who, a)? {
        return Err(UserError::Forbidden);
    }
    if store::add_assignment(conn, user.id, a)?.is_none() {
        return Err(UserError::invalid("role", "Brukeren har allerede denne rollen."));
    }
    Ok("rolle gitt")
}

fn revoke(conn: &mut DbConnection, ctx: &Ctx, user: &User, assignment_id: i64) -> Result<&'static str, UserError> {
    let target = user
        .assignments
        .iter()
        .find(|a| a.id == assignment_id)
        .ok_or_else(|| UserError::NotFound("Fant ikke rollen.".into()))?;
    if !may_grant(conn, &ctx.who, &target.assignment)? {
        return Err(UserError::Forbidden);
    }
    if is_self(ctx, user) && target.assignment.role == Role::NationalAdmin {
        return Err(UserError::invalid("role", "Du kan ikke fjerne din egen administratorrolle."));
    }
    if target.assignment.role == Role::NationalAdmin {
        keep_an_admin(conn, user.id)?;
    }
    store::remove_assignment(conn, user.id, assignment_id)?;
    Ok("rolle fjernet")
}

fn set_active(conn: &mut DbConnection, ctx: &Ctx, user: &User, active: bool) -> Result<&'static str, UserError> {
    if is_self(ctx, user) && !active {
        return Err(UserError::invalid("active", "Du kan ikke deaktivere deg selv."));
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

/// Refuses a change that would leave no active national admin besides `user_id`.
fn keep_an_admin(conn: &mut DbConnection, user_id: i64) -> Result<(), UserError> {
    let others = store::list(conn)?
        .into_iter()
        .filter(|u| u.id != user_id && u.active)
        .filter(|u| u.assignments.iter().any(|a| a.assignment.role == Role::NationalAdmin))
        .count();
    if others == 0 {
        return Err(UserError::invalid("role", "Det må finnes minst én aktiv nasjonal administrator."));
    }
    Ok(())
}
