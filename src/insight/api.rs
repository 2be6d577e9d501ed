//! The insight JSON API: a county's municipalities with their technology status, and adoption per
//! technology; the same figures as the county page.

use crate::auth::Visitor;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use samveis_domain::access::{Action, Resource};
use samveis_domain::insight::{Adoption, TechStatus};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityStatus {
    pub number: String,
    pub name: String,
    pub population: Option<i64>,
    /// When its technology status was sent; none if not delivered (drafts do not count).
    #[schema(value_type = Option<String>)]
    pub submitted_at: Option<chrono::NaiveDateTime>,
    #[schema(value_type = Vec<Object>)]
    pub technologies: Option<Vec<TechStatus>>,
    pub in_operation: usize,
    pub investment: i64,
    /// Its status comes from reports made on another layout.
    pub mapped: bool,
    /// The round its status comes from (its latest delivered technology status).
    pub round: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountyInsight {
    pub county_number: String,
    /// The layout the municipalities are numbered on.
    pub layout: i32,
    /// Which figures were carried over from reports made on another layout, or left out.
    pub layout_note: String,
    /// The newest round the statuses come from.
    pub round: Option<String>,
    /// "Status per 20. desember 2025, fra runden «Teknologistatus 2025»." (with how many
    /// municipalities each when the statuses come from several rounds).
    pub status: String,
    pub reported: usize,
    pub municipalities: Vec<MunicipalityStatus>,
    #[schema(value_type = Vec<Object>)]
    pub adoption: Vec<Adoption>,
}

#[utoipa::path(get, path = "/api/v1/insight/counties/{number}", params(
        ("number" = String, Path, description = "County number on the chosen layout"),
        ("inndeling" = Option<i32>, Query, description = "Layout: 2015, 2020 or 2024 (default)")),
    responses((status = 200, body = CountyInsight), (status = 401, description = "Ikke innlogget"), (status = 404, description = "Finnes ikke")), tag = "insight")]
pub async fn county(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(number): Path<String>,
    Query(q): Query<super::pages::LayoutQuery>,
) -> Result<Json<CountyInsight>, ApiError> {
    if visitor.user.is_none() {
        return Err(AppError::Unauthenticated.into());
    }
    if !visitor.may(Action::ViewRounds, &Resource::Any) {
        return Err(AppError::Forbidden.into());
    }
    let layout = super::parse_layout(q.inndeling.as_deref())?;
    let county = super::county::county_area(&state, number.clone(), layout).await?;
    let area = &county.1;
    Ok(Json(CountyInsight {
        county_number: number,
        layout: area.layout.year(),
        layout_note: area.layout_note(),
        round: area.provenance.newest().map(str::to_string),
        status: area.status_line(),
        reported: area.reported(),
        adoption: area.adoption.clone(),
        municipalities: area
            .lines
            .iter()
            .map(|l| MunicipalityStatus {
                in_operation: l.in_operation(),
                mapped: l.mapped,
                investment: l.investment(),
                number: l.number.clone(),
                name: l.name.clone(),
                population: l.population,
                submitted_at: l.submitted_at,
                technologies: l.statuses.clone(),
                round: l.round.as_ref().map(|r| r.name.clone()),
            })
            .collect(),
    }))
}
