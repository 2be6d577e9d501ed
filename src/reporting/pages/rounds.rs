//! Rounds: the list with each round's completeness, and one round with completeness by county,
//! size class or collaboration and the submissions the user may see.

use super::mine::{SubmissionLine, line};
use super::{period_label, share};
use crate::auth::PageUser;
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::reporting::store::{self, RoundRow};
use crate::reporting::{Audience, Breakdown, ReportingError, ReportingResult, completeness};
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use samveis_domain::access::{Action, Actor, Resource};
use samveis_domain::reporting::{Completeness, CompletenessRow};
use serde::Deserialize;

pub struct RoundLine {
    pub id: i64,
    pub name: String,
    pub period: String,
    pub deadline: String,
    pub reviewer: &'static str,
    pub expected: u32,
    pub delivered: u32,
    pub share: String,
    pub demo: bool,
}

impl RoundLine {
    fn of(r: &RoundRow, total: &Completeness) -> RoundLine {
        RoundLine {
            id: r.id,
            name: r.name.clone(),
            period: period_label(&r.period),
            deadline: format::date(r.deadline),
            reviewer: r.reviewer.label(),
            expected: total.expected,
            delivered: total.delivered,
            share: share(total.delivered_share()),
            demo: r.demo,
        }
    }
}

#[derive(Template)]
#[template(path = "reporting/rounds.html")]
struct RoundsPage {
    frame: Frame,
    rounds: Vec<RoundLine>,
    may_manage: bool,
}

/// Round lines with completeness, shared by the page and the CLI.
pub fn round_lines(
    conn: &mut DbConnection,
    today: chrono::NaiveDate,
    rounds: Vec<RoundRow>,
) -> ReportingResult<Vec<RoundLine>> {
    let mut out = Vec::new();
    for r in rounds {
        let rows = completeness(conn, &r, today, Breakdown::County)?;
        let total = rows.last().map(|t| t.counts.clone()).unwrap_or_default();
        out.push(RoundLine::of(&r, &total));
    }
    Ok(out)
}

pub async fn rounds(State(state): State<AppState>, PageUser(visitor, user): PageUser) -> AppResult<Response> {
    user.require(Action::ViewRounds, &Resource::Any)?;
    let today = state.today();
    let rounds = state
        .db
        .run(move |conn| {
            let all = store::rounds(conn)?;
            round_lines(conn, today, all)
        })
        .await?;
    let page = RoundsPage {
        frame: Frame::new(&visitor, "Rapporteringsrunder", Nav::Reporting),
        rounds,
        may_manage: visitor.may(Action::ManageRounds, &Resource::Any),
    };
    Ok(render(&page))
}

pub struct CompletenessLine {
    pub group: String,
    pub expected: u32,
    pub delivered: u32,
    pub on_time: u32,
    pub late: u32,
    pub not_delivered: u32,
    pub delivered_share: String,
    pub on_time_share: String,
}

impl From<&CompletenessRow> for CompletenessLine {
    fn from(r: &CompletenessRow) -> Self {
        let c = &r.counts;
        CompletenessLine {
            group: r.group.clone(),
            expected: c.expected,
            delivered: c.delivered,
            on_time: c.on_time,
            late: c.late,
            not_delivered: c.not_delivered,
            delivered_share: share(c.delivered_share()),
            on_time_share: share(c.on_time_share()),
        }
    }
}

#[derive(Template)]
#[template(path = "reporting/round.html")]
struct RoundPage {
    frame: Frame,
    round: RoundLine,
    template_name: String,
    audience: String,
    /// fylke | storrelse | samarbeid
    by: &'static str,
    completeness: Vec<CompletenessLine>,
    lines: Vec<SubmissionLine>,
    hidden: usize,
    may_remind: bool,
    may_manage: bool,
    /// Where this round's reminders stand, and whether e-mail is sent at all.
    reminders: String,
    mail_configured: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct RoundQuery {
    pub etter: Option<String>,
    pub paminnet: Option<usize>,
    pub uten: Option<usize>,
    pub importert: Option<usize>,
}

impl RoundQuery {
    /// What the page says after reminders were sent or answers imported.
    fn notice(&self) -> Option<String> {
        self.paminnet
            .map(|n| {
                let without = self.uten.unwrap_or(0);
                let tail = if without > 0 {
                    format!(" {without} uten registrert mottaker fikk ingen.")
                } else {
                    String::new()
                };
                format!(
                    "{} er lagt i utboksen.{tail}",
                    crate::web::format::count(n as i64, "påminnelse", "påminnelser")
                )
            })
            .or_else(|| {
                self.importert.map(|n| format!("{n} svar er importert fra SurveyMonkey og står som sendt inn."))
            })
    }
}

/// The round's page with what the database says; the frame and the user's rights come after.
fn round_page(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    today: chrono::NaiveDate,
    by: Breakdown,
) -> ReportingResult<RoundPage> {
    let round = store::round(conn, id)?.ok_or_else(|| ReportingError::NotFound(format!("Fant ikke runde {id}.")))?;
    let template = store::template(conn, round.template_id)?;
    let completeness = completeness(conn, &round, today, by)?;
    let submissions = store::submissions_of_round(conn, id)?;
    let visible =
        crate::reporting::permitted_in_round(conn, Some(actor), Action::ViewSubmission, &round, &submissions)?;
    let mut lines = Vec::new();
    let mut hidden = 0;
    for (s, shown) in submissions.iter().zip(visible) {
        if shown {
            lines.push(line(s, &round, today));
        } else {
            hidden += 1;
        }
    }
    let audience = serde_json::from_str::<Audience>(&round.audience).map(|a| a.describe()).unwrap_or_default();
    let total = completeness.last().map(|t| t.counts.clone()).unwrap_or_default();
    Ok(RoundPage {
        may_remind: false,
        may_manage: false,
        reminders: crate::reporting::reminders::delivery(conn, id)?,
        mail_configured: false,
        frame: Frame::anonymous(""),
        round: RoundLine::of(&round, &total),
        template_name: template.map(|t| format!("{} (versjon {})", t.name, t.version)).unwrap_or_default(),
        audience,
        by: by.code(),
        completeness: completeness.iter().map(CompletenessLine::from).collect(),
        lines,
        hidden,
    })
}

pub async fn round(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<RoundQuery>,
) -> AppResult<Response> {
    user.require(Action::ViewRounds, &Resource::Any)?;
    let by = crate::reporting::completeness::breakdown(q.etter.as_deref())?.unwrap_or(Breakdown::County);
    let today = state.today();
    let actor = user.actor.clone();
    let page = state.db.run(move |conn| round_page(conn, &actor, id, today, by)).await?;
    let notice = q.notice();
    let frame = Frame::new(&visitor, page.round.name.clone(), Nav::Reporting).with_notice(notice.as_deref());
    let may_remind = visitor.may(Action::SendReminders, &Resource::Any);
    let may_manage = visitor.may(Action::ManageRounds, &Resource::Any);
    let mail_configured = state.config.mail.is_some();
    Ok(render(&RoundPage { may_remind, may_manage, mail_configured, frame, ..page }))
}
