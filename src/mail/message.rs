//! One outbox row as an e-mail: plain UTF-8 text from the programme's sender. Lettre encodes
//! the subject (RFC 2047) and body, so æ, ø and å arrive intact. The Message-ID is the same
//! for every try of a message, so a receiver can tell a repeat.

use super::outbox::OutboxMessage;
use lettre::Message;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;

#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    #[error("ugyldig mottakeradresse «{0}»")]
    Recipient(String),
    #[error("meldingen kunne ikke lages: {0}")]
    Build(#[from] lettre::error::Error),
}

pub fn build(from: &Mailbox, m: &OutboxMessage) -> Result<Message, MessageError> {
    let to = m.recipient.trim().parse::<Mailbox>().map_err(|_| MessageError::Recipient(m.recipient.clone()))?;
    let id = format!("<samveis.{}.{}@{}>", m.id, m.created_at.and_utc().timestamp(), from.email.domain());
    Ok(Message::builder()
        .message_id(Some(id))
        .from(from.clone())
        .to(to)
        .subject(m.subject.as_str())
        .header(ContentType::TEXT_PLAIN)
        .body(m.body.clone())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(recipient: &str) -> OutboxMessage {
        OutboxMessage {
            id: 7,
            created_at: chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap().naive_utc(),
            recipient: recipient.into(),
            subject: "Påminnelse: frist".into(),
            body: "Bodø har ikke levert.".into(),
            round_id: None,
            sent_at: None,
            result: "venter".into(),
            attempts: 0,
        }
    }

    #[test]
    fn a_reminder_becomes_a_utf8_text_mail() {
        let from: Mailbox = "Samveis <ikke-svar@samveis.no>".parse().unwrap();
        let m = build(&from, &message("kommune@bodo.kommune.no")).unwrap();
        let text = String::from_utf8_lossy(&m.formatted()).to_string();
        assert!(text.contains("To: kommune@bodo.kommune.no"), "{text}");
        assert!(text.contains("Message-ID: <samveis.7.1800000000@samveis.no>"), "{text}");
        assert!(text.contains("Content-Type: text/plain; charset=utf-8"), "{text}");
        assert!(!text.contains("Påminnelse"), "the subject is encoded: {text}");
        assert!(matches!(build(&from, &message("ikke en adresse")), Err(MessageError::Recipient(_))));
    }
}
