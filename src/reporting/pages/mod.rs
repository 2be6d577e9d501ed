//! Reporting pages, one use case per file: "Mine rapporter" ([`mine`]), rounds with
//! completeness ([`rounds`]) and opening one ([`round_new`]), the submission form
//! ([`form`]) with saving ([`submission`]) and review ([`review`]), survey results and export
//! ([`results`]), and reminders ([`reminders`]). Templates and imports have pages of their own.
//! The handlers are re-exported here, so the router names them as `pages::...`.

pub mod form;
pub mod mine;
pub mod reminders;
pub mod results;
pub mod review;
pub mod round_deadline;
pub mod round_new;
pub mod rounds;
pub mod submission;

pub use super::completeness::breakdown;
pub(super) use form::{FileLinks, SectionView, field_views};
pub use mine::{SubmissionLine, line, mine, own_orgs, own_units};
pub use reminders::remind;
pub use results::{export, results};
pub use review::review;
pub use round_new::{create_round, new_round};
pub use rounds::{RoundLine, round, round_lines, rounds};
pub use submission::{save, submission};
pub(super) use submission::{save_command, saved};

use samveis_domain::reporting::Period;

fn share(value: Option<u32>) -> String {
    value.map(|v| format!("{}\u{a0}%", crate::web::format::hundredths(i64::from(v)))).unwrap_or_else(|| "–".into())
}

pub(crate) fn period_label(code: &str) -> String {
    Period::parse(code).map(|p| p.label()).unwrap_or_else(|_| code.to_string())
}
