//! Screening an application (from the 2015 guidance): warnings the county officer sees before
//! deciding. Warnings inform; they do not refuse.

/// What screening reads from an application.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicationText {
    pub own_financing: i64,
    pub politically_anchored: bool,
    pub administratively_anchored: bool,
    pub purpose: String,
    pub budget: String,
    pub plan: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warning {
    NoOwnFinancing,
    AnchoringMissing,
    OnlyStudyOrPlanning,
    EquipmentInBudget,
    ProcurementNotDescribed,
}

impl Warning {
    pub fn message(self) -> &'static str {
        match self {
            Warning::NoOwnFinancing => "Søknaden oppgir ingen egenfinansiering.",
            Warning::AnchoringMissing => "Politisk eller administrativ forankring mangler.",
            Warning::OnlyStudyOrPlanning => "Formålet ser ut til å være bare utredning eller planlegging.",
            Warning::EquipmentInBudget => "Budsjettet ser ut til å omfatte innkjøp av utstyr.",
            Warning::ProcurementNotDescribed => "Anskaffelse er ikke beskrevet i planen.",
        }
    }
}

fn mentions(text: &str, words: &[&str]) -> bool {
    let t = text.to_lowercase();
    words.iter().any(|w| t.contains(w))
}

pub fn screen(a: &ApplicationText) -> Vec<Warning> {
    let mut out = Vec::new();
    if a.own_financing <= 0 {
        out.push(Warning::NoOwnFinancing);
    }
    if !a.politically_anchored || !a.administratively_anchored {
        out.push(Warning::AnchoringMissing);
    }
    let doing = ["innfør", "implement", "drift", "ta i bruk", "utprøv", "spredning"];
    if mentions(&a.purpose, &["utredning", "forprosjekt", "kartlegging", "planlegging"])
        && !mentions(&a.purpose, &doing)
    {
        out.push(Warning::OnlyStudyOrPlanning);
    }
    if mentions(&a.budget, &["utstyr", "innkjøp", "sensorer", "lisenser"]) {
        out.push(Warning::EquipmentInBudget);
    }
    if !mentions(&a.plan, &["anskaff", "innkjøp", "konkurranse", "rammeavtale"]) {
        out.push(Warning::ProcurementNotDescribed);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sound_application_has_no_warnings() {
        let a = ApplicationText {
            own_financing: 500_000,
            politically_anchored: true,
            administratively_anchored: true,
            purpose: "Innføre digitalt tilsyn i drift i hele kommunen".into(),
            budget: "Frikjøp av prosjektleder, opplæring".into(),
            plan: "Anskaffelse gjennom felles rammeavtale i regionen".into(),
        };
        assert_eq!(screen(&a), vec![]);
    }

    #[test]
    fn the_guidance_warnings_fire() {
        let a = ApplicationText {
            purpose: "Forprosjekt og kartlegging av behov".into(),
            budget: "Innkjøp av sensorer".into(),
            politically_anchored: true,
            ..Default::default()
        };
        assert_eq!(
            screen(&a),
            vec![
                Warning::NoOwnFinancing,
                Warning::AnchoringMissing,
                Warning::OnlyStudyOrPlanning,
                Warning::EquipmentInBudget,
                Warning::ProcurementNotDescribed
            ]
        );
    }
}
