//! DHIS2 `dataValueSets` in and out for a round, as DHIS2 speaks it (see `docs/DHIS2.md`): the
//! round is the data set, its period a DHIS2 period, a municipality its number and a
//! collaboration its code; export the delivered answers the caller may see (JSON, or CSV in
//! DHIS2's column order), and import values in DHIS2's JSON or CSV into the round's open
//! submissions with `dryRun`, `importStrategy`, the id schemes and DHIS2's `ImportSummary`. A
//! set with a conflict writes nothing.

mod export;
mod import;
mod input;

pub use export::{Item, export};
pub use import::{Conflict, ImportSummary, import};

use super::error::{ReportingError, ReportingResult};
use super::store;
use crate::auth::{ApiWriter, Visitor};
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::ApiError;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use samveis_domain::reporting::{IdScheme, ImportStrategy, Period};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The largest data value set accepted in one request: a month of a 234-field report from every
/// municipality is about 9 MB as JSON.
pub const MAX_SET_BYTES: usize = 64 * 1024 * 1024;

/// A data value set as Samveis writes it: the round as `dataSet`, its DHIS2 period, and the values.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DataValueSet {
    #[schema(example = "6")]
    pub data_set: String,
    #[schema(example = "2025")]
    pub period: String,
    /// `{dataElement, period, orgUnit, value}`; a multiple choice's options joined by «;».
    #[schema(value_type = Vec<Object>)]
    pub data_values: Vec<samveis_domain::reporting::DataValue>,
}

/// How data elements and org units are named, in and out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Schemes {
    pub element: IdScheme,
    pub org_unit: IdScheme,
}

/// The id scheme parameters as given (query or payload), before they are read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemeParams {
    pub id_scheme: Option<String>,
    pub data_element_id_scheme: Option<String>,
    pub org_unit_id_scheme: Option<String>,
}

impl SchemeParams {
    /// The schemes, the specific ones before the general one (DHIS2's precedence), each over
    /// `base` (the query's, under the payload's).
    pub fn read(&self, base: Schemes) -> Result<Schemes, String> {
        let general = self.id_scheme.as_deref().map(|s| IdScheme::parse("idScheme", s)).transpose()?;
        let one = |param: &str, value: &Option<String>, base: IdScheme| {
            Ok::<_, String>(match value {
                Some(v) => IdScheme::parse(param, v)?,
                None => general.unwrap_or(base),
            })
        };
        Ok(Schemes {
            element: one("dataElementIdScheme", &self.data_element_id_scheme, base.element)?,
            org_unit: one("orgUnitIdScheme", &self.org_unit_id_scheme, base.org_unit)?,
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct SetParams {
    /// The round's id. DHIS2's `dataSet` names the same (the round's id or its name).
    pub round: Option<i64>,
    pub data_set: Option<String>,
    /// json (default) or csv (also chosen by `Accept: text/csv` or `application/csv`).
    pub format: Option<String>,
    /// Import only: check and count, write nothing.
    pub dry_run: Option<bool>,
    /// Import only: CREATE_AND_UPDATE (default), CREATE, UPDATE or DELETE.
    pub import_strategy: Option<String>,
    /// CODE (default here: municipality number, collaboration code, field code) or NAME. Samveis
    /// has no DHIS2 UIDs. In an import, the payload's own schemes come first.
    pub id_scheme: Option<String>,
    pub data_element_id_scheme: Option<String>,
    pub org_unit_id_scheme: Option<String>,
}

impl SetParams {
    /// The query's schemes (a query of typed values cannot be flattened into a struct).
    pub fn schemes(&self) -> Result<Schemes, String> {
        let params = SchemeParams {
            id_scheme: self.id_scheme.clone(),
            data_element_id_scheme: self.data_element_id_scheme.clone(),
            org_unit_id_scheme: self.org_unit_id_scheme.clone(),
        };
        params.read(Schemes::default())
    }
}

/// A round as DHIS2 sees it: the round, its form, its period in DHIS2's syntax, and its
/// submissions with each org unit's code.
pub struct Exchange {
    pub round: store::RoundRow,
    pub template: store::TemplateRow,
    pub period: String,
    pub submissions: Vec<store::SubmissionRow>,
    /// The DHIS2 org unit code of each submission (same order).
    pub codes: Vec<String>,
}

/// The round's period as a DHIS2 period, or a refusal that names the round and its dates.
pub fn dhis2_period(round: &store::RoundRow) -> ReportingResult<String> {
    let period = Period::parse(&round.period).map_err(ReportingError::internal)?;
    period.dhis2_code().map_err(|e| {
        ReportingError::Refused(format!("Runden «{}» kan ikke utveksles med DHIS2: perioden {e}.", round.name))
    })
}

pub fn open_exchange(conn: &mut DbConnection, round_id: i64) -> ReportingResult<Exchange> {
    let round = store::round(conn, round_id)?
        .ok_or_else(|| ReportingError::NotFound(format!("Runde {round_id} finnes ikke.")))?;
    let template =
        store::template(conn, round.template_id)?.ok_or_else(|| ReportingError::Internal("skjemaet mangler".into()))?;
    let period = dhis2_period(&round)?;
    let submissions = store::submissions_of_round(conn, round_id)?;
    let collaborations: std::collections::HashMap<String, String> =
        crate::registry::collaborations::list(conn)?.into_iter().map(|c| (c.id.to_string(), c.code)).collect();
    let codes = submissions
        .iter()
        .map(|s| match s.org.is_municipality() {
            true => s.org.id.clone(),
            false => collaborations.get(&s.org.id).cloned().unwrap_or_else(|| s.org.id.clone()),
        })
        .collect();
    Ok(Exchange { round, template, period, submissions, codes })
}

/// The round a request means: `round`, or DHIS2's `dataSet` (the round's id or its exact name).
pub fn round_of(conn: &mut DbConnection, round: Option<i64>, data_set: Option<&str>) -> ReportingResult<i64> {
    if let Some(id) = round {
        return Ok(id);
    }
    let Some(data_set) = data_set.map(str::trim).filter(|d| !d.is_empty()) else {
        return Err(ReportingError::Refused("Oppgi runden: ?round=ID (eller DHIS2s dataSet=ID).".into()));
    };
    if let Ok(id) = data_set.parse() {
        return Ok(id);
    }
    store::rounds(conn)?
        .into_iter()
        .find(|r| r.name == data_set)
        .map(|r| r.id)
        .ok_or_else(|| ReportingError::NotFound(format!("Datasettet «{data_set}» er ingen runde i Samveis.")))
}

fn wants_csv(format: Option<&str>, headers: &HeaderMap) -> bool {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    match format {
        Some(f) => f.eq_ignore_ascii_case("csv"),
        None => accept.contains("text/csv") || accept.contains("application/csv"),
    }
}

#[utoipa::path(get, path = "/api/v1/dhis2/dataValueSets", params(SetParams),
    responses((status = 200, body = DataValueSet), (status = 400, description = "Runden har ingen DHIS2-periode, eller et id-skjema Samveis ikke har"),
        (status = 401, description = "Ikke innlogget")), tag = "reporting")]
pub async fn get_set(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Query(q): Query<SetParams>,
) -> Result<Response, ApiError> {
    let csv = wants_csv(q.format.as_deref(), &headers);
    send_set(state, visitor, q, csv).await
}

/// The same as JSON, at the address DHIS2 clients ask (`dataValueSets.json`).
#[utoipa::path(get, path = "/api/v1/dhis2/dataValueSets.json", params(SetParams),
    responses((status = 200, body = DataValueSet), (status = 401, description = "Ikke innlogget")), tag = "reporting")]
