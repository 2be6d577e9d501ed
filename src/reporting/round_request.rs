//! Opening a round from the command line or the API: the template by its code (the latest
//! version), the layout (default 2024) and the audience in words, made into a [`RoundSpec`].

use super::audience::Audience;
use super::error::{ReportingError, ReportingResult};
use super::rounds::{REVIEWER_COUNTY, RoundSpec};
use super::store;
use crate::db::DbConnection;
use samveis_domain::registry::Layout;

/// What a script asks for, on the command line or as the JSON body of `POST /api/v1/rounds`;
/// only the template, period and deadline are required.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct RoundRequest {
    /// The template's code (`teknologistatus`, `pandemilosninger_2020`, …); its latest version is used.
    pub template: String,
    /// 2026, 2026S1, 2026T2, 2026Q3, 202605 or a date range 2020-03-17..2020-03-24.
    pub period: String,
    /// YYYY-MM-DD.
    pub deadline: String,
    /// The municipal layout: 2015, 2020 or 2024 (default).
    pub layout: Option<i32>,
    /// alle (default), fylke:NN, kommuner:NNNN,NNNN, samarbeid:ID,ID or medlemmer:ID,ID
    /// (see [`Audience::parse`]).
    pub audience: Option<String>,
    /// Default: the template's name and the period.
    pub name: Option<String>,
    /// county (default) or programme.
    pub reviewer: Option<String>,
}

/// The spec a request names: the latest version of its template, its audience on its layout.
pub fn spec_of(conn: &mut DbConnection, request: &RoundRequest) -> ReportingResult<RoundSpec> {
    let year = request.layout.unwrap_or(Layout::CURRENT.year());
    let layout = Layout::from_year(year).map_err(|e| ReportingError::invalid("layout", format!("{e}.")))?;
    let code = request.template.trim();
    let Some(template) = store::template_by_code(conn, code)? else {
        let mut codes: Vec<String> = store::templates(conn)?.into_iter().map(|t| t.code).collect();
        codes.sort();
        codes.dedup();
        let message = format!("Ukjent skjema «{code}». Skjemaene har disse kodene: {}.", codes.join(", "));
        return Err(ReportingError::invalid("template", message));
    };
    Ok(RoundSpec {
        name: request.name.clone().unwrap_or_default(),
        template_id: template.id,
        period: request.period.clone(),
        deadline: request.deadline.clone(),
        reviewer: request.reviewer.clone().unwrap_or_else(|| REVIEWER_COUNTY.to_string()),
        audience: Audience::parse(request.audience.as_deref().unwrap_or("alle"), layout.year())?,
        demo: false,
    })
}
