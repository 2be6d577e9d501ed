//! The stored writes of a collaboration: its editable columns, its members in order, and the
//! version check that refuses a stale change.

use crate::db::schema::{collaboration_members, collaborations};
use crate::db::{DbConnection, StoreResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use samveis_domain::registry::{Collaboration, MunicipalityNumber, collaboration_code};

fn write_members(conn: &mut DbConnection, id: i64, members: &[MunicipalityNumber]) -> StoreResult<()> {
    diesel::delete(collaboration_members::table.filter(collaboration_members::collaboration_id.eq(id)))
        .execute(conn)?;
    let rows: Vec<_> = members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            (
                collaboration_members::collaboration_id.eq(id),
                collaboration_members::municipality_number.eq(m.as_str()),
                collaboration_members::position.eq(i as i32),
            )
        })
        .collect();
    crate::per_backend!(conn, |c| diesel::insert_into(collaboration_members::table).values(&rows).execute(c))?;
    Ok(())
}

/// The stored columns of a collaboration that a user edits.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = collaborations, treat_none_as_null = true)]
struct EditableColumns<'a> {
    name: &'a str,
    kind: &'a str,
    layout: i32,
    host_number: &'a str,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    note: &'a str,
}

impl<'a> From<&'a Collaboration> for EditableColumns<'a> {
    fn from(c: &'a Collaboration) -> Self {
        EditableColumns {
            name: &c.name,
            kind: c.kind.code(),
            layout: c.layout.year(),
            host_number: c.host.as_str(),
            valid_from: c.valid_from,
            valid_to: c.valid_to,
            note: &c.note,
        }
    }
}

/// A new code from `name`, unique among the stored ones.
fn new_code(conn: &mut DbConnection, name: &str) -> StoreResult<String> {
    let taken: Vec<String> = collaborations::table
        .filter(collaborations::code.is_not_null())
        .select(collaborations::code.assume_not_null())
        .load(conn)?;
    let taken: std::collections::BTreeSet<String> = taken.into_iter().collect();
    Ok(collaboration_code(name, |code| taken.contains(code)))
}

pub fn insert(conn: &mut DbConnection, c: &Collaboration, now: NaiveDateTime) -> StoreResult<i64> {
    crate::generation::changed(conn)?;
    let code = new_code(conn, &c.name)?;
    let id: i64 = diesel::insert_into(collaborations::table)
        .values((
            EditableColumns::from(c),
            collaborations::code.eq(code),
            collaborations::version.eq(1_i64),
            collaborations::created_at.eq(now),
            collaborations::updated_at.eq(now),
        ))
        .returning(collaborations::id)
        .get_result(conn)?;
    write_members(conn, id, &c.members)?;
    Ok(id)
}

/// Gives every collaboration stored without a code (before migration 000017) its code, oldest
/// first. Idempotent; run when the database is opened.
pub fn backfill_codes(conn: &mut DbConnection) -> StoreResult<()> {
    crate::db::write(conn, |conn| {
        let missing: Vec<(i64, String)> = collaborations::table
            .filter(collaborations::code.is_null())
            .order(collaborations::id.asc())
            .select((collaborations::id, collaborations::name))
            .load(conn)?;
        for (id, name) in missing {
            let code = new_code(conn, &name)?;
            diesel::update(collaborations::table.find(id)).set(collaborations::code.eq(code)).execute(conn)?;
        }
        Ok(())
    })
}

/// Writes a new state if the stored version is still `expected_version`; false otherwise.
pub(super) fn update_versioned(
    conn: &mut DbConnection,
    id: i64,
    expected_version: i64,
    c: &Collaboration,
    now: NaiveDateTime,
) -> StoreResult<bool> {
    let changed = diesel::update(
        collaborations::table.filter(collaborations::id.eq(id)).filter(collaborations::version.eq(expected_version)),
    )
    .set((
        EditableColumns::from(c),
        collaborations::version.eq(expected_version + 1),
        collaborations::updated_at.eq(now),
    ))
    .execute(conn)?;
    if changed == 1 {
        write_members(conn, id, &c.members)?;
    }
    Ok(changed == 1)
}
