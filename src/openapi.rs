//! The OpenAPI 3 document of the JSON API, generated from the handlers' annotations.

use crate::grants::api as gapi;
use crate::registry::api;
use crate::registry::collaborations::{CollaborationDetail, CollaborationSummary, Member};
use crate::reporting::api as rapi;
use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Samveis API", description = "Åpent API for Nasjonalt velferdsteknologiprogram: register over fylker, kommuner og samarbeid. Lesing er åpen; skriving krever innlogging og X-CSRF-Token fra /api/v1/me."),
    paths(api::counties, api::municipalities, api::municipality, api::collaborations, api::collaboration,
          api::create_collaboration, api::update_collaboration, api::me,
          rapi::rounds, rapi::completeness, crate::reporting::dhis2::get_set, crate::reporting::dhis2::post_set, rapi::submissions, rapi::submission, rapi::save_submission,
          gapi::schemes, gapi::scheme, gapi::distribution, gapi::applications, gapi::application, crate::insight::api::county,
          crate::insight::indicators::api::list, crate::insight::indicators::api::values),
    components(schemas(api::County, api::Municipality, api::MunicipalityDetail, api::TransitionOut,
                       api::CollaborationInput, api::Me, CollaborationSummary, CollaborationDetail, Member,
                       crate::web::FieldMessage, rapi::Round, rapi::CompletenessOut, rapi::Submission, rapi::SubmissionInput, crate::reporting::dhis2::DataValueSet, crate::reporting::dhis2::ImportSummary, crate::reporting::dhis2::Conflict,
                       gapi::SchemeOut, gapi::FrameOut, gapi::GrantOut, gapi::ApplicationOut, gapi::DistributionLine,
                       crate::grants::store::Scheme, crate::grants::store::Frame, crate::grants::store::Application,
                       crate::grants::store::Decision, crate::grants::store::Entry, crate::grants::store::SubAllocation,
                       crate::insight::api::CountyInsight, crate::insight::api::MunicipalityStatus,
                       crate::insight::indicators::api::IndicatorOut, crate::insight::indicators::api::FigureOut, crate::insight::indicators::api::IndicatorValues)),
    tags((name = "registry", description = "Fylker, kommuner og samarbeid"), (name = "session", description = "Innlogget bruker"), (name = "reporting", description = "Rapporteringsrunder, innleveringsgrad og innleveringer"), (name = "grants", description = "Tilskuddsordninger, fylkesfordeling, søknader, vedtak og regnskap"), (name = "insight", description = "Innsikt: status per kommune og teknologi"))
)]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
