//! My work (Mitt arbeid): what waits for the signed-in user, on the front page, as a count in the
//! menu and as JSON (`/api/v1/me/tasks`). The rules (what is late, whose desk, the order) are in
//! `samveis_domain::work`; [`tasks`] reads the tasks; this module words them.
//!
//! - `tasks`: the use case, one user's tasks with the policy's checks.
//! - `api`: the JSON view.

pub mod api;
pub mod tasks;

use crate::auth::Visitor;
use crate::state::AppState;
use crate::web::format;
use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use chrono::NaiveDate;
use samveis_domain::work::{Group, Task, arrange};

/// The deadline in words on `today`: «frist i dag», «frist om 3 dager», «1 dag på overtid».
pub fn due_words(days_left: i64) -> String {
    match days_left {
        0 => "frist i dag".to_string(),
        d if d > 0 => format!("frist om {}", format::count(d, "dag", "dager")),
        d => format!("{} på overtid", format::count(-d, "dag", "dager")),
    }
}

/// One task as the list shows it.
pub struct TaskLine {
    pub href: String,
    /// The link text: the org unit and the record, so it says where it goes.
    pub link: String,
    pub what: &'static str,
    /// «Frist 1. desember 2026 – frist om 3 dager», «Sendt inn 4. desember 2026»; or empty.
    pub when: String,
    /// Whether the deadline has passed.
    pub overdue: bool,
    pub comment: Option<String>,
}

impl TaskLine {
    pub fn of(t: &Task, today: NaiveDate) -> TaskLine {
        let days = t.days_left(today);
        let when = match (t.due, days, t.kind.sent_on()) {
            (Some(due), Some(d), _) => format!("Frist {} – {}", format::date(due), due_words(d)),
            (_, _, Some(sent)) => format!("Sendt inn {}", format::date(sent)),
            _ => String::new(),
        };
        TaskLine {
            href: t.href.clone(),
            link: format!("{}: {}", t.org, t.title),
            what: t.kind.label(),
            when,
            overdue: days.is_some_and(|d| d < 0),
            comment: t.kind.comment().filter(|c| !c.trim().is_empty()).map(str::to_string),
        }
    }
}

/// A group of the list with its heading.
pub struct GroupLines {
    pub id: &'static str,
    pub heading: &'static str,
    pub count: String,
    pub lines: Vec<TaskLine>,
}

/// The list as the front page shows it, most pressing group first.
pub fn grouped(tasks: Vec<Task>, today: NaiveDate) -> Vec<GroupLines> {
    arrange(tasks, today)
        .into_iter()
        .map(|(group, list): (Group, Vec<Task>)| GroupLines {
            id: group.code(),
            heading: group.label(),
            count: format::count(list.len() as i64, "oppgave", "oppgaver"),
            lines: list.iter().map(|t| TaskLine::of(t, today)).collect(),
        })
        .collect()
}

/// Whether a request is for a page that shows the menu: a GET that is not the API, a static
/// file, a download (a file name with a dot, a stored file) or the front page (which counts
/// the tasks it lists itself).
pub fn shows_menu(method: &axum::http::Method, path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or_default();
    method == axum::http::Method::GET
        && path != "/"
        && !["/api/", "/static/", "/kalender/feed/"].iter().any(|p| path.starts_with(p))
        && !path.contains("/filer/")
        && !path.contains("/dokument/")
        && !["/healthz", "/readyz", "/metrics"].contains(&path)
        && !last.contains('.')
}

/// Counts the signed-in user's tasks for the menu before a page is made, and keeps the count
/// with the visitor (`Visitor::open_tasks`), where the page frame reads it. Anonymous visitors
/// and requests for anything but a page cost nothing.
pub async fn menu_count(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !shows_menu(request.method(), request.uri().path())
        || crate::auth::cookie(request.headers(), crate::auth::SESSION_COOKIE).is_none()
    {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let Ok(mut visitor) = Visitor::from_request_parts(&mut parts, &state).await else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    if let Some(actor) = visitor.actor().cloned() {
        let today = state.today();
        let counted = state.db.run(move |conn| tasks::tasks_of(conn, &actor, today).map(|t| t.len())).await;
        match counted {
            Ok(n) => visitor.open_tasks = Some(n),
            // The page is shown without the count rather than not at all.
            Err(e) => tracing::warn!(error = %e, "could not count the tasks for the menu"),
        }
    }
    parts.extensions.insert(visitor);
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deadline_reads_in_words_with_the_right_number() {
        assert_eq!(due_words(0), "frist i dag");
        assert_eq!(due_words(1), "frist om 1\u{a0}dag");
        assert_eq!(due_words(3), "frist om 3\u{a0}dager");
        assert_eq!(due_words(-1), "1\u{a0}dag på overtid");
        assert_eq!(due_words(-1200), "1\u{a0}200\u{a0}dager på overtid");
    }

    #[test]
    fn only_pages_count_the_tasks() {
        let get = axum::http::Method::GET;
        assert!(shows_menu(&get, "/rapportering") && shows_menu(&get, "/tilskudd/soknader/4"));
        for path in
            ["/", "/api/v1/me/tasks", "/static/samveis.css", "/innsikt/statusrapport.pdf", "/healthz", "/metrics"]
        {
            assert!(!shows_menu(&get, path), "{path}");
        }
        assert!(!shows_menu(&get, &format!("/rapportering/innleveringer/3/filer/{}", "0".repeat(64))));
        assert!(!shows_menu(&axum::http::Method::POST, "/rapportering"));
    }
}
