//! The application page: what the applicant wrote (or the draft form), the screening warnings,
//! the decision, the documents, payment requests and the ledger, with the forms each role may
//! use. Every action on an application comes back here: with a notice, or with the refusal
//! named and what was typed.

use super::field_errors::FieldErrors;
use super::{deadline_text, kr, requirements_text};
use crate::auth::Visitor;
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::grants::applications::{ApplicationForm, Loaded, authorize, load_visible};
use crate::grants::decisions::{DecisionForm, FrameRoom, TargetRow, frame_room};
use crate::grants::error::FieldProblem;
use crate::grants::payments::{PaymentRequest, RequestForm};
use crate::grants::store::{Application, Decision};
use crate::grants::{GrantError, GrantResult, de_minimis, documents, payments};
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render_with_status};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::{Action, Actor};
use samveis_domain::grants::{AidType, ApplicationState, DeMinimis, EntryKind, RequestState, UNITS, read_target_text};
use samveis_domain::insight::TECHNOLOGIES;
use std::collections::BTreeSet;

pub struct EntryView {
    pub id: i64,
    pub kind: &'static str,
    pub amount: String,
    pub date: String,
    pub note: String,
    pub demo: bool,
    pub reversible: bool,
}

pub struct RequestView {
    pub id: i64,
    pub kind: &'static str,
    pub amount: String,
    pub invoice: String,
    pub costs: String,
    pub status_text: String,
    pub report: Option<i64>,
    pub state: &'static str,
    /// Sent: the county may approve or return it.
    pub sent: bool,
    /// Sent or approved: still the county's to handle.
    pub open: bool,
    pub comment: String,
    pub version: i64,
    /// Who approved (attested) it, and when: «attestert av …».
    pub attested: Option<String>,
    /// Approved, and this user may authorise (pay) it: not its attester when the scheme demands
    /// two people. The server checks again.
    pub may_pay: bool,
}

#[derive(Template)]
#[template(path = "grants/application.html")]
pub(super) struct ApplicationPage {
    frame: Frame,
    a: Application,
    scheme: String,
    scheme_id: i64,
    state: &'static str,
    applied: String,
    own_financing: String,
    form: ApplicationForm,
    editable: bool,
    warnings: Vec<&'static str>,
    may_decide: bool,
    may_accept: bool,
    may_record: bool,
    decision: Option<Decision>,
    decision_granted: String,
    decision_aid: &'static str,
    decision_date: String,
    accepted: String,
    entries: Vec<EntryView>,
    balance: (String, String, String, String),
    kinds: Vec<(&'static str, &'static str)>,
    aid_types: Vec<(&'static str, &'static str)>,
    decision_form: DecisionForm,
    requests: Vec<RequestView>,
    /// Attached documents: (link, purpose, name and size).
    documents: Vec<(String, &'static str, String)>,
    /// The decision's target figures and sub-allocations, formatted.
    target_rows: Vec<(String, String, String, String)>,
    sub_rows: Vec<(String, String)>,
    may_request: bool,
    pub(super) request_form: RequestForm,
    /// The refusal shown on the invoice-number field (a duplicate invoice, a missing number).
    pub(super) invoice_error: Option<String>,
    de_minimis: Option<String>,
    error: Option<String>,
    /// The refusals of the application or decision form, by field, and the summary.
    errors: FieldErrors,
    /// The scheme's application deadline, in words, and whether it has passed.
    deadline: String,
    deadline_passed: bool,
    /// What the scheme requires of a sent application, in words.
    requires: String,
    /// The decision form's target-figure rows as typed, and the choices of their lists.
    target_form_rows: Vec<TargetRow>,
    technologies: Vec<(&'static str, &'static str)>,
    units: &'static [&'static str],
    /// What is left of the county's frame, in words, for the decision form.
    frame_room: Option<String>,
    /// The decision's target figures as the source gave them, and what of it is not a row.
    target_source: String,
    target_unread: Vec<String>,
}

/// What the page shows beyond the records: what was typed, a refusal, a notice.
#[derive(Default)]
pub(super) struct Shown {
    pub form: Option<ApplicationForm>,
    pub decision_form: Option<DecisionForm>,
    pub error: Option<String>,
    /// Refusals by field, for the application or the decision form.
    pub problems: Vec<FieldProblem>,
    /// The summary's heading for them.
    pub heading: &'static str,
    pub notice: Option<&'static str>,
}

impl Shown {
    /// A refusal shown as one message at the top (forms without fields of their own).
    pub fn error(problems: Vec<FieldProblem>) -> Shown {
        let message = problems.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" ");
        Shown::message(message)
    }

    pub fn message(message: String) -> Shown {
        Shown { error: Some(message), ..Default::default() }
    }
}

/// What the page needs beyond the loaded application.
pub(super) struct Extra {
    requests: Vec<PaymentRequest>,
    /// The attesters' e-mail addresses by user id.
    attesters: std::collections::BTreeMap<i64, String>,
    documents: Vec<crate::files::FileInfo>,
    de_minimis: Option<DeMinimis>,
    frame_room: Option<FrameRoom>,
    has_anchoring: bool,
    today: chrono::NaiveDate,
}

