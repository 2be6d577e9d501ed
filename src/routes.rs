//! Every route, declared once: method, path, who may use it, handler and (for uploads) a body
//! limit. The router is built from these tables and nothing else, so a route cannot exist
//! without its access rule; the access-matrix test walks the same tables with every role, inside
//! and outside its scope, and the JSON API's OpenAPI paths come from the API table.
//! The handlers enforce the rule by asking the domain policy (`may`).

use crate::grants::{api as grants_api, pages as grants};
use crate::insight::indicators::pages as indicators;
use crate::registry::{api as registry_api, pages as registry_pages};
use crate::reporting::{api as reporting_api, pages as reporting, template_pages as templates};
use crate::state::AppState;
use crate::{audit_pages, auth::pages as auth_pages, home, monitoring, openapi, users::pages as user_pages, web};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::MethodRouter;
use samveis_domain::access::Action;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, also without login (published registry data, login page, health, readiness).
    Public,
    /// Any signed-in user, for their own account.
    SignedIn,
    /// Whoever the policy allows this action; for a record, inside the record's area.
    Policy(Action),
    /// Only a request straight from this machine (a loopback peer, no proxy's forwarding
    /// header): the metrics for a Prometheus on the same host. Anyone else gets 404.
    Local,
}

/// One route: what the router serves and what the access matrix checks.
#[derive(Clone, Copy)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    /// The largest request body, where it differs from axum's default (uploads, DHIS2 sets).
    pub body_limit: Option<usize>,
    handler: fn() -> MethodRouter<AppState>,
}

impl RouteSpec {
    /// The handler for this method, with its body limit.
    fn method_router(&self) -> MethodRouter<AppState> {
        let router = (self.handler)();
        match self.body_limit {
            Some(limit) => router.layer(DefaultBodyLimit::max(limit)),
            None => router,
        }
    }
}

impl std::fmt::Debug for RouteSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouteSpec")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("access", &self.access)
            .field("body_limit", &self.body_limit)
            .finish()
    }
}

