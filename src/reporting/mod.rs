//! Reporting (rapportering): rounds that ask org units for a form, submissions that are filled
//! in, sent, reviewed and counted. The rules are in `samveis_domain::reporting`; this module
//! stores them, checks access and writes the audit trail.
//!
//! One use case per file: [`audience`] and [`rounds`] open a round, [`access`] decides who may
//! see or change a submission, [`submissions`] saves one, [`review`] reviews it,
//! [`completeness`] counts a round; the pages are in [`pages`].

pub mod access;
pub mod api;
pub mod audience;
pub mod builder;
pub mod completeness;
mod demo;
pub mod dhis2;
mod error;
pub mod export;
pub mod file_pages;
pub mod files;
pub mod import;
pub mod import_pages;
pub mod pages;
pub mod reminders;
pub mod review;
pub mod round_request;
pub mod rounds;
pub mod scale;
pub mod store;
pub mod submissions;
pub mod template_pages;
pub mod values;

pub use access::{Loaded, load, load_visible, may_on_row, org_offices, permitted_in_round};
pub use audience::{Audience, resolve_audience};
pub use completeness::{Breakdown, completeness, survey_results};
pub use demo::load as load_demo;
pub use error::{ReportingError, ReportingResult};
pub use review::{Decision, ReviewCommand, review};
pub use round_request::{RoundRequest, spec_of};
pub use rounds::{
    PreparedRound, REVIEWER_COUNTY, REVIEWER_PROGRAMME, RoundSpec, change_deadline, ensure_templates, open_round,
    prepare_round,
};
pub use submissions::{SaveCommand, save};
