//! Who acts on a write: a signed-in user, or the system itself (the CLI, the demo loader, a
//! background job). A visitor who is not signed in is no principal at all, so it can never be
//! passed where "the system" is meant (kanidm's `IdentType::Internal` is the model).

use super::{Action, Actor, Resource, may};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    User(Actor),
    /// The system, named for the audit trail ("samveis-cli", "demo").
    System(&'static str),
}

impl Principal {
    /// The system may do anything; a user what the policy allows.
    pub fn may(&self, action: Action, resource: &Resource) -> bool {
        match self {
            Principal::User(actor) => may(Some(actor), action, resource),
            Principal::System(_) => true,
        }
    }

    /// The user behind the principal, for reads that a user's scope limits.
    pub fn actor(&self) -> Option<&Actor> {
        match self {
            Principal::User(actor) => Some(actor),
            Principal::System(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_may_write_and_a_user_only_what_the_policy_allows() {
        let nobody = Principal::User(Actor { user_id: 1, assignments: vec![] });
        assert!(!nobody.may(Action::ManageGrants, &Resource::Any));
        assert!(Principal::System("test").may(Action::ManageGrants, &Resource::Any));
        assert!(nobody.actor().is_some() && Principal::System("test").actor().is_none());
    }
}
