//! How far each municipality has come with each welfare technology, from its technology status
//! report: state (not started / trial / in operation), users, vendor and investment.

use crate::reporting::{Answer, Answers};
use serde::Serialize;

/// A technology as the technology status form asks about it (`{code}_bruk`, `{code}_brukere`...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Technology {
    pub code: &'static str,
    pub label: &'static str,
}

pub const TECHNOLOGIES: [Technology; 9] = [
    Technology { code: "trygghetsalarm_fast", label: "Trygghetsalarm (fast)" },
    Technology { code: "trygghetsalarm_mobil", label: "Trygghetsalarm (mobil)" },
    Technology { code: "digitalt_tilsyn", label: "Digitalt tilsyn" },
    Technology { code: "medisineringsstotte", label: "Elektronisk medisineringsstøtte" },
    Technology { code: "lokalisering", label: "Lokaliseringsteknologi (GPS)" },
    Technology { code: "dorlas", label: "Elektronisk dørlås" },
    Technology { code: "hjemmeoppfolging", label: "Digital hjemmeoppfølging" },
    Technology { code: "videokonsultasjon", label: "Videokonsultasjon" },
    Technology { code: "annet", label: "Annen velferdsteknologi" },
];

/// The form's option for a technology in operation, as the report stores it.
pub const IN_OPERATION: &str = "I drift";
/// The form's option for a technology in trial.
pub const TRIAL: &str = "Utprøving";
/// The form's option for a technology not started.
pub const NOT_STARTED: &str = "Ikke startet";

/// How far a municipality has come with a technology (`{code}_bruk`): read once from the form's
/// option text, compared as a value. An answer that is none of the form's options is kept as
/// typed, so it still shows where it was shown, and counts as not answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TechState {
    InOperation,
    Trial,
    NotStarted,
    Other(String),
}

impl TechState {
    /// The state of an answer, by the form's option text.
    pub fn from_answer(text: &str) -> TechState {
        match text {
            IN_OPERATION => TechState::InOperation,
            TRIAL => TechState::Trial,
            NOT_STARTED => TechState::NotStarted,
            other => TechState::Other(other.to_string()),
        }
    }

    /// The stable code of a state, for URLs and comparisons.
    pub fn code(&self) -> &str {
        match self {
            TechState::InOperation => "in_operation",
            TechState::Trial => "trial",
            TechState::NotStarted => "not_started",
            TechState::Other(_) => "other",
        }
    }

    /// The form's option text ("I drift"), or the answer as typed.
    pub fn label(&self) -> &str {
        match self {
            TechState::InOperation => IN_OPERATION,
            TechState::Trial => TRIAL,
            TechState::NotStarted => NOT_STARTED,
            TechState::Other(text) => text,
        }
    }

    /// How far a state has come: in operation before trial before not started before anything else.
    fn progress(state: Option<&TechState>) -> u8 {
        match state {
            Some(TechState::InOperation) => 3,
            Some(TechState::Trial) => 2,
            Some(TechState::NotStarted) => 1,
            Some(TechState::Other(_)) | None => 0,
        }
    }
}

impl std::fmt::Display for TechState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// Written as the option text, as the API has always shown it.
impl Serialize for TechState {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.label())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TechStatus {
    pub technology: Technology,
    /// In operation, trial, not started (or another answer), or none if not answered.
    pub state: Option<TechState>,
    pub users: Option<i64>,
    pub vendor: Option<String>,
    pub investment: Option<i64>,
}

/// Why an answer in a delivered technology status should be checked with the municipality:
/// the form accepts each field on its own, but some combinations cannot both be true.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Doubt {
    /// "Ikke startet", yet users reported.
    UsersButNotStarted(i64),
    /// No state given, yet users reported.
    UsersButNoState(i64),
    /// An answer that is none of the form's options (kept as typed).
    UnknownAnswer(String),
    /// More users than the municipality has inhabitants.
    MoreUsersThanInhabitants { users: i64, population: i64 },
}

