//! A scope as people read it: "Statsforvalteren i Nordland", "Bodø kommune (1804)", "RKK Salten",
//! with the names the registry holds.

use crate::db::{DbConnection, StoreError};
use crate::registry::{collaborations, store};
use samveis_domain::access::Scope;
use samveis_domain::registry::Layout;

pub fn describe_scope(conn: &mut DbConnection, scope: &Scope) -> Result<String, StoreError> {
    Ok(match scope {
        Scope::National => "Hele landet".to_string(),
        Scope::Office(code) => {
            store::offices(conn)?.into_iter().find(|o| &o.code == code).map_or(code.clone(), |o| o.name)
        }
        Scope::Municipality(n) => {
            let names = store::municipality_names(conn, Layout::CURRENT, &[n.to_string()])?;
            format!("{} kommune ({n})", names.get(n.as_str()).cloned().unwrap_or_default())
        }
        Scope::Collaboration(id) => {
            collaborations::get(conn, *id)?.map_or(format!("Samarbeid {id}"), |c| c.summary.name)
        }
    })
}
