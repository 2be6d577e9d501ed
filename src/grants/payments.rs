//! Payment requests (anmodning om utbetaling): the recipient asks for a partial or the final
//! payment with an invoice, the costs so far and a short status, linked to its latest report.
//! A sent request is locked; the county approves or returns it, then marks it paid, which books
//! the payment in the ledger (never beyond what is left). One final payment per grant.

use super::{Loaded, load};
use crate::audit::{self, Author, Change};
use crate::db::schema::{payment_requests, submissions};
use crate::db::{DbConnection, StoreResult};
use crate::error::{AppError, VERSION_CONFLICT};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use samveis_domain::access::{Action, Actor};
use samveis_domain::grants::{EntryKind, check_payment};
use samveis_domain::reporting::State;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
    /// sent | approved | returned | paid
    pub state: String,
    pub reviewer_comment: String,
    pub version: i64,
}

type Tuple = (i64, i64, bool, i64, String, NaiveDate, String, i64, String, Option<i64>, String, String, i64);

fn of(t: Tuple) -> PaymentRequest {
    let (
        id,
        application_id,
        final_payment,
        amount,
        invoice_number,
        invoice_date,
        project_code,
        costs_to_date,
        status_text,
        report_submission_id,
        state,
        reviewer_comment,
        version,
    ) = t;
    PaymentRequest {
        id,
        application_id,
        final_payment,
        amount,
        invoice_number,
        invoice_date,
        project_code,
        costs_to_date,
        status_text,
        report_submission_id,
        state,
        reviewer_comment,
        version,
    }
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
        )
    };
}

pub fn of_application(conn: &mut DbConnection, application_id: i64) -> StoreResult<Vec<PaymentRequest>> {
    let rows: Vec<Tuple> = payment_requests::table
        .filter(payment_requests::application_id.eq(application_id))
        .select(columns!())
        .order(payment_requests::id.asc())
        .load(conn)?;
    Ok(rows.into_iter().map(of).collect())
}

pub fn state_label(code: &str) -> &'static str {
    match code {
        "sent" => "Sendt",
        "approved" => "Godkjent",
        "returned" => "Sendt tilbake",
        "paid" => "Utbetalt",
        _ => "Ukjent",
    }
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

fn bad(text: impl Into<String>) -> AppError {
    AppError::BadRequest(text.into())
}

