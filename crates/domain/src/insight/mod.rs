//! Insight (innsikt): figures computed from submitted reports, for the national, county and
//! municipality views. Pure: the app reads the reports and hands them in.

mod benefits;
pub mod indicator;
pub mod placement;
pub mod provenance;
pub mod targets;
mod technology;

pub use benefits::{BENEFIT_TECHNOLOGIES, Benefit, benefits};
pub use provenance::{Counted, Provenance, RoundOrder, SourceRound};
pub use technology::{
    Adoption, Doubt, IN_OPERATION, TECHNOLOGIES, TechState, TechStatus, Technology, adoption, merge_statuses,
    technology_status,
};
