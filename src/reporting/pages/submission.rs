//! The submission page: the form with what is typed and its errors, saving and sending in, and
//! the reviewer's decision. Each post is read into a typed command here, at the edge.

use super::form::{FileLinks, SectionView, field_views};
use super::period_label;
use crate::auth::{CsrfBody, CsrfForm, PageUser, Visitor};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::reporting::{Decision, Loaded, ReportingError, ReviewCommand, SaveCommand, load_visible};
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render, render_with_status};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::{Action, Resource};
use samveis_domain::reporting::{FieldError, FieldKind, RawAnswers, State as SubmissionState, to_raw};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "reporting/submission.html")]
struct SubmissionPage {
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
    /// Codes of the file fields; each gets its own upload form beside the main one.
    file_fields: Vec<String>,
    /// Target figures from the org unit's grants, to report against.
    targets: Vec<String>,
    errors: Vec<FieldError>,
    error: Option<String>,
    demo: bool,
}

struct Shown<'a> {
    raw: Option<RawAnswers>,
    errors: Vec<FieldError>,
    error: Option<String>,
    notice: Option<&'a str>,
}

fn submission_page(visitor: &Visitor, loaded: &Loaded, today: chrono::NaiveDate, shown: Shown) -> SubmissionPage {
    let actor = visitor.actor();
    let editable = loaded.state.editable() && loaded.may(actor, Action::EditSubmission);
    let may_review = loaded.may(actor, Action::ReviewSubmission);
    let raw = shown.raw.unwrap_or_else(|| to_raw(&loaded.template.template, &loaded.answers));
    let title = format!("{}: {}", loaded.round.name, loaded.submission.org.name);
    SubmissionPage {
        frame: Frame::new(visitor, title, Nav::Reporting).with_notice(shown.notice),
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
        file_fields: loaded
            .template
            .template
            .fields()
            .filter(|f| f.kind == FieldKind::File)
            .map(|f| f.code.clone())
            .collect(),
        targets: loaded
            .targets
            .iter()
            .map(|(scheme, year, t)| {
                let due = t.due.map(|d| format!(", frist {}", format::date(d))).unwrap_or_default();
                format!("{} {} {} ({scheme} {year}{due})", format::number(t.quantity), t.unit, t.technology)
            })
            .collect(),
        errors: shown.errors,
        error: shown.error,
        demo: loaded.round.demo,
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
        Some("fil") => Some("Filen er lagret."),
        Some("uten-fil") => Some("Filen er fjernet."),
        Some(_) => Some("Utkastet er lagret."),
        None => None,
    };
    let shown = Shown { raw: None, errors: vec![], error: None, notice };
    Ok(render(&submission_page(&visitor, &loaded, state.today(), shown)))
}

/// Reads a posted report form: the answers (several values per name for check boxes) and the
/// controls `_version` and `_handling` ("send" sends it in).
fn save_command(id: i64, body: &[u8]) -> Result<SaveCommand, AppError> {
    let mut answers = RawAnswers::new();
    let (mut version, mut submit) = (None, false);
    for (k, v) in serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default() {
        match k.as_str() {
            "_version" => version = Some(v),
            "_handling" => submit = v == "send",
            control if control.starts_with('_') => {}
            _ => answers.entry(k).or_default().push(v),
        }
    }
    let version =
        version.and_then(|v| v.parse().ok()).ok_or_else(|| AppError::BadRequest("Skjemaet mangler versjon.".into()))?;
    Ok(SaveCommand { id, version, answers, submit })
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfBody(visitor, body): CsrfBody,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let cmd = save_command(id, &body)?;
    let (ctx, submit, raw) = (Ctx::user(&user, state.now()), cmd.submit, cmd.answers.clone());
    let result = state.db.run(move |conn| Ok::<_, AppError>(crate::reporting::save(conn, &ctx, &cmd))).await?;
    match result {
        Ok(()) => {
            let flag = if submit { "sendt" } else { "1" };
            Ok(Redirect::to(&format!("/rapportering/innleveringer/{id}?lagret={flag}")).into_response())
        }
        Err(e) => refused_page(&state, &visitor, id, Some(raw), e).await,
    }
}

/// The submission page again after a refused save, keeping what was typed (`raw`), with the
/// errors named; refusals that are not about the form go on as errors.
pub(crate) async fn refused_page(
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
    let shown = Shown { raw, errors, error: message, notice: None };
    Ok(render_with_status(status, &submission_page(visitor, &loaded, state.today(), shown)))
}

#[derive(Debug, Deserialize)]
pub struct ReviewForm {
    pub handling: String,
    #[serde(default)]
    pub kommentar: String,
    pub version: i64,
}

impl TryFrom<ReviewForm> for Decision {
    type Error = AppError;

    /// The button pressed: "godkjenn", "returner" or "gjenapne".
    fn try_from(form: ReviewForm) -> Result<Decision, AppError> {
        match form.handling.as_str() {
            "godkjenn" => Ok(Decision::Accept),
            "returner" => Ok(Decision::Return { comment: form.kommentar }),
            "gjenapne" => Ok(Decision::Reopen { reason: form.kommentar }),
            other => Err(AppError::BadRequest(format!("Ukjent handling «{other}»."))),
        }
    }
}

pub async fn review(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, form): CsrfForm<ReviewForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let cmd = ReviewCommand { id, version: form.version, decision: Decision::try_from(form)? };
    let ctx = Ctx::user(&user, state.now());
    let result = state.db.run(move |conn| Ok::<_, AppError>(crate::reporting::review(conn, &ctx, &cmd))).await?;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/rapportering/innleveringer/{id}?lagret=vurdert")).into_response()),
        Err(ReportingError::Refused(m) | ReportingError::Conflict(m)) => {
            let actor = user.actor.clone();
            let loaded = state.db.run(move |conn| load_visible(conn, Some(&actor), id)).await?;
            let shown = Shown { raw: None, errors: vec![], error: Some(m), notice: None };
            Ok(render_with_status(StatusCode::BAD_REQUEST, &submission_page(&visitor, &loaded, state.today(), shown)))
        }
        Err(e) => Err(e.into()),
    }
}
