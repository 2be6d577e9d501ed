//! Submission (innlevering): one org unit's answer in one round, and its life cycle:
//! draft → submitted → returned with a comment → resubmitted → accepted. Accepted is locked; a
//! reviewer can reopen it with a reason.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Draft,
    Submitted,
    Returned,
    Accepted,
}

impl State {
    pub const ALL: [State; 4] = [State::Draft, State::Submitted, State::Returned, State::Accepted];

    pub fn code(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Returned => "returned",
            State::Accepted => "accepted",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Draft => "Utkast",
            State::Submitted => "Sendt inn",
            State::Returned => "Sendt tilbake",
            State::Accepted => "Godkjent",
        }
    }

    pub fn from_code(code: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The org unit can change the answers.
    pub fn editable(self) -> bool {
        matches!(self, State::Draft | State::Returned)
    }

    /// Counts as delivered for completeness (a returned one must be sent again).
    pub fn delivered(self) -> bool {
        matches!(self, State::Submitted | State::Accepted)
    }
}

/// What someone does to a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The org unit saves its answers.
    Save,
    /// The org unit sends it in.
    Submit,
    /// The reviewer sends it back with a comment.
    Return {
        comment: String,
    },
    Accept,
    /// The reviewer opens an accepted submission again, with a reason.
    Reopen {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("innleveringen er {0} og kan ikke endres")]
    Locked(&'static str),
    #[error("innleveringen er {0}; bare en innsendt besvarelse kan godkjennes eller sendes tilbake")]
    NotSubmitted(&'static str),
    #[error("bare en godkjent besvarelse kan åpnes igjen")]
    NotAccepted,
    #[error("skriv en begrunnelse")]
    ReasonMissing,
}

impl State {
    /// The state after `event`, or why the event is not allowed now.
    pub fn after(self, event: &Event) -> Result<State, TransitionError> {
        match event {
            Event::Save if self.editable() => Ok(self),
            Event::Submit if self.editable() => Ok(State::Submitted),
            Event::Save | Event::Submit => Err(TransitionError::Locked(self.label_lower())),
            Event::Return { comment } | Event::Reopen { reason: comment } if comment.trim().is_empty() => {
                Err(TransitionError::ReasonMissing)
            }
            Event::Return { .. } if self == State::Submitted => Ok(State::Returned),
            Event::Accept if self == State::Submitted => Ok(State::Accepted),
            Event::Return { .. } | Event::Accept => Err(TransitionError::NotSubmitted(self.label_lower())),
            Event::Reopen { .. } if self == State::Accepted => Ok(State::Returned),
            Event::Reopen { .. } => Err(TransitionError::NotAccepted),
        }
    }

    fn label_lower(self) -> &'static str {
        match self {
            State::Draft => "et utkast",
            State::Submitted => "sendt inn",
            State::Returned => "sendt tilbake",
            State::Accepted => "godkjent",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_life_cycle_of_a_submission() {
        let s = State::Draft.after(&Event::Save).unwrap();
        let s = s.after(&Event::Submit).unwrap();
        assert_eq!(s, State::Submitted);
        assert!(s.after(&Event::Save).is_err(), "sent in is locked for the org unit");
        let s = s.after(&Event::Return { comment: "Mangler gevinstplan".into() }).unwrap();
        assert_eq!(s, State::Returned);
        assert!(s.editable());
        let s = s.after(&Event::Submit).unwrap().after(&Event::Accept).unwrap();
        assert_eq!(s, State::Accepted);
        assert_eq!(s.after(&Event::Save), Err(TransitionError::Locked("godkjent")));
        assert_eq!(s.after(&Event::Reopen { reason: " ".into() }), Err(TransitionError::ReasonMissing));
        assert_eq!(s.after(&Event::Reopen { reason: "Feil tall".into() }), Ok(State::Returned));
    }

    #[test]
    fn reviewers_act_only_on_what_was_sent_in() {
        assert!(State::Draft.after(&Event::Accept).is_err());
        assert!(State::Returned.after(&Event::Return { comment: "x".into() }).is_err());
        assert!(State::Submitted.after(&Event::Return { comment: "".into() }).is_err());
        assert_eq!(State::Submitted.after(&Event::Reopen { reason: "x".into() }), Err(TransitionError::NotAccepted));
        assert!(State::Accepted.delivered() && State::Submitted.delivered() && !State::Returned.delivered());
    }
}
