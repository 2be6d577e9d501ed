//! Survey results (resultater): per question and option, the count and the share **of those
//! who answered that question**, overall and by group, as the programme's 2020 survey reports
//! them (56 of 120 = 46,67 %).

use super::answers::{Answer, Answers};
use super::template::{FieldKind, FormTemplate};
use serde::Serialize;
use std::collections::BTreeMap;

/// One respondent's answers with the groups they belong to (e.g. size class, county).
#[derive(Debug, Clone)]
pub struct SurveyResponse {
    pub groups: Vec<String>,
    pub answers: Answers,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OptionResult {
    pub question: String,
    pub option: String,
    /// "Alle" for the whole, else the group's label.
    pub group: String,
    pub count: u32,
    /// Respondents in the group who answered the question.
    pub answered: u32,
    /// Hundredths of a percent of `answered`, rounded half up; none when nobody answered.
    pub share: Option<u32>,
}

fn chose(answer: Option<&Answer>, option: &str) -> Option<bool> {
    match answer? {
        Answer::Choice(c) => Some(c == option),
        Answer::Choices(list) => Some(list.iter().any(|c| c == option)),
        _ => None,
    }
}

/// Results for every choice question of the template. With `dimension`, one row per group
/// (sorted) for each option; without, one "Alle" row per option.
pub fn option_results(
    template: &FormTemplate,
    responses: &[SurveyResponse],
    dimension: Option<usize>,
) -> Vec<OptionResult> {
    let mut out = Vec::new();
    for field in template.fields() {
        let options = match &field.kind {
            FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options } => options,
            _ => continue,
        };
        let mut groups: BTreeMap<String, Vec<&SurveyResponse>> = BTreeMap::new();
        for r in responses {
            let group = match dimension {
                None => "Alle".to_string(),
                Some(d) => r.groups.get(d).cloned().unwrap_or_else(|| "Ukjent".into()),
            };
            groups.entry(group).or_default().push(r);
        }
        for option in options {
            for (group, members) in &groups {
                let answered = members.iter().filter(|r| r.answers.contains_key(&field.code)).count() as u32;
                let count =
                    members.iter().filter(|r| chose(r.answers.get(&field.code), option) == Some(true)).count() as u32;
                let share = (answered > 0)
                    .then(|| ((u64::from(count) * 20_000 + u64::from(answered)) / (2 * u64::from(answered))) as u32);
                out.push(OptionResult {
                    question: field.label.clone(),
                    option: option.clone(),
                    group: group.clone(),
                    count,
                    answered,
                    share,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reporting::template::Section;
    use crate::reporting::template::tests::field;

    fn survey() -> FormTemplate {
        FormTemplate {
            code: "covid".into(),
            name: "Løsninger under pandemien".into(),
            description: String::new(),
            sections: vec![Section {
                title: "Løsninger".into(),
                help: String::new(),
                fields: vec![field(
                    "losninger",
                    FieldKind::MultipleChoice {
                        options: vec!["Elektronisk medisineringsstøtte".into(), "Digitalt tilsyn".into()],
                    },
                )],
            }],
            rules: vec![],
        }
    }

    fn response(size: &str, chosen: Option<&[&str]>) -> SurveyResponse {
        let mut answers = Answers::new();
        if let Some(chosen) = chosen {
            answers.insert("losninger".into(), Answer::Choices(chosen.iter().map(|s| s.to_string()).collect()));
        }
        SurveyResponse { groups: vec![size.into()], answers }
    }

    #[test]
    fn shares_are_of_those_who_answered_the_question() {
        // 120 answered, 56 chose medication support: 46,67 % as in the 2020 survey.
        let mut responses = Vec::new();
        for i in 0..120 {
            let pick: &[&str] = if i < 56 { &["Elektronisk medisineringsstøtte"] } else { &["Digitalt tilsyn"] };
            responses.push(response(if i % 2 == 0 { "Liten" } else { "Stor" }, Some(pick)));
        }
        responses.push(response("Liten", None)); // skipped the question: not in the denominator
        let all = option_results(&survey(), &responses, None);
        let med = &all[0];
        assert_eq!((med.count, med.answered, med.share), (56, 120, Some(4667)));
        let by_size = option_results(&survey(), &responses, Some(0));
        assert_eq!(by_size.len(), 4);
        assert_eq!(by_size[0].group, "Liten");
        assert_eq!(by_size[0].answered, 60);
    }
}
