//! The tasks of one user, read from reporting and grants. Each is kept only where the policy
//! lets the user do it, asked the same way as the page where it is done asks (so the list never
//! links to a refusal), and where it lies on the user's desk (`samveis_domain::work::Desk`).
//! A role that does no such work reads nothing: a viewer's list costs no query.

use crate::db::{DbConnection, StoreError};
use crate::grants::applications::{application_offices, may_on_row as may_on_application, offices_by_county};
use crate::grants::payments::{self, PaymentRequest};
use crate::grants::store::{self as grants, Application, Scheme};
use crate::reporting::access::{AreaOffices, may_on_row as may_on_submission};
use crate::reporting::pages::own_units;
use crate::reporting::store::{self as reporting, AtWork, SubmissionRow};
use crate::web::format;
use chrono::NaiveDate;
use samveis_domain::access::{Action, Actor, OrgUnit};
use samveis_domain::grants::{ApplicationState, FourEyes, RequestState};
use samveis_domain::reporting::{Reviewer, State};
use samveis_domain::work::{Desk, Task, TaskKind, report_kind};
use std::collections::BTreeMap;

/// Everything waiting for `actor` on `today`, in no particular order (see
/// `samveis_domain::work::arrange`).
pub fn tasks_of(conn: &mut DbConnection, actor: &Actor, today: NaiveDate) -> Result<Vec<Task>, StoreError> {
    let mut tasks = Vec::new();
    let own = own_units(actor);
    if !own.is_empty() {
        own_reports(conn, actor, &own, today, &mut tasks)?;
        own_grants(conn, actor, &own, &mut tasks)?;
    }
    let desks: Vec<Desk> = [Desk::Programme, Desk::County].into_iter().filter(|d| d.is_for(actor)).collect();
    if !desks.is_empty() {
        reviews(conn, actor, &desks, &mut tasks)?;
        grant_handling(conn, actor, &desks, &mut tasks)?;
    }
    Ok(tasks)
}

fn submission_href(s: &SubmissionRow) -> String {
    format!("/rapportering/innleveringer/{}", s.id)
}

/// Drafts to send (due or late) and returned reports to send again.
fn own_reports(
    conn: &mut DbConnection,
    actor: &Actor,
    own: &[OrgUnit],
    today: NaiveDate,
    tasks: &mut Vec<Task>,
) -> Result<(), StoreError> {
    let rows = reporting::submissions_at_work(conn, &[State::Draft, State::Returned], &AtWork::Orgs(own))?;
    for (s, round) in rows {
        // Editing is the org unit's own: the offices do not enter into it.
        if !may_on_submission(Some(actor), Action::EditSubmission, &round, &s, &[]) {
            continue;
        }
        let Some(kind) = report_kind(s.state, round.deadline, today, &s.reviewer_comment) else { continue };
        let href = submission_href(&s);
        tasks.push(Task { kind, title: round.name, org: s.org.name, due: Some(round.deadline), href });
    }
    Ok(())
}

/// Sent reports in the rounds the user's desks review, where the policy lets the user review.
fn reviews(conn: &mut DbConnection, actor: &Actor, desks: &[Desk], tasks: &mut Vec<Task>) -> Result<(), StoreError> {
    let reviewers: Vec<Reviewer> = Reviewer::ALL.into_iter().filter(|r| desks.contains(&Desk::of_review(*r))).collect();
    // A county officer's rounds hold the whole country: only their area's municipalities are
    // read. This narrows what is read; the policy below still decides each one.
    let area = if desks.contains(&Desk::Programme) {
        None
    } else {
        let offices: Vec<String> = actor.offices().into_iter().cloned().collect();
        Some(crate::registry::store::municipalities_of_offices(conn, &offices)?)
    };
    let who = AtWork::ReviewedBy { reviewers: &reviewers, municipalities: area.as_deref() };
    let rows = reporting::submissions_at_work(conn, &[State::Submitted], &who)?;
    let mut area_offices = AreaOffices::default();
    for (s, round) in rows {
        let offices = area_offices.of(conn, &s.org)?;
        if !may_on_submission(Some(actor), Action::ReviewSubmission, &round, &s, &offices) {
            continue;
        }
        let sent_on = s.submitted_at.map(|t| format::oslo_time(t).date());
        let href = format!("{}#vurdering", submission_href(&s));
        let kind = TaskKind::SubmissionToReview { sent_on };
        tasks.push(Task { kind, title: round.name, org: s.org.name, due: None, href });
    }
    Ok(())
}

