//! What an import does to what a round already holds (importens virkning), said in the preview
//! before anything is written: how many submissions have answers, which of them the file's
//! answers replace (the same questions; the rest of a draft is kept), which are kept as they are,
//! and that a delivered report is never changed.

use super::State;
use crate::number::grouped;

/// A submission of the round as the import finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub org_id: String,
    /// «Bodø (1804)», as the preview names it.
    pub name: String,
    pub state: State,
    /// Whether anything is saved in it.
    pub answered: bool,
}

/// The import's effect on the round's submissions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effect {
    pub submissions: usize,
    /// Submissions with answers: a saved draft, or one sent back, sent in or accepted.
    pub with_answers: usize,
    /// Sent in or accepted: an import never changes them (a row for one stops the import).
    pub delivered: usize,
    /// With answers, answered by the file: the file's answers replace theirs to the same
    /// questions, the rest is kept, and they are sent in.
    pub replaced: Vec<String>,
    /// With answers that the import does not change (not in the file, or delivered): kept.
    pub kept: Vec<String>,
    /// Without answers, answered by the file: get the file's answers.
    pub filled: usize,
}

/// The effect of importing rows for `imported` (org ids) into a round that holds `held`.
pub fn import_effect(held: &[Held], imported: &[&str]) -> Effect {
    let mut effect = Effect { submissions: held.len(), ..Effect::default() };
    for h in held {
        let delivered = matches!(h.state, State::Submitted | State::Accepted);
        let answered = h.answered || h.state != State::Draft;
        let in_file = imported.contains(&h.org_id.as_str());
        effect.with_answers += usize::from(answered);
        effect.delivered += usize::from(delivered);
        match (answered, in_file) {
            (true, true) if !delivered => effect.replaced.push(h.name.clone()),
            (true, false) => effect.kept.push(h.name.clone()),
            (false, true) => effect.filled += 1,
            _ => {}
        }
    }
    effect
}

fn names(list: &[String]) -> String {
    list.join(", ")
}

impl Effect {
    /// The effect in sentences, for the preview and the command line.
    pub fn sentences(&self) -> Vec<String> {
        if self.with_answers == 0 {
            return vec![format!(
                "Ingen av rundens {} innleveringer har svar fra før: importen legger inn {} nye svar og sender dem inn.",
                grouped(self.submissions as i64),
                grouped(self.filled as i64)
            )];
        }
        let mut out = vec![format!(
            "Runden har svar fra før: {} av {} innleveringer har svar, {} av dem levert (sendt inn eller godkjent). \
             Levert svar endres aldri av en import.",
            grouped(self.with_answers as i64),
            grouped(self.submissions as i64),
            grouped(self.delivered as i64)
        )];
        if !self.replaced.is_empty() {
            out.push(format!(
                "Importen erstatter svarene på spørsmålene i filen for {} som har utkast eller er sendt tilbake: {}. \
                 Svar de har på andre spørsmål, beholdes, og innleveringene sendes inn.",
                grouped(self.replaced.len() as i64),
                names(&self.replaced)
            ));
        }
        if !self.kept.is_empty() {
            out.push(format!(
                "{} med svar endres ikke av importen og beholdes som de er: {}.",
                grouped(self.kept.len() as i64),
                names(&self.kept)
            ));
        }
        if self.filled > 0 {
            out.push(format!("{} uten svar fra før får svarene fra filen.", grouped(self.filled as i64)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(id: &str, state: State, answered: bool) -> Held {
        Held { org_id: id.into(), name: format!("Kommune {id}"), state, answered }
    }

    #[test]
    fn the_preview_says_what_is_replaced_kept_and_never_changed() {
        let round = [
            held("1", State::Draft, true),
            held("2", State::Draft, false),
            held("3", State::Submitted, true),
            held("4", State::Returned, true),
            held("5", State::Draft, true),
        ];
        let effect = import_effect(&round, &["1", "2", "4"]);
        assert_eq!((effect.with_answers, effect.delivered, effect.filled), (4, 1, 1));
        assert_eq!(effect.replaced, ["Kommune 1", "Kommune 4"]);
        assert_eq!(effect.kept, ["Kommune 3", "Kommune 5"]);
        let text = effect.sentences().join(" ");
        assert!(text.starts_with("Runden har svar fra før: 4 av 5 innleveringer har svar, 1 av dem levert"), "{text}");
        assert!(text.contains("for 2 som har utkast eller er sendt tilbake: Kommune 1, Kommune 4."), "{text}");
        assert!(
            text.contains("2 med svar endres ikke av importen og beholdes som de er: Kommune 3, Kommune 5."),
            "{text}"
        );
        assert!(text.contains("1 uten svar fra før får svarene fra filen."), "{text}");
    }

    #[test]
    fn a_round_without_answers_says_so_with_grouped_numbers() {
        let round: Vec<Held> = (0..1200).map(|i| held(&i.to_string(), State::Draft, false)).collect();
        let effect = import_effect(&round, &["1", "2"]);
        assert_eq!(
            effect.sentences(),
            [
                "Ingen av rundens 1\u{a0}200 innleveringer har svar fra før: importen legger inn 2 nye svar og sender dem inn."
            ]
        );
    }
}
