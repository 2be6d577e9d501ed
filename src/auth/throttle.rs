//! Login throttling as stored: an attempt is counted *before* its password is checked, in one
//! write transaction that locks the attempt's counters, so a hundred attempts at once are
//! counted one after the other and only those allowed by the rule
//! ([`samveis_domain::access::throttle`]) reach the password check. A success clears the
//! counters of its account and address; a failure keeps the count the attempt already made.

use crate::db::schema::login_throttle;
use crate::db::{DbConnection, StoreResult};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use samveis_domain::access::throttle::{Counter, FORGET_AFTER, wait_after};
use std::net::IpAddr;

/// Who is attempting: the account (normalised e-mail) and the address the attempt came from.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub email: String,
    pub address: IpAddr,
}

impl Attempt {
    fn counters(&self) -> [(Counter, String); 3] {
        [
            (
                Counter::AccountAtAddress,
                format!("{}:{}|{}", Counter::AccountAtAddress.code(), self.email, self.address),
            ),
            (Counter::Address, format!("{}:{}", Counter::Address.code(), self.address)),
            (Counter::Account, format!("{}:{}", Counter::Account.code(), self.email)),
        ]
    }
}

/// Counts an attempt as a failure in advance; refuses it with the time left to wait when a
/// counter says wait (a refused attempt is not counted, so waiting always helps).
pub fn begin(
    conn: &mut DbConnection,
    attempt: &Attempt,
    now: NaiveDateTime,
) -> StoreResult<Result<(), std::time::Duration>> {
    crate::db::write(conn, |conn| {
        let counters = attempt.counters();
        let mut rows = Vec::new();
        for (counter, key) in &counters {
            let row = locked_row(conn, key)?;
            let (failures, next) = match row {
                Some((failures, last, next)) if now - last < forget_after() => (failures, next),
                _ => (0, now),
            };
            if next > now {
                let wait = (next - now).to_std().unwrap_or_default();
                return Ok(Err(wait));
            }
            rows.push((*counter, key, failures));
        }
        for (counter, key, failures) in rows {
            let failures = failures.saturating_add(1);
            let wait = Duration::from_std(wait_after(counter, failures)).unwrap_or(Duration::zero());
            put(conn, key, failures, now, now + wait)?;
        }
        Ok(Ok(()))
    })
}

/// The password was right: the account's and the address's counters start again.
pub fn succeeded(conn: &mut DbConnection, attempt: &Attempt) -> StoreResult<()> {
    let keys: Vec<String> = attempt.counters().into_iter().map(|(_, key)| key).collect();
    diesel::delete(login_throttle::table.filter(login_throttle::counter.eq_any(keys))).execute(conn)?;
    Ok(())
}

fn forget_after() -> Duration {
    Duration::from_std(FORGET_AFTER).unwrap_or(Duration::minutes(15))
}

/// The counter's row, locked until the transaction ends (SQLite: the write lock is already held).
fn locked_row(conn: &mut DbConnection, key: &str) -> StoreResult<Option<(i64, NaiveDateTime, NaiveDateTime)>> {
    let query = login_throttle::table.find(key.to_string()).select((
        login_throttle::failures,
        login_throttle::last_failure_at,
        login_throttle::next_attempt_at,
    ));
    Ok(match conn {
        DbConnection::Postgres(c) => query.for_update().first(c).optional()?,
        DbConnection::Sqlite(c) => query.first(c).optional()?,
    })
}

fn put(conn: &mut DbConnection, key: &str, failures: i64, now: NaiveDateTime, next: NaiveDateTime) -> StoreResult<()> {
    let values = (
        login_throttle::counter.eq(key),
        login_throttle::failures.eq(failures),
        login_throttle::last_failure_at.eq(now),
        login_throttle::next_attempt_at.eq(next),
    );
    crate::per_backend!(conn, |c| diesel::insert_into(login_throttle::table)
        .values(values)
        .on_conflict(login_throttle::counter)
        .do_update()
        .set((
            login_throttle::failures.eq(failures),
            login_throttle::last_failure_at.eq(now),
            login_throttle::next_attempt_at.eq(next),
        ))
        .execute(c))?;
    Ok(())
}
