//! The money ledger of a grant: append-only entries. Balances are sums; a wrong entry is
//! reversed by a new entry, never edited.

use crate::number::grouped;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// The decided amount.
    Granted,
    Paid,
    /// Unused funds approved for use next year (declared in the next application).
    CarriedOver,
    /// Claw-back: money paid back, with a reason.
    Repaid,
    /// The grant, or part of it, withdrawn before payment.
    Withdrawn,
}

super::states::coded!(EntryKind, "posttype", {
    Granted => "granted", Paid => "paid", CarriedOver => "carried_over", Repaid => "repaid", Withdrawn => "withdrawn",
});

impl EntryKind {
    pub fn label(self) -> &'static str {
        match self {
            EntryKind::Granted => "Innvilget",
            EntryKind::Paid => "Utbetalt",
            EntryKind::CarriedOver => "Overført til neste år",
            EntryKind::Repaid => "Tilbakebetalt",
            EntryKind::Withdrawn => "Trukket tilbake",
        }
    }
}

/// One entry. A reversal is an entry of the same kind with the opposite sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    pub kind: EntryKind,
    /// Whole kroner; negative only in a reversal.
    pub amount: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Balance {
    pub granted: i64,
    pub paid: i64,
    pub carried_over: i64,
    pub repaid: i64,
    pub withdrawn: i64,
}

impl Balance {
    /// What may still be paid: granted less withdrawn, paid and carried over.
    pub fn payable(&self) -> i64 {
        self.granted - self.withdrawn - self.paid - self.carried_over
    }

    /// Paid and kept: paid less repaid.
    pub fn net_paid(&self) -> i64 {
        self.paid - self.repaid
    }
}

pub fn balance<'a>(entries: impl IntoIterator<Item = &'a LedgerEntry>) -> Balance {
    let mut b = Balance::default();
    for e in entries {
        let slot = match e.kind {
            EntryKind::Granted => &mut b.granted,
            EntryKind::Paid => &mut b.paid,
            EntryKind::CarriedOver => &mut b.carried_over,
            EntryKind::Repaid => &mut b.repaid,
            EntryKind::Withdrawn => &mut b.withdrawn,
        };
        *slot += e.amount;
    }
    b
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("beløpet må være større enn 0 kr (var {}\u{a0}kr)", grouped(*.0))]
    NotPositive(i64),
    #[error("utbetalingen på {}\u{a0}kr er større enn det som gjenstår av tilskuddet ({}\u{a0}kr)", grouped(*amount), grouped(*payable))]
    BeyondBalance { amount: i64, payable: i64 },
    #[error("tilbakebetalingen på {}\u{a0}kr er større enn det som er utbetalt ({}\u{a0}kr)", grouped(*amount), grouped(*net_paid))]
    RepaidBeyondPaid { amount: i64, net_paid: i64 },
}

/// Whether a new entry of `kind` and `amount` may be added to a ledger with `balance`.
pub fn check_payment(balance: &Balance, kind: EntryKind, amount: i64) -> Result<(), LedgerError> {
    if amount <= 0 {
        return Err(LedgerError::NotPositive(amount));
    }
    match kind {
        EntryKind::Paid | EntryKind::CarriedOver | EntryKind::Withdrawn if amount > balance.payable() => {
            Err(LedgerError::BeyondBalance { amount, payable: balance.payable() })
        }
        EntryKind::Repaid if amount > balance.net_paid() => {
            Err(LedgerError::RepaidBeyondPaid { amount, net_paid: balance.net_paid() })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(kind: EntryKind, amount: i64) -> LedgerEntry {
        LedgerEntry { kind, amount }
    }

    #[test]
    fn balances_are_sums_and_reversals_are_entries() {
        let ledger = [
            e(EntryKind::Granted, 1_000_000),
            e(EntryKind::Paid, 400_000),
            e(EntryKind::Paid, 40_000),
            e(EntryKind::Paid, -40_000),
        ];
        let b = balance(&ledger);
        assert_eq!((b.granted, b.paid, b.payable()), (1_000_000, 400_000, 600_000));
    }

    #[test]
    fn a_payment_cannot_exceed_what_is_left() {
        let b = balance(&[e(EntryKind::Granted, 500_000), e(EntryKind::Paid, 300_000)]);
        assert_eq!(check_payment(&b, EntryKind::Paid, 200_000), Ok(()));
        assert_eq!(
            check_payment(&b, EntryKind::Paid, 200_001).unwrap_err().to_string(),
            "utbetalingen på 200\u{a0}001\u{a0}kr er større enn det som gjenstår av tilskuddet (200\u{a0}000\u{a0}kr)"
        );
        assert_eq!(check_payment(&b, EntryKind::Paid, 0), Err(LedgerError::NotPositive(0)));
        assert!(check_payment(&b, EntryKind::Repaid, 300_001).is_err());
        assert_eq!(check_payment(&b, EntryKind::Repaid, 300_000), Ok(()));
    }
}
