//! The outbox table: what waits, what was sent, what failed, and the counts pages show.
//! A message is tried at most [`MAX_ATTEMPTS`] times; each try is claimed first, so two senders
//! (the background task and «Send nå», or the command line) never send the same try twice.

use crate::db::schema::{outbox, rounds};
use crate::db::{DbConnection, StoreResult};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

/// Tries before a message is left as failed.
pub const MAX_ATTEMPTS: i32 = 3;

/// The `result` of a message not tried yet.
pub const WAITING: &str = "venter";
/// The `result` of a delivered message.
pub const SENT: &str = "sendt";

type Backend = <DbConnection as diesel::Connection>::Backend;

#[derive(Debug, Clone, Queryable)]
pub struct OutboxMessage {
    pub id: i64,
    pub created_at: NaiveDateTime,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub round_id: Option<i64>,
    pub sent_at: Option<NaiveDateTime>,
    pub result: String,
    pub attempts: i32,
}

const COLUMNS: (
    outbox::id,
    outbox::created_at,
    outbox::recipient,
    outbox::subject,
    outbox::body,
    outbox::round_id,
    outbox::sent_at,
    outbox::result,
    outbox::attempts,
) = (
    outbox::id,
    outbox::created_at,
    outbox::recipient,
    outbox::subject,
    outbox::body,
    outbox::round_id,
    outbox::sent_at,
    outbox::result,
    outbox::attempts,
);

/// Where a message stands, as the outbox page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Not tried yet.
    Waiting,
    Sent,
    /// The last try failed; `retries` says whether another comes.
    Failed {
        retries: bool,
    },
}

impl OutboxMessage {
    pub fn state(&self) -> State {
        match (self.sent_at, self.attempts) {
            (Some(_), _) => State::Sent,
            (None, 0) => State::Waiting,
            (None, n) => State::Failed { retries: n < MAX_ATTEMPTS },
        }
    }

    /// The server's answer to the last failed try.
    pub fn error(&self) -> &str {
        self.result.strip_prefix("feilet: ").unwrap_or("avbrutt før serveren svarte")
    }
}

/// The outbox page's filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    Waiting,
    Sent,
    Failed,
}

impl Filter {
    pub fn from_code(code: &str) -> Option<Filter> {
        match code {
            "" | "alle" => Some(Filter::All),
            "venter" => Some(Filter::Waiting),
            "sendt" => Some(Filter::Sent),
            "feilet" => Some(Filter::Failed),
            _ => None,
        }
    }
}

fn filtered(filter: Filter, round: Option<i64>) -> outbox::BoxedQuery<'static, Backend> {
    let mut query = outbox::table.into_boxed();
    if let Some(round) = round {
        query = query.filter(outbox::round_id.eq(round));
    }
    match filter {
        Filter::All => query,
        Filter::Waiting => query.filter(outbox::sent_at.is_null()).filter(outbox::attempts.eq(0)),
        Filter::Sent => query.filter(outbox::sent_at.is_not_null()),
        Filter::Failed => query.filter(outbox::sent_at.is_null()).filter(outbox::attempts.gt(0)),
    }
}

/// Newest first, at most `limit`, with the name of each message's round.
pub fn list(
    conn: &mut DbConnection,
    filter: Filter,
    round: Option<i64>,
    limit: i64,
) -> StoreResult<Vec<(OutboxMessage, Option<String>)>> {
    let messages: Vec<OutboxMessage> = filtered(filter, round)
        .select(COLUMNS)
        .order((outbox::created_at.desc(), outbox::id.desc()))
        .limit(limit)
        .load(conn)?;
    let ids: Vec<i64> = messages.iter().filter_map(|m| m.round_id).collect();
    let names: std::collections::HashMap<i64, String> = rounds::table
        .filter(rounds::id.eq_any(ids))
        .select((rounds::id, rounds::name))
        .load(conn)?
        .into_iter()
        .collect();
    Ok(messages
        .into_iter()
        .map(|m| {
            let name = m.round_id.and_then(|r| names.get(&r).cloned());
            (m, name)
        })
        .collect())
}

/// How many messages stand where, for the whole outbox or one round.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub waiting: i64,
    pub sent: i64,
    pub failed: i64,
}

impl Counts {
    pub fn total(&self) -> i64 {
        self.waiting + self.sent + self.failed
    }
}

pub fn counts(conn: &mut DbConnection, round: Option<i64>) -> StoreResult<Counts> {
    let mut count = |f| filtered(f, round).count().get_result::<i64>(&mut *conn);
    Ok(Counts { waiting: count(Filter::Waiting)?, sent: count(Filter::Sent)?, failed: count(Filter::Failed)? })
}

/// Messages to try now, oldest first: never sent, tries left, and the last try at least
/// `retry_after` ago.
pub fn pending(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    retry_after: Duration,
    limit: i64,
) -> StoreResult<Vec<OutboxMessage>> {
    let tried_before = now - retry_after;
    Ok(outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::attempts.lt(MAX_ATTEMPTS))
        .filter(outbox::last_attempt_at.is_null().or(outbox::last_attempt_at.le(tried_before)))
        .select(COLUMNS)
        .order(outbox::id.asc())
        .limit(limit)
        .load(conn)?)
}

/// Counts a try before it is made. False when another sender got there first.
pub fn claim(conn: &mut DbConnection, message: &OutboxMessage, now: NaiveDateTime) -> StoreResult<bool> {
    let claimed = diesel::update(outbox::table)
        .filter(outbox::id.eq(message.id))
        .filter(outbox::attempts.eq(message.attempts))
        .filter(outbox::sent_at.is_null())
        .set((outbox::attempts.eq(message.attempts + 1), outbox::last_attempt_at.eq(now)))
        .execute(conn)?;
    Ok(claimed == 1)
}

/// Writes down how a try went: sent, or the server's error.
pub fn record(conn: &mut DbConnection, id: i64, outcome: &Result<(), String>, now: NaiveDateTime) -> StoreResult<()> {
    let target = outbox::table.filter(outbox::id.eq(id));
    match outcome {
        Ok(()) => diesel::update(target).set((outbox::sent_at.eq(Some(now)), outbox::result.eq(SENT))).execute(conn)?,
        Err(e) => diesel::update(target).set(outbox::result.eq(format!("feilet: {e}"))).execute(conn)?,
    };
    Ok(())
}
