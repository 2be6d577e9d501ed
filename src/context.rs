//! The context of a write: who acts, the author the audit trail shows, and the time. Built once
//! at the edge (a handler from the signed-in user, the CLI and the demo loader as the system) and
//! passed to every write service instead of three loose arguments.

use crate::audit::Author;
use crate::auth::SignedIn;
use chrono::NaiveDateTime;
use samveis_domain::access::{Action, Actor, Principal, Resource};

/// Refused: the principal may not do this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Du har ikke tilgang til dette.")]
pub struct Forbidden;

#[derive(Debug, Clone)]
pub struct Ctx {
    pub who: Principal,
    pub author: Author,
    pub now: NaiveDateTime,
}

impl Ctx {
    /// A signed-in user acting through the web.
    pub fn user(user: &SignedIn, now: NaiveDateTime) -> Ctx {
        Ctx { who: Principal::User(user.actor.clone()), author: user.author(), now }
    }

    /// The system acting (CLI, demo loader, background job), named in the audit trail.
    pub fn system(label: &'static str, now: NaiveDateTime) -> Ctx {
        Ctx { who: Principal::System(label), author: Author::system(label), now }
    }

    /// Refuses unless the principal may do `action` on `resource`.
    pub fn require(&self, action: Action, resource: &Resource) -> Result<(), Forbidden> {
        if self.who.may(action, resource) { Ok(()) } else { Err(Forbidden) }
    }

    pub fn may(&self, action: Action, resource: &Resource) -> bool {
        self.who.may(action, resource)
    }

    /// The signed-in user, for what a user's scope limits (the system has no scope).
    pub fn actor(&self) -> Option<&Actor> {
        self.who.actor()
    }
}
