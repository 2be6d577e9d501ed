//! The background sender: every few seconds, send what waits in the outbox.

use super::{MailSettings, deliver_pending};
use crate::db::Db;
use std::time::Duration;
use tokio::task::JoinHandle;

/// How often the outbox is looked at.
pub const INTERVAL: Duration = Duration::from_secs(5);

/// How long a failed message rests before the background sender tries it again.
pub fn retry_after() -> chrono::Duration {
    chrono::Duration::seconds(60)
}

/// Starts the sender on the current tokio runtime; it runs until the runtime stops.
pub fn spawn(db: Db, settings: MailSettings, every: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        tracing::info!(server = %settings.server(), "e-postutsending er i gang");
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match deliver_pending(&db, &settings, retry_after()).await {
                Ok(done) if done.sent + done.failed > 0 => {
                    tracing::info!(sent = done.sent, failed = done.failed, "e-post fra utboksen");
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "utboksen kunne ikke sendes"),
            }
        }
    })
}
