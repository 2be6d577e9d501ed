//! Reporting (rapportering): form templates as data, reporting rounds with periods and
//! deadlines, submissions with their life cycle, completeness and survey results.
//! Pure: the storage and pages live in the app crate.

mod answers;
mod check;
mod completeness;
mod dhis2;
mod import_effect;
mod period;
mod reviewer;
mod submission;
mod survey;
mod survey_import;
mod template;
mod template_edit;
mod upload;
mod values;

pub use answers::{
    Answer, Answers, FieldError, MAX_COUNT, MAX_MONEY, RawAnswers, TableRow, bounds, format_hundredths, label_of,
    missing_required, parse, to_raw,
};
pub use check::{Deliverable, Purpose, check, deliverables, deliverables_without_file, in_form_order, incomplete};
pub use completeness::{
    Completeness, CompletenessRow, Delivery, Expected, completeness_by_membership, group_completeness,
};
pub use dhis2::{
    CHOICE_SEPARATOR, DataValue, IdScheme, ImportCount, ImportStrategy, apply as apply_values, data_values, elements,
    field_of, raw_from_values,
};
pub use import_effect::{Effect as ImportEffect, Held, import_effect};
pub use period::{NotDhis2, Period, PeriodError, dhis2_span};
pub use reviewer::Reviewer;
pub use submission::{Event, State, TransitionError};
pub use survey::{OptionResult, SurveyResponse, option_results};
pub use survey_import::{
    Expected as ImportExpected, ImportPlan, ImportProblem, ImportRow, Recipients, RoundRegistry, missing_as_problems,
    parse_end_date, plan_import, plan_import_in,
};
pub use template::{CrossRule, Field, FieldKind, FormTemplate, Section, TemplateError, TrafficLight};
pub use template_edit::{EditError, KIND_CODES, TemplateEdit, apply_edit, kind_code, kind_from_code};
pub use upload::{FileType, MAX_FILE_BYTES, UploadError, classify as classify_upload, clean_file_name};
pub use values::{ReportedValue, reported_values};
