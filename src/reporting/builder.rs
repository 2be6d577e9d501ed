//! The template builder's use cases: start a template, change it one edit at a time (refused
//! once a round uses it, or when someone else changed it first), and make a new version of a
//! frozen one. Every change is audited with the definition before and after.

use super::store::{self, TemplateRow};
use crate::audit::{self, Author, Change};
use crate::db::DbConnection;
use crate::error::{AppError, VERSION_CONFLICT};
use chrono::NaiveDateTime;
use diesel::Connection;
use samveis_domain::access::{Action, Actor, Resource, may};
use samveis_domain::reporting::{EditError, FormTemplate, TemplateEdit, apply_edit};

/// Why an edit was not saved.
#[derive(Debug)]
pub enum EditRefusal {
    Invalid(Vec<EditError>),
    Refused(AppError),
}

impl<E: Into<AppError>> From<E> for EditRefusal {
    fn from(e: E) -> Self {
        EditRefusal::Refused(e.into())
    }
}

fn require(actor: &Actor) -> Result<(), AppError> {
    if may(Some(actor), Action::ManageRounds, &Resource::Any) { Ok(()) } else { Err(AppError::Forbidden) }
}

fn definition(t: &FormTemplate) -> Option<serde_json::Value> {
    serde_json::to_value(t).ok()
}

fn load(conn: &mut DbConnection, id: i64) -> Result<TemplateRow, AppError> {
    store::template(conn, id)?.ok_or_else(|| AppError::NotFound(format!("Fant ikke skjema {id}.")))
}

/// Starts a new template family with an empty version 1.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    author: &Author,
    now: NaiveDateTime,
    code: &str,
    name: &str,
) -> Result<i64, AppError> {
    require(actor)?;
    let template = FormTemplate {
        code: code.trim().to_string(),
        name: name.trim().to_string(),
        description: String::new(),
        sections: vec![],
        rules: vec![],
    };
    if template.name.is_empty() {
        return Err(AppError::BadRequest("Skjemaet mangler navn.".into()));
    }
    let code_ok = !template.code.is_empty()
        && template.code.len() <= 64
        && template.code.starts_with(|c: char| c.is_ascii_lowercase())
        && template.code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !code_ok {
        return Err(AppError::BadRequest(format!(
            "Koden «{}» er ugyldig: bruk små bokstaver (a–z), tall og _, og begynn med en bokstav.",
            template.code
        )));
    }
    conn.transaction(|conn| {
        if store::template_by_code(conn, &template.code)?.is_some() {
            return Err(AppError::BadRequest(format!(
                "Koden «{}» er allerede i bruk av et annet skjema.",
                template.code
            )));
        }
        let id = store::insert_template(conn, &template, now)?;
        let change = Change {
            action: "opprettet",
            record_type: "skjema",
            record_id: id.to_string(),
            before: None,
            after: definition(&template),
        };
        audit::record(conn, author, now, change)?;
        Ok(id)
    })
}

/// Applies one edit to an unfrozen template, if `revision` is still the stored one.
pub fn edit(
    conn: &mut DbConnection,
    actor: &Actor,
    author: &Author,
    now: NaiveDateTime,
    id: i64,
    revision: &str,
    change: TemplateEdit,
) -> Result<(), EditRefusal> {
    require(actor)?;
    conn.transaction(|conn| {
        let row = load(conn, id)?;
        if row.frozen {
            return Err(AppError::BadRequest(
                "Skjemaet brukes i en runde og er låst. Lag en ny versjon for å endre det.".into(),
            )
            .into());
        }
        if row.revision() != revision {
            return Err(AppError::Conflict(VERSION_CONFLICT.into()).into());
        }
        let changed = apply_edit(&row.template, change).map_err(EditRefusal::Invalid)?;
        if !store::update_template(conn, id, &row.definition, &changed)? {
            return Err(AppError::Conflict(VERSION_CONFLICT.into()).into());
        }
        let change = Change {
            action: "endret",
            record_type: "skjema",
            record_id: id.to_string(),
            before: definition(&row.template),
            after: definition(&changed),
        };
        audit::record(conn, author, now, change)?;
        Ok(())
    })
}

/// Copies a template as the next version of its family, open for edits; returns the new id.
pub fn new_version(
    conn: &mut DbConnection,
    actor: &Actor,
    author: &Author,
    now: NaiveDateTime,
    id: i64,
) -> Result<i64, AppError> {
    require(actor)?;
    conn.transaction(|conn| {
        let row = load(conn, id)?;
        let new_id = store::insert_template(conn, &row.template, now)?;
        let change = Change {
            action: "ny versjon",
            record_type: "skjema",
            record_id: new_id.to_string(),
            before: Some(serde_json::json!({"fra_skjema": id, "versjon": row.version})),
            after: definition(&row.template),
        };
        audit::record(conn, author, now, change)?;
        Ok(new_id)
    })
}