fn application_href(a: &Application) -> String {
    format!("/tilskudd/soknader/{}", a.id)
}

fn payment_title(scheme: &Scheme, r: &PaymentRequest) -> String {
    let kind = if r.final_payment { "sluttutbetaling" } else { "delutbetaling" };
    format!("{}: {kind} {}", scheme.name, format::kroner(r.amount))
}

/// Sent applications to decide and payment requests to approve or pay, on the user's desks.
fn grant_handling(
    conn: &mut DbConnection,
    actor: &Actor,
    desks: &[Desk],
    tasks: &mut Vec<Task>,
) -> Result<(), StoreError> {
    let requests = payments::requests_in_states(conn, &[RequestState::Sent, RequestState::Approved])?;
    let ids: Vec<i64> = requests.iter().map(|r| r.application_id).collect();
    let applications = grants::applications_at_work(conn, &ids)?;
    if applications.is_empty() {
        return Ok(());
    }
    let schemes: BTreeMap<i64, Scheme> = grants::schemes(conn)?.into_iter().map(|s| (s.id, s)).collect();
    let offices = offices_by_county(conn)?;
    for a in &applications {
        let Some(scheme) = schemes.get(&a.scheme_id) else { continue };
        let here = offices.get(&(a.layout, a.county_number.clone())).map(Vec::as_slice).unwrap_or_default();
        if !desks.contains(&Desk::of_grant(scheme.terms.county_decides))
            || !may_on_application(Some(actor), Action::DecideGrant, a, here)
        {
            continue;
        }
        let org = a.applicant_name.clone();
        if a.state == ApplicationState::Submitted {
            let sent_on = a.submitted_at.map(|t| format::oslo_time(t).date());
            let kind = TaskKind::ApplicationToDecide { sent_on };
            let href = format!("{}#vedtak", application_href(a));
            tasks.push(Task { kind, title: scheme.name.clone(), org: org.clone(), due: None, href });
        }
        for r in requests.iter().filter(|r| r.application_id == a.id) {
            // The attester does not authorise it (four eyes): it waits for another officer.
            let four_eyes = FourEyes { required: scheme.four_eyes, attested_by: r.approved_by };
            if r.state == RequestState::Approved && !four_eyes.may_pay(actor.user_id) {
                continue;
            }
            let kind = if r.state == RequestState::Sent { TaskKind::PaymentToApprove } else { TaskKind::PaymentToPay };
            let href = format!("{}#utbetalinger", application_href(a));
            tasks.push(Task { kind, title: payment_title(scheme, r), org: org.clone(), due: None, href });
        }
    }
    Ok(())
}

/// Grant letters to accept and payment requests sent back, for the org units the user answers
/// for. Historic grants were accepted outside Samveis.
fn own_grants(
    conn: &mut DbConnection,
    actor: &Actor,
    own: &[OrgUnit],
    tasks: &mut Vec<Task>,
) -> Result<(), StoreError> {
    for unit in own {
        let (kind, id) = unit.stored();
        let granted: Vec<Application> = grants::applications_of_applicant(conn, kind, &id)?
            .into_iter()
            .filter(|a| a.state == ApplicationState::Granted && !a.historic)
            .collect();
        for a in &granted {
            let offices = application_offices(conn, a)?;
            if !may_on_application(Some(actor), Action::AcceptGrant, a, &offices) {
                continue;
            }
            let Some(scheme) = grants::scheme(conn, a.scheme_id)? else { continue };
            let org = a.applicant_name.clone();
            if let Some(d) = grants::decision_of_application(conn, a.id)?.filter(|d| d.accepted_at.is_none()) {
                let accept_by = scheme.terms.accept_by(d.decided_on);
                let kind = TaskKind::LetterToAccept { accept_by };
                let task = Task {
                    kind,
                    title: scheme.name.clone(),
                    org: org.clone(),
                    due: accept_by,
                    href: application_href(a),
                };
                tasks.push(task);
            }
            // A request sent back waits until a new one is sent.
            let last = payments::of_application(conn, a.id)?.pop();
            if let Some(r) = last.filter(|r| r.state == RequestState::Returned) {
                let kind = TaskKind::PaymentReturned { comment: r.reviewer_comment.clone() };
                let href = format!("{}#utbetalinger", application_href(a));
                tasks.push(Task { kind, title: payment_title(&scheme, &r), org, due: None, href });
            }
        }
    }
    Ok(())
}
