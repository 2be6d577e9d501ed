//! The use cases that change a collaboration: create, edit and end. Each asks the policy,
//! validates through the domain, writes with a version check and records the change in the
//! audit trail, all in one transaction.

use super::{CollaborationDetail, get, write};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::error::VERSION_CONFLICT;
use crate::registry::RegistryError;
use crate::registry::store;
use samveis_domain::access::{Action, Principal, Resource};
use samveis_domain::registry::{Collaboration, CollaborationDraft, Layout};

/// A change to a stored collaboration, based on the version the user saw.
#[derive(Debug, Clone)]
pub struct EditCollaboration {
    pub id: i64,
    pub version: i64,
    pub draft: CollaborationDraft,
}

/// Ending a collaboration: its last valid day (not blank), based on the version the user saw.
#[derive(Debug, Clone)]
pub struct EndCollaboration {
    pub id: i64,
    pub version: i64,
    valid_to: String,
}

impl EndCollaboration {
    pub fn new(id: i64, version: i64, valid_to: &str) -> Result<EndCollaboration, RegistryError> {
        if valid_to.trim().is_empty() {
            return Err(RegistryError::Invalid {
                field: "valid_to",
                message: "Oppgi siste dag samarbeidet gjelder.".into(),
            });
        }
        Ok(EndCollaboration { id, version, valid_to: valid_to.to_string() })
    }
}

fn validate(conn: &mut DbConnection, draft: &CollaborationDraft) -> Result<Collaboration, RegistryError> {
    let layout = Layout::parse(&draft.layout).unwrap_or(Layout::CURRENT);
    let known = store::municipality_numbers(conn, layout)?;
    draft.validate(|l, n| l == layout && known.contains(n.as_str())).map_err(RegistryError::Draft)
}

/// A collaboration is kept by the county governor of its host municipality.
fn require_area(conn: &mut DbConnection, ctx: &Ctx, c: &Collaboration) -> Result<(), RegistryError> {
    let office = store::office_of_municipality(conn, c.layout, c.host.as_str())?;
    let offices: Vec<String> = office.into_iter().collect();
    Ok(ctx.require(Action::ManageCollaboration, &Resource::InArea(&offices))?)
}

fn snapshot(c: &Collaboration) -> Option<serde_json::Value> {
    serde_json::to_value(c).ok()
}

pub fn create(conn: &mut DbConnection, ctx: &Ctx, draft: &CollaborationDraft) -> Result<i64, RegistryError> {
    crate::db::write(conn, |conn| {
        let c = validate(conn, draft)?;
        require_area(conn, ctx, &c)?;
        let id = write::insert(conn, &c, ctx.now)?;
        let change = Change {
            action: "opprettet",
            record_type: "samarbeid",
            record_id: id.to_string(),
            before: None,
            after: snapshot(&c),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(id)
    })
}

/// Loads a collaboration the principal may change, or says why not.
pub fn load_for_change(
    conn: &mut DbConnection,
    who: &Principal,
    id: i64,
) -> Result<CollaborationDetail, RegistryError> {
    let detail = get(conn, id)?.ok_or_else(|| RegistryError::NotFound(format!("Fant ikke samarbeid {id}.")))?;
    let offices: Vec<String> = detail.host_office.iter().cloned().collect();
    if who.may(Action::ManageCollaboration, &Resource::InArea(&offices)) {
        Ok(detail)
    } else {
        Err(RegistryError::Forbidden)
    }
}

pub fn update(conn: &mut DbConnection, ctx: &Ctx, edit: &EditCollaboration) -> Result<(), RegistryError> {
    let EditCollaboration { id, version, ref draft } = *edit;
    crate::db::write(conn, |conn| {
        let before = load_for_change(conn, &ctx.who, id)?;
        let c = validate(conn, draft)?;
        require_area(conn, ctx, &c)?;
        if before.version != version || !write::update_versioned(conn, id, version, &c, ctx.now)? {
            return Err(RegistryError::Conflict(VERSION_CONFLICT.into()));
        }
        crate::generation::changed(conn)?;
        let change = Change {
            action: "endret",
            record_type: "samarbeid",
            record_id: id.to_string(),
            before: snapshot(&before.to_domain()?),
            after: snapshot(&c),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(())
    })
}

/// Ends a collaboration on its last valid day, keeping everything else.
pub fn end(conn: &mut DbConnection, ctx: &Ctx, end: &EndCollaboration) -> Result<(), RegistryError> {
    let before = load_for_change(conn, &ctx.who, end.id)?;
    let mut draft = CollaborationDraft::from(&before.to_domain()?);
    draft.valid_to = end.valid_to.clone();
    update(conn, ctx, &EditCollaboration { id: end.id, version: end.version, draft })
}