pub(super) async fn load_page(state: &AppState, actor: Option<Actor>, id: i64) -> AppResult<(Loaded, Extra)> {
    let today = state.today();
    let loaded = state
        .db
        .run(move |conn| {
            let l = load_visible(conn, actor.as_ref(), id)?;
            let requests = payments::of_application(conn, id)?;
            let attesters = payments::attesters(conn, &requests)?;
            let documents = documents::list(conn, id)?;
            let decides = l.may(actor.as_ref(), Action::DecideGrant);
            let amount = l.decision.as_ref().map(|d| d.granted).or(l.application.applied).unwrap_or(0);
            let de_minimis = if decides { Some(de_minimis::de_minimis_check(conn, &l, amount, today)?) } else { None };
            let frame_room = if decides { frame_room(conn, &l)? } else { None };
            let has_anchoring = documents.iter().any(|f| f.field == documents::ANCHORING);
            Ok::<_, GrantError>((
                l,
                Extra { requests, attesters, documents, de_minimis, frame_room, has_anchoring, today },
            ))
        })
        .await?;
    Ok(loaded)
}

fn entry_views(l: &Loaded) -> Vec<EntryView> {
    let reversed: BTreeSet<i64> = l.entries.iter().filter_map(|e| e.reverses).collect();
    l.entries
        .iter()
        .map(|e| EntryView {
            id: e.id,
            kind: e.kind.label(),
            amount: format::kroner(e.amount),
            date: format::date(e.entry_date),
            note: e.note.clone(),
            demo: e.demo,
            reversible: e.kind != EntryKind::Granted && e.reverses.is_none() && !reversed.contains(&e.id),
        })
        .collect()
}

fn request_views(visitor: &Visitor, l: &Loaded, extra: &Extra) -> Vec<RequestView> {
    let user = visitor.user.as_ref().map(|u| u.id);
    extra.requests.iter().map(|r| request_view(l, extra, user, r)).collect()
}

fn request_view(l: &Loaded, extra: &Extra, user: Option<i64>, r: &PaymentRequest) -> RequestView {
    let attested = r.approved_by.map(|by| {
        let who = extra.attesters.get(&by).map_or("ukjent bruker", String::as_str);
        match r.approved_at {
            Some(at) => format!("attestert av {who} {}", format::datetime(at)),
            None => format!("attestert av {who}"),
        }
    });
    RequestView {
        attested,
        may_pay: r.state == RequestState::Approved && user.is_some_and(|u| payments::four_eyes(l, r).may_pay(u)),
        id: r.id,
        kind: if r.final_payment { "Sluttutbetaling" } else { "Delutbetaling" },
        amount: format::kroner(r.amount),
        invoice: format!("{} ({})", r.invoice_number, format::date(r.invoice_date)),
        costs: format::kroner(r.costs_to_date),
        status_text: r.status_text.clone(),
        report: r.report_submission_id,
        state: r.state.label(),
        sent: r.state == RequestState::Sent,
        open: r.state.is_open(),
        comment: r.reviewer_comment.clone(),
        version: r.version,
    }
}

fn document_views(l: &Loaded, extra: &Extra) -> Vec<(String, &'static str, String)> {
    extra
        .documents
        .iter()
        .map(|f| {
            let link = format!("/tilskudd/soknader/{}/dokument/{}", l.application.id, f.sha256);
            (link, documents::label(&f.field), format!("{} ({})", f.file_name, format::file_size(f.size)))
        })
        .collect()
}

fn target_rows(d: Option<&Decision>) -> Vec<(String, String, String, String)> {
    let Some(d) = d else { return vec![] };
    d.target_figures
        .iter()
        .map(|t| {
            (
                format::number(t.quantity),
                t.technology.clone(),
                t.unit.clone(),
                t.due.map(format::date).unwrap_or_default(),
            )
        })
        .collect()
}

fn de_minimis_text(m: &DeMinimis) -> String {
    format!(
        "Bagatellmessig støtte de siste tre årene (fra {}): vedtatt {}, erklært {}, denne saken {}; i alt {} mot taket {}{}.",
        format::date(m.from),
        format::kroner(m.decided),
        format::kroner(m.declared),
        format::kroner(m.this_decision),
        format::kroner(m.total()),
        format::kroner(m.ceiling),
        if m.exceeds() { " – over taket" } else { "" }
    )
}

/// What is left of the county's frame, for the officer deciding.
fn frame_text(room: &FrameRoom) -> String {
    format!(
        "Fylkesrammen til {} for {}: {}, innvilget før {}, igjen {}.",
        room.county,
        room.year,
        format::kroner(room.frame),
        format::kroner(room.granted_before),
        format::kroner(room.left())
    )
}

fn blank_decision(a: &Application) -> DecisionForm {
    DecisionForm {
        granted: a.applied.map(|n| n.to_string()).unwrap_or_default(),
        aid_type: AidType::NotStateAid.code().into(),
        version: a.version,
        ..Default::default()
    }
}

