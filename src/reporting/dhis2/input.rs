//! A data value set as a DHIS2 client sends it, read once at the edge: DHIS2's JSON (the
//! envelope's `dataSet`, `period`, `orgUnit`, `completeDate` and id schemes, values with any of
//! DHIS2's fields), or its CSV (`dataelement,period,orgunit,categoryoptioncombo,
//! attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted`, header optional).

use super::{MAX_SET_BYTES, SchemeParams};
use crate::error::AppError;
use axum::http::header;
use serde::Deserialize;

/// One value as sent, before its names are looked up.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InValue {
    #[serde(default)]
    pub data_element: String,
    pub period: Option<String>,
    pub org_unit: Option<String>,
    pub category_option_combo: Option<String>,
    pub attribute_option_combo: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub value: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub comment: Option<String>,
    #[serde(default, deserialize_with = "flag")]
    pub deleted: bool,
}

/// The set as sent. Envelope fields apply to the values that leave them out.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InSet {
    pub data_set: Option<String>,
    pub period: Option<String>,
    pub org_unit: Option<String>,
    pub complete_date: Option<String>,
    pub attribute_option_combo: Option<String>,
    #[serde(flatten)]
    pub schemes: SchemeParams,
    pub data_values: Vec<InValue>,
}

/// A value DHIS2 writes as a string, a number or a boolean, as text.
fn text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        other @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_)) => Some(other.to_string()),
        _ => return Err(serde::de::Error::custom("en verdi må være tekst, et tall eller true/false")),
    })
}

/// DHIS2's booleans: true/false, also as text ("true", "1").
fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Bool(b) => b,
        serde_json::Value::String(s) => truthy(&s),
        serde_json::Value::Null => false,
        _ => return Err(serde::de::Error::custom("deleted må være true eller false")),
    })
}

fn truthy(s: &str) -> bool {
    matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "1" | "t")
}

fn unreadable(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(format!("Datasettet kunne ikke leses: {e}"))
}

/// The set from the request body: CSV for `text/csv` and `application/csv`, else JSON.
pub async fn read(request: axum::extract::Request) -> Result<InSet, AppError> {
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let csv = content_type.starts_with("text/csv") || content_type.starts_with("application/csv");
    if !csv && !content_type.is_empty() && !content_type.contains("json") {
        return Err(AppError::BadRequest(format!(
            "Samveis leser DHIS2-datasett som JSON (application/json) eller CSV (text/csv, application/csv), ikke «{content_type}»."
        )));
    }
    let bytes = axum::body::to_bytes(request.into_body(), MAX_SET_BYTES).await.map_err(|_| {
        AppError::TooLarge(format!(
            "Datasettet er større enn {} MB: del det opp, for eksempel per måned eller per fylke.",
            MAX_SET_BYTES / (1024 * 1024)
        ))
    })?;
    if csv { read_csv(&bytes) } else { serde_json::from_slice(&bytes).map_err(unreadable) }
}

/// DHIS2's CSV: the columns by position; a first row that starts with `dataelement` is the header.
pub fn read_csv(bytes: &[u8]) -> Result<InSet, AppError> {
    let text = std::str::from_utf8(bytes).map_err(|_| unreadable("CSV-filen er ikke UTF-8"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut set = InSet::default();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| unreadable(format!("rad {}: {e}", i + 1)))?;
        let cell = |n: usize| record.get(n).map(str::trim).filter(|c| !c.is_empty()).map(str::to_string);
        let first = cell(0).unwrap_or_default().to_ascii_lowercase();
        if i == 0 && (first == "dataelement" || first == "data element" || first == "de") {
            continue;
        }
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        set.data_values.push(InValue {
            data_element: cell(0).unwrap_or_default(),
            period: cell(1),
            org_unit: cell(2),
            category_option_combo: cell(3),
            attribute_option_combo: cell(4),
            value: record.get(5).map(str::to_string),
            comment: cell(8),
            deleted: cell(10).is_some_and(|d| truthy(&d)),
        });
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dhis2_csv_is_read_by_position_with_or_without_its_header() {
        let with = "\u{feff}dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,followup,deleted\n\
                    brukere,2025,1804,,,42,ola,2025-01-01,,false,\n\"valg\",\"2025\",\"1804\",,,\"Nei;Vet ikke\"\n\nbrukere,2025,1805,,,,,,,,true\n";
        let set = read_csv(with.as_bytes()).unwrap();
        assert_eq!(set.data_values.len(), 3);
        let v = &set.data_values[1];
        assert_eq!((v.data_element.as_str(), v.value.as_deref()), ("valg", Some("Nei;Vet ikke")));
        assert!(set.data_values[2].deleted && !set.data_values[0].deleted);
        let without = read_csv(b"brukere,2025,1804,HllvX50cXC0,,7").unwrap();
        assert_eq!(without.data_values[0].category_option_combo.as_deref(), Some("HllvX50cXC0"));
        assert!(read_csv(b"\xff\xfe").is_err());
    }
}
