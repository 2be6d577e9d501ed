//! Importing a SurveyMonkey export into a survey round. The export has two header rows: the
//! first names the question (only above the first column of a question), the second names the
//! option of a multiple-choice column ("Response" for one-answer columns). Each later row is one
//! respondent. Rows are matched to the round's org units by number or name; what cannot be
//! matched or read is listed by row, and the caller imports nothing until each is resolved or
//! explicitly skipped.

use super::answers::{RawAnswers, missing_required, parse};
use super::template::{FieldKind, FormTemplate};
use crate::registry::{Closeness, Layout, NameForms, NameIndex, Registered, parallel_forms};
use chrono::NaiveDateTime;
use std::collections::BTreeSet;

/// An org unit the round expects, as the importer may match it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub id: String,
    pub name: String,
}

/// A respondent row ready to import (row numbers count from 1, as in a spreadsheet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub row: usize,
    pub org_id: String,
    pub raw: RawAnswers,
    /// When the respondent finished ("End Date"), if the export says.
    pub ended: Option<NaiveDateTime>,
}

/// Something that stops the import, named by row (1 and 2 are the header rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    pub row: usize,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportPlan {
    pub rows: Vec<ImportRow>,
    pub problems: Vec<ImportProblem>,
    /// Respondent rows in the file (skipped ones included).
    pub respondents: usize,
    /// Columns the importer did not use (e.g. "Other (please specify)"), for the report.
    pub ignored_columns: Vec<String>,
    /// How rows were read where it was not letter for letter (an older number carried over
    /// through the code transitions, a name read without æ, ø and å): shown, not blocking.
    pub notes: Vec<ImportProblem>,
}

/// The registry as an import into a round of municipalities sees it: the round's layout and
/// every municipality of every layout, so that a name or number that is no recipient is
/// explained, and an older number is carried over where the code transitions tell one.
#[derive(Debug, Clone, Copy)]
pub struct RoundRegistry<'a> {
    pub layout: Layout,
    pub index: &'a NameIndex,
}

fn norm(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Drops a trailing " kommune" so "Bodø kommune" matches "Bodø".
fn municipality_name(text: &str) -> String {
    let n = norm(text);
    n.strip_suffix(" kommune").map(str::to_string).unwrap_or(n)
}

/// SurveyMonkey writes US dates with slashes ("03/20/2020 10:15:23 AM"); XLSX cells arrive as ISO;
/// Norwegian sheets use dots ("20.03.2020 10:15"). The separator tells them apart.
pub fn parse_end_date(text: &str) -> Option<NaiveDateTime> {
    ["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text.trim(), f).ok())
}

/// What one column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Org,
    Ended,
    /// The whole answer to a field (one-answer question).
    Field(String),
    /// One option of a multiple-choice field.
    Option {
        field: String,
        option: String,
    },
    Ignored,
}

fn is_org_header(text: &str) -> bool {
    let n = norm(text);
    n.contains("kommune") || n == "custom data 1" || n == "custom data"
}

/// How a round's org unit is found from what a respondent wrote: one unit (with a note where it
/// was not read letter for letter), or why none is.
enum Resolved<'a> {
    One(&'a Expected, Option<String>),
    Problem(String),
}

/// Finds the org unit a cell names: its number, or (with the registry) any of its names in the
/// round's layout, or an older number carried over; without the registry (rounds of
/// collaborations), the name as the round has it.
fn resolve<'a>(expected: &'a [Expected], registry: Option<RoundRegistry>, value: &str) -> Resolved<'a> {
    let v = value.trim();
    if v.is_empty() {
        return Resolved::Problem("kommunen er ikke oppgitt".into());
    }
    let is_number = (3..=4).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit());
    let padded = if is_number && v.len() == 3 { format!("0{v}") } else { v.to_string() };
    if let Some(e) = expected.iter().find(|e| e.id == padded) {
        return Resolved::One(e, None);
    }
    match registry {
        Some(registry) if is_number => by_number(expected, registry, &padded),
        Some(registry) => by_name(expected, registry, v),
        None => by_round_name(expected, v),
    }
}