pub async fn get_set_json(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<SetParams>,
) -> Result<Response, ApiError> {
    send_set(state, visitor, q, false).await
}

/// The same as CSV, at the address DHIS2 clients ask (`dataValueSets.csv`).
#[utoipa::path(get, path = "/api/v1/dhis2/dataValueSets.csv", params(SetParams),
    responses((status = 200, content_type = "text/csv", description = "dataelement,period,orgunit,…,deleted"),
        (status = 401, description = "Ikke innlogget")), tag = "reporting")]
pub async fn get_set_csv(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<SetParams>,
) -> Result<Response, ApiError> {
    send_set(state, visitor, q, true).await
}

async fn send_set(state: AppState, visitor: Visitor, q: SetParams, csv: bool) -> Result<Response, ApiError> {
    // Each caller gets the delivered answers it may see (a municipality its own).
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let schemes = q.schemes().map_err(AppError::BadRequest)?;
    let body = state
        .db
        .run(move |conn| {
            let round = round_of(conn, q.round, q.data_set.as_deref())?;
            if csv {
                export::csv(conn, &user.actor, round, schemes)
            } else {
                export::json(conn, &user.actor, round, schemes)
            }
        })
        .await?;
    let content_type = if csv { "text/csv; charset=utf-8" } else { "application/json" };
    Ok(([(header::CONTENT_TYPE, content_type)], body).into_response())
}

#[utoipa::path(post, path = "/api/v1/dhis2/dataValueSets", params(SetParams),
    request_body(content = DataValueSet, description = "DHIS2's JSON (application/json) or CSV (text/csv, application/csv; header row optional)"),
    responses((status = 200, body = ImportSummary, description = "DHIS2's ImportSummary: status SUCCESS, WARNING or ERROR"),
        (status = 400, description = "Ulesbart datasett, ukjent importStrategy eller id-skjema, eller en runde uten DHIS2-periode"),
        (status = 403, description = "Bare programkontoret"), (status = 409, description = "Noen andre lagret først")), tag = "reporting")]
pub async fn post_set(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Query(q): Query<SetParams>,
    request: axum::extract::Request,
) -> Result<Json<ImportSummary>, ApiError> {
    let ctx = Ctx::user(&user, state.now());
    ctx.require(samveis_domain::access::Action::ManageRounds, &samveis_domain::access::Resource::Any)
        .map_err(AppError::from)?;
    let strategy = q.import_strategy.as_deref().map(ImportStrategy::parse).transpose().map_err(AppError::BadRequest)?;
    let schemes = q.schemes().map_err(AppError::BadRequest)?;
    // The body (up to tens of megabytes) is read only once the caller may import.
    let set = input::read(request).await?;
    let options =
        import::Options { dry_run: q.dry_run.unwrap_or(false), strategy: strategy.unwrap_or_default(), schemes };
    let summary = state
        .db
        .run(move |conn| {
            let round = round_of(conn, q.round, q.data_set.as_deref().or(set.data_set.as_deref()))?;
            import(conn, &ctx, round, set, options)
        })
        .await?;
    Ok(Json(summary))
}