/// The ledger's sums: granted (less withdrawn), paid, left and carried over.
fn balance_view(l: &Loaded) -> (String, String, String, String) {
    let b = l.balance();
    (
        format::kroner(b.granted - b.withdrawn),
        format::kroner(b.net_paid()),
        format::kroner(b.payable()),
        format::kroner(b.carried_over),
    )
}

pub(super) fn application_page(visitor: &Visitor, l: &Loaded, extra: &Extra, shown: Shown) -> ApplicationPage {
    let actor = visitor.actor();
    let d = l.decision.as_ref();
    let decides = l.may(actor, Action::DecideGrant);
    let accepts = l.may(actor, Action::AcceptGrant);
    let title = format!("Søknad: {}", l.application.applicant_name);
    let title = if shown.problems.is_empty() { title } else { format!("Feil: {title}") };
    let decision_form = shown.decision_form.unwrap_or_else(|| blank_decision(&l.application));
    let source = d.map(|d| d.target_text.clone()).unwrap_or_default();
    ApplicationPage {
        frame: Frame::new(visitor, title, Nav::Grants).with_notice(shown.notice),
        errors: FieldErrors::new(shown.heading, shown.problems),
        deadline: deadline_text(&l.scheme),
        deadline_passed: l.scheme.application_deadline.is_some_and(|deadline| extra.today > deadline),
        requires: requirements_text(&l.scheme.requires, Some(extra.has_anchoring)),
        target_form_rows: decision_form.target_rows(),
        technologies: TECHNOLOGIES.iter().map(|t| (t.code, t.label)).collect(),
        units: &UNITS,
        frame_room: extra.frame_room.as_ref().map(frame_text),
        target_unread: read_target_text(&source).unread,
        target_source: source,
        scheme: l.scheme.name.clone(),
        scheme_id: l.scheme.id,
        state: l.application.state.label(),
        applied: kr(l.application.applied),
        own_financing: kr(l.application.own_financing),
        form: shown.form.unwrap_or_else(|| ApplicationForm::of(&l.application)),
        editable: l.may(actor, Action::EditApplication),
        warnings: if decides { l.warnings().iter().map(|w| w.message()).collect() } else { vec![] },
        may_decide: decides && l.application.state == ApplicationState::Submitted && !l.scheme.closed,
        may_accept: accepts && d.is_some_and(|d| d.accepted_at.is_none()),
        may_record: decides && d.is_some(),
        decision_granted: kr(d.map(|d| d.granted)),
        decision_aid: d.map_or("", |d| d.aid_type.label()),
        decision_date: d.map(|d| format::date(d.decided_on)).unwrap_or_default(),
        accepted: d.and_then(|d| d.accepted_at).map(format::datetime).unwrap_or_default(),
        entries: entry_views(l),
        balance: balance_view(l),
        kinds: [EntryKind::Paid, EntryKind::CarriedOver, EntryKind::Repaid, EntryKind::Withdrawn]
            .into_iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        aid_types: AidType::ALL.iter().map(|t| (t.code(), t.label())).collect(),
        decision_form,
        requests: request_views(visitor, l, extra),
        documents: document_views(l, extra),
        target_rows: target_rows(d),
        sub_rows: d
            .map(|d| d.sub_allocations.iter().map(|s| (s.name.clone(), format::kroner(s.amount))).collect())
            .unwrap_or_default(),
        may_request: accepts && d.is_some_and(|d| d.accepted_at.is_some()),
        request_form: RequestForm::default(),
        invoice_error: None,
        de_minimis: extra.de_minimis.as_ref().map(de_minimis_text),
        decision: l.decision.clone(),
        a: l.application.clone(),
        error: shown.error,
    }
}

/// Input that did not parse is refused as the service would refuse it: first whether the
/// principal may act at all, then the field.
pub(super) fn checked<C>(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: i64,
    action: Action,
    parsed: GrantResult<C>,
) -> GrantResult<C> {
    match parsed {
        Ok(command) => Ok(command),
        Err(e) => {
            authorize(conn, ctx, id, action)?;
            Err(e)
        }
    }
}

/// After an action on an application: back to it with a notice, or the page again with the
/// refusal named (and what was typed, through `shown`).
pub(super) async fn after<T>(
    state: &AppState,
    visitor: &Visitor,
    id: i64,
    result: GrantResult<T>,
    flag: &str,
    shown: impl FnOnce(Vec<FieldProblem>) -> Shown,
) -> AppResult<Response> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/tilskudd/soknader/{id}?lagret={flag}")).into_response()),
        Err(e @ (GrantError::Invalid { .. } | GrantError::Fields(_))) => {
            refused(state, visitor, id, shown(e.problems()), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(GrantError::Conflict(m)) => {
            refused(state, visitor, id, shown(vec![("version".into(), m)]), StatusCode::CONFLICT).await
        }
        Err(e) => Err(AppError::from(e)),
    }
}

pub(super) async fn refused(
    state: &AppState,
    visitor: &Visitor,
    id: i64,
    shown: Shown,
    status: StatusCode,
) -> AppResult<Response> {
    let (loaded, extra) = load_page(state, visitor.actor().cloned(), id).await?;
    Ok(render_with_status(status, &application_page(visitor, &loaded, &extra, shown)))
}
