//! Target figures against what was reported: a grant's target ("50 medisindispensere", "25 GPS")
//! is matched to a technology by the words it uses, and read against the users reported for that
//! technology. Targets that name no known technology are kept apart, never guessed.

use super::technology::{Adoption, TECHNOLOGIES, TechStatus, Technology};
use crate::grants::TargetFigure;
use serde::Serialize;

/// Words that name a technology in target figures, lower case; the first match wins.
const WORDS: [(&str, &[&str]); 8] = [
    ("trygghetsalarm_mobil", &["mobil trygghetsalarm", "mobile trygghetsalarm", "mobil alarm"]),
    ("trygghetsalarm_fast", &["trygghetsalarm", "trygghetspakke", "alarm"]),
    ("lokalisering", &["gps", "lokalisering", "sporing"]),
    ("medisineringsstotte", &["medisin", "dispenser", "pilledoser"]),
    ("digitalt_tilsyn", &["tilsyn", "sensor", "kamera", "fallsensor"]),
    ("dorlas", &["dørlås", "dorlas", "nøkkelfri"]),
    ("hjemmeoppfolging", &["hjemmeoppfølging", "helsesjekk", "avstandsoppfølging"]),
    ("videokonsultasjon", &["video", "skjermbesøk"]),
];

/// The technology a target names, if any.
pub fn technology_of(target: &TargetFigure) -> Option<Technology> {
    let text = target.technology.to_lowercase();
    let code = WORDS.iter().find(|(_, words)| words.iter().any(|w| text.contains(w))).map(|(c, _)| *c)?;
    TECHNOLOGIES.iter().copied().find(|t| t.code == code)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetLine {
    pub technology: Technology,
    pub target: i64,
    /// Users reported for the technology; none when nothing was reported.
    pub actual: Option<i64>,
}

/// Targets summed per technology, each beside the users reported for it; and the targets that
/// name no known technology.
pub fn targets_vs_actuals(
    targets: &[TargetFigure],
    actual: impl Fn(&Technology) -> Option<i64>,
) -> (Vec<TargetLine>, Vec<TargetFigure>) {
    let mut lines: Vec<TargetLine> = Vec::new();
    let mut unmatched = Vec::new();
    for t in targets {
        match technology_of(t) {
            Some(tech) => match lines.iter_mut().find(|l| l.technology == tech) {
                Some(line) => line.target += t.quantity,
                None => lines.push(TargetLine { technology: tech, target: t.quantity, actual: None }),
            },
            None => unmatched.push(t.clone()),
        }
    }
    for l in &mut lines {
        l.actual = actual(&l.technology);
    }
    lines.sort_by_key(|l| TECHNOLOGIES.iter().position(|t| *t == l.technology));
    (lines, unmatched)
}

/// Users per technology from one org unit's status.
pub fn users_in(statuses: &[TechStatus]) -> impl Fn(&Technology) -> Option<i64> + '_ {
    move |tech| statuses.iter().find(|s| s.technology == *tech).and_then(|s| s.users)
}

/// Users per technology summed over several org units (their adoption).
pub fn users_of(adoption: &[Adoption]) -> impl Fn(&Technology) -> Option<i64> + '_ {
    move |tech| adoption.iter().find(|a| a.technology == *tech).map(|a| a.users)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(quantity: i64, what: &str) -> TargetFigure {
        TargetFigure { technology: what.into(), quantity, unit: "stk".into(), due: None }
    }

    #[test]
    fn targets_are_matched_by_their_words_and_summed_per_technology() {
        let targets = [
            target(50, "medisindispensere"),
            target(25, "GPS"),
            target(5, "GPS-klokker"),
            target(3, "velferdsteknologiske veivisere"),
        ];
        let (lines, unmatched) = targets_vs_actuals(&targets, |t| (t.code == "lokalisering").then_some(12));
        let gps = lines.iter().find(|l| l.technology.code == "lokalisering").cloned();
        assert_eq!(gps.map(|l| (l.target, l.actual)), Some((30, Some(12))));
        assert_eq!(lines.first().map(|l| l.technology.code), Some("medisineringsstotte"));
        assert_eq!(unmatched.len(), 1, "a target naming no technology is not guessed");
        assert_eq!(technology_of(&target(10, "mobile trygghetsalarmer")).map(|t| t.code), Some("trygghetsalarm_mobil"));
    }
}
