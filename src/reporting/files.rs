//! File deliverables (stored by [`crate::files`]). A deliverable is attached to a submission's
//! file field in the same post as the rest of the form (`submissions::save`), with the same
//! version check and audit as any other answer, and handed out only to those who may see a
//! submission that refers to it, under the name its own uploader gave.

use super::access::{Loaded, load_visible};
use super::error::{ReportingError, ReportingResult};
use crate::context::Ctx;
use crate::db::DbConnection;
pub use crate::files::{FileInfo, Owner, Upload, bytes, infos, key_of, store_file};
use crate::web::format::capitalized;
use samveis_domain::access::Actor;
use samveis_domain::reporting::{
    Answer, Answers, Field, FieldError, FieldKind, FormTemplate, classify_upload, clean_file_name, in_form_order,
    label_of,
};

/// Owners of file references.
pub const OWNER_SUBMISSION: &str = "submission";
pub const OWNER_IMPORT: &str = "import";

/// A file chosen for a file field of a submission with a form post; `upload` None removes the
/// stored one.
pub struct FileChange {
    pub field: String,
    pub upload: Option<Upload>,
}

/// Checks and stores an upload for field `f`; returns its SHA-256, or the refusal on the field.
fn stored(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: i64,
    f: &Field,
    upload: &Upload,
) -> ReportingResult<Result<String, FieldError>> {
    let kind = match classify_upload(&upload.file_name, &upload.bytes) {
        Ok(kind) => kind,
        Err(e) => {
            let message = format!("{}: {}", f.label, capitalized(&e.to_string()).trim_end_matches('.'));
            return Ok(Err(FieldError { field: f.code.clone(), message }));
        }
    };
    let owner = Owner { kind: OWNER_SUBMISSION, id, field: &f.code };
    Ok(Ok(store_file(conn, &owner, upload, kind.content_type, ctx.now)?))
}

/// The file answers as they stand after a post's `changes`: the stored ones, with each upload
/// stored (inside the caller's transaction) and each removal made; and the uploads refused, each
/// named on its field. Files change only this way: a key typed into a form or the API is never
/// an answer, so nobody can point a field at a file they have not uploaded and then read it.
pub fn changed(
    conn: &mut DbConnection,
    ctx: &Ctx,
    loaded: &Loaded,
    changes: &[FileChange],
) -> ReportingResult<(Answers, Vec<FieldError>)> {
    let template = &loaded.template.template;
    let mut files: Answers = loaded
        .answers
        .iter()
        .filter(|(_, a)| matches!(a, Answer::File(_)))
        .map(|(k, a)| (k.clone(), a.clone()))
        .collect();
    let mut refused = Vec::new();
    for change in changes {
        let code = change.field.as_str();
        let Some(f) = template.field(code).filter(|f| f.kind == FieldKind::File) else {
            return Err(ReportingError::Refused(format!("Skjemaet har ikke filfeltet «{code}».")));
        };
        match &change.upload {
            Some(upload) => match stored(conn, ctx, loaded.submission.id, f, upload)? {
                Ok(sha256) => {
                    files.insert(code.to_string(), Answer::File(sha256));
                }
                Err(e) => refused.push(e),
            },
            None => {
                files.remove(code);
            }
        }
    }
    Ok((files, refused))
}

/// The errors of a refused post, and for each file it carried that was not refused itself, that
/// it was not stored either and must be chosen again (a browser cannot keep a chosen file).
pub fn not_stored(template: &FormTemplate, changes: &[FileChange], mut errors: Vec<FieldError>) -> Vec<FieldError> {
    for change in changes {
        let Some(upload) = &change.upload else { continue };
        if errors.iter().any(|e| e.field == change.field) {
            continue;
        }
        let label = label_of(template, &change.field);
        errors.push(FieldError {
            field: change.field.clone(),
            message: format!(
                "{label}: «{}» ble ikke lagret fordi skjemaet har feil; velg filen på nytt",
                clean_file_name(&upload.file_name)
            ),
        });
    }
    in_form_order(template, errors)
}

/// A file of a submission the actor may see: its description and bytes. A file the submission
/// does not refer to is not found, whoever else has it.
pub fn download(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    id: i64,
    sha256: &str,
) -> ReportingResult<(FileInfo, Vec<u8>)> {
    let loaded = load_visible(conn, actor, id)?;
    let not_found = || ReportingError::NotFound(format!("Innlevering {id} har ingen slik fil."));
    if !loaded.answers.values().any(|a| matches!(a, Answer::File(s) if s == sha256)) {
        return Err(not_found());
    }
    let info = loaded.files.get(sha256).cloned().ok_or_else(not_found)?;
    let bytes = bytes(conn, sha256)?.ok_or_else(not_found)?;
    Ok((info, bytes))
}
