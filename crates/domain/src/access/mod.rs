//! Access (tilgang): who may do what. A user holds role assignments, each scoped to an org unit;
//! one policy function, [`may`], answers every question, and every handler asks it.

mod policy;
mod role;

pub use policy::{Action, Actor, ApplicationFacts, OrgUnit, Resource, SubmissionFacts, may};
pub use role::{Assignment, AssignmentError, OfficeCode, Role, Scope};
