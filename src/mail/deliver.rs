//! Sending what waits in the outbox: claim a try, send it, write down the server's answer.
//! One function for every caller: the background sender, the reminder run, «Send nå» and
//! `samveis mail send`.

use super::memory::Transport;
use super::outbox::{self, OutboxMessage};
use super::{MailSettings, message};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::{Db, DbConnection, StoreError};
use crate::error::AppError;
use chrono::{Duration, NaiveDateTime, Utc};
use lettre::message::Mailbox;
use samveis_domain::access::{Action, Resource};

/// Messages taken in one run; the rest wait for the next.
const BATCH: i64 = 500;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub failed: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("SMTP-oppsettet kan ikke brukes: {0}")]
    Transport(#[from] lettre::transport::smtp::Error),
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// Sends every message that waits, and retries failed ones whose last try is `retry_after`
/// old. A failure is written to the message, not returned: only storage errors are.
pub async fn deliver_pending(
    db: &Db,
    settings: &MailSettings,
    retry_after: Duration,
) -> Result<Delivered, DeliveryError> {
    let transport = settings.transport()?;
    let started = now();
    let batch = db.run(move |conn| outbox::pending(conn, started, retry_after, BATCH)).await?;
    let mut done = Delivered::default();
    for message in batch {
        match deliver_one(db, &transport, settings.from(), message).await? {
            Some(true) => done.sent += 1,
            Some(false) => done.failed += 1,
            None => {}
        }
    }
    Ok(done)
}

/// One try of one message; `None` when another sender had already claimed it.
async fn deliver_one(
    db: &Db,
    transport: &Transport,
    from: &Mailbox,
    message: OutboxMessage,
) -> Result<Option<bool>, DeliveryError> {
    let claim = message.clone();
    if !db.run(move |conn| outbox::claim(conn, &claim, now())).await? {
        return Ok(None);
    }
    let outcome = send(transport, from, &message).await;
    if let Err(e) = &outcome {
        tracing::warn!(id = message.id, error = %e, "e-post ble ikke sendt");
    }
    let sent = outcome.is_ok();
    db.run(move |conn| outbox::record(conn, message.id, &outcome, now())).await?;
    Ok(Some(sent))
}

async fn send(transport: &Transport, from: &Mailbox, m: &OutboxMessage) -> Result<(), String> {
    let email = message::build(from, m).map_err(|e| e.to_string())?;
    transport.send(email).await
}

/// Audits a run started by a person or the command line (the background sender is not audited:
/// every message carries its own result). Only those who manage the outbox start one.
pub fn record_run(conn: &mut DbConnection, ctx: &Ctx, done: Delivered) -> Result<(), AppError> {
    ctx.require(Action::ManageOutbox, &Resource::Any)?;
    let after = serde_json::json!({"sendt": done.sent, "feilet": done.failed});
    let change = Change {
        action: "send e-post",
        record_type: "utboks",
        record_id: "utboks".into(),
        before: None,
        after: Some(after),
    };
    Ok(audit::record(conn, &ctx.author, ctx.now, change)?)
}
