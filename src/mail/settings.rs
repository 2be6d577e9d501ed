//! Where mail goes and whom it is from: `SAMVEIS_SMTP_URL` and `SAMVEIS_MAIL_FROM`, checked
//! once at startup so a typo stops the server with a clear message instead of failing later.

use super::memory::{Memory, Transport};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, Tokio1Executor};
use std::time::Duration;

/// The sender when `SAMVEIS_MAIL_FROM` is not set.
pub const DEFAULT_FROM: &str = "Samveis <ikke-svar@samveis.no>";

/// How long to wait for the server's answer to each SMTP command.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(
        "SAMVEIS_SMTP_URL «{url}» kan ikke brukes: {reason}. Bruk smtp://VERT:PORT (uten TLS, for en lokal relé), \
         smtp://BRUKER:PASSORD@VERT:587?tls=required (STARTTLS) eller smtps://BRUKER:PASSORD@VERT:465"
    )]
    Url { url: String, reason: String },
    #[error("SAMVEIS_MAIL_FROM «{from}» er ikke en gyldig avsender ({reason}); for eksempel: {DEFAULT_FROM}")]
    From { from: String, reason: String },
}

/// A checked SMTP server URL and sender.
#[derive(Clone)]
pub struct MailSettings {
    url: String,
    from: Mailbox,
    /// Keep messages here instead of sending them (tests).
    memory: Option<Memory>,
}

impl MailSettings {
    /// The settings as given (flags or environment); no URL means no sending.
    pub fn parse(url: Option<&str>, from: Option<&str>) -> Result<Option<MailSettings>, SettingsError> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Ok(None),
            Some(url) => {
                MailSettings::new(url, from.map(str::trim).filter(|f| !f.is_empty()).unwrap_or(DEFAULT_FROM)).map(Some)
            }
        }
    }

    pub fn new(url: &str, from: &str) -> Result<MailSettings, SettingsError> {
        let settings = MailSettings { url: url.to_string(), from: sender(from)?, memory: None };
        settings.transport().map_err(|e| SettingsError::Url { url: redact(url), reason: e.to_string() })?;
        Ok(settings)
    }

    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// The server URL without its password, for pages and logs.
    pub fn server(&self) -> String {
        redact(&self.url)
    }

    /// Settings that keep every message in `memory` instead of sending it.
    pub fn memory(from: &str, memory: Memory) -> Result<MailSettings, SettingsError> {
        Ok(MailSettings { url: "minne://".into(), from: sender(from)?, memory: Some(memory) })
    }

    /// A transport for one delivery run: one connection per message, so nothing outlives the run.
    pub(crate) fn transport(&self) -> Result<Transport, lettre::transport::smtp::Error> {
        if let Some(memory) = &self.memory {
            return Ok(Transport::Memory(memory.clone()));
        }
        Ok(Transport::Smtp(
            AsyncSmtpTransport::<Tokio1Executor>::from_url(&self.url)?.timeout(Some(COMMAND_TIMEOUT)).build(),
        ))
    }
}

fn sender(from: &str) -> Result<Mailbox, SettingsError> {
    from.parse::<Mailbox>().map_err(|e| SettingsError::From { from: from.to_string(), reason: e.to_string() })
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings").field("server", &self.server()).field("from", &self.from.to_string()).finish()
    }
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
            None => url.to_string(),
        },
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_url_means_no_sending() {
        assert!(matches!(MailSettings::parse(None, Some("x@y.no")), Ok(None)));
        assert!(matches!(MailSettings::parse(Some("  "), None), Ok(None)));
    }

    #[test]
    fn plain_tls_and_wrapped_urls_are_accepted_and_the_sender_defaults() {
        for url in ["smtp://127.0.0.1:2525", "smtp://u:p@smtp.example.no:587?tls=required", "smtps://smtp.example.no"] {
            assert!(MailSettings::parse(Some(url), None).unwrap().is_some(), "{url}");
        }
        let s = MailSettings::parse(Some("smtp://u:hemmelig@127.0.0.1:2525"), None).unwrap().unwrap();
        assert_eq!(s.from().to_string(), "Samveis <ikke-svar@samveis.no>");
        assert_eq!(s.server(), "smtp://u:***@127.0.0.1:2525");
        assert!(!format!("{s:?}").contains("hemmelig"));
    }

    #[test]
    fn bad_settings_are_named_and_passwords_hidden() {
        let e = MailSettings::new("http://u:hemmelig@example.no", DEFAULT_FROM).unwrap_err().to_string();
        assert!(e.contains("SAMVEIS_SMTP_URL") && e.contains("u:***@example.no") && !e.contains("hemmelig"), "{e}");
        let e = MailSettings::new("smtp://127.0.0.1:2525", "ikke en adresse").unwrap_err().to_string();
        assert!(e.contains("SAMVEIS_MAIL_FROM"), "{e}");
    }
}
