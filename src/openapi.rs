//! The OpenAPI 3 document of the JSON API, generated from the handlers' annotations; its paths are
//! those of the API route table in [`crate::routes`].

use crate::grants::api as gapi;
use crate::registry::api;
use crate::registry::collaborations::{CollaborationDetail, CollaborationSummary, Member};
use crate::reporting::api as rapi;
use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Samveis API", description = "Åpent API for Nasjonalt velferdsteknologiprogram: register over fylker, kommuner og samarbeid. Lesing er åpen; skriving krever innlogging og X-CSRF-Token fra /api/v1/me."),
    components(schemas(api::County, api::Municipality, api::MunicipalityDetail, api::TransitionOut,
                       api::CollaborationInput, api::Me, crate::work::api::TasksOut, crate::work::api::TaskOut, CollaborationSummary, CollaborationDetail, Member,
                       crate::web::FieldMessage, rapi::Round, crate::reporting::RoundRequest, rapi::CompletenessOut, rapi::Submission, rapi::SubmissionInput, crate::reporting::dhis2::DataValueSet, crate::reporting::dhis2::ImportSummary, crate::reporting::dhis2::Conflict,
                       gapi::SchemeOut, gapi::FrameOut, gapi::GrantOut, gapi::ApplicationOut, gapi::DistributionLine,
                       crate::grants::store::Scheme, crate::grants::store::Frame, crate::grants::store::Application,
                       crate::grants::store::Decision, crate::grants::store::Entry, crate::grants::store::SubAllocation,
                       crate::insight::api::CountyInsight, crate::insight::api::MunicipalityStatus,
                       crate::insight::indicators::api::IndicatorOut, crate::insight::indicators::api::FigureOut, crate::insight::indicators::api::IndicatorValues)),
    tags((name = "registry", description = "Fylker, kommuner og samarbeid"), (name = "session", description = "Innlogget bruker"), (name = "reporting", description = "Rapporteringsrunder, innleveringsgrad og innleveringer"), (name = "grants", description = "Tilskuddsordninger, fylkesfordeling, søknader, vedtak og regnskap"), (name = "insight", description = "Innsikt: status per kommune og teknologi"))
)]
pub struct ApiDoc;

/// The document: title, schemas and tags from [`ApiDoc`], the paths from the API route table
/// ([`crate::routes::API`]), so a route and its documentation are declared once.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(crate::routes::ApiPaths::openapi());
    doc
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi())
}
