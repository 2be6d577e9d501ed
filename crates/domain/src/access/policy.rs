//! The policy: `may(actor, action, resource)`. Handlers resolve the facts a decision needs
//! (which office's area a record lies in) and ask; nothing else decides access.

use super::{Assignment, OfficeCode, Role, Scope};
use crate::registry::MunicipalityNumber;
use std::collections::BTreeSet;

/// A logged-in user with the assignments they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub assignments: Vec<Assignment>,
}

impl Actor {
    pub fn is_national_admin(&self) -> bool {
        self.has(Role::NationalAdmin)
    }

    pub fn has(&self, role: Role) -> bool {
        self.assignments.iter().any(|a| a.role == role)
    }

    /// The county governor offices this actor works for as county officer.
    pub fn offices(&self) -> BTreeSet<&OfficeCode> {
        self.assignments
            .iter()
            .filter_map(|a| match (&a.role, &a.scope) {
                (Role::CountyOfficer, Scope::Office(code)) => Some(code),
                _ => None,
            })
            .collect()
    }

    fn covers_any(&self, offices: &[OfficeCode]) -> bool {
        let mine = self.offices();
        offices.iter().any(|o| mine.contains(o))
    }

    fn covers_all(&self, offices: &[OfficeCode]) -> bool {
        let mine = self.offices();
        !offices.is_empty() && offices.iter().all(|o| mine.contains(o))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Published registry data: counties, municipalities, collaborations.
    ViewRegistry,
    /// Pages behind login that only show the user's own account and work.
    ViewOwnAccount,
    /// Create, edit or end a collaboration.
    ManageCollaboration,
    /// See users and grant or revoke role assignments.
    ManageUsers,
    /// Read the audit trail.
    ViewAuditLog,
    /// Build form templates and open reporting rounds (the programme office).
    ManageRounds,
    /// See reporting rounds and their completeness.
    ViewRounds,
    /// Read one submission.
    ViewSubmission,
    /// Fill in and send a submission for one's own org unit.
    EditSubmission,
    /// Accept, return or reopen a submission.
    ReviewSubmission,
    /// Remind those who have not delivered (each only for submissions one may review).
    SendReminders,
    /// Create grant schemes and set their yearly frames and county distribution.
    ManageGrants,
    /// Apply for a grant for one's own org unit (write the draft and send it).
    EditApplication,
    /// Read one grant application with its decision and ledger.
    ViewApplication,
    /// Decide an application, write the grant letter terms and record payments (the county).
    DecideGrant,
    /// Accept a granted application's terms (the applicant).
    AcceptGrant,
    /// Add and change indicator definitions (the programme office).
    ManageIndicators,
    /// Read the outbox of e-mail and send what waits (the national admin only).
    ManageOutbox,
}

/// The org unit a submission belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OrgUnit {
    Municipality(MunicipalityNumber),
    Collaboration(i64),
}

impl OrgUnit {
    /// The org unit a stored (kind, id) pair names: ("municipality", "1804") or
    /// ("collaboration", "3"); none for another kind (a county network) or a malformed id.
    pub fn from_stored(kind: &str, id: &str) -> Option<OrgUnit> {
        match kind {
            "municipality" => MunicipalityNumber::parse(id).ok().map(OrgUnit::Municipality),
            "collaboration" => id.parse().ok().map(OrgUnit::Collaboration),
            _ => None,
        }
    }

    /// The (kind, id) pair the org unit is stored as.
    pub fn stored(&self) -> (&'static str, String) {
        match self {
            OrgUnit::Municipality(n) => ("municipality", n.to_string()),
            OrgUnit::Collaboration(id) => ("collaboration", id.to_string()),
        }
    }
}

/// What the policy needs to know about a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionFacts<'a> {
    pub org: &'a OrgUnit,
    /// The offices whose area the org unit lies in.
    pub offices: &'a [OfficeCode],
    /// The round is reviewed by the county governor (else by the programme office).
    pub reviewed_by_county: bool,
    /// Still a draft: only its own org unit sees it.
    pub draft: bool,
}

