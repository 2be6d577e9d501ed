//! My work (Mitt arbeid): the tasks waiting for a user — reports to deliver or send again,
//! submissions to review, applications to decide, grant letters to accept and payment requests
//! to handle — grouped by how they press, and whose desk each lies on.
//!
//! The access policy decides what a user *may* do; this module decides what is theirs *to do*:
//! the national admin may act everywhere, but their work is what the programme office reviews and
//! decides itself, not every county's.

use crate::access::{Actor, Role};
use crate::reporting::{Reviewer, State};
use chrono::NaiveDate;
use serde::Serialize;

/// What kind of work a task is, with what the user needs to see about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TaskKind {
    /// A report to fill in and send before its deadline.
    ReportDue,
    /// A report whose deadline has passed without it being sent.
    ReportLate,
    /// A report the reviewer sent back, with why.
    ReportReturned { comment: String },
    /// A sent report to accept or return.
    SubmissionToReview { sent_on: Option<NaiveDate> },
    /// A sent application to grant or reject.
    ApplicationToDecide { sent_on: Option<NaiveDate> },
    /// A grant letter whose terms the recipient has not accepted yet.
    LetterToAccept { accept_by: Option<NaiveDate> },
    /// A payment request to approve or return.
    PaymentToApprove,
    /// An approved payment request to mark as paid.
    PaymentToPay,
    /// A payment request the county sent back, with why.
    PaymentReturned { comment: String },
}

impl TaskKind {
    /// The work in words, as the list shows it beside the record.
    pub fn label(&self) -> &'static str {
        match self {
            TaskKind::ReportDue => "Rapport å levere",
            TaskKind::ReportLate => "Rapport som ikke er levert",
            TaskKind::ReportReturned { .. } => "Rapport sendt tilbake",
            TaskKind::SubmissionToReview { .. } => "Rapport å vurdere",
            TaskKind::ApplicationToDecide { .. } => "Søknad å avgjøre",
            TaskKind::LetterToAccept { .. } => "Tilskuddsbrev å akseptere",
            TaskKind::PaymentToApprove => "Anmodning om utbetaling å godkjenne",
            TaskKind::PaymentToPay => "Godkjent anmodning å utbetale",
            TaskKind::PaymentReturned { .. } => "Anmodning om utbetaling sendt tilbake",
        }
    }

    /// The reviewer's comment on what was sent back.
    pub fn comment(&self) -> Option<&str> {
        match self {
            TaskKind::ReportReturned { comment } | TaskKind::PaymentReturned { comment } => Some(comment),
            _ => None,
        }
    }

    /// When the record was sent in, for what waits on the reviewer.
    pub fn sent_on(&self) -> Option<NaiveDate> {
        match self {
            TaskKind::SubmissionToReview { sent_on } | TaskKind::ApplicationToDecide { sent_on } => *sent_on,
            _ => None,
        }
    }
}

/// One piece of work: what it is, the record and the org unit it concerns, its deadline where it
/// has one, and the page where it is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    #[serde(flatten)]
    pub kind: TaskKind,
    /// The record: a round's name, «Søknad til …», «Anmodning om utbetaling …».
    pub title: String,
    /// The org unit it concerns (the municipality, project or applicant).
    pub org: String,
    pub due: Option<NaiveDate>,
    pub href: String,
}

/// The groups of the list, most pressing first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Late,
    ToDo,
    Returned,
    ToReview,
    ToHandle,
}

impl Group {
    pub fn label(self) -> &'static str {
        match self {
            Group::Late => "For sent",
            Group::ToDo => "Å gjøre",
            Group::Returned => "Sendt tilbake til deg",
            Group::ToReview => "Til vurdering",
            Group::ToHandle => "Til behandling",
        }
    }

    /// An id for the group's heading.
    pub fn code(self) -> &'static str {
        match self {
            Group::Late => "for-sent",
            Group::ToDo => "a-gjore",
            Group::Returned => "sendt-tilbake",
            Group::ToReview => "til-vurdering",
            Group::ToHandle => "til-behandling",
        }
    }
}

impl Task {
    /// The group the task belongs in on `today`: what is past its deadline is late.
    pub fn group(&self, today: NaiveDate) -> Group {
        match &self.kind {
            TaskKind::ReportLate => Group::Late,
            TaskKind::LetterToAccept { accept_by: Some(by) } if *by < today => Group::Late,
            TaskKind::ReportDue | TaskKind::LetterToAccept { .. } => Group::ToDo,
            TaskKind::ReportReturned { .. } | TaskKind::PaymentReturned { .. } => Group::Returned,
            TaskKind::SubmissionToReview { .. } => Group::ToReview,
            TaskKind::ApplicationToDecide { .. } | TaskKind::PaymentToApprove | TaskKind::PaymentToPay => {
                Group::ToHandle
            }
        }
    }

    /// Days left to the deadline on `today`: 0 on the day, negative once it has passed.
    pub fn days_left(&self, today: NaiveDate) -> Option<i64> {
        self.due.map(|due| (due - today).num_days())
    }
}

/// What an org unit has to do about its submission in a round, on `today`: a draft is due (or
/// late once the deadline has passed), a returned one is to be sent again; what is sent is done.
pub fn report_kind(state: State, deadline: NaiveDate, today: NaiveDate, comment: &str) -> Option<TaskKind> {
    match state {
        State::Draft if deadline < today => Some(TaskKind::ReportLate),
        State::Draft => Some(TaskKind::ReportDue),
        State::Returned => Some(TaskKind::ReportReturned { comment: comment.to_string() }),
        State::Submitted | State::Accepted => None,
    }
}

/// Whose desk a review or a grant decision lies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Desk {
    /// The programme office (the national admin).
    Programme,
    /// The county governor's officers (the policy then asks whose area it lies in).
    County,
}

