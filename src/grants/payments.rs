//! Payment requests (anmodning om utbetaling): the recipient asks for a partial or the final
//! payment with an invoice, the costs so far and a short status, linked to its latest report.
//! A sent request is locked; the county approves or returns it, then marks it paid, which books
//! the payment in the ledger (never beyond what is left). One final payment per grant.

use super::applications::{Loaded, authorize, parse_kroner, ticked};
use super::error::{GrantError, GrantResult};
use super::store;
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::schema::{payment_requests, submissions, users};
use crate::db::{DbConnection, StoreResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use samveis_domain::access::{Action, OrgUnit};
use samveis_domain::grants::{EntryKind, FourEyes, RequestEvent, RequestState, check_payment};
use samveis_domain::reporting::State;
use serde::Serialize;
use std::collections::BTreeMap;

/// A request as read; its state is checked against the codes the domain knows.
#[derive(Debug, Clone, Serialize, Queryable, utoipa::ToSchema)]
pub struct PaymentRequest {
    pub id: i64,
    pub application_id: i64,
    pub final_payment: bool,
    pub amount: i64,
    pub invoice_number: String,
    pub invoice_date: NaiveDate,
    pub project_code: String,
    pub costs_to_date: i64,
    pub status_text: String,
    /// The applicant's latest delivered report when the request was sent.
    pub report_submission_id: Option<i64>,
    #[diesel(deserialize_as = String)]
    #[schema(value_type = String, example = "sent")]
    pub state: RequestState,
    pub reviewer_comment: String,
    pub version: i64,
    /// Who approved (attested) it, and when; none before it is approved.
    pub approved_by: Option<i64>,
    pub approved_at: Option<NaiveDateTime>,
}

macro_rules! columns {
    () => {
        (
            payment_requests::id,
            payment_requests::application_id,
            payment_requests::final_payment,
            payment_requests::amount,
            payment_requests::invoice_number,
            payment_requests::invoice_date,
            payment_requests::project_code,
            payment_requests::costs_to_date,
            payment_requests::status_text,
            payment_requests::report_submission_id,
            payment_requests::state,
            payment_requests::reviewer_comment,
            payment_requests::version,
            payment_requests::approved_by,
            payment_requests::approved_at,
        )
    };
}

pub fn of_application(conn: &mut DbConnection, application_id: i64) -> StoreResult<Vec<PaymentRequest>> {
    Ok(payment_requests::table
        .filter(payment_requests::application_id.eq(application_id))
        .select(columns!())
        .order(payment_requests::id.asc())
        .load(conn)?)
}

/// The attesters of `requests`, by user id: their e-mail addresses, as the audit trail names users.
pub fn attesters(conn: &mut DbConnection, requests: &[PaymentRequest]) -> StoreResult<BTreeMap<i64, String>> {
    let ids: Vec<i64> = requests.iter().filter_map(|r| r.approved_by).collect();
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let rows: Vec<(i64, String)> =
        users::table.filter(users::id.eq_any(ids)).select((users::id, users::email)).load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Whether a request must be authorised by another than its attester, and who attested it.
pub fn four_eyes(l: &Loaded, r: &PaymentRequest) -> FourEyes {
    FourEyes { required: l.scheme.four_eyes, attested_by: r.approved_by }
}

/// Every request in one of `states`, oldest first.
pub fn requests_in_states(conn: &mut DbConnection, states: &[RequestState]) -> StoreResult<Vec<PaymentRequest>> {
    let codes: Vec<&str> = states.iter().map(|s| s.code()).collect();
    Ok(payment_requests::table
        .filter(payment_requests::state.eq_any(codes))
        .select(columns!())
        .order(payment_requests::id.asc())
        .load(conn)?)
}

/// What the recipient types.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    pub final_payment: Option<String>,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub invoice_number: String,
    #[serde(default)]
    pub invoice_date: String,
    #[serde(default)]
    pub project_code: String,
    #[serde(default)]
    pub costs_to_date: String,
    #[serde(default)]
    pub status_text: String,
}

/// A request for payment, read from the form.
#[derive(Debug, Clone)]
pub struct RequestCommand {
    pub final_payment: bool,
    pub amount: i64,
    pub invoice_number: String,
    pub invoice_date: NaiveDate,
    pub project_code: String,
    pub costs_to_date: i64,
    pub status_text: String,
}

impl TryFrom<&RequestForm> for RequestCommand {
    type Error = GrantError;

    fn try_from(f: &RequestForm) -> GrantResult<RequestCommand> {
        let amount = parse_kroner("Beløp", &f.amount)?
            .filter(|n| *n > 0)
            .ok_or_else(|| GrantError::invalid("amount", "Beløpet mangler."))?;
        let costs_to_date = parse_kroner("Kostnader så langt", &f.costs_to_date)?.unwrap_or(0);
        let invoice_date = NaiveDate::parse_from_str(f.invoice_date.trim(), "%Y-%m-%d").map_err(|_| {
            let message = format!("Fakturadatoen «{}» er ikke en dato (ÅÅÅÅ-MM-DD).", f.invoice_date.trim());
            GrantError::invalid("invoice_date", message)
        })?;
        if f.invoice_number.trim().is_empty() {
            return Err(GrantError::invalid("invoice_number", "Fakturanummer mangler."));
        }
        Ok(RequestCommand {
            final_payment: ticked(&f.final_payment),
            amount,
            invoice_number: f.invoice_number.trim().into(),
            invoice_date,
            project_code: f.project_code.trim().into(),
            costs_to_date,
            status_text: f.status_text.trim().into(),
        })
    }
}

/// The latest delivered report of the applicant (a status report, milestone...), if any.
fn latest_report(conn: &mut DbConnection, l: &Loaded) -> StoreResult<Option<i64>> {
    let Some(unit) = OrgUnit::from_stored(&l.application.applicant_kind, &l.application.applicant_id) else {
        return Ok(None);
    };
    let (kind, id) = unit.stored();
    Ok(submissions::table
        .filter(submissions::org_kind.eq(kind))
        .filter(submissions::org_id.eq(id))
        .filter(submissions::state.eq_any([State::Submitted.code(), State::Accepted.code()]))
        .order(submissions::submitted_at.desc())
        .select(submissions::id)
        .first(conn)
        .optional()?)
}

/// After a payment's ledger entry is reversed, its request goes back to approved.
pub fn reopen_paid(conn: &mut DbConnection, ledger_entry: i64, now: NaiveDateTime) -> StoreResult<()> {
    diesel::update(payment_requests::table.filter(payment_requests::ledger_entry_id.eq(ledger_entry)))
        .set((
            payment_requests::state.eq(RequestState::Approved.code()),
            payment_requests::ledger_entry_id.eq(None::<i64>),
            payment_requests::version.eq(payment_requests::version + 1),
            payment_requests::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

fn invalid(message: impl Into<String>) -> GrantError {
    GrantError::invalid("amount", message)
}

/// What may still be asked for, after the requests not yet handled; and no request after the
/// final one.
fn check_room(l: &Loaded, earlier: &[PaymentRequest], amount: i64) -> GrantResult<()> {
    let open: i64 = earlier.iter().filter(|r| r.state.is_open()).map(|r| r.amount).sum();
    let left = l.balance().payable() - open;
    if amount > left {
        return Err(invalid(format!(
            "Beløpet ({}) er mer enn det som gjenstår av tilskuddet etter ubehandlede anmodninger ({}).",
            crate::web::format::kroner(amount),
            crate::web::format::kroner(left)
        )));
    }
    if earlier.iter().any(|r| r.final_payment && r.state != RequestState::Returned) {
        return Err(invalid("Sluttutbetalingen er allerede bedt om; det kan ikke bes om flere utbetalinger."));
    }
    Ok(())
}

/// An invoice is asked to be paid once per grant; that of a returned request may be sent again.
/// Checked here, and held by the unique index `payment_requests_invoice_once` for two at once.
fn check_invoice(earlier: &[PaymentRequest], invoice: &str) -> GrantResult<()> {
    match earlier.iter().find(|r| r.invoice_number == invoice && r.state != RequestState::Returned) {
        Some(r) => Err(duplicate(invoice, Some(r.state))),
        None => Ok(()),
    }
}

fn duplicate(invoice: &str, state: Option<RequestState>) -> GrantError {
    let state = state.map(|s| format!(" (status: {})", s.label().to_lowercase())).unwrap_or_default();
    GrantError::invalid(
        "invoice_number",
        format!(
            "Faktura «{invoice}» er allerede sendt i en anmodning om utbetaling for dette tilskuddet{state}. Samme faktura kan ikke bes utbetalt to ganger; bruk fakturanummeret på den nye fakturaen."
        ),
    )
}

/// The recipient sends a payment request; it is locked once sent.
pub fn send(conn: &mut DbConnection, ctx: &Ctx, id: i64, c: &RequestCommand) -> GrantResult<i64> {
    crate::db::write(conn, |conn| {
        store::lock_grant(conn, id)?;
        let l = authorize(conn, ctx, id, Action::AcceptGrant)?;
        let decision = l.decision.as_ref().ok_or_else(|| invalid("Søknaden har ikke fått tilsagn."))?;
        if decision.accepted_at.is_none() {
            return Err(invalid("Aksepter tilskuddet før du ber om utbetaling."));
        }
        let earlier = of_application(conn, id)?;
        check_invoice(&earlier, &c.invoice_number)?;
        check_room(&l, &earlier, c.amount)?;
        let report = latest_report(conn, &l)?;
        let new_id = insert(conn, id, c, report, ctx.now).map_err(|e| {
            if e.violates("payment_requests_invoice_once", "payment_requests.invoice_number") {
                duplicate(&c.invoice_number, None)
            } else {
                e.into()
            }
        })?;
        let after = serde_json::json!({"anmodning": new_id, "beløp": c.amount, "faktura": c.invoice_number, "slutt": c.final_payment, "rapport": report});
        let change = Change {
            action: "bedt om utbetaling",
            record_type: "søknad",
            record_id: id.to_string(),
            before: None,
            after: Some(after),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(new_id)
    })
}

fn insert(
    conn: &mut DbConnection,
    id: i64,
    c: &RequestCommand,
    report: Option<i64>,
    now: NaiveDateTime,
) -> StoreResult<i64> {
    Ok(diesel::insert_into(payment_requests::table)
        .values((
            (
                payment_requests::application_id.eq(id),
                payment_requests::final_payment.eq(c.final_payment),
                payment_requests::amount.eq(c.amount),
                payment_requests::invoice_number.eq(&c.invoice_number),
                payment_requests::invoice_date.eq(c.invoice_date),
                payment_requests::project_code.eq(&c.project_code),
                payment_requests::costs_to_date.eq(c.costs_to_date),
                payment_requests::status_text.eq(&c.status_text),
            ),
            (
                payment_requests::report_submission_id.eq(report),
                payment_requests::state.eq(RequestState::Sent.code()),
                payment_requests::reviewer_comment.eq(""),
                payment_requests::ledger_entry_id.eq(None::<i64>),
                payment_requests::version.eq(1),
                payment_requests::created_at.eq(now),
                payment_requests::updated_at.eq(now),
            ),
        ))
        .returning(payment_requests::id)
        .get_result(conn)?)
}

/// What the county does with a request, as the buttons send it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct HandleForm {
    #[serde(default)]
    pub handling: String,
    #[serde(default)]
    pub kommentar: String,
    #[serde(default)]
    pub version: i64,
}

/// The county's handling of one request at the version it saw.
#[derive(Debug, Clone)]
pub struct Handling {
    pub request_id: i64,
    pub version: i64,
    pub event: RequestEvent,
    pub comment: String,
}

impl Handling {
    pub fn parse(request_id: i64, f: &HandleForm) -> GrantResult<Handling> {
        let event = RequestEvent::from_code(&f.handling).ok_or_else(|| {
            GrantError::invalid("handling", format!("«{}» går ikke an for en anmodning.", f.handling))
        })?;
        Ok(Handling { request_id, version: f.version, event, comment: f.kommentar.trim().into() })
    }
}

/// Why the attester may not pay: Reglement for økonomistyring i staten.
pub const SAME_PERSON: &str = "Du attesterte denne anmodningen. Utbetalingen må anvises av en annen person (Reglement for økonomistyring i staten).";

/// The state the handling leads to, if it may happen now and by this user.
fn next_state(ctx: &Ctx, l: &Loaded, r: &PaymentRequest, h: &Handling) -> GrantResult<RequestState> {
    let next = r.state.after(h.event).ok_or_else(|| {
        let message =
            format!("«{}» går ikke an når anmodningen er «{}».", h.event.code(), r.state.label().to_lowercase());
        GrantError::invalid("handling", message)
    })?;
    if let Some(by) = ctx.author.user_id {
        four_eyes(l, r).check(h.event, by).map_err(|_| GrantError::invalid("handling", SAME_PERSON))?;
    }
    if h.event == RequestEvent::Return && h.comment.is_empty() {
        return Err(GrantError::invalid("kommentar", "Skriv hvorfor anmodningen sendes tilbake."));
    }
    Ok(next)
}

/// The county approves (attests), returns (with a comment) or pays (authorises) a request; the
/// one who attested does not authorise when the scheme demands two people.
pub fn handle(conn: &mut DbConnection, ctx: &Ctx, id: i64, h: &Handling) -> GrantResult<()> {
    crate::db::write(conn, |conn| {
        store::lock_grant(conn, id)?;
        let l = authorize(conn, ctx, id, Action::DecideGrant)?;
        let r = of_application(conn, id)?
            .into_iter()
            .find(|r| r.id == h.request_id)
            .ok_or_else(|| GrantError::NotFound(format!("Fant ikke anmodning {}.", h.request_id)))?;
        if r.version != h.version {
            return Err(GrantError::stale());
        }
        let next = next_state(ctx, &l, &r, h)?;
        let entry = if next == RequestState::Paid { Some(book_payment(conn, ctx, &l, &r)?) } else { None };
        let (approved_by, approved_at) = if h.event == RequestEvent::Approve {
            (ctx.author.user_id, Some(ctx.now))
        } else {
            (r.approved_by, r.approved_at)
        };
        let n =
            diesel::update(payment_requests::table.find(h.request_id).filter(payment_requests::version.eq(h.version)))
                .set((
                    payment_requests::state.eq(next.code()),
                    payment_requests::reviewer_comment.eq(&h.comment),
                    payment_requests::ledger_entry_id.eq(entry),
                    payment_requests::version.eq(h.version + 1),
                    payment_requests::updated_at.eq(ctx.now),
                    payment_requests::approved_by.eq(approved_by),
                    payment_requests::approved_at.eq(approved_at),
                ))
                .execute(conn)?;
        if n != 1 {
            return Err(GrantError::stale());
        }
        record_handling(conn, ctx, id, h, &r, next, entry)
    })
}

/// The audit of a handling: the approval names the attester («attestert av»), the payment the
/// authoriser («anvist av») beside the attester.
fn record_handling(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: i64,
    h: &Handling,
    r: &PaymentRequest,
    next: RequestState,
    entry: Option<i64>,
) -> GrantResult<()> {
    let attester = attesters(conn, std::slice::from_ref(r))?.into_values().next();
    let before = serde_json::json!({"anmodning": h.request_id, "tilstand": r.state});
    let mut after =
        serde_json::json!({"anmodning": h.request_id, "tilstand": next, "kommentar": h.comment, "post": entry});
    match h.event {
        RequestEvent::Approve => after["attestert_av"] = ctx.author.label.clone().into(),
        RequestEvent::Pay => {
            after["attestert_av"] = attester.into();
            after["anvist_av"] = ctx.author.label.clone().into();
        }
        RequestEvent::Return => {}
    }
    let change = Change {
        action: "behandlet utbetaling",
        record_type: "søknad",
        record_id: id.to_string(),
        before: Some(before),
        after: Some(after),
    };
    audit::record(conn, &ctx.author, ctx.now, change)?;
    Ok(())
}

/// Books an approved request's payment in the ledger; returns the entry.
fn book_payment(conn: &mut DbConnection, ctx: &Ctx, l: &Loaded, r: &PaymentRequest) -> GrantResult<i64> {
    check_payment(&l.balance(), EntryKind::Paid, r.amount)
        .map_err(|e| invalid(crate::web::format::capitalized(&e.to_string())))?;
    let decision = l.decision.as_ref().ok_or_else(|| invalid("Søknaden har ikke fått tilsagn."))?;
    let kind = if r.final_payment { "sluttutbetaling" } else { "delutbetaling" };
    let note = format!("Faktura {} ({kind})", r.invoice_number);
    let new = store::NewEntry {
        decision_id: decision.id,
        kind: EntryKind::Paid,
        amount: r.amount,
        entry_date: ctx.now.date(),
        note: &note,
        reverses: None,
        demo: false,
    };
    Ok(store::insert_entry(conn, &new, ctx.now)?)
}