fn by_round_name<'a>(expected: &'a [Expected], v: &str) -> Resolved<'a> {
    let closeness = |e: &Expected| NameForms::new([(e.name.as_str(), "")], "").matches(v);
    let exact: Vec<&Expected> = expected.iter().filter(|e| closeness(e) == Some(Closeness::Exact)).collect();
    let hits = if exact.is_empty() { expected.iter().filter(|e| closeness(e).is_some()).collect() } else { exact };
    match hits.as_slice() {
        [one] if closeness(one) == Some(Closeness::Loose) => {
            Resolved::One(one, Some(format!("«{v}» er lest som {} ({})", one.name, one.id)))
        }
        [one] => Resolved::One(one, None),
        [] => Resolved::Problem(format!(
            "«{v}» er ikke en kommune i runden: ingen mottaker har det navnet eller nummeret{}",
            hint(expected, v)
        )),
        _ => Resolved::Problem(format!("«{v}» er navnet på flere kommuner i runden; skriv kommunenummeret")),
    }
}

/// "; mente du Bodø (1804)?" for the one recipient a letter or two away, or how to write it.
fn hint(expected: &[Expected], v: &str) -> String {
    suggestion(expected, v)
        .map(|e| format!("; mente du {} ({})?", e.name, e.id))
        .unwrap_or_else(|| "; skriv kommunenummeret eller navnet slik det står i registeret".into())
}

/// "Narvik (1806, Nordland) og Hamarøy (1875, Nordland)".
fn listed(municipalities: &[&Registered], and: &str) -> String {
    let each: Vec<String> =
        municipalities.iter().map(|r| format!("{} ({}, {})", r.name, r.number, r.county_name)).collect();
    match each.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} {and} {last}", rest.join(", ")),
        _ => each.join(""),
    }
}

/// Which of several candidates are recipients of the round, said after their list.
fn in_round(expected: &[Expected], candidates: &[&Registered]) -> String {
    let among: Vec<&str> =
        candidates.iter().filter(|r| expected.iter().any(|e| e.id == r.number)).map(|r| r.number.as_str()).collect();
    match among.as_slice() {
        [] => String::new(),
        [one] if candidates.len() > 1 => format!(" (bare {one} er med i runden)"),
        _ => String::new(),
    }
}

fn by_number<'a>(expected: &'a [Expected], registry: RoundRegistry, n: &str) -> Resolved<'a> {
    let (layout, index) = (registry.layout, registry.index);
    let not = |why: String| Resolved::Problem(format!("«{n}» er ikke en kommune i runden: {why}"));
    if let Some(r) = index.get(layout, n) {
        return not(format!("{n} er {} ({}), som ikke er blant mottakerne av runden", r.name, r.county_name));
    }
    let seen: Vec<&Registered> = index.layouts_of(n);
    let Some(then) = seen.first() else {
        return not(format!("ingen kommune har nummeret {n} i 2015-, 2020- eller 2024-inndelingen"));
    };
    let mut targets: Vec<String> = seen
        .iter()
        .flat_map(|r| index.codes().candidates(r.layout, n, layout))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    targets.retain(|t| index.get(layout, t).is_some());
    let was = format!("{n} er {} i {}-inndelingen", then.name, then.layout);
    let now: Vec<&Registered> = targets.iter().filter_map(|t| index.get(layout, t)).collect();
    match now.as_slice() {
        [one] => match expected.iter().find(|e| e.id == one.number) {
            Some(e) => {
                let note = format!(
                    "{n} ({}) → {} ({layout}): {} er {} i {layout}-inndelingen, ført over etter kodeovergangene",
                    then.layout, one.number, then.name, one.name
                );
                Resolved::One(e, Some(note))
            }
            None => not(format!(
                "{was}, som er {} ({}) i {layout}-inndelingen og ikke blant mottakerne av runden",
                one.name, one.number
            )),
        },
        [] => not(format!("{was}, og kodeovergangene sier ikke hvilken kommune den er i {layout}-inndelingen")),
        many => not(format!(
            "{was}, som ble delt: i {layout}-inndelingen ligger den i {}{}; skriv kommunenummeret i {layout}-inndelingen",
            listed(many, "og"),
            in_round(expected, many)
        )),
    }
}

