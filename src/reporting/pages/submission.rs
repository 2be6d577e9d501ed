//! The submission page: the form with what is typed and its errors, saving and sending in, and
//! the page the reviewer decides on ([`super::review`]). Each post is read into a typed command
//! here, at the edge.

use super::form::{FileLinks, SectionView, SummaryLink, field_views, summary};
use super::period_label;
use crate::auth::{CsrfBody, PageUser, Visitor};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::reporting::files::{FileChange, Upload};
use crate::reporting::{Loaded, ReportingError, SaveCommand, load_visible};
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render, render_with_status};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::{Action, Resource};
use samveis_domain::reporting::{
    FieldError, FieldKind, RawAnswers, State as SubmissionState, incomplete, label_of, to_raw,
};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "reporting/submission.html")]
pub(super) struct SubmissionPage {
    frame: Frame,
    id: i64,
    round_id: i64,
    round: String,
    org: String,
    period: String,
    deadline: String,
    state: &'static str,
    status: &'static str,
    reviewer_comment: String,
    returned: bool,
    version: i64,
    editable: bool,
    may_review: bool,
    may_accept: bool,
    may_reopen: bool,
    may_view_round: bool,
    sections: Vec<SectionView>,
    /// The form has file fields: it is posted as multipart, files and answers together.
    has_files: bool,
    /// Target figures from the org unit's grants, to report against.
    targets: Vec<String>,
    /// The error summary: each error with the input it links to.
    summary: Vec<SummaryLink>,
    error: Option<String>,
    demo: bool,
    /// What stands in the way of accepting it (labels of empty required fields, deliverables
    /// without their file): shown to the reviewer, and with the override once accepted so.
    gaps: Vec<String>,
    override_reason: Option<String>,
    review: ReviewTyped,
}

/// What the reviewer typed into the review form, kept when a decision is refused.
#[derive(Debug, Default)]
pub(super) struct ReviewTyped {
    pub comment: String,
    pub overriding: bool,
    pub reason: String,
}

pub(super) struct Shown<'a> {
    pub raw: Option<RawAnswers>,
    pub errors: Vec<FieldError>,
    pub error: Option<String>,
    pub notice: Option<&'a str>,
    pub review: ReviewTyped,
}

/// Labels of what stands in the way of accepting the submission as it stands.
fn gaps(loaded: &Loaded) -> Vec<String> {
    let template = &loaded.template.template;
    incomplete(template, &loaded.answers).iter().map(|e| label_of(template, &e.field)).collect()
}

