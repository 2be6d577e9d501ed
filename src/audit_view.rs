//! An audit record as a reader reads it: each field with a Norwegian label and its value before
//! and after, dates and states in words, only what changed. The stored JSON stays as it was
//! written; this is only how it is shown.

use crate::web::format;
use chrono::{NaiveDate, NaiveDateTime};
use samveis_domain::access::Role;
use samveis_domain::registry::CollaborationKind;
use samveis_domain::reporting::{Reviewer, State};
use serde_json::{Map, Value};

/// One field of a record: its label, and its value before and after ("" where there was none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub label: String,
    pub before: String,
    pub after: String,
}

/// The fields of a change: all of them for a record created or removed, only those that differ
/// for a record changed. A value that is not a JSON object is shown as one field, «Verdi».
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<FieldChange> {
    let empty = Map::new();
    let object = |v: Option<&Value>| -> Option<Map<String, Value>> {
        v.map(|v| match v {
            Value::Object(m) => m.clone(),
            other => Map::from_iter([("verdi".to_string(), other.clone())]),
        })
    };
    let (b, a) = (object(before), object(after));
    let (bm, am) = (b.as_ref().unwrap_or(&empty), a.as_ref().unwrap_or(&empty));
    let mut keys: Vec<&String> = bm.keys().chain(am.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.is_none() || a.is_none() || bm.get(*k) != am.get(*k))
        .map(|k| FieldChange {
            label: label(k),
            before: bm.get(k).map(|v| shown(k, v)).unwrap_or_default(),
            after: am.get(k).map(|v| shown(k, v)).unwrap_or_default(),
        })
        .collect()
}

const LABELS: [(&str, &str); 22] = [
    ("active", "Aktiv"),
    ("answers", "Svar"),
    ("display_name", "Navn"),
    ("email", "E-post"),
    ("host", "Vertskommune"),
    ("kind", "Type"),
    ("layout", "Inndeling"),
    ("members", "Medlemmer"),
    ("name", "Navn"),
    ("note", "Merknad"),
    ("roles", "Roller"),
    ("state", "Tilstand"),
    ("status", "Status"),
    ("submitted_at", "Sendt inn"),
    ("reviewer_comment", "Kommentar fra vurderingen"),
    ("valid_from", "Gyldig fra"),
    ("valid_to", "Gyldig til"),
    ("version", "Versjon"),
    ("verdi", "Verdi"),
    ("unit", "Enhet"),
    ("year", "År"),
    ("created_at", "Opprettet"),
];

/// The Norwegian label of a stored key: from the table, else the key itself with its first
/// letter capitalised and underscores as spaces ("vedtaksdato" → "Vedtaksdato").
fn label(key: &str) -> String {
    if let Some((_, l)) = LABELS.iter().find(|(k, _)| *k == key) {
        return (*l).to_string();
    }
    let spaced = key.replace('_', " ");
    let mut chars = spaced.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Whether the field holds whole kroner, by its key.
fn is_money(key: &str) -> bool {
    ["beløp", "innvilget", "ramme", "investering", "amount", "granted", "utbetalt"].iter().any(|m| key.contains(m))
}

/// A value in words: dates the Norwegian way, states and roles by their labels, money in kroner.
fn shown(key: &str, v: &Value) -> String {
    match v {
        Value::Null => "–".into(),
        Value::Bool(b) => if *b { "ja" } else { "nei" }.into(),
        Value::Number(n) => match n.as_i64() {
            Some(kr) if is_money(key) => format::kroner(kr),
            _ => n.to_string(),
        },
        Value::String(s) => word(key, s),
        Value::Array(items) => items
            .iter()
            .map(|i| shown(key, i))
            .collect::<Vec<_>>()
            .join(if items.iter().any(Value::is_object) { "; " } else { ", " }),
        // A typed answer ({"type": "whole", "value": 42}) reads as its value.
        Value::Object(m) if m.len() == 2 && m.contains_key("type") && m.contains_key("value") => {
            m.get("value").map(|v| shown(key, v)).unwrap_or_default()
        }
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| format!("{}: {}", label(k).to_lowercase(), shown(k, v)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn word(key: &str, s: &str) -> String {
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return format::date(d);
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        return format::datetime(t);
    }
    let coded = match key {
        "vurderer" | "reviewer" => Reviewer::from_code(s).map(|r| r.label().to_string()),
        "state" | "tilstand" => State::from_code(s).map(|st| st.label().to_string()),
        "kind" => CollaborationKind::from_code(s).map(|k| k.label().to_string()),
        "roles" | "roller" => s.split_once(' ').and_then(|(role, scope)| {
            Role::from_code(role).map(|r| format!("{} ({})", r.label(), scope.replace(':', " ")))
        }),
        _ => None,
    };
    coded.unwrap_or_else(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_new_record_lists_every_field_in_words() {
        let after = json!({"active": true, "roles": ["viewer nasjonal"], "valid_from": "2015-01-01", "innvilget": 1000000, "vurderer": "county"});
        let c = changes(None, Some(&after));
        let seen: Vec<(String, String)> = c.iter().map(|f| (f.label.clone(), f.after.replace('\u{a0}', " "))).collect();
        assert!(seen.contains(&("Aktiv".into(), "ja".into())));
        assert!(seen.contains(&("Roller".into(), "Leser (nasjonal)".into())));
        assert!(seen.contains(&("Gyldig fra".into(), "1. januar 2015".into())));
        assert!(seen.contains(&("Innvilget".into(), "1 000 000 kr".into())));
        assert!(seen.contains(&("Vurderer".into(), "Statsforvalteren".into())));
        assert!(c.iter().all(|f| f.before.is_empty()));
    }

    #[test]
    fn a_changed_record_shows_only_what_changed() {
        let before = json!({"name": "RKK Salten", "members": ["1804", "1841"], "note": ""});
        let after = json!({"name": "RKK Salten", "members": ["1804", "1841", "1838"], "note": ""});
        let c = changes(Some(&before), Some(&after));
        assert_eq!(
            c,
            vec![FieldChange {
                label: "Medlemmer".into(),
                before: "1804, 1841".into(),
                after: "1804, 1841, 1838".into()
            }]
        );
    }

    #[test]
    fn a_typed_answer_reads_as_its_value() {
        let c = changes(None, Some(&json!({"digitalt_tilsyn_brukere": {"type": "whole", "value": 42}})));
        assert_eq!((c[0].label.as_str(), c[0].after.as_str()), ("Digitalt tilsyn brukere", "42"));
    }

    #[test]
    fn text_that_is_no_code_is_kept_as_typed() {
        let c = changes(None, Some(&json!({"state": "Ukjent tilstand", "note": "county"})));
        assert_eq!(c[1].after, "Ukjent tilstand");
        assert_eq!(c[0].after, "county", "only the keys that hold a code are read as one");
    }
}
