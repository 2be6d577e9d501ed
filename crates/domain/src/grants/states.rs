//! The coded states of a grant case, as stored: the application's state (søknadens status), the
//! aid type of a decision (støttetype), and the payment request's state and the events that move
//! it (anmodning om utbetaling). Each reads its stored code and fails on one it does not know.

use serde::{Deserialize, Serialize};

/// A stored code that names no known value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ukjent {what} «{code}»")]
pub struct UnknownCode {
    pub what: &'static str,
    pub code: String,
}

/// Gives an enum its stored code, its reading of a code and `TryFrom<String>` (for Diesel's
/// `deserialize_as`).
macro_rules! coded {
    ($ty:ident, $what:literal, { $($variant:ident => $code:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($ty::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<$ty> {
                $ty::ALL.iter().copied().find(|v| v.code() == code)
            }
        }

        impl TryFrom<String> for $ty {
            type Error = $crate::grants::UnknownCode;

            fn try_from(code: String) -> Result<$ty, $crate::grants::UnknownCode> {
                $ty::from_code(&code).ok_or($crate::grants::UnknownCode { what: $what, code })
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
pub(crate) use coded;

/// Where an application is: the applicant's draft, sent in, or decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationState {
    Draft,
    Submitted,
    Granted,
    Rejected,
}

coded!(ApplicationState, "søknadsstatus", {
    Draft => "draft", Submitted => "submitted", Granted => "granted", Rejected => "rejected",
});

impl ApplicationState {
    pub fn label(self) -> &'static str {
        match self {
            ApplicationState::Draft => "Utkast",
            ApplicationState::Submitted => "Sendt inn",
            ApplicationState::Granted => "Innvilget",
            ApplicationState::Rejected => "Avslått",
        }
    }
}

/// The state aid character of a grant, as the decision states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AidType {
    NotStateAid,
    /// Bagatellmessig støtte: counted against the three-year ceiling.
    DeMinimis,
    Other,
}

coded!(AidType, "støttetype", { NotStateAid => "not_state_aid", DeMinimis => "de_minimis", Other => "other" });

impl AidType {
    pub fn label(self) -> &'static str {
        match self {
            AidType::NotStateAid => "Ikke statsstøtte",
            AidType::DeMinimis => "Bagatellmessig støtte (de minimis)",
            AidType::Other => "Annen støtte",
        }
    }
}

/// Where a payment request is. Sent is locked for the recipient; the county approves or
/// returns it, and marks an approved one paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    Sent,
    Approved,
    Returned,
    Paid,
}

coded!(RequestState, "anmodningsstatus", { Sent => "sent", Approved => "approved", Returned => "returned", Paid => "paid" });

impl RequestState {
    pub fn label(self) -> &'static str {
        match self {
            RequestState::Sent => "Sendt",
            RequestState::Approved => "Godkjent",
            RequestState::Returned => "Sendt tilbake",
            RequestState::Paid => "Utbetalt",
        }
    }

    /// Still waiting for the county: its amount is spoken for.
    pub fn is_open(self) -> bool {
        matches!(self, RequestState::Sent | RequestState::Approved)
    }

    /// The state an event leads to, if it may happen now.
    pub fn after(self, event: RequestEvent) -> Option<RequestState> {
        match (event, self) {
            (RequestEvent::Approve, RequestState::Sent) => Some(RequestState::Approved),
            (RequestEvent::Return, RequestState::Sent | RequestState::Approved) => Some(RequestState::Returned),
            (RequestEvent::Pay, RequestState::Approved) => Some(RequestState::Paid),
            _ => None,
        }
    }
}

/// What the county does with a payment request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestEvent {
    Approve,
    /// Back to the recipient, with a comment saying why.
    Return,
    Pay,
}

coded!(RequestEvent, "behandling", { Approve => "godkjenn", Return => "returner", Pay => "utbetal" });

/// Attestation and authorisation by two people (Reglement for økonomistyring i staten): the one
/// who attests a payment (approves the request against the decision and the invoice) is not the
/// one who authorises it (anviser; marks it paid), when the scheme demands it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FourEyes {
    /// The scheme demands two people (on for every state scheme).
    pub required: bool,
    /// The user who approved (attested) the request, if any yet.
    pub attested_by: Option<i64>,
}

/// The person who attested a payment request tried to authorise it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("utbetalingen må anvises av en annen enn den som attesterte anmodningen")]
pub struct SamePerson;

impl FourEyes {
    /// Refuses paying by the user who attested, when the scheme demands two people; every other
    /// event, and every other user, passes.
    pub fn check(self, event: RequestEvent, by: i64) -> Result<(), SamePerson> {
        match (event, self.attested_by) {
            (RequestEvent::Pay, Some(attester)) if self.required && attester == by => Err(SamePerson),
            _ => Ok(()),
        }
    }

    /// Whether `user` may authorise (pay) the request now, for what a page offers.
    pub fn may_pay(self, user: i64) -> bool {
        self.check(RequestEvent::Pay, user).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_and_unknown_ones_fail() {
        for s in ApplicationState::ALL {
            assert_eq!(ApplicationState::try_from(s.code().to_string()), Ok(*s));
        }
        assert_eq!(AidType::try_from("de_minimis".to_string()), Ok(AidType::DeMinimis));
        assert_eq!(
            RequestState::try_from("lost".to_string()).unwrap_err().to_string(),
            "ukjent anmodningsstatus «lost»"
        );
    }

    #[test]
    fn a_request_is_approved_before_it_is_paid() {
        assert_eq!(RequestState::Sent.after(RequestEvent::Pay), None);
        assert_eq!(RequestState::Sent.after(RequestEvent::Approve), Some(RequestState::Approved));
        assert_eq!(RequestState::Approved.after(RequestEvent::Return), Some(RequestState::Returned));
        assert_eq!(RequestState::Approved.after(RequestEvent::Pay), Some(RequestState::Paid));
        assert_eq!(RequestState::Paid.after(RequestEvent::Return), None);
    }

    #[test]
    fn the_attester_does_not_authorise_when_the_scheme_demands_four_eyes() {
        let on = FourEyes { required: true, attested_by: Some(7) };
        assert_eq!(on.check(RequestEvent::Pay, 7), Err(SamePerson));
        assert_eq!(on.check(RequestEvent::Pay, 8), Ok(()), "another person authorises");
        assert_eq!(on.check(RequestEvent::Return, 7), Ok(()), "the attester may still send it back");
        assert!(!on.may_pay(7) && on.may_pay(8));
        let off = FourEyes { required: false, attested_by: Some(7) };
        assert_eq!(off.check(RequestEvent::Pay, 7), Ok(()), "a scheme without the rule lets one person do both");
        let unattested = FourEyes { required: true, attested_by: None };
        assert_eq!(unattested.check(RequestEvent::Pay, 7), Ok(()), "a request approved before the rule was stored");
    }

    #[test]
    fn the_serialized_form_is_the_stored_code() {
        assert_eq!(serde_json::to_string(&AidType::NotStateAid).unwrap(), "\"not_state_aid\"");
        assert_eq!(serde_json::to_string(&ApplicationState::Submitted).unwrap(), "\"submitted\"");
    }
}
