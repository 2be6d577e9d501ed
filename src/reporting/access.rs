//! Who may see, edit and review a submission: the facts the policy needs (the org unit, the
//! offices whose area it lies in, who reviews the round, whether it is a draft), and a
//! submission loaded with everything a page needs to show it and decide access.

use super::error::{ReportingError, ReportingResult};
use super::files;
use super::store::{self, OrgRow, RoundRow, SubmissionRow, TemplateRow};
use crate::db::{DbConnection, StoreError};
use crate::registry::{collaborations, store as registry};
use chrono::NaiveDate;
use samveis_domain::access::{Action, Actor, OrgUnit, Resource, SubmissionFacts, may};
use samveis_domain::registry::Layout;
use samveis_domain::reporting::{self as domain, Answers, Delivery, Reviewer, State};
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

/// The offices whose area an org unit lies in.
pub fn org_offices(conn: &mut DbConnection, org: &OrgRow) -> Result<Vec<String>, StoreError> {
    let layout = Layout::from_year(org.layout).unwrap_or(Layout::CURRENT);
    Ok(match &org.unit {
        OrgUnit::Municipality(n) => registry::office_of_municipality(conn, layout, n.as_str())?.into_iter().collect(),
        OrgUnit::Collaboration(id) => collaborations::get(conn, *id)?.and_then(|c| c.host_office).into_iter().collect(),
    })
}

/// What the policy is asked about a submission.
pub fn resource<'a>(round: &RoundRow, s: &'a SubmissionRow, offices: &'a [String]) -> Resource<'a> {
    Resource::Submission(SubmissionFacts {
        org: &s.org.unit,
        offices,
        reviewed_by_county: round.reviewer == Reviewer::County,
        draft: !s.state.delivered() && s.submitted_at.is_none(),
    })
}

/// Whether the actor may act on a submission, from its row, its round and the offices whose
/// area its org unit lies in.
pub fn may_on_row(
    actor: Option<&Actor>,
    action: Action,
    round: &RoundRow,
    s: &SubmissionRow,
    offices: &[String],
) -> bool {
    may(actor, action, &resource(round, s, offices))
}

/// For a list of a round's submissions: on which the actor may take `action`. Reads the offices
/// once per layout instead of once per submission.
pub fn permitted_in_round(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    action: Action,
    round: &RoundRow,
    submissions: &[SubmissionRow],
) -> Result<Vec<bool>, StoreError> {
    permitted_where(conn, round, submissions, |r| may(actor, action, r))
}

/// For a list of a round's submissions: which `allowed` lets through.
pub fn permitted_where(
    conn: &mut DbConnection,
    round: &RoundRow,
    submissions: &[SubmissionRow],
    allowed: impl Fn(&Resource) -> bool,
) -> Result<Vec<bool>, StoreError> {
    let mut area = AreaOffices::default();
    let mut out = Vec::with_capacity(submissions.len());
    for s in submissions {
        let offices = area.of(conn, &s.org)?;
        out.push(allowed(&resource(round, s, &offices)));
    }
    Ok(out)
}

/// The offices whose area org units lie in, for lists: each layout's municipalities and the
/// collaborations (by their host) are read once, not once per org unit. The same answer as
/// [`org_offices`].
#[derive(Default)]
pub struct AreaOffices {
    by_layout: BTreeMap<i32, BTreeMap<String, String>>,
    /// Each collaboration's layout and host municipality.
    hosts: Option<BTreeMap<i64, (Layout, String)>>,
}

impl AreaOffices {
    pub fn of(&mut self, conn: &mut DbConnection, org: &OrgRow) -> Result<Vec<String>, StoreError> {
        match &org.unit {
            OrgUnit::Municipality(_) => {
                let layout = Layout::from_year(org.layout).unwrap_or(Layout::CURRENT);
                self.office(conn, layout, &org.id)
            }
            OrgUnit::Collaboration(id) => {
                if self.hosts.is_none() {
                    let all = collaborations::list(conn)?;
                    self.hosts = Some(all.into_iter().map(|c| (c.id, (c.layout, c.host_number))).collect());
                }
                match self.hosts.as_ref().and_then(|h| h.get(id)).cloned() {
                    Some((layout, host)) => self.office(conn, layout, &host),
                    None => Ok(Vec::new()),
                }
            }
        }
    }

    fn office(&mut self, conn: &mut DbConnection, layout: Layout, number: &str) -> Result<Vec<String>, StoreError> {
        if let Entry::Vacant(slot) = self.by_layout.entry(layout.year()) {
            slot.insert(registry::offices_by_municipality(conn, layout)?);
        }
        Ok(self.by_layout.get(&layout.year()).and_then(|m| m.get(number)).cloned().into_iter().collect())
    }
}

/// A submission with everything a page needs to show it and decide access.
pub struct Loaded {
    pub submission: SubmissionRow,
    pub round: RoundRow,
    pub template: TemplateRow,
    pub offices: Vec<String>,
    pub state: State,
    pub answers: Answers,
    /// The stored files the answers refer to, by SHA-256.
    pub files: BTreeMap<String, files::FileInfo>,
    /// Target figures from the org unit's grants: (scheme, year, figure), read against the answers.
    pub targets: Vec<(String, i32, samveis_domain::grants::TargetFigure)>,
}

impl Loaded {
    pub fn may(&self, actor: Option<&Actor>, action: Action) -> bool {
        may(actor, action, &self.resource())
    }

    /// What the policy is asked about this submission.
    pub fn resource(&self) -> Resource<'_> {
        resource(&self.round, &self.submission, &self.offices)
    }

    pub fn delivery(&self, today: NaiveDate) -> Delivery {
        let at = if self.state.delivered() { self.submission.submitted_at } else { None };
        Delivery::of(at, self.round.deadline, today)
    }
}

pub fn load(conn: &mut DbConnection, id: i64) -> ReportingResult<Loaded> {
    let not_found = || ReportingError::NotFound(format!("Fant ikke innlevering {id}."));
    let submission = store::submission(conn, id)?.ok_or_else(not_found)?;
    let round = store::round(conn, submission.round_id)?.ok_or_else(not_found)?;
    let template = store::template(conn, round.template_id)?.ok_or_else(not_found)?;
    let offices = org_offices(conn, &submission.org)?;
    let state = submission.state;
    let answers: Answers = serde_json::from_str(&submission.answers).map_err(ReportingError::internal)?;
    let has_files = answers.values().any(|a| matches!(a, domain::Answer::File(_)));
    let files = if has_files { files::infos(conn, files::OWNER_SUBMISSION, id)? } else { Default::default() };
    let (kind, org_id) = submission.org.unit.stored();
    let targets = crate::grants::targets_for(conn, kind, &org_id)?;
    Ok(Loaded { submission, round, template, offices, state, answers, files, targets })
}

/// Loads a submission the actor may see; others get 403 (and 404 where it does not exist).
pub fn load_visible(conn: &mut DbConnection, actor: Option<&Actor>, id: i64) -> ReportingResult<Loaded> {
    let loaded = load(conn, id)?;
    if loaded.may(actor, Action::ViewSubmission) { Ok(loaded) } else { Err(ReportingError::Forbidden) }
}
