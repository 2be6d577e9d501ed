//! Users (brukere) and their role assignments (rolletildelinger).

use crate::db::schema::{role_assignments, users};
use crate::db::{DbConnection, StoreResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use samveis_domain::access::Assignment;
use serde::Serialize;

pub use crate::auth::store::normalize_email;

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub active: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub assignments: Vec<StoredAssignment>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoredAssignment {
    pub id: i64,
    pub assignment: Assignment,
}

type UserRow = (i64, String, String, bool, i64, NaiveDateTime);

fn user_columns() -> (users::id, users::email, users::display_name, users::active, users::version, users::created_at) {
    (users::id, users::email, users::display_name, users::active, users::version, users::created_at)
}

fn with_assignments(conn: &mut DbConnection, rows: Vec<UserRow>) -> StoreResult<Vec<User>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let assignments: Vec<(i64, i64, String, String)> = role_assignments::table
        .filter(role_assignments::user_id.eq_any(&ids))
        .select((role_assignments::id, role_assignments::user_id, role_assignments::role, role_assignments::scope))
        .order(role_assignments::id.asc())
        .load(conn)?;
    rows.into_iter()
        .map(|(id, email, display_name, active, version, created_at)| {
            Ok(User {
                assignments: assignments
                    .iter()
                    .filter(|a| a.1 == id)
                    .map(|(aid, _, role, scope)| {
                        Ok(StoredAssignment {
                            id: *aid,
                            assignment: crate::auth::store::stored_assignment(role, scope)?,
                        })
                    })
                    .collect::<StoreResult<_>>()?,
                id,
                email,
                display_name,
                active,
                version,
                created_at,
            })
        })
        .collect()
}

pub fn list(conn: &mut DbConnection) -> StoreResult<Vec<User>> {
    let rows: Vec<UserRow> = users::table.select(user_columns()).order(users::email.asc()).load(conn)?;
    with_assignments(conn, rows)
}

pub fn get(conn: &mut DbConnection, id: i64) -> StoreResult<Option<User>> {
    let rows: Vec<UserRow> = users::table.filter(users::id.eq(id)).select(user_columns()).load(conn)?;
    Ok(with_assignments(conn, rows)?.into_iter().next())
}

pub fn insert(
    conn: &mut DbConnection,
    email: &str,
    display_name: &str,
    password_hash: &str,
    now: NaiveDateTime,
) -> StoreResult<i64> {
    Ok(diesel::insert_into(users::table)
        .values((
            users::email.eq(normalize_email(email)),
            users::display_name.eq(display_name.trim()),
            users::password_hash.eq(password_hash),
            users::active.eq(true),
            users::version.eq(1_i64),
            users::created_at.eq(now),
        ))
        .returning(users::id)
        .get_result(conn)?)
}

pub fn email_taken(conn: &mut DbConnection, email: &str) -> StoreResult<bool> {
    let n: i64 = users::table.filter(users::email.eq(normalize_email(email))).count().get_result(conn)?;
    Ok(n > 0)
}

pub fn add_assignment(conn: &mut DbConnection, user_id: i64, a: &Assignment) -> StoreResult<Option<i64>> {
    let exists: i64 = role_assignments::table
        .filter(role_assignments::user_id.eq(user_id))
        .filter(role_assignments::role.eq(a.role.code()))
        .filter(role_assignments::scope.eq(a.scope.code()))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(None);
    }
    let id = diesel::insert_into(role_assignments::table)
        .values((
            role_assignments::user_id.eq(user_id),
            role_assignments::role.eq(a.role.code()),
            role_assignments::scope.eq(a.scope.code()),
        ))
        .returning(role_assignments::id)
        .get_result(conn)?;
    Ok(Some(id))
}

pub fn remove_assignment(conn: &mut DbConnection, user_id: i64, assignment_id: i64) -> StoreResult<bool> {
    let n = diesel::delete(
        role_assignments::table
            .filter(role_assignments::id.eq(assignment_id))
            .filter(role_assignments::user_id.eq(user_id)),
    )
    .execute(conn)?;
    Ok(n == 1)
}

/// Bumps the user's version if it is still `expected`; false if someone changed it meanwhile.
pub fn bump_version(conn: &mut DbConnection, user_id: i64, expected: i64) -> StoreResult<bool> {
    let n = diesel::update(users::table.filter(users::id.eq(user_id)).filter(users::version.eq(expected)))
        .set(users::version.eq(expected + 1))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn set_active(conn: &mut DbConnection, user_id: i64, active: bool) -> StoreResult<()> {
    diesel::update(users::table.filter(users::id.eq(user_id))).set(users::active.eq(active)).execute(conn)?;
    Ok(())
}
