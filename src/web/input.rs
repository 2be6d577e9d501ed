//! Two guards at the edge, for every route at once:
//! - [`refuse_control_characters`]: text with control characters (other than tab, line feed and
//!   carriage return) in the path, the query, a form or a JSON body is refused with a 400 naming
//!   the field, before any handler or database sees it (a NUL byte made PostgreSQL fail).
//! - [`norwegian_rejections`]: the plain-text English answers of axum's extractors ("Failed to
//!   deserialize query string …") become the Norwegian error page, or under `/api/` the JSON
//!   error shape, as every other error is; an unknown `/api/` address answers in JSON too.

use crate::error::AppError;
use crate::web::{ApiError, error_page};
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest form or JSON body the guard reads whole (uploads are multipart and pass by).
const MAX_CHECKED_BODY: usize = 64 * 1024 * 1024;

fn is_forbidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

fn refused(api: bool, field: &str) -> Response {
    let message = format!("Feltet «{field}» inneholder et kontrolltegn som ikke kan lagres. Fjern det og prøv igjen.");
    refusal(api, AppError::BadRequest(message))
}

fn refusal(api: bool, error: AppError) -> Response {
    if api { ApiError::from(error).into_response() } else { error_page(error) }
}

/// The first (field, value) pair of a urlencoded text with a forbidden character.
fn bad_pair(encoded: &[u8]) -> Option<String> {
    form_urlencoded_pairs(encoded)
        .into_iter()
        .find(|(k, v)| k.chars().chain(v.chars()).any(is_forbidden))
        .map(|(k, _)| k)
}

fn form_urlencoded_pairs(encoded: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(encoded).unwrap_or_default()
}

/// The path of the first JSON string with a forbidden character (`answers.purpose`).
fn bad_json(value: &serde_json::Value, at: &str) -> Option<String> {
    match value {
        serde_json::Value::String(s) if s.chars().any(is_forbidden) => Some(at.to_string()),
        serde_json::Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, v)| bad_json(v, &format!("{at}[{i}]")))
        }
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            let here = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
            if k.chars().any(is_forbidden) { Some(here) } else { bad_json(v, &here) }
        }),
        _ => None,
    }
}

pub async fn refuse_control_characters(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let path = percent_decoded(req.uri().path());
    if path.chars().any(is_forbidden) {
        return refused(api, "adressen");
    }
    if let Some(field) = req.uri().query().and_then(|q| bad_pair(q.as_bytes())) {
        return refused(api, &field);
    }
    let kind = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let form = kind.starts_with("application/x-www-form-urlencoded");
    let json = kind.starts_with("application/json");
    if !form && !json {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes: Bytes = match to_bytes(body, MAX_CHECKED_BODY).await {
        Ok(b) => b,
        Err(_) => return refusal(api, AppError::TooLarge("Skjemaet er for stort.".into())),
    };
    let bad = if form {
        bad_pair(&bytes)
    } else {
        serde_json::from_slice::<serde_json::Value>(&bytes).ok().and_then(|v| bad_json(&v, ""))
    };
    if let Some(field) = bad {
        return refused(api, if field.is_empty() { "verdien" } else { &field });
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

fn percent_decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Rewrites a plain-text rejection from an extractor into the Norwegian page or JSON error.
pub async fn norwegian_rejections(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let unmatched = req.extensions().get::<axum::extract::MatchedPath>().is_none();
    let response = next.run(req).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if api && unmatched && html && status == StatusCode::NOT_FOUND {
        // An unknown /api/ address answers in the API's own shape, not with a page.
        return refusal(true, AppError::NotFound("Fant ikke adressen i API-et.".into()));
    }
    if !plain || !status.is_client_error() {
        return response;
    }
    let text = match to_bytes(response.into_body(), 64 * 1024).await {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(_) => String::new(),
    };
    let error = match status {
        StatusCode::NOT_FOUND => AppError::NotFound("Fant ikke siden.".into()),
        StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge("Forespørselen er for stor.".into()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::BadRequest(
            "Forespørselen har feil innholdstype: send JSON med «Content-Type: application/json» eller et skjema."
                .into(),
        ),
        StatusCode::METHOD_NOT_ALLOWED => AppError::BadRequest("Denne metoden er ikke tillatt her.".into()),
        _ => AppError::BadRequest(translated(&text)),
    };
    let mut response = refusal(api, error);
    if status == StatusCode::METHOD_NOT_ALLOWED {
        // No error variant means 405; the message is the page's, the status stays the router's.
        *response.status_mut() = status;
    }
    response
}

/// axum's rejection texts in Norwegian, keeping the name of the field they are about.
fn translated(text: &str) -> String {
    let field = text.split('`').nth(1).unwrap_or_default();
    let place = if text.contains("query string") {
        "Spørringen i adressen"
    } else if text.contains("path") {
        "Adressen"
    } else {
        "Forespørselen"
    };
    if text.contains("missing field") && !field.is_empty() {
        format!("{place} mangler feltet «{field}».")
    } else if text.contains("unknown variant") || text.contains("invalid") {
        let value = if field.is_empty() { String::new() } else { format!(" («{field}»)") };
        format!("{place} har en ugyldig verdi{value}.")
    } else if text.contains("EOF") || text.contains("syntax") || text.contains("expected") {
        format!("{place} kunne ikke leses: JSON-teksten er ufullstendig eller feil.")
    } else {
        format!("{place} kunne ikke leses.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_by_field() {
        assert_eq!(bad_pair(b"epost=a%00b&passord=x").as_deref(), Some("epost"));
        assert_eq!(bad_pair(b"tekst=linje+1%0D%0Alinje+2%09tab"), None);
        let json = serde_json::json!({"answers": {"formaal": "a\u{0}b"}});
        assert_eq!(bad_json(&json, "").as_deref(), Some("answers.formaal"));
        assert_eq!(percent_decoded("/kommuner/18%0004"), "/kommuner/18\u{0}04");
    }

    #[test]
    fn rejections_read_as_norwegian_and_name_the_field() {
        assert_eq!(
            translated("Failed to deserialize query string: missing field `round`"),
            "Spørringen i adressen mangler feltet «round»."
        );
        assert!(
            translated("Failed to deserialize query string: invalid digit found in string").starts_with("Spørringen")
        );
    }
}
