//! The calendar page and the personal iCalendar feed.

use super::{CalendarEntry, kind_label};
use crate::auth::{CsrfForm, EmptyForm, PageUser};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

pub struct EntryView {
    /// "22.–23. november 2021".
    pub date: String,
    /// "09.00–10.30", empty for whole days.
    pub time: String,
    pub kind: &'static str,
    pub title: String,
    pub link: Option<String>,
    /// The event's form, for the programme office.
    pub edit: Option<String>,
}

fn views(entries: &[&CalendarEntry], may_manage: bool) -> Vec<EntryView> {
    entries
        .iter()
        .map(|e| EntryView {
            edit: e
                .identity
                .strip_prefix("event-")
                .filter(|_| may_manage)
                .map(|id| format!("/kalender/hendelser/{id}")),
            date: format::days(e.when.first(), e.when.last()),
            time: e.when.times().map(|(start, end)| format::times(start, end)).unwrap_or_default(),
            kind: kind_label(e.kind),
            title: e.title.clone(),
            link: e.link.clone(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "calendar/calendar.html")]
struct CalendarPage {
    frame: Frame,
    upcoming: Vec<EntryView>,
    past: Vec<EntryView>,
    feed: Option<String>,
    may_manage: bool,
}

async fn page(
    state: &AppState,
    visitor: &crate::auth::Visitor,
    user: &crate::auth::SignedIn,
    feed: Option<String>,
) -> AppResult<Response> {
    let actor = user.actor.clone();
    let entries = state.db.run(move |conn| super::entries(conn, &actor)).await?;
    let may_manage = visitor.may(samveis_domain::access::Action::ManageRounds, &samveis_domain::access::Resource::Any);
    let today = state.today();
    let (upcoming, past): (Vec<&CalendarEntry>, Vec<&CalendarEntry>) =
        entries.iter().partition(|e| e.when.last() >= today);
    let mut past = past;
    past.reverse();
    Ok(render(&CalendarPage {
        frame: Frame::new(visitor, "Kalender", Nav::Calendar),
        upcoming: views(&upcoming, may_manage),
        past: views(&past, may_manage),
        feed,
        may_manage,
    }))
}

pub async fn calendar(State(state): State<AppState>, PageUser(visitor, user): PageUser) -> AppResult<Response> {
    page(&state, &visitor, &user, None).await
}

/// Makes (or renews) the secret feed address and shows it once.
pub async fn subscribe(
    State(state): State<AppState>,
    CsrfForm(visitor, _): CsrfForm<EmptyForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let ctx = Ctx::user(&user, state.now());
    let token = state.db.run(move |conn| super::renew_token(conn, &ctx)).await?;
    let feed = format!("{}/kalender/feed/{token}.ics", state.config.public_url);
    page(&state, &visitor, &user, Some(feed)).await
}

pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> AppResult<Response> {
    let token = file.strip_suffix(".ics").unwrap_or(&file).to_string();
    let entries = state
        .db
        .run(move |conn| {
            let actor = super::actor_of_token(conn, &token)?
                .ok_or_else(|| AppError::NotFound("Ukjent kalenderadresse.".into()))?;
            super::entries(conn, &actor)
        })
        .await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        super::to_ical(&entries, &state.config.public_url),
    )
        .into_response())
}
