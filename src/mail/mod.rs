//! E-mail over SMTP: an adapter at the edge (the domain knows nothing of it). Messages are
//! queued in the `outbox` table (reminders put them there); [`deliver_pending`] sends what
//! waits, from the background sender ([`worker`]), right after a reminder run, the outbox page's
//! «Send nå» and `samveis mail send`.

mod deliver;
mod memory;
mod message;
pub mod outbox;
pub mod pages;
mod settings;
pub mod worker;

pub use deliver::{Delivered, DeliveryError, deliver_pending, record_run};
pub use memory::{Memory, Sent};
pub use message::MessageError;
pub use settings::{DEFAULT_FROM, MailSettings, SettingsError, redact};