fn by_name<'a>(expected: &'a [Expected], registry: RoundRegistry, v: &str) -> Resolved<'a> {
    let layout = registry.layout;
    let found = registry.index.find(layout, v);
    match found.hits.as_slice() {
        [one] => match expected.iter().find(|e| e.id == one.number) {
            Some(e) => {
                let loose = found.closeness == Closeness::Loose;
                Resolved::One(e, loose.then(|| format!("«{v}» er lest som {} ({})", one.name, one.number)))
            }
            None => Resolved::Problem(format!(
                "«{v}» er ikke en kommune i runden: {} ({}, {}) er ikke blant mottakerne av runden{}",
                one.name,
                one.number,
                one.county_name,
                suggestion(expected, v).map(|e| format!("; mente du {} ({})?", e.name, e.id)).unwrap_or_default()
            )),
        },
        [] => elsewhere(expected, registry, v),
        many => {
            // The example names the one in the round, where one is.
            let example = many
                .iter()
                .find(|r| expected.iter().any(|e| e.id == r.number))
                .or(many.first())
                .map(|r| format!("{} ({})", r.name_norwegian, r.county_name))
                .unwrap_or_default();
            Resolved::Problem(format!(
                "«{v}» er navnet på flere kommuner i {layout}-inndelingen: {}{}; skriv kommunenummeret, eller fylket som i «{example}»",
                listed(many, "eller"),
                in_round(expected, many)
            ))
        }
    }
}

/// A name that is no municipality of the round's layout: a former one, one of a later layout,
/// or none at all.
fn elsewhere<'a>(expected: &'a [Expected], registry: RoundRegistry, v: &str) -> Resolved<'a> {
    let layout = registry.layout;
    let not = |why: String| Resolved::Problem(format!("«{v}» er ikke en kommune i runden: {why}"));
    let found = registry.index.elsewhere(layout, v);
    let Some(e) = found.first() else {
        return not(format!("ingen kommune i {layout}-inndelingen har det navnet{}", hint(expected, v)));
    };
    let then = e.then;
    let verb = if then.layout < layout { "var en kommune" } else { "er en kommune" };
    let was = format!("{} ({}) {verb} i {}-inndelingen", then.name, then.number, then.layout);
    match e.now.as_slice() {
        [one] => {
            let ask = match expected.iter().find(|x| x.id == one.number) {
                Some(x) => format!("mente du {} ({})?", x.name, x.id),
                None => format!("{} er ikke blant mottakerne av runden", one.name),
            };
            not(format!("{was} og ligger i {} ({}) i {layout}-inndelingen; {ask}", one.name, one.number))
        }
        [] => not(format!("{was}, og kodeovergangene sier ikke hvilken kommune den er i {layout}-inndelingen")),
        many => not(format!(
            "{was} og ligger i flere kommuner i {layout}-inndelingen: {}{}; skriv kommunenummeret",
            listed(many, "og"),
            in_round(expected, many)
        )),
    }
}

/// Letters as a reader compares names: lower case, diacritics folded (ø→o, å→a, á→a, č→c …).
fn folded(text: &str) -> Vec<char> {
    municipality_name(text)
        .chars()
        .map(|c| match c {
            'ø' | 'ö' => 'o',
            'å' | 'á' | 'ä' | 'à' => 'a',
            'æ' => 'e',
            'č' => 'c',
            'đ' => 'd',
            'ŋ' => 'n',
            'š' => 's',
            'ŧ' => 't',
            'ž' => 'z',
            other => other,
        })
        .collect()
}

/// How many letters must change to turn one name into the other (Levenshtein).
fn distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != cb)).min(row[j] + 1).min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

/// The municipality of the round a name not found was most likely meant as: the one name a
/// letter or two away ("Bodo" → Bodø), or none when no name is that close or two are.
fn suggestion<'a>(expected: &'a [Expected], value: &str) -> Option<&'a Expected> {
    let typed = folded(value);
    let near = |e: &Expected| {
        let forms = parallel_forms(&e.name, "");
        let names = std::iter::once(e.name.as_str()).chain(forms.iter().map(String::as_str));
        names.map(|n| distance(&typed, &folded(n))).min().unwrap_or(usize::MAX)
    };
    let limit = if typed.len() <= 4 { 1 } else { 2 };
    let close: Vec<(&Expected, usize)> = expected.iter().map(|e| (e, near(e))).filter(|(_, d)| *d <= limit).collect();
    let best = close.iter().map(|(_, d)| *d).min()?;
    let mut at_best = close.iter().filter(|(_, d)| *d == best);
    match (at_best.next(), at_best.next()) {
        (Some((e, _)), None) => Some(e),
        _ => None,
    }
}

/// The heading of column `i` in a header row, trimmed ("" where the row is short).
fn heading(row: &[String], i: usize) -> &str {
    row.get(i).map(|s| s.trim()).unwrap_or_default()
}

