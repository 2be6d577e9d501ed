//! Reading a multipart form that carries one file (field `fil`) beside its control fields.

use super::Upload;
use crate::error::AppError;
use axum::extract::Multipart;
use std::collections::BTreeMap;

/// The body limit of the upload route: the largest accepted file and room for the form around
/// it, so a file just too large still reaches the check that names it.
pub const UPLOAD_BODY_LIMIT: usize = samveis_domain::reporting::MAX_FILE_BYTES + 1024 * 1024;

fn unreadable(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::BadRequest("Filen er større enn 10 MB og ble ikke lagret.".into())
    } else {
        AppError::BadRequest(format!("Opplastingen kunne ikke leses: {}", e.body_text()))
    }
}

/// Reads the form: its control fields and the file, if one was chosen.
pub async fn read_form(mut multipart: Multipart) -> Result<(BTreeMap<String, String>, Option<Upload>), AppError> {
    let mut control = BTreeMap::new();
    let mut upload = None;
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "fil" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(unreadable)?.to_vec();
            upload = Some(Upload { file_name, bytes });
        } else {
            control.insert(name, field.text().await.map_err(unreadable)?);
        }
    }
    Ok((control, upload))
}

/// A whole form posted as multipart: every text field in order (several values per name for
/// check boxes), and each chosen file by its input name. A file input left empty is not a file.
pub struct FormParts {
    pub fields: Vec<(String, String)>,
    pub files: Vec<(String, Upload)>,
}

/// Reads a whole form (see [`FormParts`]).
pub async fn read_parts(mut multipart: Multipart) -> Result<FormParts, AppError> {
    let mut parts = FormParts { fields: Vec::new(), files: Vec::new() };
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        match field.file_name().map(str::to_string) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(unreadable)?.to_vec();
                if !(file_name.is_empty() && bytes.is_empty()) {
                    parts.files.push((name, Upload { file_name, bytes }));
                }
            }
            None => parts.fields.push((name, field.text().await.map_err(unreadable)?)),
        }
    }
    Ok(parts)
}
