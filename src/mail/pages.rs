//! The outbox page (`/admin/utboks`): every e-mail, newest first, with where it stands, and
//! «Send nå» for what waits. The national admin only.

use super::outbox::{self, Counts, Filter, MAX_ATTEMPTS, OutboxMessage, State as MailState};
use crate::auth::{CsrfForm, EmptyForm, PageUser};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::{Action, Resource};
use serde::Deserialize;

const PAGE_LIMIT: i64 = 300;

#[derive(Debug, Default, Deserialize)]
pub struct OutboxQuery {
    pub status: Option<String>,
    pub runde: Option<i64>,
    pub sendt: Option<usize>,
    pub feilet: Option<usize>,
}

pub struct Row {
    pub created: String,
    pub recipient: String,
    pub subject: String,
    pub round: Option<(i64, String)>,
    pub state: &'static str,
    /// Sent: when. Failed: the server's answer and whether another try comes.
    pub detail: String,
    pub attempts: i32,
}

impl Row {
    fn new(m: OutboxMessage, round_name: Option<String>) -> Row {
        let (state, detail) = match m.state() {
            MailState::Waiting => ("Venter", String::new()),
            MailState::Sent => ("Sendt", m.sent_at.map(format::datetime).unwrap_or_default()),
            MailState::Failed { retries: true } => {
                ("Feilet", format!("{} Prøves igjen ({} av {MAX_ATTEMPTS} forsøk brukt).", m.error(), m.attempts))
            }
            MailState::Failed { retries: false } => {
                ("Feilet", format!("{} Gitt opp etter {} forsøk.", m.error(), m.attempts))
            }
        };
        Row {
            created: format::datetime(m.created_at),
            round: m.round_id.map(|id| (id, round_name.unwrap_or_else(|| format!("Runde {id}")))),
            attempts: m.attempts,
            recipient: m.recipient,
            subject: m.subject,
            state,
            detail,
        }
    }
}

#[derive(Template)]
#[template(path = "mail/outbox.html")]
struct OutboxPage {
    frame: Frame,
    rows: Vec<Row>,
    status: &'static str,
    round: Option<i64>,
    counts: Counts,
    /// The SMTP server, when sending is set up.
    server: Option<String>,
    limit: i64,
}

fn filter_of(code: Option<&str>) -> AppResult<(Filter, &'static str)> {
    let code = code.unwrap_or_default();
    let filter = Filter::from_code(code).ok_or_else(|| {
        AppError::BadRequest(format!("Ukjent status «{code}»: bruk venter, sendt, feilet eller alle."))
    })?;
    let label = match filter {
        Filter::All => "alle",
        Filter::Waiting => "venter",
        Filter::Sent => "sendt",
        Filter::Failed => "feilet",
    };
    Ok((filter, label))
}

fn notice(q: &OutboxQuery) -> Option<String> {
    match (q.sendt, q.feilet) {
        (Some(sent), failed) => Some(format!("{sent} meldinger sendt, {} feilet.", failed.unwrap_or(0))),
        _ => None,
    }
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Query(q): Query<OutboxQuery>,
) -> AppResult<Response> {
    user.require(Action::ManageOutbox, &Resource::Any)?;
    let (filter, status) = filter_of(q.status.as_deref())?;
    let round = q.runde;
    let (messages, counts) = state
        .db
        .run(move |conn| {
            Ok::<_, AppError>((outbox::list(conn, filter, round, PAGE_LIMIT)?, outbox::counts(conn, None)?))
        })
        .await?;
    let frame = Frame::new(&visitor, "Utboks", Nav::Outbox).with_notice(notice(&q).as_deref());
    let page = OutboxPage {
        frame,
        rows: messages.into_iter().map(|(m, name)| Row::new(m, name)).collect(),
        status,
        round,
        counts,
        server: state.config.mail.as_ref().map(|m| m.server()),
        limit: PAGE_LIMIT,
    };
    Ok(render(&page))
}

/// «Send nå»: sends what waits and retries failed messages at once; audited.
pub async fn send_now(State(state): State<AppState>, CsrfForm(visitor, _): CsrfForm<EmptyForm>) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    user.require(Action::ManageOutbox, &Resource::Any)?;
    let Some(settings) = state.config.mail.as_ref() else {
        return Ok(Redirect::to("/admin/utboks").into_response());
    };
    let done = super::deliver_pending(&state.db, settings, chrono::Duration::zero()).await?;
    let ctx = Ctx::user(&user, state.now());
    state.db.run(move |conn| super::record_run(conn, &ctx, done)).await?;
    Ok(Redirect::to(&format!("/admin/utboks?sendt={}&feilet={}", done.sent, done.failed)).into_response())
}
