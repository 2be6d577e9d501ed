//! The SurveyMonkey import in the browser: upload the export, see what would be imported and
//! which rows stop it, skip rows on purpose, then import. The uploaded file is kept (stored by
//! its SHA-256 like any deliverable) so the confirmation imports exactly what was previewed.

use super::files::{self, Upload};
use super::import::{self, ImportReport, SurveyImport};
use super::store;
use crate::auth::{CsrfBody, PageUser, Visitor};
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::files::read_form;
use crate::state::AppState;
use crate::web::{Frame, Nav, render_with_status};
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::{Action, Resource};
use samveis_domain::reporting::classify_upload;
use std::collections::BTreeSet;

pub struct Preview {
    pub file_sha256: String,
    pub file_name: String,
    pub respondents: usize,
    pub importable: usize,
    pub problems: Vec<(usize, String)>,
    /// Respondent rows with a problem: each can be skipped.
    pub problem_rows: Vec<usize>,
    pub skipped: Vec<usize>,
    pub ignored: Vec<String>,
    /// Rows read other than letter for letter, by row number.
    pub notes: Vec<(usize, String)>,
    /// What the import does to the answers the round already holds.
    pub effect: Vec<String>,
    /// Whether the file was kept for a confirmation (not when no skipping could make it import).
    pub kept: bool,
}

#[derive(Template)]
#[template(path = "reporting/import.html")]
struct ImportPage {
    frame: Frame,
    round_id: i64,
    round: String,
    preview: Option<Preview>,
    error: Option<String>,
}

fn preview(sha256: String, file_name: String, report: ImportReport) -> Preview {
    let kept = !import::refused(&report);
    let problem_rows: BTreeSet<usize> = report.problems.iter().map(|p| p.row).filter(|r| *r > 2).collect();
    Preview {
        file_sha256: sha256,
        file_name,
        respondents: report.respondents,
        importable: report.imported,
        problems: report.problems.into_iter().map(|p| (p.row, p.message)).collect(),
        problem_rows: problem_rows.into_iter().collect(),
        skipped: report.skipped,
        ignored: report.ignored_columns,
        notes: report.notes.into_iter().map(|p| (p.row, p.message)).collect(),
        effect: report.effect.sentences(),
        kept,
    }
}

async fn page(
    state: &AppState,
    visitor: &Visitor,
    round_id: i64,
    preview: Option<Preview>,
    error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let round = state
        .db
        .run(move |conn| {
            store::round(conn, round_id)?.ok_or_else(|| AppError::NotFound(format!("Fant ikke runde {round_id}.")))
        })
        .await?;
    let page = ImportPage {
        frame: Frame::new(visitor, format!("Import fra SurveyMonkey: {}", round.name), Nav::Reporting),
        round_id,
        round: round.name,
        preview,
        error,
    };
    Ok(render_with_status(status, &page))
}

pub async fn form(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    user.require(Action::ManageRounds, &Resource::Any)?;
    page(&state, &visitor, id, None, None, StatusCode::OK).await
}

/// Reads and checks an upload as a sheet; keeps it; previews the import.
pub async fn upload(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    visitor: Visitor,
    multipart: Multipart,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    user.require(Action::ManageRounds, &Resource::Any)?;
    let (control, upload) = read_form(multipart).await?;
    visitor.check_csrf(control.get("_csrf").map(String::as_str))?;
    let upload = upload.unwrap_or(Upload { file_name: String::new(), bytes: vec![] });
    let refused = |message: String| {
        let message = crate::web::format::capitalized(message.trim_end_matches('.'));
        page(&state, &visitor, id, None, Some(message), StatusCode::UNPROCESSABLE_ENTITY)
    };
    let kind = match classify_upload(&upload.file_name, &upload.bytes) {
        Ok(t) if ["csv", "xlsx"].contains(&t.extension) => t,
        Ok(_) => return refused(format!("«{}» er ikke en CSV- eller XLSX-fil", upload.file_name)).await,
        Err(e) => return refused(e.to_string()).await,
    };
    let (ctx, name) = (Ctx::user(&user, state.now()), upload.file_name.clone());
    // Reading a workbook is CPU work: it runs with the database work, off the async workers.
    let result = state.db.run(move |conn| preview_upload(conn, &ctx, id, &upload, kind.content_type)).await?;
    let (sha256, report) = match result {
        Ok(done) => done,
        Err(message) => return page(&state, &visitor, id, None, Some(message), StatusCode::BAD_REQUEST).await,
    };
    let status = if report.problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    page(&state, &visitor, id, Some(preview(sha256, name, report)), None, status).await
}

