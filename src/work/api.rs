//! `GET /api/v1/me/tasks`: the signed-in user's tasks as JSON, the same list as the front page.

use super::{due_words, tasks};
use crate::auth::Visitor;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::ApiError;
use axum::Json;
use axum::extract::State;
use samveis_domain::work::arrange;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskOut {
    /// report_due, report_late, report_returned, submission_to_review, application_to_decide,
    /// letter_to_accept, payment_to_approve, payment_to_pay or payment_returned.
    pub kind: String,
    /// late, to_do, returned, to_review or to_handle.
    pub group: String,
    /// The group's heading on the front page («For sent», «Å gjøre», …).
    pub group_label: String,
    /// The work in words («Rapport å levere»).
    pub label: String,
    /// The record: a round, a scheme, a payment request.
    pub title: String,
    /// The org unit it concerns.
    pub org: String,
    #[schema(value_type = Option<String>, example = "2026-12-01")]
    pub due: Option<chrono::NaiveDate>,
    /// «frist om 3 dager», «1 dag på overtid»; none without a deadline.
    pub due_text: Option<String>,
    /// The reviewer's comment on what was sent back.
    pub comment: Option<String>,
    /// The page where the work is done.
    pub href: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TasksOut {
    pub count: usize,
    pub tasks: Vec<TaskOut>,
}

fn code<T: Serialize>(value: &T, field: &str) -> String {
    let json = serde_json::to_value(value).unwrap_or_default();
    let v = if field.is_empty() { &json } else { &json[field] };
    v.as_str().unwrap_or_default().to_string()
}

#[utoipa::path(get, path = "/api/v1/me/tasks",
    responses((status = 200, description = "Det som venter på den innloggede brukeren, det mest presserende først", body = TasksOut),
              (status = 401, description = "Ikke innlogget")), tag = "session")]
pub async fn my_tasks(State(state): State<AppState>, visitor: Visitor) -> Result<Json<TasksOut>, ApiError> {
    let actor = visitor.actor().cloned().ok_or(AppError::Unauthenticated)?;
    let today = state.today();
    let found = state.db.run(move |conn| Ok::<_, AppError>(tasks::tasks_of(conn, &actor, today)?)).await?;
    let mut out = Vec::with_capacity(found.len());
    for (group, list) in arrange(found, today) {
        for t in list {
            out.push(TaskOut {
                kind: code(&t.kind, "kind"),
                group: code(&group, ""),
                group_label: group.label().to_string(),
                label: t.kind.label().to_string(),
                due_text: t.days_left(today).map(due_words),
                comment: t.kind.comment().map(str::to_string),
                title: t.title,
                org: t.org,
                due: t.due,
                href: t.href,
            });
        }
    }
    Ok(Json(TasksOut { count: out.len(), tasks: out }))
}