impl TechStatus {
    /// What is implausible in this answer, if anything.
    pub fn doubt(&self, population: Option<i64>) -> Option<Doubt> {
        let users = self.users.filter(|u| *u > 0);
        match (&self.state, users) {
            (Some(TechState::NotStarted), Some(u)) => Some(Doubt::UsersButNotStarted(u)),
            (None, Some(u)) => Some(Doubt::UsersButNoState(u)),
            (Some(TechState::Other(text)), _) => Some(Doubt::UnknownAnswer(text.clone())),
            (_, Some(users)) => population
                .filter(|p| *p > 0 && users > *p)
                .map(|population| Doubt::MoreUsersThanInhabitants { users, population }),
            _ => None,
        }
    }
}

/// One municipality's status per technology, from its technology status answers.
pub fn technology_status(answers: &Answers) -> Vec<TechStatus> {
    let text = |code: String| match answers.get(&code) {
        Some(Answer::Choice(t) | Answer::Text(t)) if !t.is_empty() => Some(t.clone()),
        _ => None,
    };
    let number = |code: String| answers.get(&code).and_then(Answer::as_number);
    TECHNOLOGIES
        .iter()
        .map(|t| TechStatus {
            technology: *t,
            state: text(format!("{}_bruk", t.code)).map(|s| TechState::from_answer(&s)),
            users: number(format!("{}_brukere", t.code)),
            vendor: text(format!("{}_leverandor", t.code)),
            investment: number(format!("{}_investering", t.code)),
        })
        .collect()
}

/// The statuses of one municipality on another layout, from the reports placed on it: each with
/// the weight in percent of the reporting municipality that lies in it (a split municipality's
/// parts share its users and investment by weight). A technology is as far as the furthest part
/// has come: a merged municipality offers what any of its former parts offered.
pub fn merge_statuses(parts: &[(&[TechStatus], i32)]) -> Vec<TechStatus> {
    let weighted = |v: Option<i64>, w: i32| v.map(|v| v.saturating_mul(i64::from(w)) / 100);
    TECHNOLOGIES
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut merged = TechStatus { technology: *t, state: None, users: None, vendor: None, investment: None };
            let mut vendors: Vec<String> = Vec::new();
            for (statuses, weight) in parts {
                let Some(s) = statuses.get(i) else { continue };
                if merged.state.is_none()
                    || TechState::progress(s.state.as_ref()) > TechState::progress(merged.state.as_ref())
                {
                    merged.state = s.state.clone().or(merged.state.take());
                }
                for (sum, v) in [(&mut merged.users, s.users), (&mut merged.investment, s.investment)] {
                    if let Some(v) = weighted(v, *weight) {
                        *sum = Some(sum.unwrap_or(0).saturating_add(v));
                    }
                }
                if let Some(v) = s.vendor.as_ref().filter(|v| !vendors.contains(v)) {
                    vendors.push(v.clone());
                }
            }
            merged.vendor = (!vendors.is_empty()).then(|| vendors.join(", "));
            merged
        })
        .collect()
}

/// How many municipalities have a technology in operation, in trial, not started, left it
/// unanswered in a delivered report, or delivered no report; with the users and investment they
/// report. The five counts add up to the municipalities in the area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Adoption {
    pub technology: Technology,
    pub in_operation: u32,
    pub trial: u32,
    pub not_started: u32,
    pub unanswered: u32,
    pub not_delivered: u32,
    pub users: i64,
    pub investment: i64,
}

impl Adoption {
    /// The municipalities with a delivered report.
    pub fn reporting(&self) -> u32 {
        self.in_operation + self.trial + self.not_started + self.unanswered
    }
}

