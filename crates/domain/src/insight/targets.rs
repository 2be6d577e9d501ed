//! Target figures against what was reported: a grant's target ("50 medisindispensere", "25 GPS")
//! is matched to a technology by the words it uses, and read against the users reported for that
//! technology. Only a target counted in people (brukere, personer, pasienter) compares with
//! users; one in "stk", "kommuner" or "enheter" is shown but not compared, and targets in
//! different units are never added. Targets that name no known technology are kept apart, never
//! guessed.

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

/// The technology a target names, if any: one chosen from the list in the decision form (its
/// label, "Trygghetsalarm (mobil)"), or one named by the words of a text.
pub fn technology_of(target: &TargetFigure) -> Option<Technology> {
    let text = target.technology.trim().to_lowercase();
    if let Some(t) = TECHNOLOGIES.iter().find(|t| t.label.to_lowercase() == text || t.code == text) {
        return Some(*t);
    }
    let code = WORDS.iter().find(|(_, words)| words.iter().any(|w| text.contains(w))).map(|(c, _)| *c)?;
    TECHNOLOGIES.iter().copied().find(|t| t.code == code)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetLine {
    pub technology: Technology,
    /// The unit the targets of the line are counted in ([`TargetFigure::unit_key`]); targets in
    /// different units are never added.
    pub unit: String,
    pub target: i64,
    /// Users reported for the technology; none when nothing was reported.
    pub actual: Option<i64>,
    /// Whether the target counts people, so that it can be read against the reported users.
    pub comparable: bool,
}

impl TargetLine {
    /// How far the reported users have come, in tenths of a percent of the target: only for a
    /// target that counts people and a technology with reported users.
    pub fn reached_tenths(&self) -> Option<i64> {
        let actual = self.actual.filter(|_| self.comparable && self.target > 0)?;
        Some((actual.saturating_mul(1000) + self.target / 2) / self.target)
    }
}

/// Targets summed per technology and unit, each beside the users reported for the technology;
/// and the targets that name no known technology.
pub fn targets_vs_actuals(
    targets: &[TargetFigure],
    actual: impl Fn(&Technology) -> Option<i64>,
) -> (Vec<TargetLine>, Vec<TargetFigure>) {
    let mut lines: Vec<TargetLine> = Vec::new();
    let mut unmatched = Vec::new();
    for t in targets {
        let Some(tech) = technology_of(t) else {
            unmatched.push(t.clone());
            continue;
        };
        let unit = t.unit_key();
        match lines.iter_mut().find(|l| l.technology == tech && l.unit == unit) {
            Some(line) => line.target = line.target.saturating_add(t.quantity),
            None => lines.push(TargetLine {
                technology: tech,
                unit,
                target: t.quantity,
                actual: None,
                comparable: t.counts_people(),
            }),
        }
    }
    for l in &mut lines {
        l.actual = actual(&l.technology);
    }
    sort(&mut lines);
    (lines, unmatched)
}

fn sort(lines: &mut [TargetLine]) {
    lines.sort_by_key(|l| (TECHNOLOGIES.iter().position(|t| *t == l.technology), !l.comparable, l.unit.clone()));
}

/// The lines of several org units, each its own targets against its own reported users, added
/// up per technology and unit: the targets summed, and the users of those that reported (none
/// when none of them did). So a recipient's target is never read against others' users.
pub fn sum_lines(lines: impl IntoIterator<Item = TargetLine>) -> Vec<TargetLine> {
    let mut out: Vec<TargetLine> = Vec::new();
    for l in lines {
        match out.iter_mut().find(|o| o.technology == l.technology && o.unit == l.unit) {
            Some(o) => {
                o.target = o.target.saturating_add(l.target);
                o.actual = match (o.actual, l.actual) {
                    (None, None) => None,
                    (a, b) => Some(a.unwrap_or(0).saturating_add(b.unwrap_or(0))),
                };
            }
            None => out.push(l),
        }
    }
    sort(&mut out);
    out
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
        for t in TECHNOLOGIES {
            assert_eq!(technology_of(&target(1, t.label)), Some(t), "chosen from the list: {}", t.label);
        }
    }

    #[test]
    fn targets_in_different_units_are_never_added_and_only_people_compare_with_users() {
        let counted = |quantity: i64, what: &str, unit: &str| TargetFigure {
            technology: what.into(),
            quantity,
            unit: unit.into(),
            due: None,
        };
        let targets = [
            counted(100, "trygghetspakker", "stk"),
            counted(40, "trygghetsalarm", "brukere"),
            counted(20, "trygghetsalarm", "Bruker"),
            counted(12, "digitalt tilsyn", "kommuner"),
        ];
        let users = |t: &Technology| match t.code {
            "trygghetsalarm_fast" => Some(30),
            "digitalt_tilsyn" => Some(126_298),
            _ => None,
        };
        let (lines, _) = targets_vs_actuals(&targets, users);
        let shown: Vec<_> =
            lines.iter().map(|l| (l.technology.code, l.unit.as_str(), l.target, l.comparable)).collect();
        assert_eq!(
            shown,
            vec![
                ("trygghetsalarm_fast", "brukere", 60, true),
                ("trygghetsalarm_fast", "stk", 100, false),
                ("digitalt_tilsyn", "kommuner", 12, false),
            ]
        );
        assert_eq!(lines[0].reached_tenths(), Some(500), "30 of 60 users");
        let (other, _) = targets_vs_actuals(&[counted(40, "trygghetsalarm", "brukere")], |_| None);
        let summed = sum_lines(lines.iter().cloned().chain(other));
        assert_eq!((summed[0].target, summed[0].actual), (100, Some(30)), "users of those that reported");
        assert_eq!(lines[1].reached_tenths(), None, "100 stk do not compare with users");
        assert_eq!(lines[2].reached_tenths(), None, "nor 12 kommuner with 126 298 users");
    }
}