/// What one column holds, from the question it falls under and its second heading. A column
/// whose heading could name the municipality is a candidate for it (`Column::Ignored` until
/// chosen).
fn column(template: &FormTemplate, question: &str, sub: &str, starts_question: bool) -> (Column, bool) {
    let field = template.fields().find(|f| norm(&f.label) == norm(question) || f.code == question);
    let column = match field.map(|f| (f, &f.kind)) {
        Some((f, FieldKind::MultipleChoice { options })) => match options.iter().find(|o| norm(o) == norm(sub)) {
            Some(o) => Column::Option { field: f.code.clone(), option: o.clone() },
            None => Column::Ignored,
        },
        // Files are uploaded, never imported; a question's later columns ("Other (please
        // specify)") are not its answer.
        Some((_, FieldKind::File)) => Column::Ignored,
        Some((f, _)) if starts_question => Column::Field(f.code.clone()),
        Some(_) => Column::Ignored,
        None if starts_question && norm(question) == "end date" => Column::Ended,
        None if starts_question && is_org_header(question) => return (Column::Ignored, true),
        None => Column::Ignored,
    };
    (column, false)
}

/// Among the candidate columns, the one whose values match the most org units names them.
fn choose_org_column(
    rows: &[Vec<String>],
    recipients: Recipients,
    candidates: &[usize],
    out: &mut [Column],
    plan: &mut ImportPlan,
) {
    let matches = |col: usize| {
        rows.iter()
            .skip(2)
            .filter(|r| r.get(col).is_some_and(|v| matches!(resolve(recipients.0, recipients.1, v), Resolved::One(..))))
            .count()
    };
    match candidates.iter().copied().max_by_key(|c| (matches(*c), std::cmp::Reverse(*c))) {
        Some(col) => out[col] = Column::Org,
        None => plan.problems.push(ImportProblem {
            row: 1,
            message: "fant ingen kolonne som sier hvilken kommune som svarer (en overskrift med «kommune», eller Custom Data 1)".into(),
        }),
    }
}

/// Names the columns that are not used, for the report.
fn note_ignored(rows: &[Vec<String>], out: &[Column], plan: &mut ImportPlan) {
    let mut question = String::new();
    for (i, column) in out.iter().enumerate() {
        let head = heading(&rows[0], i);
        if !head.is_empty() {
            question = head.to_string();
        }
        let sub = heading(&rows[1], i);
        if *column == Column::Ignored && !question.is_empty() {
            let name =
                if sub.is_empty() || norm(sub) == "response" { question.clone() } else { format!("{question}: {sub}") };
            plan.ignored_columns.push(name);
        }
    }
}

/// Reads the two header rows into a meaning per column. Among the columns whose heading could
/// name the municipality, the one whose values match the most org units wins.
fn columns(
    template: &FormTemplate,
    rows: &[Vec<String>],
    recipients: Recipients,
    plan: &mut ImportPlan,
) -> Vec<Column> {
    let width = rows[0].len().max(rows[1].len());
    let mut out = Vec::with_capacity(width);
    let mut question = String::new();
    let mut org_candidates = Vec::new();
    for i in 0..width {
        let head = heading(&rows[0], i);
        let starts_question = !head.is_empty();
        if starts_question {
            question = head.to_string();
        }
        let (column, names_org) = column(template, &question, heading(&rows[1], i), starts_question);
        if names_org {
            org_candidates.push(i);
        }
        out.push(column);
    }
    choose_org_column(rows, recipients, &org_candidates, &mut out, plan);
    note_ignored(rows, &out, plan);
    let found = out.iter().any(|c| matches!(c, Column::Field(_) | Column::Option { .. }));
    if !found {
        plan.problems.push(ImportProblem {
            row: 1,
            message: "ingen spørsmål i filen har samme tekst som et felt i rundens skjema".into(),
        });
    }
    out
}

/// Reads one respondent row; problems go to `plan`.
fn read_row(
    template: &FormTemplate,
    columns: &[Column],
    cells: &[String],
    row: usize,
    plan: &mut ImportPlan,
) -> Option<(String, RawAnswers, Option<NaiveDateTime>)> {
    let mut raw = RawAnswers::new();
    let (mut org, mut ended) = (String::new(), None);
    for (column, cell) in columns.iter().zip(cells) {
        let cell = cell.trim();
        match column {
            Column::Org => org = cell.to_string(),
            Column::Ended if !cell.is_empty() => match parse_end_date(cell) {
                Some(at) => ended = Some(at),
                None => {
                    let message = format!("sluttidspunktet «{cell}» kan ikke leses (som 03/20/2020 10:15:23 AM)");
                    plan.problems.push(ImportProblem { row, message });
                    return None;
                }
            },
            Column::Field(f) if !cell.is_empty() => raw.entry(f.clone()).or_default().push(cell.to_string()),
            Column::Option { field, option } if !cell.is_empty() => {
                raw.entry(field.clone()).or_default().push(option.clone())
            }
            _ => {}
        }
    }
    // Choice answers are matched without regard to case; the form wants the exact option.
    for f in template.fields() {
        if let (FieldKind::SingleChoice { options }, Some(values)) = (&f.kind, raw.get_mut(&f.code)) {
            for v in values.iter_mut() {
                if let Some(o) = options.iter().find(|o| norm(o) == norm(v)) {
                    v.clone_from(o);
                }
            }
        }
    }
    Some((org, raw, ended))
}

