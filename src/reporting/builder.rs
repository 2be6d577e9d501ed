//! The template builder's use cases: start a template, change it one edit at a time (refused
//! once a round uses it, or when someone else changed it first), and make a new version of a
//! frozen one. Every change is audited with the definition before and after.

use super::error::{ReportingError, ReportingResult};
use super::store::{self, TemplateRow};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::error::VERSION_CONFLICT;
use crate::web::format::capitalized;
use samveis_domain::access::{Action, Resource};
use samveis_domain::reporting::{EditError, FieldError, FormTemplate, TemplateEdit, apply_edit};

fn definition(t: &FormTemplate) -> Option<serde_json::Value> {
    serde_json::to_value(t).ok()
}

fn load(conn: &mut DbConnection, id: i64) -> ReportingResult<TemplateRow> {
    store::template(conn, id)?.ok_or_else(|| ReportingError::NotFound(format!("Fant ikke skjema {id}.")))
}

/// An edit the template does not allow, each problem as the builder shows it.
fn invalid(errors: Vec<EditError>) -> ReportingError {
    ReportingError::Invalid(
        errors.iter().map(|e| FieldError { field: String::new(), message: capitalized(&e.to_string()) }).collect(),
    )
}

/// What an admin types to start a template.
pub struct NewTemplate {
    pub code: String,
    pub name: String,
}

/// Starts a new template family with an empty version 1.
pub fn create(conn: &mut DbConnection, ctx: &Ctx, new: &NewTemplate) -> ReportingResult<i64> {
    ctx.require(Action::ManageRounds, &Resource::Any)?;
    let template = FormTemplate {
        code: new.code.trim().to_string(),
        name: new.name.trim().to_string(),
        description: String::new(),
        sections: vec![],
        rules: vec![],
    };
    if template.name.is_empty() {
        return Err(ReportingError::invalid("name", "Skjemaet mangler navn."));
    }
    let code_ok = !template.code.is_empty()
        && template.code.len() <= 64
        && template.code.starts_with(|c: char| c.is_ascii_lowercase())
        && template.code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !code_ok {
        return Err(ReportingError::invalid(
            "code",
            format!(
                "Koden «{}» er ugyldig: bruk små bokstaver (a–z), tall og _, og begynn med en bokstav.",
                template.code
            ),
        ));
    }
    crate::db::write(conn, |conn| {
        if store::template_by_code(conn, &template.code)?.is_some() {
            let message = format!("Koden «{}» er allerede i bruk av et annet skjema.", template.code);
            return Err(ReportingError::invalid("code", message));
        }
        let id = store::insert_template(conn, &template, ctx.now)?;
        let change = Change {
            action: "opprettet",
            record_type: "skjema",
            record_id: id.to_string(),
            before: None,
            after: definition(&template),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(id)
    })
}

/// Applies one edit to an unfrozen template, if `revision` is still the stored one.
pub fn edit(conn: &mut DbConnection, ctx: &Ctx, id: i64, revision: &str, change: TemplateEdit) -> ReportingResult<()> {
    ctx.require(Action::ManageRounds, &Resource::Any)?;
    crate::db::write(conn, |conn| {
        let row = load(conn, id)?;
        if row.frozen {
            return Err(ReportingError::Refused(
                "Skjemaet brukes i en runde og er låst. Lag en ny versjon for å endre det.".into(),
            ));
        }
        if row.revision() != revision {
            return Err(ReportingError::Conflict(VERSION_CONFLICT.into()));
        }
        let changed = apply_edit(&row.template, change).map_err(invalid)?;
        if !store::update_template(conn, id, &row.definition, &changed)? {
            return Err(ReportingError::Conflict(VERSION_CONFLICT.into()));
        }
        let change = Change {
            action: "endret",
            record_type: "skjema",
            record_id: id.to_string(),
            before: definition(&row.template),
            after: definition(&changed),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(())
    })
}

/// Copies a template as the next version of its family, open for edits; returns the new id.
pub fn new_version(conn: &mut DbConnection, ctx: &Ctx, id: i64) -> ReportingResult<i64> {
    ctx.require(Action::ManageRounds, &Resource::Any)?;
    crate::db::write(conn, |conn| {
        let row = load(conn, id)?;
        let new_id = store::insert_template(conn, &row.template, ctx.now)?;
        let change = Change {
            action: "ny versjon",
            record_type: "skjema",
            record_id: new_id.to_string(),
            before: Some(serde_json::json!({"fra_skjema": id, "versjon": row.version})),
            after: definition(&row.template),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(new_id)
    })
}
