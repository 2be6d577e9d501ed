//! The open indicator API: published figures (aggregates of delivered reports and the grant
//! ledger; no personal data), for anyone, computed by the same engine as the pages.

use super::pages::{AskQuery, read_ask};
use super::{level_code, shown};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use samveis_domain::insight::indicator::{Definition, Figure};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorOut {
    pub code: String,
    pub name: String,
    pub description: String,
    /// The definition as stored: source, aggregation, over time, value to match, unit.
    #[schema(value_type = Object)]
    pub definition: Definition,
    /// How it is computed, in Norwegian.
    pub computed_as: String,
}

fn out(d: Definition) -> IndicatorOut {
    IndicatorOut {
        code: d.code.clone(),
        name: d.name.clone(),
        description: d.description.clone(),
        computed_as: super::describe(&d),
        definition: d,
    }
}

#[utoipa::path(get, path = "/api/v1/indikatorer", responses((status = 200, body = [IndicatorOut])), tag = "insight")]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<IndicatorOut>>, ApiError> {
    let rows = state.db.run(|conn| Ok::<_, AppError>(super::store::all(conn)?)).await?;
    Ok(Json(rows.into_iter().map(|r| out(r.definition)).collect()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FigureOut {
    /// County or municipality number, collaboration id; empty for the nation.
    pub key: String,
    pub name: String,
    /// In the unit shown (a share in percent); none when nothing was reported.
    pub value: Option<f64>,
    /// The value as Norwegian text ("1 447 130 kr", "33,33 %").
    pub value_text: String,
    pub numerator: i64,
    pub denominator: i64,
    pub reporting: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorValues {
    pub indicator: IndicatorOut,
    /// land, fylke, kommune or samarbeid.
    pub level: String,
    /// DHIS2 period syntax.
    pub period: String,
    pub layout: i32,
    pub total: FigureOut,
    pub rows: Vec<FigureOut>,
    /// Values placed on the layout through code transitions.
    pub mapped: u32,
    /// Values that could not be placed on the layout.
    pub unplaced: u32,
}

#[utoipa::path(get, path = "/api/v1/indikatorer/{code}",
    params(("code" = String, Path, description = "Indicator code"),
        ("niva" = Option<String>, Query, description = "land, fylke (default); kommune and samarbeid for signed-in users who follow the reporting"),
        ("periode" = Option<String>, Query, description = "Period in DHIS2 syntax (2025, 2025Q1, 202505); default the newest year with values"),
        ("inndeling" = Option<i32>, Query, description = "2015, 2020 or 2024 (default)")),
    responses((status = 200, body = IndicatorValues), (status = 400, description = "Ugyldig nivå, periode eller inndeling"), (status = 401, description = "Nivået krever innlogging"), (status = 403, description = "Nivået er ikke åpent for deg"), (status = 404, description = "Finnes ikke")), tag = "insight")]
pub async fn values(
    State(state): State<AppState>,
    visitor: crate::auth::Visitor,
    Path(code): Path<String>,
    Query(q): Query<AskQuery>,
) -> Result<Json<IndicatorValues>, ApiError> {
    let (level, period, layout) = read_ask(&visitor, &q)?;
    let today = state.today();
    let views = state.views.clone();
    let e = state.db.run(move |conn| super::evaluate(&views, conn, &code, (level, period, layout), today)).await?;
    let unit = e.indicator.definition.shown_in();
    let figure = |f: &Figure| FigureOut {
        key: f.key.clone(),
        name: f.name.clone(),
        value: f.value.map(|v| v as f64 / 100.0),
        value_text: shown(unit, f.value),
        numerator: f.numerator,
        denominator: f.denominator,
        reporting: f.reporting,
    };
    Ok(Json(IndicatorValues {
        level: level_code(e.ask.level).into(),
        period: e.ask.period.code(),
        layout: e.ask.layout.year(),
        total: figure(&e.computed.total),
        rows: e.computed.rows.iter().map(figure).collect(),
        mapped: e.computed.mapped,
        unplaced: e.computed.unplaced,
        indicator: out(e.indicator.definition.clone()),
    }))
}