/// `NAME = [METHOD "path" access => handler (, limit BYTES)?; …]` declares a table of routes;
/// `; openapi Doc` after it also derives the OpenAPI document `Doc` of the table's handlers (each
/// annotated with `#[utoipa::path]`).
macro_rules! routes {
    (@limit) => { None };
    (@limit $limit:expr) => { Some($limit) };
    (@on GET) => { axum::routing::get };
    (@on POST) => { axum::routing::post };
    (@on PUT) => { axum::routing::put };
    (@table $(#[$doc:meta])* $name:ident
        [$($method:ident $path:literal $access:expr => $h0:ident $(:: $hr:ident)* $(, limit $limit:expr)?;)*]) => {
        $(#[$doc])*
        pub const $name: &[RouteSpec] = &[$(RouteSpec {
            method: stringify!($method),
            path: $path,
            access: $access,
            body_limit: routes!(@limit $($limit)?),
            handler: || routes!(@on $method)($h0 $(:: $hr)*),
        }),*];
    };
    ($(#[$doc:meta])* $name:ident = [$($body:tt)*]) => {
        routes!(@table $(#[$doc])* $name [$($body)*]);
    };
    ($(#[$doc:meta])* $name:ident = [
        $($method:ident $path:literal $access:expr => $h0:ident $(:: $hr:ident)* $(, limit $limit:expr)?;)*
    ]; openapi $api:ident) => {
        routes!(@table $(#[$doc])* $name [$($method $path $access => $h0 $(:: $hr)* $(, limit $limit)?;)*]);
        /// The OpenAPI paths of the routes in
        #[doc = concat!("[`", stringify!($name), "`].")]
        #[derive(utoipa::OpenApi)]
        #[openapi(paths($($h0 $(:: $hr)*),*))]
        pub struct $api;
    };
}

use Access::{Local, Policy, Public, SignedIn};

routes! {
    /// The front page, monitoring, static files, logging in and the own account.
    HOME = [
        GET "/" Public => home::page;
        GET "/healthz" Public => monitoring::healthz;
        GET "/readyz" Public => monitoring::readyz;
        GET "/metrics" Local => monitoring::metrics;
        GET "/tilgjengelighet" Public => crate::statements::accessibility;
        GET "/personvern" Public => crate::statements::privacy;
        GET "/static/{*path}" Public => web::static_file;
        GET "/logg-inn" Public => auth_pages::login_form;
        POST "/logg-inn" Public => auth_pages::login;
        // Logging out is harmless for anyone: without a session it just returns to the front page.
        POST "/logg-ut" Public => auth_pages::logout;
        GET "/konto" SignedIn => user_pages::account;
        POST "/konto/passord" SignedIn => user_pages::change_password;
    ]
}

routes! {
    /// Counties, municipalities and collaborations.
    REGISTRY = [
        GET "/kommuner" Public => registry_pages::municipalities;
        GET "/kommuner/{nummer}" Public => registry_pages::municipality;
        GET "/fylker" Public => registry_pages::counties;
        GET "/fylker/{nummer}" Public => registry_pages::county;
        GET "/samarbeid" Public => registry_pages::collaborations;
        GET "/samarbeid/ny" Policy(Action::ManageCollaboration) => registry_pages::new_collaboration;
        POST "/samarbeid/ny" Policy(Action::ManageCollaboration) => registry_pages::create_collaboration;
        GET "/samarbeid/{id}" Public => registry_pages::collaboration;
        GET "/samarbeid/{id}/rediger" Policy(Action::ManageCollaboration) => registry_pages::edit_collaboration;
        POST "/samarbeid/{id}/rediger" Policy(Action::ManageCollaboration) => registry_pages::update_collaboration;
        POST "/samarbeid/{id}/avslutt" Policy(Action::ManageCollaboration) => registry_pages::end_collaboration;
    ]
}

routes! {
    /// Users and roles, the audit log and the outbox.
    ADMIN = [
        GET "/admin/brukere" Policy(Action::ManageUsers) => user_pages::list;
        GET "/admin/brukere/ny" Policy(Action::ManageUsers) => user_pages::new_form;
        POST "/admin/brukere/ny" Policy(Action::ManageUsers) => user_pages::create;
        GET "/admin/brukere/{id}" Policy(Action::ManageUsers) => user_pages::show;
        POST "/admin/brukere/{id}/roller" Policy(Action::ManageUsers) => user_pages::grant;
        POST "/admin/brukere/{id}/roller/{rolle}/fjern" Policy(Action::ManageUsers) => user_pages::revoke;
        POST "/admin/brukere/{id}/status" Policy(Action::ManageUsers) => user_pages::set_status;
        GET "/admin/logg" Policy(Action::ViewAuditLog) => audit_pages::page;
        GET "/admin/utboks" Policy(Action::ManageOutbox) => crate::mail::pages::page;
        POST "/admin/utboks/send" Policy(Action::ManageOutbox) => crate::mail::pages::send_now;
    ]
}

routes! {
    /// Reporting: own reports, rounds, imports, submissions and form templates.
    REPORTING = [
        GET "/rapportering" SignedIn => reporting::mine;
        GET "/rapportering/runder" Policy(Action::ViewRounds) => reporting::rounds;
        GET "/rapportering/runder/ny" Policy(Action::ManageRounds) => reporting::new_round;
        POST "/rapportering/runder/ny" Policy(Action::ManageRounds) => reporting::create_round;
        GET "/rapportering/runder/{id}" Policy(Action::ViewRounds) => reporting::round;
        GET "/rapportering/runder/{id}/resultater" Policy(Action::ViewRounds) => reporting::results;
        GET "/rapportering/runder/{id}/frist" Policy(Action::ManageRounds) => crate::reporting::pages::round_deadline::form;
        POST "/rapportering/runder/{id}/frist" Policy(Action::ManageRounds) => crate::reporting::pages::round_deadline::save;
        GET "/rapportering/runder/{id}/{fil}" Policy(Action::ViewRounds) => reporting::export;
        POST "/rapportering/runder/{id}/paminnelse" Policy(Action::SendReminders) => reporting::remind;
        GET "/rapportering/runder/{id}/import" Policy(Action::ManageRounds) => crate::reporting::import_pages::form;
        POST "/rapportering/runder/{id}/import" Policy(Action::ManageRounds) => crate::reporting::import_pages::upload,
            limit crate::files::UPLOAD_BODY_LIMIT;
        POST "/rapportering/runder/{id}/import/bekreft" Policy(Action::ManageRounds)
            => crate::reporting::import_pages::confirm;
        GET "/rapportering/innleveringer/{id}" Policy(Action::ViewSubmission) => reporting::submission;
        POST "/rapportering/innleveringer/{id}" Policy(Action::EditSubmission) => reporting::save;
        POST "/rapportering/innleveringer/{id}/vurdering" Policy(Action::ReviewSubmission) => reporting::review;
        POST "/rapportering/innleveringer/{id}/filer" Policy(Action::EditSubmission)
            => crate::reporting::file_pages::upload, limit crate::reporting::file_pages::FORM_BODY_LIMIT;
        GET "/rapportering/innleveringer/{id}/filer/{sha256}" Policy(Action::ViewSubmission)
            => crate::reporting::file_pages::download;
        GET "/rapportering/maler" Policy(Action::ViewRounds) => templates::templates;
        POST "/rapportering/maler/ny" Policy(Action::ManageRounds) => templates::create;
        GET "/rapportering/maler/{id}" Policy(Action::ViewRounds) => templates::template;
        POST "/rapportering/maler/{id}" Policy(Action::ManageRounds) => templates::edit;
        POST "/rapportering/maler/{id}/ny-versjon" Policy(Action::ManageRounds) => templates::new_version;
    ]
}

routes! {
    /// The calendar and its subscription feed.
    CALENDAR = [
        GET "/kalender" SignedIn => crate::calendar::pages::calendar;
        POST "/kalender/abonnement" SignedIn => crate::calendar::pages::subscribe;
        GET "/kalender/ny" Policy(Action::ManageRounds) => crate::calendar::event_form::new;
        POST "/kalender/ny" Policy(Action::ManageRounds) => crate::calendar::event_form::create;
        GET "/kalender/hendelser/{id}" Policy(Action::ManageRounds) => crate::calendar::event_form::edit;
        POST "/kalender/hendelser/{id}" Policy(Action::ManageRounds) => crate::calendar::event_form::update;
        GET "/kalender/feed/{fil}" Public => crate::calendar::pages::feed;
    ]
}

routes! {
    /// Insight: the national, county, municipality and project views, and the indicators.
    INSIGHT = [
        GET "/innsikt" Policy(Action::ViewRounds) => crate::insight::pages::national;
        GET "/innsikt/statusrapport.pdf" Policy(Action::ViewRounds) => crate::insight::pages::national_pdf;
        GET "/innsikt/slik-regnes-det" Policy(Action::ViewRounds) => crate::insight::pages::method;
        GET "/innsikt/fylker/{nummer}" Policy(Action::ViewRounds) => crate::insight::county::county;
        GET "/innsikt/fylker/{nummer}/{fil}" Policy(Action::ViewRounds) => crate::insight::county::county_export;
        GET "/innsikt/kommuner/{nummer}" SignedIn => crate::insight::org::municipality;
        GET "/innsikt/samarbeid/{id}" SignedIn => crate::insight::org::project;
        GET "/innsikt/indikatorer" Public => indicators::list;
        GET "/innsikt/indikatorer/ny" Policy(Action::ManageIndicators) => indicators::new;
        POST "/innsikt/indikatorer/ny" Policy(Action::ManageIndicators) => indicators::create;
        GET "/innsikt/indikatorer/{kode}" Public => indicators::show;
        GET "/innsikt/indikatorer/{kode}/rediger" Policy(Action::ManageIndicators) => indicators::edit;
        POST "/innsikt/indikatorer/{kode}/rediger" Policy(Action::ManageIndicators) => indicators::update;
        GET "/innsikt/indikatorer/{kode}/{fil}" Public => indicators::export;
    ]
}

routes! {
    /// Grants: schemes, distribution, applications, decisions, payments and the ledger.
    GRANTS = [
        GET "/tilskudd" Public => grants::schemes;
        POST "/tilskudd/ny" Policy(Action::ManageGrants) => grants::create_scheme;
        GET "/tilskudd/{id}" Public => grants::scheme;
        POST "/tilskudd/{id}/avslutt" Policy(Action::ManageGrants) => grants::close_scheme;
        GET "/tilskudd/{id}/{fil}" Public => grants::export;
        GET "/tilskudd/{id}/fordeling" Policy(Action::ManageGrants) => grants::distribution_form;
        POST "/tilskudd/{id}/fordeling" Policy(Action::ManageGrants) => grants::save_distribution;
        GET "/tilskudd/soknader" SignedIn => grants::applications;
        POST "/tilskudd/soknader/ny" Policy(Action::EditApplication) => grants::start;
        GET "/tilskudd/soknader/{id}" Policy(Action::ViewApplication) => grants::application;
        POST "/tilskudd/soknader/{id}" Policy(Action::EditApplication) => grants::save;
        POST "/tilskudd/soknader/{id}/slett" Policy(Action::EditApplication) => grants::delete;
        POST "/tilskudd/soknader/{id}/vedtak" Policy(Action::DecideGrant) => grants::decide;
        GET "/tilskudd/soknader/{id}/tilskuddsbrev.pdf" Policy(Action::ViewApplication) => grants::letter;
        POST "/tilskudd/soknader/{id}/aksept" Policy(Action::AcceptGrant) => grants::accept;
        POST "/tilskudd/soknader/{id}/signert" Policy(Action::AcceptGrant) => grants::signed_letter,
            limit crate::files::UPLOAD_BODY_LIMIT;
        POST "/tilskudd/soknader/{id}/dokument" Policy(Action::EditApplication) => grants::anchoring_document,
            limit crate::files::UPLOAD_BODY_LIMIT;
        GET "/tilskudd/soknader/{id}/dokument/{sha256}" Policy(Action::ViewApplication) => grants::document;
        POST "/tilskudd/soknader/{id}/bokforing" Policy(Action::DecideGrant) => grants::record;
        POST "/tilskudd/soknader/{id}/utbetaling" Policy(Action::AcceptGrant) => grants::request_payment;
        POST "/tilskudd/soknader/{id}/utbetaling/{anmodning}" Policy(Action::DecideGrant) => grants::handle_payment;
    ]
}

routes! {
    /// The OpenAPI document of the JSON API.
    API_DOCUMENT = [
        GET "/api/openapi.json" Public => openapi::document;
    ]
}

routes! {
    /// The JSON API; every handler here carries its OpenAPI annotation.
    API = [
        GET "/api/v1/me" SignedIn => registry_api::me;
        GET "/api/v1/me/tasks" SignedIn => crate::work::api::my_tasks;
        GET "/api/v1/rounds" SignedIn => reporting_api::rounds;
        POST "/api/v1/rounds" Policy(Action::ManageRounds) => reporting_api::open_round;
        GET "/api/v1/dhis2/dataValueSets" SignedIn => crate::reporting::dhis2::get_set;
        GET "/api/v1/dhis2/dataValueSets.json" SignedIn => crate::reporting::dhis2::get_set_json;
        GET "/api/v1/dhis2/dataValueSets.csv" SignedIn => crate::reporting::dhis2::get_set_csv;
        POST "/api/v1/dhis2/dataValueSets" Policy(Action::ManageRounds) => crate::reporting::dhis2::post_set,
            limit crate::reporting::dhis2::MAX_SET_BYTES;
        GET "/api/v1/rounds/{id}/completeness" Policy(Action::ViewRounds) => reporting_api::completeness;
        GET "/api/v1/submissions" SignedIn => reporting_api::submissions;
        GET "/api/v1/submissions/{id}" Policy(Action::ViewSubmission) => reporting_api::submission;
        PUT "/api/v1/submissions/{id}" Policy(Action::EditSubmission) => reporting_api::save_submission;
        GET "/api/v1/insight/counties/{number}" Policy(Action::ViewRounds) => crate::insight::api::county;
        GET "/api/v1/indikatorer" Public => crate::insight::indicators::api::list;
        GET "/api/v1/indikatorer/{code}" Public => crate::insight::indicators::api::values;
        GET "/api/v1/schemes" Public => grants_api::schemes;
        GET "/api/v1/schemes/{id}" Public => grants_api::scheme;
        GET "/api/v1/distribution" Public => grants_api::distribution;
        GET "/api/v1/applications" SignedIn => grants_api::applications;
        GET "/api/v1/applications/{id}" Policy(Action::ViewApplication) => grants_api::application;
        GET "/api/v1/counties" Public => registry_api::counties;
        GET "/api/v1/municipalities" Public => registry_api::municipalities;
        GET "/api/v1/municipalities/{number}" Public => registry_api::municipality;
        GET "/api/v1/collaborations" Public => registry_api::collaborations;
        POST "/api/v1/collaborations" Policy(Action::ManageCollaboration) => registry_api::create_collaboration;
        GET "/api/v1/collaborations/{id}" Public => registry_api::collaboration;
        PUT "/api/v1/collaborations/{id}" Policy(Action::ManageCollaboration) => registry_api::update_collaboration;
    ];
    openapi ApiPaths
}

/// Every table, in the order the access matrix walks them.
pub const ROUTES: &[&[RouteSpec]] = &[HOME, REGISTRY, ADMIN, REPORTING, CALENDAR, INSIGHT, GRANTS, API_DOCUMENT, API];

/// Every route.
pub fn all() -> impl Iterator<Item = &'static RouteSpec> {
    ROUTES.iter().flat_map(|table| table.iter())
}

/// The router of every route; what matches none is a Norwegian 404.
pub fn router() -> Router<AppState> {
    all()
        .fold(Router::new(), |router, route| router.route(route.path, route.method_router()))
        .fallback(|| async { crate::error::AppError::NotFound("Fant ikke siden.".into()) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use utoipa::OpenApi;

    #[test]
    fn no_route_is_declared_twice() {
        let mut seen = BTreeSet::new();
        for route in all() {
            assert!(seen.insert((route.method, route.path)), "{} {} is declared twice", route.method, route.path);
        }
    }

    /// The API table and the handlers' OpenAPI annotations name the same methods and paths.
    #[test]
    fn the_api_table_and_the_openapi_paths_agree() {
        let doc = ApiPaths::openapi();
        let documented: BTreeSet<(String, String)> = doc
            .paths
            .paths
            .iter()
            .flat_map(|(path, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ];
                methods.into_iter().filter(|(_, on)| *on).map(|(m, _)| (m.to_string(), path.clone()))
            })
            .collect();
        let routed: BTreeSet<(String, String)> =
            API.iter().map(|r| (r.method.to_string(), r.path.to_string())).collect();
        assert_eq!(documented, routed);
        assert!(all().filter(|r| r.path.starts_with("/api/v1/")).all(|r| API.iter().any(|a| a.path == r.path)));
    }

    #[test]
    fn the_router_builds() {
        let _ = router();
    }
}