/// Plans the import of `rows` (the whole sheet, header rows first) into a round that expects
/// `expected`, whose form is `template`. Rows in `skip` are left out before anything is
/// matched, so skipping a wrong answer lets a later corrected one through.
pub fn plan_import(
    template: &FormTemplate,
    rows: &[Vec<String>],
    expected: &[Expected],
    skip: &BTreeSet<usize>,
) -> ImportPlan {
    plan_import_in(template, rows, (expected, None), skip)
}

/// The round's recipients, and the registry where they are municipalities.
pub type Recipients<'a> = (&'a [Expected], Option<RoundRegistry<'a>>);

/// [`plan_import`] into a round whose recipients are municipalities of the registry's layout:
/// every name of a municipality is known, an older number is carried over where the code
/// transitions tell one, and a name or number that is no recipient is explained.
pub fn plan_import_in(
    template: &FormTemplate,
    rows: &[Vec<String>],
    recipients: Recipients,
    skip: &BTreeSet<usize>,
) -> ImportPlan {
    let mut plan = ImportPlan::default();
    if rows.len() < 2 {
        plan.problems.push(ImportProblem { row: 1, message: "filen mangler de to overskriftsradene".into() });
        return plan;
    }
    let columns = columns(template, rows, recipients, &mut plan);
    if !plan.problems.is_empty() {
        return plan;
    }
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (i, cells) in rows.iter().enumerate().skip(2) {
        let row = i + 1;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        plan.respondents += 1;
        if skip.contains(&row) {
            continue;
        }
        let Some((org, raw, ended)) = read_row(template, &columns, cells, row, &mut plan) else { continue };
        let unit = match resolve(recipients.0, recipients.1, &org) {
            Resolved::One(unit, note) => {
                plan.notes.extend(note.map(|message| ImportProblem { row, message }));
                unit
            }
            Resolved::Problem(message) => {
                plan.problems.push(ImportProblem { row, message });
                continue;
            }
        };
        if let Some((_, first)) = seen.iter().find(|(id, _)| *id == unit.id) {
            plan.problems.push(ImportProblem { row, message: format!("{} har svart før, i rad {first}", unit.name) });
            continue;
        }
        seen.push((unit.id.clone(), row));
        match parse(template, &raw) {
            Err(errors) => {
                for e in errors {
                    plan.problems.push(ImportProblem { row, message: format!("{}: {}", unit.name, e.message) });
                }
            }
            Ok(_) => plan.rows.push(ImportRow { row, org_id: unit.id.clone(), raw, ended }),
        }
    }
    plan
}

