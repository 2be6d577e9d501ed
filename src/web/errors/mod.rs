//! The one mapping from each area's typed error to [`AppError`]: its HTTP status and the
//! Norwegian message at the edge. An area's services return their own error; handlers use `?`
//! and these conversions, and match an area error's `Invalid` variant to re-render a form with
//! what the user typed.

mod grants;
mod insight;
mod registry;
mod reporting;
mod users;
