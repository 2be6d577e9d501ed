//! The reporting JSON API: rounds, completeness and submissions, with the same rules as the
//! pages (a municipality reads and writes only its own drafts; reviewers see what was sent in).

use super::{Breakdown, SaveCommand, store};
use crate::auth::{ApiWriter, Visitor};
use crate::context::Ctx;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use samveis_domain::access::{Action, Resource};
use samveis_domain::reporting::{Answers, Period, RawAnswers};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

type ApiResult<T> = Result<Json<T>, ApiError>;

fn signed_in(visitor: &Visitor) -> Result<crate::auth::SignedIn, ApiError> {
    Ok(visitor.user.clone().ok_or(AppError::Unauthenticated)?)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Round {
    pub id: i64,
    pub name: String,
    /// DHIS2-style period code: 2021, 2021S2, 2021T3, 2021Q4, 202105 or a date range.
    pub period: String,
    pub period_label: String,
    pub deadline: chrono::NaiveDate,
    /// programme or county.
    pub reviewer: String,
    pub template_id: i64,
    pub expected: u32,
    pub delivered: u32,
    pub demo: bool,
}

fn round_out(
    conn: &mut crate::db::DbConnection,
    r: store::RoundRow,
    today: chrono::NaiveDate,
) -> Result<Round, AppError> {
    let total = super::completeness(conn, &r, today, Breakdown::County)?.pop().map(|t| t.counts).unwrap_or_default();
    Ok(Round {
        period_label: Period::parse(&r.period).map(|p| p.label()).unwrap_or_default(),
        id: r.id,
        name: r.name,
        period: r.period,
        deadline: r.deadline,
        reviewer: r.reviewer.code().into(),
        template_id: r.template_id,
        expected: total.expected,
        delivered: total.delivered,
        demo: r.demo,
    })
}

#[utoipa::path(get, path = "/api/v1/rounds", responses((status = 200, body = [Round]), (status = 401, description = "Ikke innlogget")), tag = "reporting")]
pub async fn rounds(State(state): State<AppState>, visitor: Visitor) -> ApiResult<Vec<Round>> {
    signed_in(&visitor)?;
    let today = state.today();
    let rounds = state
        .db
        .run(move |conn| {
            store::rounds(conn)?.into_iter().map(|r| round_out(conn, r, today)).collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(Json(rounds))
}

#[utoipa::path(post, path = "/api/v1/rounds", request_body = super::RoundRequest,
    responses((status = 201, body = Round), (status = 403, description = "Bare programkontoret åpner runder"),
              (status = 422, description = "Ugyldige felt, hvert med melding")), tag = "reporting")]
pub async fn open_round(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Json(request): Json<super::RoundRequest>,
) -> Result<(axum::http::StatusCode, Json<Round>), ApiError> {
    let ctx = Ctx::user(&user, state.now());
    let today = state.today();
    let opened = state
        .db
        .run(move |conn| {
            let spec = super::spec_of(conn, &request)?;
            super::open_round(conn, &ctx, &spec)
        })
        .await;
    let id = opened.map_err(|e| match e {
        super::ReportingError::Invalid(errors) => {
            let fields = errors.into_iter().map(|e| crate::web::FieldMessage { field: e.field, message: e.message });
            let fields: Vec<_> = fields.collect();
            let messages: Vec<&str> = fields.iter().map(|f| f.message.as_str()).collect();
            ApiError(AppError::BadRequest(format!("Runden ble ikke åpnet: {}", messages.join(" "))), fields)
        }
        other => other.into(),
    })?;
    let round = state
        .db
        .run(move |conn| {
            let row = store::round(conn, id)?.ok_or_else(|| AppError::Internal(format!("runde {id} forsvant")))?;
            round_out(conn, row, today)
        })
        .await?;
    Ok((axum::http::StatusCode::CREATED, Json(round)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CompletenessParams {
    /// county (default), size or collaboration (a municipality counts in each collaboration it belongs to).
    pub by: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CompletenessOut {
    pub group: String,
    pub expected: u32,
    pub delivered: u32,
    pub on_time: u32,
    pub late: u32,
    pub not_delivered: u32,
    /// Percent with two decimals, e.g. 84.95.
    pub delivered_percent: Option<f64>,
}

#[utoipa::path(get, path = "/api/v1/rounds/{id}/completeness", params(("id" = i64, Path), CompletenessParams),
    responses((status = 200, body = [CompletenessOut]), (status = 404, description = "Finnes ikke")), tag = "reporting")]
pub async fn completeness(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Query(q): Query<CompletenessParams>,
) -> ApiResult<Vec<CompletenessOut>> {
    signed_in(&visitor)?.require(Action::ViewRounds, &Resource::Any)?;
    let by = super::completeness::breakdown(q.by.as_deref())?.unwrap_or(Breakdown::County);
    let today = state.today();
    let rows = state
        .db
        .run(move |conn| {
            let round = store::round(conn, id)?.ok_or_else(|| AppError::NotFound(format!("Fant ikke runde {id}.")))?;
            Ok::<_, AppError>(super::completeness(conn, &round, today, by)?)
        })
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| CompletenessOut {
                // Shares are exact hundredths; shown as a JSON number for convenience.
                delivered_percent: r.counts.delivered_share().map(|s| f64::from(s) / 100.0),
                group: r.group,
                expected: r.counts.expected,
                delivered: r.counts.delivered,
                on_time: r.counts.on_time,
                late: r.counts.late,
                not_delivered: r.counts.not_delivered,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Submission {
    pub id: i64,
    pub round_id: i64,
    /// municipality or collaboration.
    pub org_kind: String,
    pub org_id: String,
    pub org_name: String,
    /// draft, submitted, returned or accepted.
    pub state: String,
    pub version: i64,
    pub submitted_at: Option<chrono::NaiveDateTime>,
    pub reviewer_comment: String,
    /// Field code -> typed answer.
    #[schema(value_type = Object)]
    pub answers: Answers,
}

fn submission_out(l: super::Loaded) -> Submission {
    let s = l.submission;
    Submission {
        id: s.id,
        round_id: s.round_id,
        org_kind: s.org.unit.stored().0.into(),
        org_id: s.org.id,
        org_name: s.org.name,
        state: l.state.code().into(),
        version: s.version,
        submitted_at: s.submitted_at,
        reviewer_comment: s.reviewer_comment,
        answers: l.answers,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SubmissionParams {
    /// The round whose submissions to list (those the caller may see).
    pub round: i64,
}

#[utoipa::path(get, path = "/api/v1/submissions", params(SubmissionParams),
    responses((status = 200, body = [Submission]), (status = 401, description = "Ikke innlogget")), tag = "reporting")]
pub async fn submissions(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<SubmissionParams>,
) -> ApiResult<Vec<Submission>> {
    let user = signed_in(&visitor)?;
    let list = state
        .db
        .run(move |conn| {
            let mut out = Vec::new();
            let Some(round) = store::round(conn, q.round)? else { return Ok(out) };
            let submissions = store::submissions_of_round(conn, q.round)?;
            let visible =
                super::permitted_in_round(conn, Some(&user.actor), Action::ViewSubmission, &round, &submissions)?;
            for (s, shown) in submissions.iter().zip(visible) {
                if shown {
                    out.push(submission_out(super::load(conn, s.id)?));
                }
            }
            Ok::<_, AppError>(out)
        })
        .await?;
    Ok(Json(list))
}

#[utoipa::path(get, path = "/api/v1/submissions/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = Submission), (status = 403, description = "Ikke din"), (status = 404, description = "Finnes ikke")), tag = "reporting")]
pub async fn submission(State(state): State<AppState>, visitor: Visitor, Path(id): Path<i64>) -> ApiResult<Submission> {
    let user = signed_in(&visitor)?;
    let loaded = state.db.run(move |conn| super::load_visible(conn, Some(&user.actor), id)).await?;
    Ok(Json(submission_out(loaded)))
}

/// Answers as typed on the form: field code (or `code.ROW.COL` for table cells, `code.kommentar`
/// for a traffic light's comment) -> a value, or a list of values for multiple choice.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SubmissionInput {
    pub version: i64,
    #[schema(value_type = Object)]
    pub answers: BTreeMap<String, serde_json::Value>,
    /// Send in (true) or keep as a draft (false).
    #[serde(default)]
    pub submit: bool,
}

fn raw_of(answers: &BTreeMap<String, serde_json::Value>) -> RawAnswers {
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    answers
        .iter()
        .map(|(k, v)| {
            let values = match v {
                serde_json::Value::Array(list) => list.iter().map(text).collect(),
                other => vec![text(other)],
            };
            (k.clone(), values)
        })
        .collect()
}

#[utoipa::path(put, path = "/api/v1/submissions/{id}", params(("id" = i64, Path)), request_body = SubmissionInput,
    responses((status = 200, body = Submission), (status = 403, description = "Ikke din"), (status = 409, description = "Noen andre lagret først"),
              (status = 422, description = "Ugyldige felt, hvert med melding")), tag = "reporting")]
pub async fn save_submission(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiWriter(user): ApiWriter,
    Json(input): Json<SubmissionInput>,
) -> ApiResult<Submission> {
    let ctx = Ctx::user(&user, state.now());
    let cmd = SaveCommand {
        id,
        version: input.version,
        answers: raw_of(&input.answers),
        submit: input.submit,
        files: vec![],
    };
    let loaded = state
        .db
        .run(move |conn| {
            super::save(conn, &ctx, &cmd)?;
            super::load_visible(conn, Some(&user.actor), id)
        })
        .await?;
    Ok(Json(submission_out(loaded)))
}
