//! The programme office's form for a gathering or webinar (samling, webinar): its days (a last
//! day for one of several days) and, for a timed event, its start and end time in Norwegian
//! time. Every field in error is named at once and what was typed stays.

use super::{NewEvent, StoredEvent};
use crate::auth::{CsrfForm, PageUser, Visitor};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::format::capitalized;
use crate::web::{Frame, Nav, render_with_status};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, NaiveTime};
use samveis_domain::access::{Action, Resource};
use samveis_domain::calendar::{When, WhenError, parse_time};
use serde::Deserialize;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct EventForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub end_date: String,
    #[serde(default)]
    pub start_time: String,
    #[serde(default)]
    pub end_time: String,
}

impl From<&StoredEvent> for EventForm {
    fn from(e: &StoredEvent) -> EventForm {
        let (start, end) = e.when.times().unzip();
        let time = |t: Option<NaiveTime>| t.map(|t| t.format("%H:%M").to_string()).unwrap_or_default();
        EventForm {
            kind: e.kind.to_string(),
            title: e.title.clone(),
            date: e.when.first().format("%Y-%m-%d").to_string(),
            end_date: if e.when.last() > e.when.first() {
                e.when.last().format("%Y-%m-%d").to_string()
            } else {
                String::new()
            },
            start_time: time(start),
            end_time: time(end),
        }
    }
}

/// A field's name in the form and its message.
pub type FieldErrors = Vec<(&'static str, String)>;

fn optional<T>(
    errors: &mut FieldErrors,
    field: &'static str,
    text: &str,
    read: impl Fn(&str) -> Option<T>,
    what: &str,
) -> Option<T> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let value = read(text);
    if value.is_none() {
        errors.push((field, format!("{what} «{text}» kan ikke leses.")));
    }
    value
}

fn when_error_field(e: &WhenError) -> &'static str {
    match e {
        WhenError::LastBeforeFirst { .. } => "end_date",
        WhenError::NoStartTime { .. } => "start_time",
        WhenError::NoEndTime { .. } | WhenError::EndsBeforeStart { .. } => "end_time",
    }
}

/// The form read: the event's kind, title and days and times, or every field in error.
pub fn read(form: &EventForm) -> Result<(&'static str, String, When), FieldErrors> {
    let mut errors = FieldErrors::new();
    let kind = match form.kind.as_str() {
        "gathering" => "gathering",
        "webinar" => "webinar",
        _ => {
            errors.push(("kind", "Velg samling eller webinar.".into()));
            ""
        }
    };
    let title = form.title.trim().to_string();
    if title.is_empty() {
        errors.push(("title", "Tittelen mangler.".into()));
    }
    let parse_date = samveis_domain::grants::parse_date;
    let first: Option<NaiveDate> = optional(&mut errors, "date", &form.date, parse_date, "Datoen");
    if form.date.trim().is_empty() {
        errors.push(("date", "Datoen mangler.".into()));
    }
    let last = optional(&mut errors, "end_date", &form.end_date, parse_date, "Siste dag");
    let start = optional(&mut errors, "start_time", &form.start_time, parse_time, "Starttiden");
    let end = optional(&mut errors, "end_time", &form.end_time, parse_time, "Sluttiden");
    let when = match first.map(|first| When::new(first, last, start, end)) {
        Some(Ok(when)) if errors.is_empty() => when,
        Some(Err(e)) if errors.is_empty() => return Err(vec![(when_error_field(&e), capitalized(&e.to_string()))]),
        _ => return Err(errors),
    };
    Ok((kind, title, when))
}

/// One input of the form, with what was typed and its error.
pub struct Input {
    pub name: &'static str,
    pub label: &'static str,
    /// text | date | time
    pub kind: &'static str,
    pub value: String,
    pub help: &'static str,
    pub described_by: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "calendar/event_form.html")]
struct EventPage {
    frame: Frame,
    /// Where the form posts: /kalender/ny or /kalender/hendelser/{id}.
    action: String,
    form: EventForm,
    kind_error: Option<String>,
    inputs: Vec<Input>,
    errors: FieldErrors,
}

fn inputs(form: &EventForm, errors: &FieldErrors) -> Vec<Input> {
    let fields = [
        ("title", "Tittel", "text", &form.title, ""),
        ("date", "Dato (første dag)", "date", &form.date, ""),
        (
            "end_date",
            "Siste dag (valgfritt)",
            "date",
            &form.end_date,
            "For en samling over flere dager, for eksempel 22.–23. november.",
        ),
        ("start_time", "Starttid (valgfritt)", "time", &form.start_time, "For eksempel 09.00."),
        ("end_time", "Sluttid (valgfritt)", "time", &form.end_time, "For eksempel 10.30."),
    ];
    fields
        .into_iter()
        .map(|(name, label, kind, value, help)| {
            let error = errors.iter().find(|(f, _)| *f == name).map(|(_, m)| m.clone());
            let mut described_by: Vec<String> = Vec::new();
            if !help.is_empty() {
                described_by.push(format!("{name}-hjelp"));
            }
            if error.is_some() {
                described_by.push(format!("{name}-feil"));
            }
            Input { name, label, kind, value: value.clone(), help, described_by: described_by.join(" "), error }
        })
        .collect()
}

fn page(visitor: &Visitor, action: String, form: EventForm, errors: FieldErrors) -> Response {
    let title = if action.ends_with("/ny") { "Ny samling eller webinar" } else { "Endre samling eller webinar" };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let kind_error = errors.iter().find(|(f, _)| *f == "kind").map(|(_, m)| m.clone());
    let inputs = inputs(&form, &errors);
    let frame = Frame::new(visitor, title, Nav::Calendar);
    render_with_status(status, &EventPage { frame, action, form, kind_error, inputs, errors })
}

pub async fn new(PageUser(visitor, user): PageUser) -> AppResult<Response> {
    user.require(Action::ManageRounds, &Resource::Any)?;
    Ok(page(&visitor, "/kalender/ny".into(), EventForm { kind: "webinar".into(), ..Default::default() }, vec![]))
}

pub async fn edit(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    user.require(Action::ManageRounds, &Resource::Any)?;
    let stored = state
        .db
        .run(move |conn| super::event(conn, id))
        .await?
        .ok_or_else(|| AppError::NotFound("Fant ikke hendelsen.".into()))?;
    Ok(page(&visitor, format!("/kalender/hendelser/{id}"), EventForm::from(&stored), vec![]))
}

async fn save(state: &AppState, visitor: Visitor, id: Option<i64>, form: EventForm) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    user.require(Action::ManageRounds, &Resource::Any)?;
    let action = id.map_or_else(|| "/kalender/ny".to_string(), |id| format!("/kalender/hendelser/{id}"));
    let (kind, title, when) = match read(&form) {
        Ok(read) => read,
        Err(errors) => return Ok(page(&visitor, action, form, errors)),
    };
    let ctx = Ctx::user(&user, state.now());
    state
        .db
        .run(move |conn| super::save_event(conn, &ctx, id, &NewEvent { when, kind, title: &title, demo: false }))
        .await?;
    Ok(Redirect::to("/kalender").into_response())
}

pub async fn create(
    State(state): State<AppState>,
    CsrfForm(visitor, form): CsrfForm<EventForm>,
) -> AppResult<Response> {
    save(&state, visitor, None, form).await
}

pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, form): CsrfForm<EventForm>,
) -> AppResult<Response> {
    save(&state, visitor, Some(id), form).await
}