/// The latest delivered report of the applicant (a status report, milestone...), if any.
fn latest_report(conn: &mut DbConnection, l: &Loaded) -> StoreResult<Option<i64>> {
    let kind = match l.application.applicant_kind.as_str() {
        "municipality" => "municipality",
        "collaboration" => "collaboration",
        _ => return Ok(None),
    };
    Ok(submissions::table
        .filter(submissions::org_kind.eq(kind))
        .filter(submissions::org_id.eq(&l.application.applicant_id))
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
            payment_requests::state.eq("approved"),
            payment_requests::ledger_entry_id.eq(None::<i64>),
            payment_requests::version.eq(payment_requests::version + 1),
            payment_requests::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The recipient sends a payment request; it is locked once sent.
pub fn send(
    conn: &mut DbConnection,
    actor: &Actor,
    author: &Author,
    now: NaiveDateTime,
    id: i64,
    form: &RequestForm,
) -> Result<i64, AppError> {
    conn.transaction(|conn| {
        super::store::lock_grant(conn, id)?;
        let l = load(conn, id)?;
        if !l.may(Some(actor), Action::AcceptGrant) {
            return Err(AppError::Forbidden);
        }
        let decision = l.decision.as_ref().ok_or_else(|| bad("Søknaden har ikke fått tilsagn."))?;
        if decision.accepted_at.is_none() {
            return Err(bad("Aksepter tilskuddet før du ber om utbetaling."));
        }
        let amount = super::parse_kroner("Beløp", &form.amount)?.filter(|n| *n > 0).ok_or_else(|| bad("Beløpet mangler."))?;
        let costs = super::parse_kroner("Kostnader så langt", &form.costs_to_date)?.unwrap_or(0);
        let invoice_date = NaiveDate::parse_from_str(form.invoice_date.trim(), "%Y-%m-%d")
            .map_err(|_| bad(format!("Fakturadatoen «{}» er ikke en dato (ÅÅÅÅ-MM-DD).", form.invoice_date.trim())))?;
        if form.invoice_number.trim().is_empty() {
            return Err(bad("Fakturanummer mangler."));
        }
        let earlier = of_application(conn, id)?;
        let open: i64 = earlier.iter().filter(|r| r.state == "sent" || r.state == "approved").map(|r| r.amount).sum();
        let left = l.balance().payable() - open;
        if amount > left {
            return Err(bad(format!("Beløpet ({amount} kr) er mer enn det som gjenstår av tilskuddet etter ubehandlede anmodninger ({left} kr).")));
        }
        let final_payment = form.final_payment.as_deref() == Some("ja");
        if earlier.iter().any(|r| r.final_payment && r.state != "returned") {
            return Err(bad("Sluttutbetalingen er allerede bedt om; det kan ikke bes om flere utbetalinger."));
        }
        let report = latest_report(conn, &l)?;
        let new_id: i64 = diesel::insert_into(payment_requests::table)
            .values((
                (
                    payment_requests::application_id.eq(id),
                    payment_requests::final_payment.eq(final_payment),
                    payment_requests::amount.eq(amount),
                    payment_requests::invoice_number.eq(form.invoice_number.trim()),
                    payment_requests::invoice_date.eq(invoice_date),
                    payment_requests::project_code.eq(form.project_code.trim()),
                    payment_requests::costs_to_date.eq(costs),
                    payment_requests::status_text.eq(form.status_text.trim()),
                ),
                (
                    payment_requests::report_submission_id.eq(report),
                    payment_requests::state.eq("sent"),
                    payment_requests::reviewer_comment.eq(""),
                    payment_requests::ledger_entry_id.eq(None::<i64>),
                    payment_requests::version.eq(1),
                    payment_requests::created_at.eq(now),
                    payment_requests::updated_at.eq(now),
                ),
            ))
            .returning(payment_requests::id)
            .get_result(conn)?;
        let after = serde_json::json!({"anmodning": new_id, "beløp": amount, "faktura": form.invoice_number.trim(), "slutt": final_payment, "rapport": report});
        let change = Change { action: "bedt om utbetaling", record_type: "søknad", record_id: id.to_string(), before: None, after: Some(after) };
        audit::record(conn, author, now, change)?;
        Ok(new_id)
    })
}

/// The county approves, returns (with a comment) or pays a request.
#[allow(clippy::too_many_arguments)] // one use case: who, when, which request and version, what
pub fn handle(
    conn: &mut DbConnection,
    actor: &Actor,
    author: &Author,
    now: NaiveDateTime,
    id: i64,
    request_id: i64,
    version: i64,
    action: &str,
    comment: &str,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        super::store::lock_grant(conn, id)?;
        let l = load(conn, id)?;
        if !l.may(Some(actor), Action::DecideGrant) {
            return Err(AppError::Forbidden);
        }
        let r = of_application(conn, id)?.into_iter().find(|r| r.id == request_id).ok_or_else(|| AppError::NotFound(format!("Fant ikke anmodning {request_id}.")))?;
        if r.version != version {
            return Err(AppError::Conflict(VERSION_CONFLICT.into()));
        }
        let (next, entry) = match (action, r.state.as_str()) {
            ("godkjenn", "sent") => ("approved", None),
            ("returner", "sent" | "approved") => {
                if comment.trim().is_empty() {
                    return Err(bad("Skriv hvorfor anmodningen sendes tilbake."));
                }
                ("returned", None)
            }
            ("utbetal", "approved") => {
                check_payment(&l.balance(), EntryKind::Paid, r.amount).map_err(|e| bad(crate::web::format::capitalized(&e.to_string())))?;
                let decision = l.decision.as_ref().ok_or_else(|| bad("Søknaden har ikke fått tilsagn."))?;
                let note = format!("Faktura {} ({})", r.invoice_number, if r.final_payment { "sluttutbetaling" } else { "delutbetaling" });
                let new = super::store::NewEntry { decision_id: decision.id, kind: EntryKind::Paid, amount: r.amount, entry_date: now.date(), note: &note, reverses: None, demo: false };
                ("paid", Some(super::store::insert_entry(conn, &new, now)?))
            }
            (a, s) => return Err(bad(format!("«{a}» går ikke an når anmodningen er «{}».", state_label(s).to_lowercase()))),
        };
        let n = diesel::update(payment_requests::table.find(request_id).filter(payment_requests::version.eq(version)))
            .set((
                payment_requests::state.eq(next),
                payment_requests::reviewer_comment.eq(comment.trim()),
                payment_requests::ledger_entry_id.eq(entry),
                payment_requests::version.eq(version + 1),
                payment_requests::updated_at.eq(now),
            ))
            .execute(conn)?;
        if n != 1 {
            return Err(AppError::Conflict(VERSION_CONFLICT.into()));
        }
        let change = Change {
            action: "behandlet utbetaling",
            record_type: "søknad",
            record_id: id.to_string(),
            before: Some(serde_json::json!({"anmodning": request_id, "tilstand": r.state})),
            after: Some(serde_json::json!({"anmodning": request_id, "tilstand": next, "kommentar": comment.trim(), "post": entry})),
        };
        audit::record(conn, author, now, change)?;
        Ok(())
    })
}