pub(super) fn submission_page(
    visitor: &Visitor,
    loaded: &Loaded,
    today: chrono::NaiveDate,
    shown: Shown,
) -> SubmissionPage {
    let actor = visitor.actor();
    let editable = loaded.state.editable() && loaded.may(actor, Action::EditSubmission);
    let may_review = loaded.may(actor, Action::ReviewSubmission);
    let raw = shown.raw.unwrap_or_else(|| to_raw(&loaded.template.template, &loaded.answers));
    let title = format!("{}: {}", loaded.round.name, loaded.submission.org.name);
    let failed = !shown.errors.is_empty() || shown.error.is_some();
    SubmissionPage {
        frame: Frame::new(visitor, title, Nav::Reporting).with_notice(shown.notice).with_errors(failed),
        id: loaded.submission.id,
        round_id: loaded.round.id,
        round: loaded.round.name.clone(),
        org: loaded.submission.org.name.clone(),
        period: period_label(&loaded.round.period),
        deadline: format::date(loaded.round.deadline),
        state: loaded.state.label(),
        status: loaded.delivery(today).label(),
        reviewer_comment: loaded.submission.reviewer_comment.clone(),
        returned: loaded.state == SubmissionState::Returned,
        version: loaded.submission.version,
        editable,
        may_review: may_review && loaded.state == SubmissionState::Submitted,
        may_accept: may_review && loaded.state == SubmissionState::Submitted,
        may_reopen: may_review && loaded.state == SubmissionState::Accepted,
        may_view_round: visitor.may(Action::ViewRounds, &Resource::Any),
        sections: field_views(
            &loaded.template.template,
            &raw,
            &shown.errors,
            &FileLinks { submission: loaded.submission.id, files: &loaded.files },
        ),
        has_files: loaded.template.template.fields().any(|f| f.kind == FieldKind::File),
        targets: loaded
            .targets
            .iter()
            .map(|(scheme, year, t)| {
                let due = t.due.map(|d| format!(", frist {}", format::date(d))).unwrap_or_default();
                format!("{} {} {} ({scheme} {year}{due})", format::number(t.quantity), t.unit, t.technology)
            })
            .collect(),
        summary: summary(&loaded.template.template, &shown.errors),
        error: shown.error,
        demo: loaded.round.demo,
        gaps: gaps(loaded),
        override_reason: loaded.submission.override_reason.clone(),
        review: shown.review,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    pub lagret: Option<String>,
}

pub async fn submission(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> AppResult<Response> {
    let actor = user.actor.clone();
    let loaded = state.db.run(move |conn| load_visible(conn, Some(&actor), id)).await?;
    let notice = match q.lagret.as_deref() {
        Some("sendt") => Some("Besvarelsen er sendt inn."),
        Some("vurdert") => Some("Vurderingen er lagret."),
        Some("fil") => Some("Filen er lagret, og utkastet med den."),
        Some("uten-fil") => Some("Filen er fjernet, og utkastet er lagret."),
        Some(_) => Some("Utkastet er lagret."),
        None => None,
    };
    let shown = Shown { raw: None, errors: vec![], error: None, notice, review: ReviewTyped::default() };
    Ok(render(&submission_page(&visitor, &loaded, state.today(), shown)))
}

/// The button a report form was posted with (`_handling`).
enum Handling {
    Save,
    Send,
    /// «Last opp» beside file field `code`: a file must be chosen for it.
    Upload(String),
    /// «Fjern filen» beside file field `code`.
    Remove(String),
}

fn handling(value: Option<&str>) -> Result<Handling, AppError> {
    match value.unwrap_or("lagre").split_once(':') {
        None if value == Some("send") => Ok(Handling::Send),
        None if value.is_none_or(|v| v == "lagre") => Ok(Handling::Save),
        Some(("last_opp", code)) => Ok(Handling::Upload(code.to_string())),
        Some(("fjern", code)) => Ok(Handling::Remove(code.to_string())),
        _ => Err(AppError::BadRequest(format!("Ukjent handling «{}».", value.unwrap_or_default()))),
    }
}

/// The file changes of a post: each file chosen (input `_fil.KODE`), the one «Last opp» was
/// pressed for even if none was chosen (so the form says so), and a removal.
fn file_changes(handling: &Handling, files: Vec<(String, Upload)>) -> Vec<FileChange> {
    let removed = match handling {
        Handling::Remove(code) => Some(code.as_str()),
        _ => None,
    };
    let mut changes: Vec<FileChange> = files
        .into_iter()
        .filter_map(|(name, upload)| Some((name.strip_prefix("_fil.")?.to_string(), upload)))
        .filter(|(code, _)| Some(code.as_str()) != removed)
        .map(|(field, upload)| FileChange { field, upload: Some(upload) })
        .collect();
    match handling {
        Handling::Upload(code) if !changes.iter().any(|c| &c.field == code) => {
            let nothing = Upload { file_name: String::new(), bytes: vec![] };
            changes.push(FileChange { field: code.clone(), upload: Some(nothing) });
        }
        Handling::Remove(code) => changes.push(FileChange { field: code.clone(), upload: None }),
        _ => {}
    }
    changes
}

/// Reads a posted report form: the answers (several values per name for check boxes), the
/// files chosen, and the controls `_version` and `_handling` ("send" sends it in; "last_opp:KODE"
/// and "fjern:KODE" upload to or clear a file field and keep the rest as a draft).
pub(crate) fn save_command(
    id: i64,
    fields: Vec<(String, String)>,
    files: Vec<(String, Upload)>,
) -> Result<SaveCommand, AppError> {
    let mut answers = RawAnswers::new();
    let (mut version, mut pressed) = (None, None);
    for (k, v) in fields {
        match k.as_str() {
            "_version" => version = Some(v),
            "_handling" => pressed = Some(v),
            control if control.starts_with('_') => {}
            _ => answers.entry(k).or_default().push(v),
        }
    }
    let version =
        version.and_then(|v| v.parse().ok()).ok_or_else(|| AppError::BadRequest("Skjemaet mangler versjon.".into()))?;
    let handling = handling(pressed.as_deref())?;
    let files = file_changes(&handling, files);
    Ok(SaveCommand { id, version, answers, submit: matches!(handling, Handling::Send), files })
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfBody(visitor, body): CsrfBody,
) -> AppResult<Response> {
    let fields = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body).unwrap_or_default();
    saved(&state, &visitor, save_command(id, fields, vec![])?).await
}

/// Saves a posted report form and answers with the page to go to, or the form again with what
/// was typed and every problem named.
pub(crate) async fn saved(state: &AppState, visitor: &Visitor, cmd: SaveCommand) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let (id, raw) = (cmd.id, cmd.answers.clone());
    let flag = if cmd.submit {
        "sendt"
    } else if cmd.files.iter().any(|f| f.upload.is_some()) {
        "fil"
    } else if !cmd.files.is_empty() {
        "uten-fil"
    } else {
        "1"
    };
    let ctx = Ctx::user(&user, state.now());
    let result = state.db.run(move |conn| Ok::<_, AppError>(crate::reporting::save(conn, &ctx, &cmd))).await?;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/rapportering/innleveringer/{id}?lagret={flag}")).into_response()),
        Err(e) => refused_page(state, visitor, id, Some(raw), e).await,
    }
}

/// The submission page again after a refused save, keeping what was typed (`raw`), with the
/// errors named; refusals that are not about the form go on as errors.
async fn refused_page(
    state: &AppState,
    visitor: &Visitor,
    id: i64,
    raw: Option<RawAnswers>,
    error: ReportingError,
) -> AppResult<Response> {
    let (errors, message, status) = match error {
        ReportingError::Invalid(errors) => (errors, None, StatusCode::UNPROCESSABLE_ENTITY),
        ReportingError::Conflict(m) => (vec![], Some(m), StatusCode::CONFLICT),
        ReportingError::Refused(m) => (vec![], Some(m), StatusCode::BAD_REQUEST),
        e => return Err(e.into()),
    };
    let actor = visitor.actor().cloned();
    let loaded = state.db.run(move |conn| load_visible(conn, actor.as_ref(), id)).await?;
    let shown = Shown { raw, errors, error: message, notice: None, review: ReviewTyped::default() };
    Ok(render_with_status(status, &submission_page(visitor, &loaded, state.today(), shown)))
}