impl Desk {
    /// A round's submissions are reviewed by whom the round names.
    pub fn of_review(reviewer: Reviewer) -> Desk {
        match reviewer {
            Reviewer::Programme => Desk::Programme,
            Reviewer::County => Desk::County,
        }
    }

    /// A scheme's applications and payments are handled by the county when the scheme says so,
    /// else by its owner, whose work the programme office does in Samveis.
    pub fn of_grant(county_decides: bool) -> Desk {
        if county_decides { Desk::County } else { Desk::Programme }
    }

    /// Whether work on this desk is the actor's (on top of the policy allowing it).
    pub fn is_for(self, actor: &Actor) -> bool {
        match self {
            Desk::Programme => actor.is_national_admin(),
            Desk::County => actor.has(Role::CountyOfficer),
        }
    }
}

/// The tasks in their groups, most pressing group first; inside a group the nearest deadline
/// first, then what was sent in first (what has waited longest), those with neither last; then
/// by org unit and record.
pub fn arrange(mut tasks: Vec<Task>, today: NaiveDate) -> Vec<(Group, Vec<Task>)> {
    let key = |t: &Task| {
        let sent = t.kind.sent_on();
        (t.group(today), t.due.is_none(), t.due, sent.is_none(), sent, t.org.clone(), t.title.clone())
    };
    tasks.sort_by_key(key);
    let mut groups: Vec<(Group, Vec<Task>)> = Vec::new();
    for task in tasks {
        let group = task.group(today);
        match groups.last_mut() {
            Some((g, list)) if *g == group => list.push(task),
            _ => groups.push((group, vec![task])),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{Assignment, Scope};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn task(kind: TaskKind, org: &str, due: Option<NaiveDate>) -> Task {
        Task { kind, title: "Teknologistatus 2026".into(), org: org.into(), due, href: "/".into() }
    }

    #[test]
    fn a_draft_is_due_until_its_deadline_and_late_after() {
        assert_eq!(report_kind(State::Draft, day(4), day(4), ""), Some(TaskKind::ReportDue));
        assert_eq!(report_kind(State::Draft, day(3), day(4), ""), Some(TaskKind::ReportLate));
        assert_eq!(
            report_kind(State::Returned, day(1), day(4), "Mangler leverandør"),
            Some(TaskKind::ReportReturned { comment: "Mangler leverandør".into() })
        );
        assert_eq!(report_kind(State::Submitted, day(1), day(4), ""), None);
        assert_eq!(report_kind(State::Accepted, day(9), day(4), ""), None);
    }

    #[test]
    fn an_acceptance_past_its_deadline_is_late() {
        let letter = |by| task(TaskKind::LetterToAccept { accept_by: by }, "Bodø", by);
        assert_eq!(letter(Some(day(3))).group(day(4)), Group::Late);
        assert_eq!(letter(Some(day(4))).group(day(4)), Group::ToDo);
        assert_eq!(letter(None).group(day(4)), Group::ToDo);
        assert_eq!(letter(Some(day(7))).days_left(day(4)), Some(3));
        assert_eq!(letter(Some(day(1))).days_left(day(4)), Some(-3));
    }

    #[test]
    fn the_most_pressing_comes_first() {
        let tasks = vec![
            task(TaskKind::PaymentToApprove, "Bodø", None),
            task(TaskKind::ReportDue, "Fauske", Some(day(20))),
            task(TaskKind::ReportDue, "Bodø", None),
            task(TaskKind::ReportDue, "Bodø", Some(day(10))),
            task(TaskKind::ReportLate, "Bodø", Some(day(1))),
            task(TaskKind::SubmissionToReview { sent_on: Some(day(3)) }, "Fauske", None),
            task(TaskKind::SubmissionToReview { sent_on: Some(day(2)) }, "Vefsn", None),
            task(TaskKind::ReportReturned { comment: "x".into() }, "Bodø", Some(day(1))),
        ];
        let groups = arrange(tasks, day(4));
        let order: Vec<Group> = groups.iter().map(|(g, _)| *g).collect();
        assert_eq!(order, [Group::Late, Group::ToDo, Group::Returned, Group::ToReview, Group::ToHandle]);
        let to_do: Vec<(&str, Option<NaiveDate>)> = groups[1].1.iter().map(|t| (t.org.as_str(), t.due)).collect();
        assert_eq!(to_do, [("Bodø", Some(day(10))), ("Fauske", Some(day(20))), ("Bodø", None)]);
        let waited: Vec<&str> = groups[3].1.iter().map(|t| t.org.as_str()).collect();
        assert_eq!(waited, ["Vefsn", "Fauske"], "what has waited longest first");
    }

    #[test]
    fn the_admin_works_the_programme_desk_and_officers_the_county_desk() {
        let admin =
            Actor { user_id: 1, assignments: vec![Assignment::new(Role::NationalAdmin, Scope::National).unwrap()] };
        let officer = Actor {
            user_id: 2,
            assignments: vec![Assignment::new(Role::CountyOfficer, Scope::Office("nordland".into())).unwrap()],
        };
        assert!(Desk::of_review(Reviewer::Programme).is_for(&admin));
        assert!(!Desk::of_review(Reviewer::County).is_for(&admin), "the policy allows it, but it is the county's work");
        assert!(Desk::of_grant(true).is_for(&officer) && !Desk::of_grant(false).is_for(&officer));
    }

    #[test]
    fn a_task_reads_as_json_with_its_kind() {
        let t = task(TaskKind::ReportReturned { comment: "Mangler".into() }, "Bodø", Some(day(1)));
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["kind"], "report_returned");
        assert_eq!(json["comment"], "Mangler");
        assert_eq!(json["due"], "2026-12-01");
    }
}
