//! What signing in reads and writes of a user: the password hash by e-mail, a new hash, and the
//! active user behind a session with the assignments they hold. The user admin (`users`) keeps
//! the rest; this stays here so that `auth` depends on no area.

use super::SignedIn;
use crate::db::schema::{role_assignments, users};
use crate::db::{DbConnection, StoreError, StoreResult};
use diesel::prelude::*;
use samveis_domain::access::{Actor, Assignment};

pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The user and password hash for a login, by e-mail (case-insensitive).
pub fn credentials(conn: &mut DbConnection, email: &str) -> StoreResult<Option<(i64, String, bool)>> {
    Ok(users::table
        .filter(users::email.eq(normalize_email(email)))
        .select((users::id, users::password_hash, users::active))
        .first(conn)
        .optional()?)
}

pub fn set_password(conn: &mut DbConnection, user_id: i64, password_hash: &str) -> StoreResult<()> {
    diesel::update(users::table.filter(users::id.eq(user_id)))
        .set(users::password_hash.eq(password_hash))
        .execute(conn)?;
    Ok(())
}

/// A stored assignment, read strictly.
pub fn stored_assignment(role: &str, scope: &str) -> StoreResult<Assignment> {
    Assignment::from_stored(role, scope).map_err(|e| {
        StoreError::from(diesel::result::Error::DeserializationError(format!("rolletildeling i databasen: {e}").into()))
    })
}

/// The assignments a user holds, in the order they were given.
pub fn assignments_of(conn: &mut DbConnection, user_id: i64) -> StoreResult<Vec<Assignment>> {
    let rows: Vec<(String, String)> = role_assignments::table
        .filter(role_assignments::user_id.eq(user_id))
        .select((role_assignments::role, role_assignments::scope))
        .order(role_assignments::id.asc())
        .load(conn)?;
    rows.iter().map(|(role, scope)| stored_assignment(role, scope)).collect()
}

/// The actor behind a user id, if the user exists and is active.
pub fn active_actor(conn: &mut DbConnection, user_id: i64) -> StoreResult<Option<Actor>> {
    let active: Option<bool> = users::table.find(user_id).select(users::active).first(conn).optional()?;
    if active != Some(true) {
        return Ok(None);
    }
    Ok(Some(Actor { user_id, assignments: assignments_of(conn, user_id)? }))
}

/// The signed-in user behind a user id, if the user exists and is active.
pub fn signed_in(conn: &mut DbConnection, user_id: i64) -> StoreResult<Option<SignedIn>> {
    let row: Option<(String, String, bool)> =
        users::table.find(user_id).select((users::email, users::display_name, users::active)).first(conn).optional()?;
    let Some((email, display_name, true)) = row else { return Ok(None) };
    let actor = Actor { user_id, assignments: assignments_of(conn, user_id)? };
    Ok(Some(SignedIn { id: user_id, email, display_name, actor }))
}
