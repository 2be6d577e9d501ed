//! The refusals of a grant form by field, for the page: each message on its field
//! (`aria-invalid`, `aria-describedby`) and all of them in the error summary at the top, whose
//! links lead to the fields (`templates/grants/error_summary.html`).

use crate::grants::error::FieldProblem;

/// Refusals that are about no one field; the summary links them to the page's main content.
const NOT_A_FIELD: [&str; 6] = ["state", "scheme", "version", "decision", "amount", "file"];

#[derive(Debug, Clone, Default)]
pub struct FieldErrors {
    problems: Vec<FieldProblem>,
    /// The summary's heading: what was not saved.
    pub heading: String,
}

impl FieldErrors {
    pub fn new(heading: &str, problems: Vec<FieldProblem>) -> FieldErrors {
        FieldErrors { problems, heading: heading.into() }
    }

    pub fn any(&self) -> bool {
        !self.problems.is_empty()
    }

    /// The messages on a field, in one line.
    pub fn get(&self, field: &str) -> Option<String> {
        let on: Vec<&str> = self.problems.iter().filter(|(f, _)| f == field).map(|(_, m)| m.as_str()).collect();
        (!on.is_empty()).then(|| on.join(" "))
    }

    /// Whether a field has a message (for `aria-invalid`).
    pub fn has(&self, field: &str) -> bool {
        self.problems.iter().any(|(f, _)| f == field)
    }

    /// (link target, message) in the order found, which is the order of the form.
    pub fn summary(&self) -> Vec<(String, String)> {
        self.problems
            .iter()
            .map(|(f, m)| {
                let target = if NOT_A_FIELD.contains(&f.as_str()) { "hovedinnhold" } else { f.as_str() };
                (target.to_string(), m.clone())
            })
            .collect()
    }
}