/// Adoption per technology over the municipalities' statuses: `None` for a municipality that
/// has delivered no report.
pub fn adoption(statuses: &[Option<&[TechStatus]>]) -> Vec<Adoption> {
    TECHNOLOGIES
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut a = Adoption {
                technology: *t,
                in_operation: 0,
                trial: 0,
                not_started: 0,
                unanswered: 0,
                not_delivered: 0,
                users: 0,
                investment: 0,
            };
            a.not_delivered = statuses.iter().filter(|m| m.is_none()).count() as u32;
            for s in statuses.iter().flatten().filter_map(|m| m.get(i)) {
                match s.state {
                    Some(TechState::InOperation) => a.in_operation += 1,
                    Some(TechState::Trial) => a.trial += 1,
                    Some(TechState::NotStarted) => a.not_started += 1,
                    Some(TechState::Other(_)) | None => a.unanswered += 1,
                }
                a.users += s.users.unwrap_or(0);
                a.investment += s.investment.unwrap_or(0);
            }
            a
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(pairs: &[(&str, Answer)]) -> Answers {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn statuses_are_read_from_the_form_codes_and_counted() {
        let bodo = answers(&[
            ("digitalt_tilsyn_bruk", Answer::Choice(IN_OPERATION.into())),
            ("digitalt_tilsyn_brukere", Answer::Whole(120)),
            ("digitalt_tilsyn_investering", Answer::Whole(450_000)),
            ("lokalisering_bruk", Answer::Choice(TRIAL.into())),
        ]);
        let fauske = answers(&[("digitalt_tilsyn_bruk", Answer::Choice(NOT_STARTED.into()))]);
        let b = technology_status(&bodo);
        assert_eq!(b[2].state, Some(TechState::InOperation));
        assert_eq!((b[2].users, b[2].investment), (Some(120), Some(450_000)));
        let f = technology_status(&fauske);
        let a = adoption(&[Some(&b), Some(&f), None]);
        let tilsyn = &a[2];
        assert_eq!((tilsyn.in_operation, tilsyn.not_started, tilsyn.users, tilsyn.reporting()), (1, 1, 120, 2));
        assert_eq!((a[4].trial, a[4].unanswered, a[4].not_delivered), (1, 1, 1), "one municipality delivered nothing");
    }

    #[test]
    fn answers_that_cannot_both_be_true_are_doubted() {
        let status = |state: Option<TechState>, users: Option<i64>| TechStatus {
            technology: TECHNOLOGIES[2],
            state,
            users,
            vendor: None,
            investment: None,
        };
        assert_eq!(status(Some(TechState::NotStarted), Some(268)).doubt(None), Some(Doubt::UsersButNotStarted(268)));
        assert_eq!(status(Some(TechState::NotStarted), Some(0)).doubt(None), None);
        assert_eq!(status(None, Some(3)).doubt(None), Some(Doubt::UsersButNoState(3)));
        assert_eq!(
            status(Some(TechState::Other("Vet ikke".into())), None).doubt(None),
            Some(Doubt::UnknownAnswer("Vet ikke".into()))
        );
        let many = status(Some(TechState::InOperation), Some(5_000));
        assert_eq!(many.doubt(Some(1_200)), Some(Doubt::MoreUsersThanInhabitants { users: 5_000, population: 1_200 }));
        assert_eq!(many.doubt(Some(52_000)), None);
        assert_eq!(many.doubt(None), None);
    }

    #[test]
    fn merged_municipalities_show_the_furthest_state_and_split_ones_share_by_weight() {
        let alesund = technology_status(&answers(&[
            ("digitalt_tilsyn_bruk", Answer::Choice(TRIAL.into())),
            ("digitalt_tilsyn_brukere", Answer::Whole(40)),
            ("digitalt_tilsyn_leverandor", Answer::Text("A".into())),
        ]));
        let haram = technology_status(&answers(&[
            ("digitalt_tilsyn_bruk", Answer::Choice(IN_OPERATION.into())),
            ("digitalt_tilsyn_brukere", Answer::Whole(10)),
            ("digitalt_tilsyn_investering", Answer::Whole(99)),
            ("digitalt_tilsyn_leverandor", Answer::Text("B".into())),
            ("lokalisering_bruk", Answer::Choice(NOT_STARTED.into())),
        ]));
        let both = merge_statuses(&[(&alesund, 100), (&haram, 100)]);
        assert_eq!(both[2].state, Some(TechState::InOperation));
        assert_eq!((both[2].users, both[2].investment), (Some(50), Some(99)));
        assert_eq!(both[2].vendor.as_deref(), Some("A, B"));
        assert_eq!(both[4].state, Some(TechState::NotStarted));
        assert_eq!(
            both[0],
            TechStatus { technology: TECHNOLOGIES[0], state: None, users: None, vendor: None, investment: None }
        );

        let half = merge_statuses(&[(&haram, 50)]);
        assert_eq!(half[2].state, Some(TechState::InOperation), "each part of a split municipality keeps the state");
        assert_eq!((half[2].users, half[2].investment), (Some(5), Some(49)));
    }
}