/// Reads the upload into rows (a file that cannot be read is the message, nothing stored),
/// plans the import, and keeps the file only if the preview can lead to an import. Previews
/// left unconfirmed for a day go first.
fn preview_upload(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: i64,
    upload: &Upload,
    content_type: &str,
) -> AppResult<Result<(String, ImportReport), String>> {
    import::prune_previews(conn, ctx.now)?;
    let rows = match import::rows_of(&upload.file_name, &upload.bytes) {
        Ok(rows) => rows,
        Err(e) => return Ok(Err(crate::web::format::capitalized(e.to_string().trim_end_matches('.')))),
    };
    let sha256 = files::key_of(&upload.bytes);
    let skip = BTreeSet::new();
    let job = SurveyImport { round_id: id, source: &sha256, rows: &rows, skip: &skip, dry_run: true };
    let report = crate::db::write(conn, |conn| {
        let report = import::import_survey(conn, ctx, &job)?;
        if !import::refused(&report) {
            let owner = files::Owner { kind: files::OWNER_IMPORT, id, field: import::FIELD_PREVIEW };
            files::store_file(conn, &owner, upload, content_type, ctx.now)?;
        }
        Ok::<_, AppError>(report)
    })?;
    Ok(Ok((sha256, report)))
}

/// Imports the previewed file, leaving out the rows ticked to skip.
pub async fn confirm(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfBody(visitor, body): CsrfBody,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    user.require(Action::ManageRounds, &Resource::Any)?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let sha256 = pairs.iter().find(|(k, _)| k == "fil").map(|(_, v)| v.clone()).unwrap_or_default();
    let skip: BTreeSet<usize> = pairs.iter().filter(|(k, _)| k == "hopp").filter_map(|(_, v)| v.parse().ok()).collect();
    let ctx = Ctx::user(&user, state.now());
    let (name, report) = state.db.run(move |conn| confirm_import(conn, &ctx, id, &sha256, &skip)).await?;
    if report.written {
        return Ok(Redirect::to(&format!("/rapportering/runder/{id}?importert={}", report.imported)).into_response());
    }
    page(&state, &visitor, id, Some(preview(name.0, name.1, report)), None, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// Imports the previewed sheet `sha256` of round `id`; a written import keeps its file as the
/// source, in the same transaction.
fn confirm_import(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: i64,
    sha256: &str,
    skip: &BTreeSet<usize>,
) -> AppResult<((String, String), ImportReport)> {
    import::prune_previews(conn, ctx.now)?;
    // Only a sheet uploaded for this round's import, under the name it was uploaded with.
    let gone = || AppError::BadRequest("Filen finnes ikke for denne runden; last den opp på nytt.".into());
    let info = files::infos(conn, files::OWNER_IMPORT, id)?.remove(sha256).ok_or_else(gone)?;
    let bytes = files::bytes(conn, sha256)?.ok_or_else(gone)?;
    let rows = import::rows_of(&info.file_name, &bytes)?;
    let job = SurveyImport { round_id: id, source: sha256, rows: &rows, skip, dry_run: false };
    let report = crate::db::write(conn, |conn| {
        let report = import::import_survey(conn, ctx, &job)?;
        if report.written {
            let owner = files::Owner { kind: files::OWNER_IMPORT, id, field: import::FIELD_PREVIEW };
            crate::files::move_references(conn, &owner, sha256, import::FIELD_IMPORTED)?;
        }
        Ok::<_, AppError>(report)
    })?;
    Ok(((info.sha256, info.file_name), report))
}
