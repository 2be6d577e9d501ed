//! Every route and who may use it. The router below and the table [`ROUTES`] are kept side by
//! side; the access-matrix test walks the table with every role, inside and outside its scope.
//! The handlers enforce the rule by asking the domain policy (`may`).

use crate::grants::{api as grants_api, pages as grants};
use crate::insight::indicators::pages as indicators;
use crate::registry::{api as registry_api, pages as registry_pages};
use crate::reporting::{api as reporting_api, pages as reporting, template_pages as templates};
use crate::state::AppState;
use crate::{audit_pages, auth::pages as auth_pages, home, openapi, users::pages as user_pages, web};
use axum::Router;
use axum::routing::{get, post};
use samveis_domain::access::Action;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, also without login (published registry data, login page, health).
    Public,
    /// Any signed-in user, for their own account.
    SignedIn,
    /// Whoever the policy allows this action; for a record, inside the record's area.
    Policy(Action),
}

#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

const fn route(method: &'static str, path: &'static str, access: Access) -> RouteSpec {
    RouteSpec { method, path, access }
}

use Access::{Policy, Public, SignedIn};
pub const ROUTES: &[RouteSpec] = &[
    route("GET", "/", Public),
    route("GET", "/healthz", Public),
    route("GET", "/static/{*path}", Public),
    route("GET", "/logg-inn", Public),
    route("POST", "/logg-inn", Public),
    // Logging out is harmless for anyone: without a session it just returns to the front page.
    route("POST", "/logg-ut", Public),
    route("GET", "/konto", SignedIn),
    route("POST", "/konto/passord", SignedIn),
    route("GET", "/kommuner", Public),
    route("GET", "/kommuner/{nummer}", Public),
    route("GET", "/fylker", Public),
    route("GET", "/fylker/{nummer}", Public),
    route("GET", "/samarbeid", Public),
    route("GET", "/samarbeid/ny", Policy(Action::ManageCollaboration)),
    route("POST", "/samarbeid/ny", Policy(Action::ManageCollaboration)),
    route("GET", "/samarbeid/{id}", Public),
    route("GET", "/samarbeid/{id}/rediger", Policy(Action::ManageCollaboration)),
    route("POST", "/samarbeid/{id}/rediger", Policy(Action::ManageCollaboration)),
    route("POST", "/samarbeid/{id}/avslutt", Policy(Action::ManageCollaboration)),
    route("GET", "/admin/brukere", Policy(Action::ManageUsers)),
    route("GET", "/admin/brukere/ny", Policy(Action::ManageUsers)),
    route("POST", "/admin/brukere/ny", Policy(Action::ManageUsers)),
    route("GET", "/admin/brukere/{id}", Policy(Action::ManageUsers)),
    route("POST", "/admin/brukere/{id}/roller", Policy(Action::ManageUsers)),
    route("POST", "/admin/brukere/{id}/roller/{rolle}/fjern", Policy(Action::ManageUsers)),
    route("POST", "/admin/brukere/{id}/status", Policy(Action::ManageUsers)),
    route("GET", "/admin/logg", Policy(Action::ViewAuditLog)),
    route("GET", "/admin/utboks", Policy(Action::ManageOutbox)),
    route("POST", "/admin/utboks/send", Policy(Action::ManageOutbox)),
    route("GET", "/rapportering", SignedIn),
    route("GET", "/rapportering/runder", Policy(Action::ViewRounds)),
    route("GET", "/rapportering/runder/ny", Policy(Action::ManageRounds)),
    route("POST", "/rapportering/runder/ny", Policy(Action::ManageRounds)),
    route("GET", "/rapportering/runder/{id}", Policy(Action::ViewRounds)),
    route("GET", "/rapportering/runder/{id}/resultater", Policy(Action::ViewRounds)),
    route("GET", "/rapportering/runder/{id}/{fil}", Policy(Action::ViewRounds)),
    route("POST", "/rapportering/runder/{id}/paminnelse", Policy(Action::SendReminders)),
    route("GET", "/rapportering/runder/{id}/import", Policy(Action::ManageRounds)),
    route("POST", "/rapportering/runder/{id}/import", Policy(Action::ManageRounds)),
    route("POST", "/rapportering/runder/{id}/import/bekreft", Policy(Action::ManageRounds)),
    route("GET", "/rapportering/innleveringer/{id}", Policy(Action::ViewSubmission)),
    route("POST", "/rapportering/innleveringer/{id}", Policy(Action::EditSubmission)),
    route("POST", "/rapportering/innleveringer/{id}/vurdering", Policy(Action::ReviewSubmission)),
    route("POST", "/rapportering/innleveringer/{id}/filer", Policy(Action::EditSubmission)),
    route("GET", "/rapportering/innleveringer/{id}/filer/{sha256}", Policy(Action::ViewSubmission)),
    route("GET", "/rapportering/maler", Policy(Action::ViewRounds)),
    route("POST", "/rapportering/maler/ny", Policy(Action::ManageRounds)),
    route("GET", "/rapportering/maler/{id}", Policy(Action::ViewRounds)),
    route("POST", "/rapportering/maler/{id}", Policy(Action::ManageRounds)),
    route("POST", "/rapportering/maler/{id}/ny-versjon", Policy(Action::ManageRounds)),
    route("GET", "/kalender", SignedIn),
    route("POST", "/kalender/abonnement", SignedIn),
    route("GET", "/kalender/feed/{fil}", Public),
    route("GET", "/innsikt", Policy(Action::ViewRounds)),
    route("GET", "/innsikt/statusrapport.pdf", Policy(Action::ViewRounds)),
    route("GET", "/innsikt/slik-regnes-det", Policy(Action::ViewRounds)),
    route("GET", "/innsikt/fylker/{nummer}", Policy(Action::ViewRounds)),
    route("GET", "/innsikt/fylker/{nummer}/{fil}", Policy(Action::ViewRounds)),
    route("GET", "/innsikt/kommuner/{nummer}", SignedIn),
    route("GET", "/innsikt/samarbeid/{id}", SignedIn),
    route("GET", "/innsikt/indikatorer", Public),
    route("GET", "/innsikt/indikatorer/ny", Policy(Action::ManageIndicators)),
    route("POST", "/innsikt/indikatorer/ny", Policy(Action::ManageIndicators)),
    route("GET", "/innsikt/indikatorer/{kode}", Public),
    route("GET", "/innsikt/indikatorer/{kode}/rediger", Policy(Action::ManageIndicators)),
    route("POST", "/innsikt/indikatorer/{kode}/rediger", Policy(Action::ManageIndicators)),
    route("GET", "/innsikt/indikatorer/{kode}/{fil}", Public),
    route("GET", "/tilskudd", Public),
    route("POST", "/tilskudd/ny", Policy(Action::ManageGrants)),
    route("GET", "/tilskudd/{id}", Public),
    route("POST", "/tilskudd/{id}/avslutt", Policy(Action::ManageGrants)),
    route("GET", "/tilskudd/{id}/{fil}", Public),
    route("GET", "/tilskudd/{id}/fordeling", Policy(Action::ManageGrants)),
    route("POST", "/tilskudd/{id}/fordeling", Policy(Action::ManageGrants)),
    route("GET", "/tilskudd/soknader", SignedIn),
    route("POST", "/tilskudd/soknader/ny", Policy(Action::EditApplication)),
    route("GET", "/tilskudd/soknader/{id}", Policy(Action::ViewApplication)),
    route("POST", "/tilskudd/soknader/{id}", Policy(Action::EditApplication)),
    route("POST", "/tilskudd/soknader/{id}/vedtak", Policy(Action::DecideGrant)),
    route("GET", "/tilskudd/soknader/{id}/tilskuddsbrev.pdf", Policy(Action::ViewApplication)),
    route("POST", "/tilskudd/soknader/{id}/aksept", Policy(Action::AcceptGrant)),
    route("POST", "/tilskudd/soknader/{id}/signert", Policy(Action::AcceptGrant)),
    route("POST", "/tilskudd/soknader/{id}/dokument", Policy(Action::EditApplication)),
    route("GET", "/tilskudd/soknader/{id}/dokument/{sha256}", Policy(Action::ViewApplication)),
    route("POST", "/tilskudd/soknader/{id}/bokforing", Policy(Action::DecideGrant)),
    route("POST", "/tilskudd/soknader/{id}/utbetaling", Policy(Action::AcceptGrant)),
    route("POST", "/tilskudd/soknader/{id}/utbetaling/{anmodning}", Policy(Action::DecideGrant)),
    route("GET", "/api/openapi.json", Public),
    route("GET", "/api/v1/me", SignedIn),
    route("GET", "/api/v1/rounds", SignedIn),
    route("GET", "/api/v1/dhis2/dataValueSets", SignedIn),
    route("POST", "/api/v1/dhis2/dataValueSets", Policy(Action::ManageRounds)),
    route("GET", "/api/v1/rounds/{id}/completeness", Policy(Action::ViewRounds)),
    route("GET", "/api/v1/submissions", SignedIn),
    route("GET", "/api/v1/submissions/{id}", Policy(Action::ViewSubmission)),
    route("PUT", "/api/v1/submissions/{id}", Policy(Action::EditSubmission)),
    route("GET", "/api/v1/insight/counties/{number}", Policy(Action::ViewRounds)),
    route("GET", "/api/v1/indikatorer", Public),
    route("GET", "/api/v1/indikatorer/{code}", Public),
    route("GET", "/api/v1/schemes", Public),
    route("GET", "/api/v1/schemes/{id}", Public),
    route("GET", "/api/v1/distribution", Public),
    route("GET", "/api/v1/applications", SignedIn),
    route("GET", "/api/v1/applications/{id}", Policy(Action::ViewApplication)),
    route("GET", "/api/v1/counties", Public),
    route("GET", "/api/v1/municipalities", Public),
    route("GET", "/api/v1/municipalities/{number}", Public),
    route("GET", "/api/v1/collaborations", Public),
    route("POST", "/api/v1/collaborations", Policy(Action::ManageCollaboration)),
    route("GET", "/api/v1/collaborations/{id}", Public),
    route("PUT", "/api/v1/collaborations/{id}", Policy(Action::ManageCollaboration)),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::page))
        .route("/healthz", get(home::healthz))
        .route("/static/{*path}", get(web::static_file))
        .route("/logg-inn", get(auth_pages::login_form).post(auth_pages::login))
        .route("/logg-ut", post(auth_pages::logout))
        .route("/konto", get(user_pages::account))
        .route("/konto/passord", post(user_pages::change_password))
        .route("/kommuner", get(registry_pages::municipalities))
        .route("/kommuner/{nummer}", get(registry_pages::municipality))
        .route("/fylker", get(registry_pages::counties))
        .route("/fylker/{nummer}", get(registry_pages::county))
        .route("/samarbeid", get(registry_pages::collaborations))
        .route("/samarbeid/ny", get(registry_pages::new_collaboration).post(registry_pages::create_collaboration))
        .route("/samarbeid/{id}", get(registry_pages::collaboration))
        .route(
            "/samarbeid/{id}/rediger",
            get(registry_pages::edit_collaboration).post(registry_pages::update_collaboration),
        )
        .route("/samarbeid/{id}/avslutt", post(registry_pages::end_collaboration))
        .route("/admin/brukere", get(user_pages::list))
        .route("/admin/brukere/ny", get(user_pages::new_form).post(user_pages::create))
        .route("/admin/brukere/{id}", get(user_pages::show))
        .route("/admin/brukere/{id}/roller", post(user_pages::grant))
        .route("/admin/brukere/{id}/roller/{rolle}/fjern", post(user_pages::revoke))
        .route("/admin/brukere/{id}/status", post(user_pages::set_status))
        .route("/admin/logg", get(audit_pages::page))
        .route("/admin/utboks", get(crate::mail::pages::page))
        .route("/admin/utboks/send", post(crate::mail::pages::send_now))
        .route("/rapportering", get(reporting::mine))
        .route("/rapportering/runder", get(reporting::rounds))
        .route("/rapportering/runder/ny", get(reporting::new_round).post(reporting::create_round))
        .route("/rapportering/runder/{id}", get(reporting::round))
        .route("/rapportering/runder/{id}/resultater", get(reporting::results))
        .route("/rapportering/runder/{id}/{fil}", get(reporting::export))
        .route("/rapportering/runder/{id}/paminnelse", post(reporting::remind))
        .route(
            "/rapportering/runder/{id}/import",
            get(crate::reporting::import_pages::form)
                .post(crate::reporting::import_pages::upload)
                .layer(axum::extract::DefaultBodyLimit::max(crate::files::UPLOAD_BODY_LIMIT)),
        )
        .route("/rapportering/runder/{id}/import/bekreft", post(crate::reporting::import_pages::confirm))
        .route("/rapportering/innleveringer/{id}", get(reporting::submission).post(reporting::save))
        .route("/rapportering/innleveringer/{id}/vurdering", post(reporting::review))
        .route(
            "/rapportering/innleveringer/{id}/filer",
            post(crate::reporting::file_pages::upload)
                .layer(axum::extract::DefaultBodyLimit::max(crate::files::UPLOAD_BODY_LIMIT)),
        )
        .route("/rapportering/innleveringer/{id}/filer/{sha256}", get(crate::reporting::file_pages::download))
        .route("/rapportering/maler", get(templates::templates))
        .route("/rapportering/maler/ny", post(templates::create))
        .route("/rapportering/maler/{id}", get(templates::template).post(templates::edit))
        .route("/rapportering/maler/{id}/ny-versjon", post(templates::new_version))
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/v1/me", get(registry_api::me))
        .route("/kalender", get(crate::calendar::pages::calendar))
        .route("/kalender/abonnement", post(crate::calendar::pages::subscribe))
        .route("/kalender/feed/{fil}", get(crate::calendar::pages::feed))
        .route("/innsikt", get(crate::insight::pages::national))
        .route("/innsikt/statusrapport.pdf", get(crate::insight::pages::national_pdf))
        .route("/innsikt/slik-regnes-det", get(crate::insight::pages::method))
        .route("/innsikt/fylker/{nummer}", get(crate::insight::pages::county))
        .route("/innsikt/fylker/{nummer}/{fil}", get(crate::insight::pages::county_export))
        .route("/innsikt/kommuner/{nummer}", get(crate::insight::org::municipality))
        .route("/innsikt/samarbeid/{id}", get(crate::insight::org::project))
        .route("/innsikt/indikatorer", get(indicators::list))
        .route("/innsikt/indikatorer/ny", get(indicators::new).post(indicators::create))
        .route("/innsikt/indikatorer/{kode}", get(indicators::show))
        .route("/innsikt/indikatorer/{kode}/rediger", get(indicators::edit).post(indicators::update))
        .route("/innsikt/indikatorer/{kode}/{fil}", get(indicators::export))
        .route("/tilskudd", get(grants::schemes))
        .route("/tilskudd/ny", post(grants::create_scheme))
        .route("/tilskudd/{id}", get(grants::scheme))
        .route("/tilskudd/{id}/avslutt", post(grants::close_scheme))
        .route("/tilskudd/{id}/{fil}", get(grants::export))
        .route("/tilskudd/{id}/fordeling", get(grants::distribution_form).post(grants::save_distribution))
        .route("/tilskudd/soknader", get(grants::applications))
        .route("/tilskudd/soknader/ny", post(grants::start))
        .route("/tilskudd/soknader/{id}", get(grants::application).post(grants::save))
        .route("/tilskudd/soknader/{id}/vedtak", post(grants::decide))
        .route("/tilskudd/soknader/{id}/tilskuddsbrev.pdf", get(grants::letter))
        .route("/tilskudd/soknader/{id}/aksept", post(grants::accept))
        .route(
            "/tilskudd/soknader/{id}/signert",
            post(grants::signed_letter).layer(axum::extract::DefaultBodyLimit::max(crate::files::UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/tilskudd/soknader/{id}/dokument",
            post(grants::anchoring_document)
                .layer(axum::extract::DefaultBodyLimit::max(crate::files::UPLOAD_BODY_LIMIT)),
        )
        .route("/tilskudd/soknader/{id}/dokument/{sha256}", get(grants::document))
        .route("/tilskudd/soknader/{id}/bokforing", post(grants::record))
        .route("/tilskudd/soknader/{id}/utbetaling", post(grants::request_payment))
        .route("/tilskudd/soknader/{id}/utbetaling/{anmodning}", post(grants::handle_payment))
        .route("/api/v1/insight/counties/{number}", get(crate::insight::api::county))
        .route("/api/v1/indikatorer", get(crate::insight::indicators::api::list))
        .route("/api/v1/indikatorer/{code}", get(crate::insight::indicators::api::values))
        .route("/api/v1/schemes", get(grants_api::schemes))
        .route("/api/v1/schemes/{id}", get(grants_api::scheme))
        .route("/api/v1/distribution", get(grants_api::distribution))
        .route("/api/v1/applications", get(grants_api::applications))
        .route("/api/v1/applications/{id}", get(grants_api::application))
        .route("/api/v1/rounds", get(reporting_api::rounds))
        .route(
            "/api/v1/dhis2/dataValueSets",
            get(crate::reporting::dhis2::get_set)
                .post(crate::reporting::dhis2::post_set)
                .layer(axum::extract::DefaultBodyLimit::max(crate::reporting::dhis2::MAX_SET_BYTES)),
        )
        .route("/api/v1/rounds/{id}/completeness", get(reporting_api::completeness))
        .route("/api/v1/submissions", get(reporting_api::submissions))
        .route("/api/v1/submissions/{id}", get(reporting_api::submission).put(reporting_api::save_submission))
        .route("/api/v1/counties", get(registry_api::counties))
        .route("/api/v1/municipalities", get(registry_api::municipalities))
        .route("/api/v1/municipalities/{number}", get(registry_api::municipality))
        .route("/api/v1/collaborations", get(registry_api::collaborations).post(registry_api::create_collaboration))
        .route("/api/v1/collaborations/{id}", get(registry_api::collaboration).put(registry_api::update_collaboration))
        .fallback(|| async { crate::error::AppError::NotFound("Fant ikke siden.".into()) })
}
