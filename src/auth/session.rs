//! Server-side sessions: a random token in a cookie, stored only as its SHA-256 hash, with its
//! own CSRF token. Failed logins are slowed down by [`super::throttle`].

use crate::db::schema::sessions;
use crate::db::{DbConnection, StoreResult};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const SESSION_HOURS: i64 = 12;

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