/// Required fields an imported answer leaves empty, as row problems (checked by the caller
/// after merging with what the submission already holds).
pub fn missing_as_problems(
    template: &FormTemplate,
    answers: &super::answers::Answers,
    row: usize,
    org: &str,
) -> Vec<ImportProblem> {
    missing_required(template, answers)
        .into_iter()
        .map(|e| ImportProblem { row, message: format!("{org}: {}", e.message) })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reporting::template::{Field, Section};

    fn survey() -> FormTemplate {
        let field = |code: &str, label: &str, kind| Field {
            code: code.into(),
            label: label.into(),
            help: String::new(),
            required: false,
            min: None,
            max: None,
            kind,
        };
        FormTemplate {
            code: "s".into(),
            name: "S".into(),
            description: String::new(),
            sections: vec![Section {
                title: "S".into(),
                help: String::new(),
                fields: vec![
                    field(
                        "losninger",
                        "Har din kommune vurdert følgende løsninger?",
                        FieldKind::MultipleChoice {
                            options: vec!["Digitalt tilsyn".into(), "Videokonsultasjon".into()],
                        },
                    ),
                    field(
                        "status",
                        "Status",
                        FieldKind::SingleChoice { options: vec!["I drift".into(), "Utprøving".into()] },
                    ),
                ],
            }],
            rules: vec![],
        }
    }

    fn sheet(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
    }

    fn expected() -> Vec<Expected> {
        vec![
            Expected { id: "1804".into(), name: "Bodø".into() },
            Expected { id: "1841".into(), name: "Fauske - Fuossko".into() },
            Expected { id: "0301".into(), name: "Oslo".into() },
            Expected { id: "1515".into(), name: "Herøy".into() },
            Expected { id: "1818".into(), name: "Herøy".into() },
        ]
    }

    const HEAD: &[&str] = &[
        "Respondent ID",
        "End Date",
        "Hvilken kommune svarer du for?",
        "Har din kommune vurdert følgende løsninger?",
        "",
        "",
        "Status",
    ];
    const SUB: &[&str] =
        &["", "", "Response", "Digitalt tilsyn", "Videokonsultasjon", "Annet (vennligst spesifiser)", "Response"];

    #[test]
    fn rows_match_by_name_or_number_and_options_by_column() {
        let rows = sheet(&[
            HEAD,
            SUB,
            &["1", "03/20/2020 10:00:00 AM", "Bodø kommune", "Digitalt tilsyn", "", "Robot", "i drift"],
            &["2", "", "Fuossko", "", "Videokonsultasjon", "", ""],
            &["3", "", "301", "Digitalt tilsyn", "Videokonsultasjon", "", "Utprøving"],
        ]);
        let plan = plan_import(&survey(), &rows, &expected(), &BTreeSet::new());
        assert_eq!(plan.problems, vec![]);
        assert_eq!(plan.rows.len(), 3);
        assert_eq!(plan.rows[0].org_id, "1804");
        assert_eq!(plan.rows[0].raw["losninger"], vec!["Digitalt tilsyn"]);
        assert_eq!(plan.rows[0].raw["status"], vec!["I drift"]);
        assert_eq!(plan.rows[0].ended.map(|t| t.to_string()).as_deref(), Some("2020-03-20 10:00:00"));
        assert_eq!(plan.rows[2].org_id, "0301");
        assert!(plan.ignored_columns.iter().any(|c| c.contains("Annet")));
    }

    #[test]
    fn unmatched_duplicate_and_invalid_rows_are_named() {
        let rows = sheet(&[
            HEAD,
            SUB,
            &["1", "", "Boddø", "Digitalt tilsyn", "", "", ""],
            &["2", "", "", "Digitalt tilsyn", "", "", ""],
            &["3", "", "Oslo", "", "", "", "Kanskje"],
            &["4", "", "1804", "", "", "", ""],
            &["5", "", "Bodø", "", "", "", ""],
        ]);
        let plan = plan_import(&survey(), &rows, &expected(), &BTreeSet::new());
        let messages: Vec<String> = plan.problems.iter().map(|p| format!("rad {}: {}", p.row, p.message)).collect();
        assert_eq!(plan.rows.len(), 1, "{messages:?}");
        assert!(
            messages.contains(
                &"rad 3: «Boddø» er ikke en kommune i runden: ingen mottaker har det navnet eller nummeret; mente du Bodø (1804)?"
                    .to_string()
            ),
            "{messages:?}"
        );
        assert!(messages.contains(&"rad 4: kommunen er ikke oppgitt".to_string()));
        assert!(messages.iter().any(|m| m.starts_with("rad 5: Oslo: ") && m.contains("«Kanskje»")), "{messages:?}");
        assert!(messages.contains(&"rad 7: Bodø har svart før, i rad 6".to_string()));
    }

    #[test]
    fn a_file_without_a_municipality_column_is_refused_whole() {
        let rows = sheet(&[&["Respondent ID", "Status"], &["", "Response"], &["1", "I drift"]]);
        let plan = plan_import(&survey(), &rows, &expected(), &BTreeSet::new());
        assert!(plan.rows.is_empty());
        assert!(plan.problems[0].message.contains("kolonne"));
    }

    #[test]
    fn other_columns_ambiguous_names_and_bad_dates() {
        let head: &[&str] = &["Kommunenummer eller navn", "Antall ansatte i kommunen", "End Date", "Status", ""];
        let sub: &[&str] = &["Response", "Response", "", "Response", "Annet (vennligst spesifiser)"];
        let rows = sheet(&[
            head,
            sub,
            &["Bodø", "300", "", "I drift", "Noe annet"],
            &["Herøy", "20", "", "", ""],
            &["1818", "20", "i går", "", ""],
            &["1515", "30", "20.03.2020 10:15", "Utprøving", ""],
        ]);
        let plan = plan_import(&survey(), &rows, &expected(), &BTreeSet::new());
        let messages: Vec<String> = plan.problems.iter().map(|p| format!("rad {}: {}", p.row, p.message)).collect();
        assert_eq!(plan.rows.len(), 2, "{messages:?}");
        assert_eq!(plan.rows[0].raw["status"], vec!["I drift"], "the free-text column is not the answer");
        assert!(
            messages
                .contains(&"rad 4: «Herøy» er navnet på flere kommuner i runden; skriv kommunenummeret".to_string())
        );
        assert!(messages.iter().any(|m| m.starts_with("rad 5: sluttidspunktet «i går»")), "{messages:?}");
        assert!(
            plan.ignored_columns.iter().any(|c| c == "Status: Annet (vennligst spesifiser)"),
            "{:?}",
            plan.ignored_columns
        );
        assert!(
            plan.ignored_columns.iter().any(|c| c == "Antall ansatte i kommunen"),
            "the column that matches municipalities wins"
        );
    }

    #[test]
    fn a_skipped_row_does_not_block_a_later_corrected_one() {
        let rows =
            sheet(&[HEAD, SUB, &["1", "", "Bodø", "", "", "", "Kanskje"], &["2", "", "Bodø", "", "", "", "I drift"]]);
        let blocked = plan_import(&survey(), &rows, &expected(), &BTreeSet::new());
        assert_eq!(blocked.problems.len(), 2, "{:?}", blocked.problems);
        let plan = plan_import(&survey(), &rows, &expected(), &BTreeSet::from([3]));
        assert_eq!(plan.problems, vec![]);
        assert_eq!((plan.rows.len(), plan.rows[0].row, plan.respondents), (1, 4, 2));
    }

    fn registry() -> NameIndex {
        use crate::registry::CodeMap;
        use Layout::{Y2015, Y2020, Y2024};
        let r = |layout, number: &str, name: &str, norwegian: &str, county: &str| Registered {
            layout,
            number: number.into(),
            name: name.into(),
            name_norwegian: norwegian.into(),
            county_name: county.into(),
        };
        let rows = vec![
            r(Y2015, "0723", "Tjøme", "Tjøme", "Vestfold"),
            r(Y2015, "1850", "Tysfjord", "Tysfjord", "Nordland"),
            r(Y2020, "5430", "Guovdageaidnu - Kautokeino", "Kautokeino", "Troms og Finnmark"),
            r(Y2020, "5025", "Rosse - Røros", "Røros", "Trøndelag"),
            r(Y2024, "3911", "Færder", "Færder", "Vestfold"),
            r(Y2024, "1804", "Bodø", "Bodø", "Nordland"),
            r(Y2024, "1806", "Narvik", "Narvik", "Nordland"),
            r(Y2024, "1875", "Hamarøy", "Hamarøy", "Nordland"),
            r(Y2024, "5612", "Guovdageaidnu-Kautokeino", "Kautokeino", "Finnmark"),
            r(Y2024, "5025", "Røros", "Røros", "Trøndelag"),
            r(Y2024, "1515", "Herøy", "Herøy", "Møre og Romsdal"),
            r(Y2024, "1818", "Herøy", "Herøy", "Nordland"),
            r(Y2024, "0301", "Oslo-Oslove", "Oslo", "Oslo"),
        ];
        let codes = [
            (Y2015, "0723", "3911"),
            (Y2015, "1850", "1806"),
            (Y2015, "1850", "1875"),
            (Y2020, "5430", "5612"),
            (Y2020, "5025", "5025"),
        ];
        NameIndex::new(rows, CodeMap::new(codes.map(|(l, f, t)| (l, f.to_string(), t.to_string()))))
    }

    fn recipients_2024() -> Vec<Expected> {
        ["1804", "1806", "1818", "1875", "3911", "5025", "5612"]
            .map(|id| Expected { id: id.into(), name: registry().get(Layout::Y2024, id).unwrap().name.clone() })
            .into()
    }

    fn plan_2024(cells: &[&str]) -> (ImportPlan, Vec<String>) {
        let head: &[&str] = &["Kommune", "Status"];
        let sub: &[&str] = &["Response", "Response"];
        let mut all = vec![head.to_vec(), sub.to_vec()];
        all.extend(cells.iter().map(|c| vec![*c, "I drift"]));
        let rows: Vec<Vec<String>> = all.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        let (index, expected) = (registry(), recipients_2024());
        let registry = RoundRegistry { layout: Layout::Y2024, index: &index };
        let plan = plan_import_in(&survey(), &rows, (&expected, Some(registry)), &BTreeSet::new());
        let messages = plan.problems.iter().map(|p| format!("rad {}: {}", p.row, p.message)).collect();
        (plan, messages)
    }

    #[test]
    fn an_older_number_is_carried_over_and_a_split_one_never_guessed() {
        let (plan, messages) = plan_2024(&["5430", "1850", "0723", "0301", "9999"]);
        assert_eq!(plan.rows.iter().map(|r| r.org_id.as_str()).collect::<Vec<_>>(), ["5612", "3911"], "{messages:?}");
        assert!(plan.notes[0].message.starts_with("5430 (2020) → 5612 (2024): "), "{:?}", plan.notes);
        assert_eq!(plan.notes[0].row, 3);
        assert_eq!(
            messages[0],
            "rad 4: «1850» er ikke en kommune i runden: 1850 er Tysfjord i 2015-inndelingen, som ble delt: i \
             2024-inndelingen ligger den i Narvik (1806, Nordland) og Hamarøy (1875, Nordland); skriv kommunenummeret \
             i 2024-inndelingen"
        );
        assert_eq!(
            messages[1],
            "rad 6: «0301» er ikke en kommune i runden: 0301 er Oslo-Oslove (Oslo), som ikke er blant mottakerne av runden"
        );
        assert!(messages[2].starts_with("rad 7: «9999» er ikke en kommune i runden: ingen kommune har nummeret 9999"));
    }

    #[test]
    fn a_name_not_in_the_round_says_why_and_what_was_meant() {
        let (plan, messages) = plan_2024(&[
            "Tjøme",
            "Tysfjord kommune",
            "Herøy",
            "Oslove",
            "Rosse",
            "Herøy (Nordland)",
            "Bodo",
            "Guovdageaidnu",
        ]);
        let imported: Vec<&str> = plan.rows.iter().map(|r| r.org_id.as_str()).collect();
        assert_eq!(imported, ["5025", "1818", "1804", "5612"], "{messages:?}");
        assert_eq!(
            messages,
            [
                "rad 3: «Tjøme» er ikke en kommune i runden: Tjøme (0723) var en kommune i 2015-inndelingen og ligger i \
                 Færder (3911) i 2024-inndelingen; mente du Færder (3911)?",
                "rad 4: «Tysfjord kommune» er ikke en kommune i runden: Tysfjord (1850) var en kommune i \
                 2015-inndelingen og ligger i flere kommuner i 2024-inndelingen: Narvik (1806, Nordland) og Hamarøy \
                 (1875, Nordland); skriv kommunenummeret",
                "rad 5: «Herøy» er navnet på flere kommuner i 2024-inndelingen: Herøy (1515, Møre og Romsdal) eller \
                 Herøy (1818, Nordland) (bare 1818 er med i runden); skriv kommunenummeret, eller fylket som i «Herøy \
                 (Nordland)»",
                "rad 6: «Oslove» er ikke en kommune i runden: Oslo-Oslove (0301, Oslo) er ikke blant mottakerne av runden",
            ]
        );
        assert_eq!(plan.notes.len(), 1, "Bodo read as Bodø: {:?}", plan.notes);
        assert_eq!(plan.notes[0].message, "«Bodo» er lest som Bodø (1804)");
    }

    #[test]
    fn a_name_not_found_suggests_the_one_close_name_and_never_guesses_between_two() {
        let e = |id: &str, name: &str| Expected { id: id.into(), name: name.into() };
        let round = [e("1804", "Bodø"), e("1841", "Fauske - Fuossko"), e("1875", "Hamarøy"), e("1865", "Vågan")];
        assert_eq!(suggestion(&round, "Bodo").map(|m| m.id.as_str()), Some("1804"));
        assert_eq!(
            suggestion(&round, "Fuosko kommune").map(|m| m.id.as_str()),
            Some("1841"),
            "a part of a parallel name"
        );
        assert_eq!(suggestion(&round, "Hamaroy").map(|m| m.id.as_str()), Some("1875"));
        assert_eq!(suggestion(&round, "Tromsø"), None, "nothing close");
        let two = [e("1", "Vang"), e("2", "Vana")];
        assert_eq!(suggestion(&two, "Vanx"), None, "two as close: no guess");
        assert_eq!(distance(&folded("kitten"), &folded("sitting")), 3);
    }
}