/// What an action is aimed at, with the facts the policy needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource<'a> {
    /// Anything, before a specific record is known (a list page, a "new" form).
    Any,
    /// A record that lies in the area of these offices (a collaboration by its host's county; a
    /// municipality's users).
    InArea(&'a [OfficeCode]),
    /// A role assignment to grant or revoke, with the offices whose area its scope lies in
    /// (empty for national scope and for scopes outside every office).
    Assignment {
        role: Role,
        offices: &'a [OfficeCode],
    },
    Submission(SubmissionFacts<'a>),
    Application(ApplicationFacts<'a>),
}

/// What the policy needs to know about a grant application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationFacts<'a> {
    /// The applying org unit; none for a county network (historic records).
    pub applicant: Option<&'a OrgUnit>,
    /// The offices whose area the applicant lies in.
    pub offices: &'a [OfficeCode],
    /// Not sent yet: only the applicant sees it.
    pub draft: bool,
}

/// The one access decision of Samveis.
pub fn may(actor: Option<&Actor>, action: Action, resource: &Resource) -> bool {
    if action == Action::ViewRegistry {
        return true;
    }
    let Some(actor) = actor else { return false };
    if actor.is_national_admin() || action == Action::ViewOwnAccount {
        return true;
    }
    if let Resource::Submission(facts) = resource {
        return may_on_submission(actor, action, facts);
    }
    if let Resource::Application(facts) = resource {
        return may_on_application(actor, action, facts);
    }
    if action == Action::SendReminders {
        return actor.has(Role::CountyOfficer);
    }
    if action == Action::ViewRounds {
        return actor.has(Role::CountyOfficer) || actor.has(Role::Viewer);
    }
    if !actor.has(Role::CountyOfficer) {
        return false;
    }
    match (action, resource) {
        // The whole trail spans every area: only the national admin reads it all. County officers
        // read the history of records in their area.
        (Action::ManageCollaboration | Action::ManageUsers, Resource::Any) => true,
        (Action::ManageCollaboration | Action::ViewAuditLog, Resource::InArea(offices)) => actor.covers_any(offices),
        (Action::ManageUsers, Resource::InArea(offices)) => actor.covers_all(offices),
        // A county officer hands out only the roles below their own, and only inside their area.
        (Action::ManageUsers, Resource::Assignment { role, offices }) => {
            matches!(role, Role::MunicipalEditor | Role::ProjectLeader | Role::Viewer) && actor.covers_all(offices)
        }
        _ => false,
    }
}

/// Whether the actor answers for this org unit (municipal editor or project leader of it).
fn answers_for(actor: &Actor, org: &OrgUnit) -> bool {
    actor.assignments.iter().any(|a| match (&a.role, &a.scope, org) {
        (Role::MunicipalEditor, Scope::Municipality(n), OrgUnit::Municipality(m)) => n == m,
        (Role::ProjectLeader, Scope::Collaboration(id), OrgUnit::Collaboration(c)) => id == c,
        _ => false,
    })
}

/// Whether a viewer assignment covers the org unit.
fn views(actor: &Actor, facts: &SubmissionFacts) -> bool {
    actor.assignments.iter().any(|a| match (&a.role, &a.scope, facts.org) {
        (Role::Viewer, Scope::National, _) => true,
        (Role::Viewer, Scope::Office(code), _) => facts.offices.contains(code),
        (Role::Viewer, Scope::Municipality(n), OrgUnit::Municipality(m)) => n == m,
        (Role::Viewer, Scope::Collaboration(id), OrgUnit::Collaboration(c)) => id == c,
        _ => false,
    })
}

fn may_on_submission(actor: &Actor, action: Action, facts: &SubmissionFacts) -> bool {
    let own = answers_for(actor, facts.org);
    let county = actor.covers_any(facts.offices);
    match action {
        Action::EditSubmission => own,
        // A draft is the org unit's own work until it is sent in.
        Action::ViewSubmission => own || (!facts.draft && (county || views(actor, facts))),
        Action::ReviewSubmission => facts.reviewed_by_county && county,
        _ => false,
    }
}

fn may_on_application(actor: &Actor, action: Action, facts: &ApplicationFacts) -> bool {
    let own = facts.applicant.is_some_and(|org| answers_for(actor, org));
    let county = actor.covers_any(facts.offices);
    let viewer = actor.assignments.iter().any(|a| match (&a.role, &a.scope) {
        (Role::Viewer, Scope::National) => true,
        (Role::Viewer, Scope::Office(code)) => facts.offices.contains(code),
        _ => false,
    });
    match action {
        Action::EditApplication => own && facts.draft,
        Action::ViewApplication => own || (!facts.draft && (county || viewer)),
        Action::DecideGrant => !facts.draft && county,
        Action::AcceptGrant => own && !facts.draft,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::MunicipalityNumber;

    #[test]
    fn an_application_is_the_applicants_until_sent_and_its_countys_to_decide() {
        let bodo = OrgUnit::Municipality(MunicipalityNumber::parse("1804").unwrap());
        let editor = actor(Role::MunicipalEditor, Scope::Municipality(MunicipalityNumber::parse("1804").unwrap()));
        let other = actor(Role::MunicipalEditor, Scope::Municipality(MunicipalityNumber::parse("1841").unwrap()));
        let officer = actor(Role::CountyOfficer, Scope::Office("nordland".into()));
        let agder = actor(Role::CountyOfficer, Scope::Office("agder".into()));
        let offices = nordland();
        let draft = Resource::Application(ApplicationFacts { applicant: Some(&bodo), offices: &offices, draft: true });
        let sent = Resource::Application(ApplicationFacts { applicant: Some(&bodo), offices: &offices, draft: false });
        assert!(may(Some(&editor), Action::EditApplication, &draft));
        assert!(!may(Some(&editor), Action::EditApplication, &sent));
        assert!(!may(Some(&other), Action::ViewApplication, &draft));
        assert!(!may(Some(&other), Action::ViewApplication, &sent));
        assert!(!may(Some(&officer), Action::ViewApplication, &draft));
        assert!(may(Some(&officer), Action::DecideGrant, &sent));
        assert!(!may(Some(&agder), Action::DecideGrant, &sent));
        assert!(!may(Some(&editor), Action::DecideGrant, &sent));
        assert!(!may(Some(&officer), Action::ManageGrants, &Resource::Any));
    }

    fn actor(role: Role, scope: Scope) -> Actor {
        Actor { user_id: 1, assignments: vec![Assignment::new(role, scope).unwrap()] }
    }

    fn nordland() -> Vec<OfficeCode> {
        vec!["nordland".into()]
    }

    #[test]
    fn everyone_reads_the_registry_and_only_users_have_accounts() {
        assert!(may(None, Action::ViewRegistry, &Resource::Any));
        assert!(!may(None, Action::ViewOwnAccount, &Resource::Any));
        assert!(!may(None, Action::ManageCollaboration, &Resource::Any));
    }

    #[test]
    fn a_county_officer_acts_only_in_their_area() {
        let officer = actor(Role::CountyOfficer, Scope::Office("nordland".into()));
        let agder = vec!["agder".to_string()];
        assert!(may(Some(&officer), Action::ManageCollaboration, &Resource::InArea(&nordland())));
        assert!(!may(Some(&officer), Action::ManageCollaboration, &Resource::InArea(&agder)));
        let grant = |role, offices: &[OfficeCode]| {
            may(Some(&officer), Action::ManageUsers, &Resource::Assignment { role, offices })
        };
        assert!(grant(Role::MunicipalEditor, &nordland()));
        assert!(!grant(Role::MunicipalEditor, &agder));
        assert!(!grant(Role::CountyOfficer, &nordland()), "no granting of own level");
        assert!(!grant(Role::NationalAdmin, &[]));
        assert!(!grant(Role::Viewer, &[]), "national viewer is the admin's call");
    }

    #[test]
    fn municipal_editors_project_leaders_and_viewers_change_nothing_in_the_registry() {
        let scopes = [
            (Role::MunicipalEditor, Scope::Municipality(MunicipalityNumber::parse("1804").unwrap())),
            (Role::ProjectLeader, Scope::Collaboration(3)),
            (Role::Viewer, Scope::National),
        ];
        for (role, scope) in scopes {
            let a = actor(role, scope);
            for action in [Action::ManageCollaboration, Action::ManageUsers, Action::ViewAuditLog] {
                assert!(!may(Some(&a), action, &Resource::Any), "{role:?} {action:?}");
                assert!(!may(Some(&a), action, &Resource::InArea(&nordland())), "{role:?} {action:?}");
            }
            assert!(may(Some(&a), Action::ViewOwnAccount, &Resource::Any));
        }
    }

    #[test]
    fn the_national_admin_may_everything() {
        let admin = actor(Role::NationalAdmin, Scope::National);
        let r = Resource::Assignment { role: Role::NationalAdmin, offices: &[] };
        assert!(may(Some(&admin), Action::ManageUsers, &r));
        assert!(may(Some(&admin), Action::ViewAuditLog, &Resource::Any));
    }

    #[test]
    fn a_submission_is_its_org_units_until_sent_and_its_countys_to_review() {
        let bodo = OrgUnit::Municipality(MunicipalityNumber::parse("1804").unwrap());
        let facts = |draft, reviewed_by_county| SubmissionFacts { org: &bodo, offices: &[], reviewed_by_county, draft };
        let nordland_offices = nordland();
        let in_nordland = |draft, by_county| SubmissionFacts { offices: &nordland_offices, ..facts(draft, by_county) };
        let editor = actor(Role::MunicipalEditor, Scope::Municipality(MunicipalityNumber::parse("1804").unwrap()));
        let other = actor(Role::MunicipalEditor, Scope::Municipality(MunicipalityNumber::parse("1841").unwrap()));
        let officer = actor(Role::CountyOfficer, Scope::Office("nordland".into()));
        let agder = actor(Role::CountyOfficer, Scope::Office("agder".into()));
        let viewer = actor(Role::Viewer, Scope::National);
        let check = |a: &Actor, action, f: SubmissionFacts| may(Some(a), action, &Resource::Submission(f));
        assert!(check(&editor, Action::EditSubmission, in_nordland(true, true)));
        assert!(check(&editor, Action::ViewSubmission, in_nordland(true, true)));
        assert!(!check(&other, Action::ViewSubmission, in_nordland(true, true)), "another municipality's draft");
        assert!(!check(&other, Action::ViewSubmission, in_nordland(false, true)));
        assert!(!check(&officer, Action::ViewSubmission, in_nordland(true, true)), "drafts stay with the municipality");
        assert!(check(&officer, Action::ViewSubmission, in_nordland(false, true)));
        assert!(check(&officer, Action::ReviewSubmission, in_nordland(false, true)));
        assert!(!check(&officer, Action::ReviewSubmission, in_nordland(false, false)), "the programme office reviews");
        assert!(!check(&agder, Action::ViewSubmission, in_nordland(false, true)));
        assert!(!check(&agder, Action::ReviewSubmission, in_nordland(false, true)));
        assert!(check(&viewer, Action::ViewSubmission, in_nordland(false, true)));
        assert!(!check(&viewer, Action::ViewSubmission, in_nordland(true, true)));
        assert!(!check(&officer, Action::EditSubmission, in_nordland(true, true)));
    }

    #[test]
    fn a_county_officer_reads_history_only_in_their_area() {
        let officer = actor(Role::CountyOfficer, Scope::Office("nordland".into()));
        assert!(!may(Some(&officer), Action::ViewAuditLog, &Resource::Any));
        assert!(may(Some(&officer), Action::ViewAuditLog, &Resource::InArea(&nordland())));
        assert!(!may(Some(&officer), Action::ViewAuditLog, &Resource::InArea(&["agder".to_string()])));
    }

    #[test]
    fn only_the_national_admin_reads_and_sends_the_outbox() {
        let admin = actor(Role::NationalAdmin, Scope::National);
        assert!(may(Some(&admin), Action::ManageOutbox, &Resource::Any));
        let others = [
            actor(Role::CountyOfficer, Scope::Office("nordland".into())),
            actor(Role::MunicipalEditor, Scope::Municipality(MunicipalityNumber::parse("1804").unwrap())),
            actor(Role::ProjectLeader, Scope::Collaboration(3)),
            actor(Role::Viewer, Scope::National),
        ];
        for a in &others {
            assert!(!may(Some(a), Action::ManageOutbox, &Resource::Any), "{a:?}");
            assert!(!may(Some(a), Action::ManageOutbox, &Resource::InArea(&nordland())), "{a:?}");
        }
        assert!(!may(None, Action::ManageOutbox, &Resource::Any));
    }
}
