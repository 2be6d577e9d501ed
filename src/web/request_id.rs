//! The request id: taken from `x-request-id` when the caller sent a usable one, made up
//! otherwise, echoed in the response, named in the request's log span and shown on error pages
//! and in JSON errors, so a user's «Feilkode» leads to the log lines of that request.

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The longest id taken from a caller; a longer or odd one is replaced.
const MAX_LEN: usize = 64;

tokio::task_local! {
    static CURRENT: String;
}

/// The id of the request being answered, inside [`scope`].
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

fn usable(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_LEN && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

fn generated() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// Outermost layer: settles the id, puts it on the request (for the trace span) and the
/// response, and keeps it for whatever renders an error meanwhile.
pub async fn scope(mut request: Request, next: Next) -> Response {
    let given = request.headers().get(&HEADER).and_then(|v| v.to_str().ok()).filter(|id| usable(id));
    let id = given.map_or_else(generated, str::to_string);
    let value = HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("ugyldig"));
    request.headers_mut().insert(HEADER, value.clone());
    let mut response = CURRENT.scope(id, next.run(request)).await;
    response.headers_mut().insert(HEADER, value);
    response
}

/// The log span of one request: every line logged while answering it carries the id.
pub fn span(request: &Request) -> tracing::Span {
    let id = request.headers().get(&HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    // The route pattern, not the path: paths can hold secrets (calendar feed tokens).
    let route = request.extensions().get::<MatchedPath>().map_or("(ingen rute)", MatchedPath::as_str);
    tracing::info_span!("request", id = %id, method = %request.method(), route = %route)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_ids_are_taken_over() {
        assert!(usable("abc-123_X.y"));
        assert!(!usable(""));
        assert!(!usable("a b"));
        assert!(!usable("<script>"));
        assert!(!usable(&"a".repeat(65)));
        assert!(usable(&generated()));
    }
}
