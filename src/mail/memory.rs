//! Where a delivery run hands its messages: an SMTP server, or a list in memory that the tests
//! read (and drain) instead of a mail server.

use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::{Arc, Mutex, PoisonError};

/// The longest server answer kept with a failed message.
const ERROR_CHARS: usize = 500;

/// Messages "sent" to memory, shared by every copy.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    sent: Arc<Mutex<Vec<Sent>>>,
}

/// One message as it would have gone over the wire.
#[derive(Debug, Clone)]
pub struct Sent {
    /// The envelope's recipients.
    pub to: Vec<String>,
    /// The whole message, headers and body, as an SMTP server would receive it.
    pub raw: Vec<u8>,
}

impl Memory {
    pub fn new() -> Memory {
        Memory::default()
    }

    /// Takes every message kept so far.
    pub fn drain(&self) -> Vec<Sent> {
        std::mem::take(&mut *self.sent.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn keep(&self, email: &Message) {
        let to = email.envelope().to().iter().map(ToString::to_string).collect();
        let sent = Sent { to, raw: email.formatted() };
        self.sent.lock().unwrap_or_else(PoisonError::into_inner).push(sent);
    }
}

/// A transport for one delivery run.
pub(crate) enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Memory(Memory),
}

impl Transport {
    /// Sends one message; a failure is the server's answer, shortened.
    pub(crate) async fn send(&self, email: Message) -> Result<(), String> {
        match self {
            Transport::Smtp(smtp) => {
                smtp.send(email).await.map(|_| ()).map_err(|e| e.to_string().chars().take(ERROR_CHARS).collect())
            }
            Transport::Memory(memory) => {
                memory.keep(&email);
                Ok(())
            }
        }
    }
}
