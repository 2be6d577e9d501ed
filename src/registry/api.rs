//! The registry's JSON API (`/api/v1`): the same data and the same rules as the pages.
//! Reads are open; writes need a session and its CSRF token in `X-CSRF-Token`.

use super::RegistryError;
use super::collaborations::{self as collabs, CollaborationDetail, CollaborationSummary, EditCollaboration};
use super::store;
use super::views::layout_param;
use crate::auth::{ApiWriter, Visitor};
use crate::context::Ctx;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::{ApiError, FieldMessage};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use samveis_domain::registry::{
    CollaborationDraft, CountyNumber, MunicipalityFilter, MunicipalityNumber, MunicipalityRow, SizeClass,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

type ApiResult<T> = Result<Json<T>, ApiError>;

fn bad(e: impl std::fmt::Display) -> ApiError {
    AppError::BadRequest(e.to_string()).into()
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct LayoutParams {
    /// 2015, 2020 or 2024 (default).
    pub layout: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct County {
    pub number: String,
    pub name: String,
    pub layout: i32,
    pub governor_office: Option<String>,
    pub municipality_count: usize,
    pub population: Option<i64>,
    pub population_year: Option<i32>,
}

#[utoipa::path(get, path = "/api/v1/counties", params(LayoutParams),
    responses((status = 200, description = "Fylkene i inndelingen", body = [County])), tag = "registry")]
pub async fn counties(State(state): State<AppState>, Query(q): Query<LayoutParams>) -> ApiResult<Vec<County>> {
    let layout = layout_param(q.layout.as_deref()).map_err(bad)?;
    let rows = state.db.run(move |conn| Ok::<_, AppError>(store::county_rows(conn, layout)?)).await?;
    Ok(Json(
        rows.into_iter()
            .map(|c| County {
                number: c.number,
                name: c.name,
                layout: layout.year(),
                governor_office: c.office_code,
                municipality_count: c.municipality_count,
                population: c.population,
                population_year: c.population_year,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Municipality {
    pub number: String,
    pub name: String,
    pub name_norwegian: String,
    pub layout: i32,
    pub county_number: String,
    pub county_name: String,
    pub population: Option<i64>,
    pub population_year: Option<i32>,
    /// small, medium or large (SSB thresholds by default).
    pub size_class: Option<String>,
}

impl Municipality {
    fn new(r: MunicipalityRow, layout: i32) -> Self {
        Municipality {
            number: r.number.to_string(),
            name: r.name,
            name_norwegian: r.name_norwegian,
            layout,
            county_number: r.county_number.to_string(),
            county_name: r.county_name,
            population: r.population,
            population_year: r.population_year,
            size_class: r.size_class.map(|s| format!("{s:?}").to_lowercase()),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct MunicipalityParams {
    /// 2015, 2020 or 2024 (default).
    pub layout: Option<String>,
    /// County number, e.g. 18.
    pub county: Option<String>,
    /// liten, mellomstor or stor.
    pub size_class: Option<String>,
    /// Name (Norwegian or Sami) or start of the number.
    pub q: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/municipalities", params(MunicipalityParams),
    responses((status = 200, description = "Kommunene i inndelingen", body = [Municipality]),
              (status = 400, description = "Ugyldig parameter")), tag = "registry")]
pub async fn municipalities(
    State(state): State<AppState>,
    Query(q): Query<MunicipalityParams>,
) -> ApiResult<Vec<Municipality>> {
    let layout = layout_param(q.layout.as_deref()).map_err(bad)?;
    let county = q.county.as_deref().filter(|c| !c.is_empty()).map(CountyNumber::parse).transpose().map_err(bad)?;
    let size_class = match q.size_class.as_deref().filter(|s| !s.is_empty()) {
        Some(code) => Some(SizeClass::from_code(code).ok_or_else(|| bad(format!("ukjent størrelsesklasse «{code}»")))?),
        None => None,
    };
    let filter = MunicipalityFilter { county, size_class, query: q.q, ..Default::default() };
    let rows = state.db.run(move |conn| Ok::<_, AppError>(store::municipality_rows(conn, layout)?)).await?;
    Ok(Json(filter.apply(rows).into_iter().map(|r| Municipality::new(r, layout.year())).collect()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityDetail {
    #[serde(flatten)]
    pub municipality: Municipality,
    /// (year, population) on 1 January.
    pub population_by_year: Vec<(i32, i64)>,
    pub collaborations: Vec<CollaborationSummary>,
    /// For 2015/2020: the 2024 municipalities it became. For 2024: the older ones it came from.
    pub transitions: Vec<TransitionOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionOut {
    pub layout: i32,
    pub number: String,
    pub name: String,
    /// 100 for a whole municipality; below 100 marks a split (a candidate, not a share).
    pub weight_percent: i32,
}

#[utoipa::path(get, path = "/api/v1/municipalities/{number}", params(("number" = String, Path, description = "Kommunenummer"), LayoutParams),
    responses((status = 200, body = MunicipalityDetail), (status = 404, description = "Finnes ikke i inndelingen")), tag = "registry")]
pub async fn municipality(
    State(state): State<AppState>,
    Path(number): Path<String>,
    Query(q): Query<LayoutParams>,
) -> ApiResult<MunicipalityDetail> {
    let number = MunicipalityNumber::parse(&number).map_err(|e| ApiError::from(AppError::NotFound(e.to_string())))?;
    let layout = layout_param(q.layout.as_deref()).map_err(bad)?;
    let found = state
        .db
        .run(move |conn| {
            let Some(row) = store::municipality_row(conn, layout, &number)? else { return Ok(None) };
            let population_by_year = store::population_by_year(conn, layout, &number)?;
            let collaborations = collabs::of_municipality(conn, layout, &number)?;
            let transitions = store::transitions(conn, layout, &number)?;
            Ok::<_, AppError>(Some((row, population_by_year, collaborations, transitions)))
        })
        .await?;
    let (row, population_by_year, collaborations, transitions) =
        found.ok_or_else(|| AppError::NotFound(format!("Kommunen finnes ikke i {layout}-inndelingen.")))?;
    Ok(Json(MunicipalityDetail {
        municipality: Municipality::new(row, layout.year()),
        population_by_year,
        collaborations,
        transitions: transitions
            .into_iter()
            .map(|t| TransitionOut {
                layout: t.layout,
                number: t.number,
                name: t.name,
                weight_percent: t.weight_percent,
            })
            .collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/collaborations",
    responses((status = 200, body = [CollaborationSummary])), tag = "registry")]
pub async fn collaborations(State(state): State<AppState>) -> ApiResult<Vec<CollaborationSummary>> {
    Ok(Json(state.db.run(|conn| Ok::<_, AppError>(collabs::list(conn)?)).await?))
}

#[utoipa::path(get, path = "/api/v1/collaborations/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = CollaborationDetail), (status = 404, description = "Finnes ikke")), tag = "registry")]
pub async fn collaboration(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult<CollaborationDetail> {
    let found = state.db.run(move |conn| Ok::<_, AppError>(collabs::get(conn, id)?)).await?;
    Ok(Json(found.ok_or_else(|| AppError::NotFound(format!("Fant ikke samarbeid {id}.")))?))
}

/// A collaboration as written through the API. `members` is a list of municipality numbers.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CollaborationInput {
    pub name: String,
    /// project, regional_council or network.
    pub kind: String,
    /// 2015, 2020 or 2024.
    pub layout: i32,
    pub host: String,
    pub members: Vec<String>,
    /// YYYY-MM-DD.
    pub valid_from: String,
    pub valid_to: Option<String>,
    #[serde(default)]
    pub note: String,
    /// Required on update: the version the change is based on.
    pub version: Option<i64>,
}

impl CollaborationInput {
    fn draft(&self) -> CollaborationDraft {
        CollaborationDraft {
            name: self.name.clone(),
            kind: self.kind.clone(),
            layout: self.layout.to_string(),
            host: self.host.clone(),
            members: self.members.join(","),
            valid_from: self.valid_from.clone(),
            valid_to: self.valid_to.clone().unwrap_or_default(),
            note: self.note.clone(),
        }
    }
}

fn save_error(e: RegistryError) -> ApiError {
    match e {
        RegistryError::Draft(errors) => ApiError(
            AppError::BadRequest("Samarbeidet ble ikke lagret.".into()),
            errors
                .iter()
                .map(|e| FieldMessage { field: format!("{:?}", e.field()).to_lowercase(), message: e.to_string() })
                .collect(),
        ),
        other => AppError::from(other).into(),
    }
}

#[utoipa::path(post, path = "/api/v1/collaborations", request_body = CollaborationInput,
    responses((status = 201, body = CollaborationDetail), (status = 403, description = "Utenfor ditt område"),
              (status = 422, description = "Ugyldige felt, hvert med melding")), tag = "registry")]
pub async fn create_collaboration(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Json(input): Json<CollaborationInput>,
) -> Result<(StatusCode, Json<CollaborationDetail>), ApiError> {
    let ctx = Ctx::user(&user, state.now());
    let draft = input.draft();
    let detail = state
        .db
        .run(move |conn| {
            let id = collabs::create(conn, &ctx, &draft)?;
            Ok::<_, RegistryError>(collabs::get(conn, id)?)
        })
        .await
        .map_err(save_error)?;
    let detail = detail.ok_or_else(|| AppError::Internal("lagret samarbeid forsvant".into()))?;
    Ok((StatusCode::CREATED, Json(detail)))
}

#[utoipa::path(put, path = "/api/v1/collaborations/{id}", params(("id" = i64, Path)), request_body = CollaborationInput,
    responses((status = 200, body = CollaborationDetail), (status = 409, description = "Noen andre lagret først (versjon)"),
              (status = 422, description = "Ugyldige felt")), tag = "registry")]
pub async fn update_collaboration(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiWriter(user): ApiWriter,
    Json(input): Json<CollaborationInput>,
) -> ApiResult<CollaborationDetail> {
    let version = input.version.ok_or_else(|| bad("version mangler: send versjonen endringen bygger på"))?;
    let ctx = Ctx::user(&user, state.now());
    let edit = EditCollaboration { id, version, draft: input.draft() };
    let detail = state
        .db
        .run(move |conn| {
            collabs::update(conn, &ctx, &edit)?;
            Ok::<_, RegistryError>(collabs::get(conn, id)?)
        })
        .await
        .map_err(save_error)?;
    Ok(Json(detail.ok_or_else(|| AppError::NotFound(format!("Fant ikke samarbeid {id}.")))?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    /// "role scope" pairs, e.g. "county-officer embete:nordland".
    pub roles: Vec<String>,
    /// Send this in `X-CSRF-Token` with every write.
    pub csrf_token: String,
}

#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = Me), (status = 401, description = "Ikke innlogget")), tag = "session")]
pub async fn me(visitor: Visitor) -> ApiResult<Me> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    Ok(Json(Me {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        roles: user.actor.assignments.iter().map(|a| format!("{} {}", a.role.code(), a.scope)).collect(),
        csrf_token: visitor.csrf,
    }))
}
