//! Export of a round's answers (eksport): one row per org unit, one column per field, with
//! Norwegian headers, as CSV (semicolons, UTF-8 with BOM so Excel reads æøå) and XLSX.
//! Only submissions the caller may see are included; drafts never are. The table is written
//! by [`crate::exports`].

use super::error::{ReportingError, ReportingResult};
use super::{permitted_in_round, store};
use crate::db::DbConnection;
use crate::exports::{Cell, Table};
use samveis_domain::access::{Action, Actor};
use samveis_domain::reporting::{Answer, Answers, FieldKind, FormTemplate, State, label_of};

/// The columns' headers, each field named as the form's messages name it ([`label_of`]): a label
/// that several sections share («Gevinstkategori» under every technology of the benefits form)
/// is named with its section, «Trygghetsalarm: Gevinstkategori».
fn headers(template: &FormTemplate) -> Vec<String> {
    let mut h = vec!["Nummer".to_string(), "Navn".into(), "Tilstand".into(), "Sendt inn".into()];
    for f in template.fields() {
        let label = label_of(template, &f.code);
        match &f.kind {
            FieldKind::Table { rows, columns } => {
                for r in rows {
                    for c in columns {
                        h.push(format!("{label} – {r} – {c}"));
                    }
                }
            }
            FieldKind::TrafficLight => {
                let comment = format!("{label} – kommentar");
                h.push(label);
                h.push(comment);
            }
            _ => h.push(label),
        }
    }
    h
}

fn cells(template: &FormTemplate, answers: &samveis_domain::reporting::Answers) -> Vec<Cell> {
    let mut out = Vec::new();
    for f in template.fields() {
        let answer = answers.get(&f.code);
        match (&f.kind, answer) {
            (FieldKind::Table { rows, columns }, Some(Answer::Table(values))) => {
                for r in 0..rows.len() {
                    for c in 0..columns.len() {
                        let v = values.get(r).and_then(|row| row.values.get(c)).copied().flatten();
                        out.push(v.map_or(Cell::Text(String::new()), Cell::Number));
                    }
                }
            }
            (FieldKind::Table { rows, columns }, _) => {
                out.extend(std::iter::repeat_n(Cell::Text(String::new()), rows.len() * columns.len()))
            }
            (FieldKind::TrafficLight, Some(Answer::Light { light, comment })) => {
                out.push(Cell::Text(light.label().into()));
                out.push(Cell::Text(comment.clone()));
            }
            (FieldKind::TrafficLight, _) => out.extend([Cell::Text(String::new()), Cell::Text(String::new())]),
            (_, None) => out.push(Cell::Text(String::new())),
            (FieldKind::Money, Some(Answer::Whole(n))) => out.push(Cell::Kroner(*n)),
            (_, Some(a)) => out.push(match a {
                Answer::Whole(n) => Cell::Number(*n),
                Answer::Hundredths(n) => Cell::Decimal(*n),
                Answer::Date(d) => Cell::Date(*d),
                Answer::Text(t) | Answer::Choice(t) | Answer::File(t) => Cell::Text(t.clone()),
                Answer::Choices(list) => Cell::Text(list.join("; ")),
                Answer::Light { light, .. } => Cell::Text(light.label().into()),
                Answer::Table(_) => Cell::Text(String::new()),
            }),
        }
    }
    out
}

/// The answers of a round as a table, limited to what `actor` may see and to delivered or
/// returned submissions (drafts are the org unit's own).
pub fn round_table(conn: &mut DbConnection, actor: &Actor, round_id: i64) -> ReportingResult<Table> {
    let round = store::round(conn, round_id)?
        .ok_or_else(|| ReportingError::NotFound(format!("Fant ikke runde {round_id}.")))?;
    let template = store::template(conn, round.template_id)?
        .ok_or_else(|| ReportingError::NotFound(format!("Fant ikke skjemaet til runde {round_id}.")))?;
    let mut rows = Vec::new();
    let submissions = store::submissions_of_round(conn, round_id)?;
    let visible = permitted_in_round(conn, Some(actor), Action::ViewSubmission, &round, &submissions)?;
    for (s, shown) in submissions.iter().zip(visible) {
        let state = s.state;
        if state == State::Draft || !shown {
            continue;
        }
        let answers: Answers = serde_json::from_str(&s.answers).map_err(ReportingError::internal)?;
        let mut row = vec![
            Cell::Text(s.org.id.clone()),
            Cell::Text(s.org.name.clone()),
            Cell::Text(state.label().into()),
            Cell::or_empty(s.submitted_at, |t| Cell::Date(crate::web::format::oslo_time(t).date())),
        ];
        row.extend(cells(&template.template, &answers));
        rows.push(row);
    }
    Ok(Table { title: round.name, headers: headers(&template.template), rows })
}
