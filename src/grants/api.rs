//! The grants JSON API: schemes with their frames, county tables and grants (published figures,
//! open to all); one application with its decision and ledger (within scope); the distribution
//! a key gives.

use super::store::{self, Application, Decision, Entry, Frame, Scheme};
use crate::auth::Visitor;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use samveis_domain::grants::{Balance, CountyLine, Weights};
use samveis_domain::registry::Layout;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

type ApiResult<T> = Result<Json<T>, ApiError>;

#[utoipa::path(get, path = "/api/v1/schemes", responses((status = 200, body = [Scheme])), tag = "grants")]
pub async fn schemes(State(state): State<AppState>) -> ApiResult<Vec<Scheme>> {
    Ok(Json(state.db.run(|conn| Ok::<_, AppError>(store::schemes(conn)?)).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FrameOut {
    #[serde(flatten)]
    pub frame: Frame,
    #[schema(value_type = Vec<Object>)]
    pub counties: Vec<CountyLine>,
    pub key_sum: i64,
    pub applied_sum: Option<i64>,
    pub granted_sum: i64,
    /// Where the figures disagree (frame vs distribution, granted vs frame, sub-allocations).
    pub warnings: Vec<String>,
}

/// A granted application as published: who, where, how much, the terms and the money. What the
/// applicant wrote (budget, plan, own financing, declared aid) stays within scope.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantOut {
    pub application_id: i64,
    pub year: i32,
    pub recipient: String,
    pub county_number: String,
    pub layout: i32,
    pub applied: Option<i64>,
    pub purpose: String,
    pub historic: bool,
    pub decision: Option<Decision>,
    #[schema(value_type = Object)]
    pub balance: Balance,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeOut {
    pub scheme: Scheme,
    pub frames: Vec<FrameOut>,
    pub grants: Vec<GrantOut>,
}

#[utoipa::path(get, path = "/api/v1/schemes/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = SchemeOut), (status = 404, description = "Finnes ikke")), tag = "grants")]
pub async fn scheme(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult<SchemeOut> {
    let o = state.db.run(move |conn| super::overview(conn, id)).await.map_err(AppError::from)?;
    Ok(Json(SchemeOut {
        frames: o
            .frames
            .into_iter()
            .map(|(frame, t)| FrameOut {
                frame,
                counties: t.lines,
                key_sum: t.key_sum,
                applied_sum: t.applied_sum,
                granted_sum: t.granted_sum,
                warnings: t.warnings,
            })
            .collect(),
        grants: o
            .grants
            .into_iter()
            .map(|g| GrantOut {
                application_id: g.application.id,
                year: g.application.year,
                recipient: g.application.applicant_name,
                county_number: g.application.county_number,
                layout: g.application.layout,
                applied: g.application.applied,
                purpose: g.application.purpose,
                historic: g.application.historic,
                decision: g.decision,
                balance: g.balance,
            })
            .collect(),
        scheme: o.scheme,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationOut {
    pub application: Application,
    pub decision: Option<Decision>,
    pub ledger: Vec<Entry>,
    #[schema(value_type = Object)]
    pub balance: Balance,
    /// Screening warnings, for those who decide.
    pub warnings: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/applications/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = ApplicationOut), (status = 403, description = "Ikke din"), (status = 404, description = "Finnes ikke")), tag = "grants")]
pub async fn application(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> ApiResult<ApplicationOut> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let l = state.db.run(move |conn| super::load_visible(conn, Some(&user.actor), id)).await.map_err(AppError::from)?;
    let decides = visitor.may(samveis_domain::access::Action::ViewRounds, &samveis_domain::access::Resource::Any)
        && l.may(visitor.actor(), samveis_domain::access::Action::DecideGrant);
    Ok(Json(ApplicationOut {
        balance: l.balance(),
        warnings: if decides { l.warnings().iter().map(|w| w.message().to_string()).collect() } else { vec![] },
        application: l.application,
        decision: l.decision,
        ledger: l.entries,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ApplicationParams {
    pub scheme: i64,
}

#[utoipa::path(get, path = "/api/v1/applications", params(ApplicationParams),
    responses((status = 200, body = [Application]), (status = 401, description = "Ikke innlogget")), tag = "grants")]
pub async fn applications(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<ApplicationParams>,
) -> ApiResult<Vec<Application>> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let list = state
        .db
        .run(move |conn| {
            let mut out = Vec::new();
            for a in store::applications_of(conn, q.scheme)? {
                if super::load(conn, a.id)?.may(Some(&user.actor), samveis_domain::access::Action::ViewApplication) {
                    out.push(a);
                }
            }
            Ok::<_, super::GrantError>(out)
        })
        .await
        .map_err(AppError::from)?;
    Ok(Json(list))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DistributionParams {
    /// The frame in whole kroner.
    pub frame: i64,
    /// 2015, 2020 or 2024.
    pub layout: i32,
    pub population_year: Option<i32>,
    /// e.g. population=50,municipalities=50,equal=0
    pub weights: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DistributionLine {
    pub county_number: String,
    pub county_name: String,
    pub population: i64,
    pub municipalities: i64,
    pub amount: i64,
}

#[utoipa::path(get, path = "/api/v1/distribution", params(DistributionParams),
    responses((status = 200, body = [DistributionLine]), (status = 400, description = "Ugyldig nøkkel")), tag = "grants")]
pub async fn distribution(
    State(state): State<AppState>,
    Query(q): Query<DistributionParams>,
) -> ApiResult<Vec<DistributionLine>> {
    let weights = Weights::parse(&q.weights)
        .map_err(|e| AppError::BadRequest(crate::web::format::capitalized(&e.to_string())))?;
    let layout = Layout::from_year(q.layout).map_err(|e| AppError::BadRequest(format!("{e}.")))?;
    let rows = state
        .db
        .run(move |conn| super::distribution(conn, q.frame, layout, q.population_year, weights))
        .await
        .map_err(AppError::from)?;
    Ok(Json(
        rows.into_iter()
            .map(|(b, amount)| DistributionLine {
                county_number: b.number,
                county_name: b.name,
                population: b.population,
                municipalities: b.municipalities,
                amount,
            })
            .collect(),
    ))
}
