//! Registry (register): who takes part. Layouts (inndelinger) of counties and municipalities,
//! size classes, county governor offices and collaborations (samarbeid).

mod collaboration;
mod layout;
mod listing;
mod name_index;
mod names;
mod number;
mod size_class;
mod transition;

pub use collaboration::{
    Collaboration, CollaborationDraft, CollaborationError, CollaborationField, CollaborationKind, collaboration_code,
    member_tokens,
};
pub use layout::{Layout, LayoutError};
pub use listing::{
    MunicipalityFilter, MunicipalityRow, MunicipalitySort, SortDirection, name_matches, norwegian_collation_key,
};
pub use name_index::{Elsewhere, Found, NameIndex, Registered, Step};
pub use names::{Closeness, NameForms, Typed, official_name, parallel_forms, words};
pub use number::{CountyNumber, MunicipalityNumber, NumberError};
pub use size_class::{SizeClass, SizeThresholds, SizeThresholdsError};
pub use transition::CodeMap;
