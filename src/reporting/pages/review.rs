//! The reviewer's decision on a submission page: accept (with an explicit override and its
//! justification when required fields are empty), return with a comment, or reopen.

use super::submission::{ReviewTyped, Shown, submission_page};
use crate::auth::CsrfForm;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::reporting::{Decision, ReportingError, ReviewCommand, load_visible};
use crate::state::AppState;
use crate::web::render_with_status;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct ReviewForm {
    pub handling: String,
    #[serde(default)]
    pub kommentar: String,
    pub version: i64,
    /// «Godkjenn likevel» ticked: accept although required fields are empty.
    #[serde(default)]
    pub overstyr: Option<String>,
    /// The justification of the override.
    #[serde(default)]
    pub begrunnelse: String,
}

impl ReviewForm {
    fn typed(&self) -> ReviewTyped {
        ReviewTyped {
            comment: self.kommentar.clone(),
            overriding: self.overstyr.is_some(),
            reason: self.begrunnelse.clone(),
        }
    }
}

impl TryFrom<ReviewForm> for Decision {
    type Error = AppError;

    /// The button pressed: "godkjenn", "returner" or "gjenapne".
    fn try_from(form: ReviewForm) -> Result<Decision, AppError> {
        match form.handling.as_str() {
            "godkjenn" => Ok(Decision::Accept { override_reason: form.overstyr.map(|_| form.begrunnelse) }),
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
    let typed = form.typed();
    let cmd = ReviewCommand { id, version: form.version, decision: Decision::try_from(form)? };
    let ctx = Ctx::user(&user, state.now());
    let result = state.db.run(move |conn| Ok::<_, AppError>(crate::reporting::review(conn, &ctx, &cmd))).await?;
    let (status, message) = match result {
        Ok(()) => {
            return Ok(Redirect::to(&format!("/rapportering/innleveringer/{id}?lagret=vurdert")).into_response());
        }
        Err(ReportingError::Refused(m)) => (StatusCode::BAD_REQUEST, m),
        Err(ReportingError::Conflict(m)) => (StatusCode::CONFLICT, m),
        Err(e) => return Err(e.into()),
    };
    let actor = user.actor.clone();
    let loaded = state.db.run(move |conn| load_visible(conn, Some(&actor), id)).await?;
    let shown = Shown { raw: None, errors: vec![], error: Some(message), notice: None, review: typed };
    Ok(render_with_status(status, &submission_page(&visitor, &loaded, state.today(), shown)))
}
