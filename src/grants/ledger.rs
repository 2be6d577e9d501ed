//! The ledger of a grant (regnskap): the county books payments, carry-overs, repayments and
//! withdrawals, checked against the balance, and reverses a wrong entry with a new one of the
//! opposite sign. Entries are never edited.

use super::applications::{authorize, parse_kroner};
use super::error::{GrantError, GrantResult};
use super::payments;
use super::store::{self, Entry};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::DbConnection;
use chrono::NaiveDate;
use samveis_domain::access::Action;
use samveis_domain::grants::{EntryKind, LedgerEntry, RequestState, balance, check_payment};

/// What a county officer types to book an entry, or the entry to reverse.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub note: String,
    /// Set to reverse that entry instead.
    #[serde(default)]
    pub reverse: Option<i64>,
}

/// A money event to book (never the granted amount: the decision books that).
#[derive(Debug, Clone)]
pub struct Booking {
    pub kind: EntryKind,
    pub amount: i64,
    pub date: NaiveDate,
    pub note: String,
}

#[derive(Debug, Clone)]
pub enum LedgerCommand {
    Book(Booking),
    /// Reverse the entry with this id.
    Reverse(i64),
}

impl TryFrom<&EntryForm> for LedgerCommand {
    type Error = GrantError;

    fn try_from(f: &EntryForm) -> GrantResult<LedgerCommand> {
        if let Some(entry) = f.reverse {
            return Ok(LedgerCommand::Reverse(entry));
        }
        let kind = EntryKind::from_code(&f.kind)
            .filter(|k| *k != EntryKind::Granted)
            .ok_or_else(|| GrantError::invalid("kind", "Velg hva som skal føres."))?;
        let amount =
            parse_kroner("Beløp", &f.amount)?.ok_or_else(|| GrantError::invalid("amount", "Beløpet mangler."))?;
        let date = NaiveDate::parse_from_str(f.date.trim(), "%Y-%m-%d").map_err(|_| {
            GrantError::invalid("date", format!("Datoen «{}» er ikke gyldig (ÅÅÅÅ-MM-DD).", f.date.trim()))
        })?;
        Ok(LedgerCommand::Book(Booking { kind, amount, date, note: f.note.trim().into() }))
    }
}

/// Books or reverses, as the command says.
pub fn apply(conn: &mut DbConnection, ctx: &Ctx, id: i64, c: &LedgerCommand) -> GrantResult<()> {
    match c {
        LedgerCommand::Book(b) => record(conn, ctx, id, b).map(|_| ()),
        LedgerCommand::Reverse(entry) => reverse(conn, ctx, id, *entry),
    }
}

fn invalid(message: impl Into<String>) -> GrantError {
    GrantError::invalid("kind", message)
}

/// Records a money event on a grant (payment, carry-over, repayment, withdrawal). Checked
/// against the balance; never edits an entry.
pub fn record(conn: &mut DbConnection, ctx: &Ctx, id: i64, b: &Booking) -> GrantResult<i64> {
    crate::db::write(conn, |conn| {
        store::lock_grant(conn, id)?;
        let loaded = authorize(conn, ctx, id, Action::DecideGrant)?;
        let decision = loaded.decision.as_ref().ok_or_else(|| invalid("Søknaden har ikke fått vedtak om tilskudd."))?;
        let final_paid =
            payments::of_application(conn, id)?.iter().any(|r| r.final_payment && r.state == RequestState::Paid);
        if b.kind == EntryKind::Paid && final_paid {
            return Err(invalid("Sluttutbetalingen er gjort; det kan ikke utbetales mer på dette tilskuddet."));
        }
        if b.kind == EntryKind::Granted {
            return Err(invalid("Innvilget beløp føres av vedtaket."));
        }
        if b.kind == EntryKind::Repaid && b.note.is_empty() {
            return Err(GrantError::invalid("note", "Skriv grunnen til tilbakebetalingen."));
        }
        check_payment(&loaded.balance(), b.kind, b.amount)
            .map_err(|e| GrantError::invalid("amount", crate::web::format::capitalized(&e.to_string())))?;
        let entry = store::NewEntry {
            decision_id: decision.id,
            kind: b.kind,
            amount: b.amount,
            entry_date: b.date,
            note: &b.note,
            reverses: None,
            demo: false,
        };
        let entry_id = store::insert_entry(conn, &entry, ctx.now)?;
        let after = serde_json::json!({"post": entry_id, "type": b.kind.code(), "beløp": b.amount, "dato": b.date, "merknad": b.note});
        let change = Change {
            action: "bokført",
            record_type: "søknad",
            record_id: id.to_string(),
            before: None,
            after: Some(after),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(entry_id)
    })
}

/// Whether an entry may be reversed, and the ledger would still hold after it.
fn check_reversible(entries: &[Entry], entry: &Entry) -> GrantResult<()> {
    let entry_id = entry.id;
    if entry.reverses.is_some() || entries.iter().any(|e| e.reverses == Some(entry_id)) {
        return Err(invalid(format!("Post {entry_id} er allerede en tilbakeføring eller tilbakeført.")));
    }
    if entry.kind == EntryKind::Granted {
        return Err(invalid("Vedtaket føres ikke tilbake her; trekk tilskuddet tilbake i stedet."));
    }
    // The balance after the reversal must still hold (a payment already repaid cannot be undone).
    let mut after: Vec<_> = entries.iter().map(Entry::to_domain).collect();
    after.push(LedgerEntry { kind: entry.kind, amount: -entry.amount });
    let b = balance(&after);
    if b.payable() < 0 || b.net_paid() < 0 {
        return Err(invalid(format!(
            "Post {entry_id} kan ikke tilbakeføres: da ville regnskapet ikke gå opp (gjenstår {}, netto utbetalt {}).",
            crate::web::format::kroner(b.payable()),
            crate::web::format::kroner(b.net_paid())
        )));
    }
    Ok(())
}

/// Reverses a ledger entry with a new entry of the opposite sign.
pub fn reverse(conn: &mut DbConnection, ctx: &Ctx, id: i64, entry_id: i64) -> GrantResult<()> {
    crate::db::write(conn, |conn| {
        store::lock_grant(conn, id)?;
        let loaded = authorize(conn, ctx, id, Action::DecideGrant)?;
        let entry = loaded
            .entries
            .iter()
            .find(|e| e.id == entry_id)
            .ok_or_else(|| GrantError::NotFound(format!("Fant ikke post {entry_id}.")))?;
        check_reversible(&loaded.entries, entry)?;
        let new = store::NewEntry {
            decision_id: entry.decision_id,
            kind: entry.kind,
            amount: -entry.amount,
            entry_date: ctx.now.date(),
            note: "Tilbakeføring",
            reverses: Some(entry_id),
            demo: entry.demo,
        };
        let new_id = store::insert_entry(conn, &new, ctx.now)?;
        // A payment made on a request: the request is approved again, to be paid or returned.
        payments::reopen_paid(conn, entry_id, ctx.now)?;
        let change = Change {
            action: "tilbakeført",
            record_type: "søknad",
            record_id: id.to_string(),
            before: Some(serde_json::json!({"post": entry_id})),
            after: Some(serde_json::json!({"post": new_id, "beløp": -entry.amount})),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(())
    })
}
