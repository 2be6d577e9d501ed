//! Grants (tilskudd): schemes with yearly frames split over the counties, applications that are
//! screened and decided with target figures, and the ledger of money granted, paid, carried
//! over, repaid and withdrawn. The rules are in `samveis_domain::grants`; this module stores
//! them, checks access and writes the audit trail. One use case per file:
//!
//! - `schemes`: create and close a scheme; the published overview.
//! - `distribution`: a year's frame and its split over the counties.
//! - `applications`: an org unit's application, loaded with what access needs.
//! - `decisions`: grant or reject, and the applicant's acceptance (`de_minimis`, `targets`).
//! - `payments`: payment requests and their handling; `ledger`: booking and reversing.
//! - `letter`, `documents`: the grant letter and the attached documents.

pub mod api;
pub mod applications;
pub mod de_minimis;
pub mod decisions;
mod demo;
pub mod distribution;
pub mod documents;
pub mod error;
pub mod export;
pub mod import;
pub mod ledger;
pub mod letter;
pub mod pages;
pub mod payments;
pub mod schemes;
pub mod store;
pub mod targets;

pub use applications::{
    ApplicationContent, ApplicationForm, Loaded, SaveApplication, Started, delete_draft, load, load_visible,
    parse_kroner, save_application, save_application_with, start_application,
};
pub use decisions::{DecideCommand, DecisionForm, accept, decide};
pub use demo::load as load_demo;
pub use distribution::{FrameCommand, Split, county_bases, distribution, save_frame};
pub use error::{GrantError, GrantResult};
pub use schemes::{GrantLine, SchemeOverview, overview};
pub use targets::{all_targets, targets_by_applicant, targets_for};
