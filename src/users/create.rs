//! Creating a user (ny bruker) with a first role assignment: from the admin page, the CLI and
//! the demo loader. The principal must be one that may grant the assignment.

use super::access::{check_scope_exists, may_grant};
use super::{UserError, snapshot, store};
use crate::audit::{self, Change};
use crate::auth::password;
use crate::context::Ctx;
use crate::db::DbConnection;
use samveis_domain::access::Assignment;

pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub assignment: Assignment,
}

fn check_email(email: &str) -> Result<(), UserError> {
    let e = email.trim();
    let valid = e.len() <= 200 && e.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.'));
    if valid { Ok(()) } else { Err(UserError::invalid("email", format!("«{e}» er ikke en gyldig e-postadresse."))) }
}

pub fn create(conn: &mut DbConnection, ctx: &Ctx, new: &NewUser) -> Result<i64, UserError> {
    check_email(&new.email)?;
    if new.display_name.trim().is_empty() {
        return Err(UserError::invalid("display_name", "Navn mangler."));
    }
    password::check_strength(&new.password).map_err(|m| UserError::invalid("password", m))?;
    let hash = password::hash(&new.password).map_err(UserError::Internal)?;
    crate::db::write(conn, |conn| {
        check_scope_exists(conn, &new.assignment.scope)?;
        if !may_grant(conn, &ctx.who, &new.assignment)? {
            return Err(UserError::Forbidden);
        }
        if store::email_taken(conn, &new.email)? {
            let email = store::normalize_email(&new.email);
            return Err(UserError::invalid("email", format!("Det finnes allerede en bruker med e-post {email}.")));
        }
        let id = store::insert(conn, &new.email, &new.display_name, &hash, ctx.now)?;
        store::add_assignment(conn, id, &new.assignment)?;
        let user = store::get(conn, id)?;
        let change = Change {
            action: "opprettet",
            record_type: "bruker",
            record_id: id.to_string(),
            before: None,
            after: user.as_ref().and_then(snapshot),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(id)
    })
}
