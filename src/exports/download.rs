//! Files sent to the browser to save: the type, and a name that survives Norwegian letters.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// RFC 6266 / 5987: an ASCII fallback name and the exact UTF-8 name, percent-encoded.
fn content_disposition(file_name: &str) -> String {
    let ascii: String = file_name.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' }).collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A download: `bytes` of `content_type`, saved as `file_name`.
pub fn attachment(content_type: &str, file_name: &str, bytes: Vec<u8>) -> Response {
    let headers = [
        (header::CONTENT_TYPE, content_type.to_string()),
        (header::CONTENT_DISPOSITION, content_disposition(file_name)),
    ];
    (headers, bytes).into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn download_names_survive_norwegian_letters() {
        assert_eq!(
            super::content_disposition("Flytskjema Bodø.pdf"),
            "attachment; filename=\"Flytskjema Bod_.pdf\"; filename*=UTF-8''Flytskjema%20Bod%C3%B8.pdf"
        );
    }
}
