//! Access (tilgang): who may do what. A user holds role assignments, each scoped to an org unit;
//! one policy function, [`may`], answers every question, and every handler asks it.

mod policy;
mod principal;
mod role;
pub mod throttle;

pub use policy::{Action, Actor, ApplicationFacts, OrgUnit, Resource, SubmissionFacts, may};
pub use principal::Principal;
pub use role::{Assignment, AssignmentError, OfficeCode, Role, Scope};
