//! Server-side sessions: a random token in a cookie, stored only as its SHA-256 hash, with its
//! own CSRF token. Login failures are kept per e-mail to slow down guessing.

use crate::db::schema::{login_failures, sessions};
use crate::db::{DbConnection, StoreResult};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const SESSION_HOURS: i64 = 12;
/// Failures within the window after which logins for that e-mail are refused for a while.
pub const MAX_FAILURES: i64 = 5;
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Starts a session; returns the cookie token.
pub fn create(conn: &mut DbConnection, user_id: i64, now: NaiveDateTime) -> StoreResult<String> {
    let token = random_token();
    diesel::delete(sessions::table.filter(sessions::expires_at.lt(now))).execute(conn)?;
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash(&token)),
            sessions::user_id.eq(user_id),
            sessions::csrf_token.eq(random_token()),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(now + Duration::hours(SESSION_HOURS)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The user and CSRF token of a live session.
pub fn lookup(conn: &mut DbConnection, token: &str, now: NaiveDateTime) -> StoreResult<Option<(i64, String)>> {
    Ok(sessions::table
        .filter(sessions::token_hash.eq(token_hash(token)))
        .filter(sessions::expires_at.gt(now))
        .select((sessions::user_id, sessions::csrf_token))
        .first(conn)
        .optional()?)
}

pub fn delete(conn: &mut DbConnection, token: &str) -> StoreResult<()> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash(token)))).execute(conn)?;
    Ok(())
}

/// Ends every session of a user (when deactivated or their password changes).
pub fn delete_all_of(conn: &mut DbConnection, user_id: i64) -> StoreResult<()> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?;
    Ok(())
}

pub fn recent_failures(conn: &mut DbConnection, email: &str, now: NaiveDateTime) -> StoreResult<i64> {
    let since = now - Duration::minutes(FAILURE_WINDOW_MINUTES);
    Ok(login_failures::table
        .filter(login_failures::email.eq(email))
        .filter(login_failures::failed_at.gt(since))
        .count()
        .get_result(conn)?)
}

pub fn record_failure(conn: &mut DbConnection, email: &str, now: NaiveDateTime) -> StoreResult<()> {
    diesel::insert_into(login_failures::table)
        .values((login_failures::email.eq(email), login_failures::failed_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

pub fn clear_failures(conn: &mut DbConnection, email: &str) -> StoreResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::email.eq(email))).execute(conn)?;
    Ok(())
}
