//! Registry pages: municipalities, counties and collaborations, and the forms county officers
//! use to keep collaborations. One file per page family; the handlers are re-exported here.

mod collaboration_form;
mod collaborations;
mod counties;
mod municipalities;

pub use collaboration_form::{
    CollaborationForm, EndForm, FieldErrors, create_collaboration, edit_collaboration, end_collaboration,
    new_collaboration, update_collaboration,
};
pub use collaborations::{CollaborationQuery, collaboration, collaborations};
pub use counties::{CountyView, counties, county};
pub use municipalities::{LayoutQuery, MunicipalityQuery, SortHeader, municipalities, municipality, query_string};

use super::collaborations::CollaborationSummary;
use crate::error::AppError;
use crate::web::format;
use samveis_domain::registry::Layout;

fn bad_layout(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(format!("Ugyldig valg: {e}."))
}

pub struct CollaborationRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub host_number: String,
    pub host_name: String,
    pub member_count: usize,
    pub layout: Layout,
    pub valid_from: String,
    pub valid_to: String,
    pub active: bool,
}

impl CollaborationRow {
    pub(super) fn new(c: &CollaborationSummary, today: chrono::NaiveDate) -> Self {
        CollaborationRow {
            id: c.id,
            name: c.name.clone(),
            kind: c.kind.label(),
            host_number: c.host_number.clone(),
            host_name: c.host_name.clone(),
            member_count: c.member_count,
            layout: c.layout,
            valid_from: format::date(c.valid_from),
            valid_to: format::optional_date(c.valid_to),
            active: c.is_active_on(today),
        }
    }
}
