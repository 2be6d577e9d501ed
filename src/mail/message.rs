//! One outbox row as an e-mail: plain UTF-8 text from the programme's sender. Lettre encodes
//! the subject (RFC 2047) and body, so æ, ø and å arrive intact.

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

pub fn build(from: &Mailbox, recipient: &str, subject: &str, body: &str) -> Result<Message, MessageError> {
    let to = recipient.trim().parse::<Mailbox>().map_err(|_| MessageError::Recipient(recipient.to_string()))?;
    Ok(Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_string())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reminder_becomes_a_utf8_text_mail() {
        let from: Mailbox = "Samveis <ikke-svar@samveis.no>".parse().unwrap_or_else(|_| unreachable!());
        let m = build(&from, "kommune@bodo.kommune.no", "Påminnelse: frist", "Bodø har ikke levert.")
            .map_err(|e| e.to_string());
        let text = String::from_utf8_lossy(&m.map(|m| m.formatted()).unwrap_or_default()).to_string();
        assert!(text.contains("To: kommune@bodo.kommune.no"), "{text}");
        assert!(text.contains("Content-Type: text/plain; charset=utf-8"), "{text}");
        assert!(!text.contains("Påminnelse"), "the subject is encoded: {text}");
        let bad = build(&from, "ikke en adresse", "x", "y");
        assert!(matches!(bad, Err(MessageError::Recipient(_))));
    }
}
