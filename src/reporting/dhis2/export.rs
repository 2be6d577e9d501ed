//! A round's delivered answers out as DHIS2 writes a data value set: JSON with the round as
//! `dataSet` and its DHIS2 period, or CSV in DHIS2's column order; by code or by name.

use super::{Exchange, Schemes, open_exchange};
use crate::db::DbConnection;
use crate::reporting::error::{ReportingError, ReportingResult};
use crate::reporting::permitted_in_round;
use samveis_domain::access::{Action, Actor};
use samveis_domain::reporting::{Answers, DataValue, IdScheme, data_values, elements};
use std::collections::HashMap;

/// DHIS2's CSV columns, in its order.
pub const CSV_COLUMNS: [&str; 11] = [
    "dataelement",
    "period",
    "orgunit",
    "categoryoptioncombo",
    "attributeoptioncombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
    "deleted",
];

/// What an export hands on: the round first, then its values.
pub enum Item<'a> {
    Head(&'a Exchange),
    Value(&'a DataValue),
}

/// Hands the round and then the delivered answers that `actor` may see to `emit`, value by
/// value, one submission at a time (a month of a large form is tens of thousands of values,
/// never all held), named as `schemes` says.
pub fn export(
    conn: &mut DbConnection,
    actor: &Actor,
    round_id: i64,
    schemes: Schemes,
    mut emit: impl FnMut(Item) -> ReportingResult<()>,
) -> ReportingResult<()> {
    let x = open_exchange(conn, round_id)?;
    emit(Item::Head(&x))?;
    let visible = permitted_in_round(conn, Some(actor), Action::ViewSubmission, &x.round, &x.submissions)?;
    let names: HashMap<String, String> = match schemes.element {
        IdScheme::Name => elements(&x.template.template).into_iter().collect(),
        IdScheme::Code => HashMap::new(),
    };
    for ((s, code), shown) in x.submissions.iter().zip(&x.codes).zip(visible) {
        if !shown || !s.state.delivered() {
            continue;
        }
        let org_unit = match schemes.org_unit {
            IdScheme::Code => code.as_str(),
            IdScheme::Name => s.org.name.as_str(),
        };
        let answers: Answers = serde_json::from_str(&s.answers).map_err(ReportingError::internal)?;
        for mut v in data_values(&x.template.template, &answers, &x.period, org_unit) {
            if let Some(name) = names.get(&v.data_element) {
                v.data_element.clone_from(name);
            }
            emit(Item::Value(&v))?;
        }
    }
    Ok(())
}

/// The set as DHIS2's JSON, written as the values come.
pub fn json(conn: &mut DbConnection, actor: &Actor, round_id: i64, schemes: Schemes) -> ReportingResult<Vec<u8>> {
    let mut out = Vec::new();
    let mut first = true;
    export(conn, actor, round_id, schemes, |item| match item {
        Item::Head(x) => {
            let data_set = match schemes.element {
                IdScheme::Code => x.round.id.to_string(),
                IdScheme::Name => x.round.name.clone(),
            };
            let head = serde_json::json!({"dataSet": data_set, "period": x.period}).to_string();
            // The object left open for its values.
            out.extend_from_slice(&head.as_bytes()[..head.len() - 1]);
            out.extend_from_slice(br#","dataValues":["#);
            Ok(())
        }
        Item::Value(v) => {
            if !std::mem::take(&mut first) {
                out.push(b',');
            }
            serde_json::to_writer(&mut out, v).map_err(ReportingError::internal)
        }
    })?;
    out.extend_from_slice(b"]}");
    Ok(out)
}

/// The set as DHIS2's CSV, in its column order, with its header row.
pub fn csv(conn: &mut DbConnection, actor: &Actor, round_id: i64, schemes: Schemes) -> ReportingResult<Vec<u8>> {
    let io = |e: csv::Error| ReportingError::internal(e);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_COLUMNS).map_err(io)?;
    export(conn, actor, round_id, schemes, |item| match item {
        Item::Head(_) => Ok(()),
        Item::Value(v) => {
            let row = [
                v.data_element.as_str(),
                &v.period,
                &v.org_unit,
                "",
                "",
                &v.value,
                "samveis",
                "",
                "",
                "false",
                "false",
            ];
            w.write_record(row).map_err(io)
        }
    })?;
    w.into_inner().map_err(ReportingError::internal)
}
