//! Opening a round: the form (template, period, deadline, reviewer, audience) and the typed
//! [`RoundSpec`] built from it.

use crate::auth::{CsrfBody, PageUser, Visitor};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::reporting::store;
use crate::reporting::{
    Audience, PreparedRound, REVIEWER_COUNTY, ReportingError, RoundSpec, open_round, prepare_round,
};
use crate::state::AppState;
use crate::web::{Frame, Nav, render_with_status};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::{Action, Resource};
use samveis_domain::registry::Layout;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct RoundForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub template_id: String,
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub reviewer: String,
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub county: String,
    #[serde(default)]
    pub numbers: String,
    /// The municipal layout the round asks in ("2024", "2020", "2015").
    #[serde(default)]
    pub layout: String,
    /// Which step the form is at: `se-over` shows the confirmation, `endre` goes back to the form,
    /// nothing opens the round.
    #[serde(default)]
    pub step: String,
    /// Chosen collaboration ids (check boxes, so several values under one name).
    #[serde(skip)]
    pub collaborations: Vec<String>,
}

impl RoundForm {
    /// Reads the posted pairs; `samarbeid` repeats, one per chosen collaboration.
    fn from_pairs(pairs: Vec<(String, String)>) -> RoundForm {
        let mut form = RoundForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "name" => form.name = v,
                "template_id" => form.template_id = v,
                "period" => form.period = v,
                "deadline" => form.deadline = v,
                "reviewer" => form.reviewer = v,
                "audience" => form.audience = v,
                "county" => form.county = v,
                "numbers" => form.numbers = v,
                "layout" => form.layout = v,
                "steg" => form.step = v,
                "samarbeid" => form.collaborations.push(v),
                _ => {}
            }
        }
        form
    }
}

#[derive(Template)]
#[template(path = "reporting/round_new.html")]
struct NewRoundPage {
    frame: Frame,
    form: RoundForm,
    templates: Vec<(i64, String)>,
    /// The counties of each layout: layout, then (value `2024:18`, name).
    counties: Vec<(i32, Vec<(String, String)>)>,
    /// Active collaborations: id, label, chosen.
    collaborations: Vec<(String, String, bool)>,
    error: Option<String>,
}

async fn new_round_page(
    state: &AppState,
    visitor: &Visitor,
    form: RoundForm,
    error: Option<String>,
) -> AppResult<Response> {
    let today = state.today();
    let (templates, counties, all) = state
        .db
        .run(move |conn| {
            let templates = store::templates(conn)?
                .into_iter()
                .map(|t| (t.id, format!("{} (versjon {})", t.name, t.version)))
                .collect();
            let mut counties = Vec::new();
            for layout in [Layout::Y2024, Layout::Y2020, Layout::Y2015] {
                let year = layout.year();
                let names = crate::registry::store::county_names(conn, layout)?;
                let options =
                    names.into_iter().map(|(n, name)| (format!("{year}:{n}"), format!("{n} {name}"))).collect();
                counties.push((year, options));
            }
            let all: Vec<_> =
                crate::registry::collaborations::list(conn)?.into_iter().filter(|c| c.is_active_on(today)).collect();
            Ok::<_, AppError>((templates, counties, all))
        })
        .await?;
    let collaborations = all
        .into_iter()
        .map(|c| {
            let id = c.id.to_string();
            let label = format!(
                "{} ({}-inndelingen, {})",
                c.name,
                c.layout.year(),
                crate::web::format::count(c.member_count as i64, "kommune", "kommuner")
            );
            let chosen = form.collaborations.contains(&id);
            (id, label, chosen)
        })
        .collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = NewRoundPage {
        frame: Frame::new(visitor, "Ny rapporteringsrunde", Nav::Reporting),
        form,
        templates,
        counties,
        collaborations,
        error,
    };
    Ok(render_with_status(status, &page))
}

pub async fn new_round(State(state): State<AppState>, PageUser(visitor, user): PageUser) -> AppResult<Response> {
    user.require(Action::ManageRounds, &Resource::Any)?;
    let form = RoundForm {
        reviewer: REVIEWER_COUNTY.into(),
        audience: "alle".into(),
        layout: Layout::CURRENT.year().to_string(),
        ..Default::default()
    };
    new_round_page(&state, &visitor, form, None).await
}

/// The chosen layout (default the current one).
fn layout_of(form: &RoundForm) -> Result<i32, ReportingError> {
    match form.layout.trim() {
        "" => Ok(Layout::CURRENT.year()),
        text => Layout::parse(text).map(Layout::year).map_err(|e| {
            ReportingError::invalid("layout", format!("{}.", crate::web::format::capitalized(&e.to_string())))
        }),
    }
}

/// The chosen county ("2020:18", or "18" in the chosen layout), which must be in the round's layout.
fn county_of(form: &RoundForm, layout: i32) -> Result<String, ReportingError> {
    let (year, number) = match form.county.split_once(':') {
        Some((year, number)) => (year.trim().parse().unwrap_or(layout), number.trim()),
        None => (layout, form.county.trim()),
    };
    if number.is_empty() {
        return Err(ReportingError::invalid("county", "Velg fylket runden skal gå til."));
    }
    if year != layout {
        return Err(ReportingError::invalid(
            "county",
            format!(
                "Fylke {number} er valgt fra {year}-inndelingen, men runden spør i {layout}-inndelingen. Velg et fylke fra {layout}-inndelingen, eller velg {year}-inndelingen."
            ),
        ));
    }
    Ok(number.to_string())
}

fn audience_of(form: &RoundForm) -> Result<Audience, ReportingError> {
    let layout = layout_of(form)?;
    match form.audience.as_str() {
        "alle" => Ok(Audience::AllMunicipalities { layout }),
        "fylke" => Ok(Audience::County { layout, county: county_of(form, layout)? }),
        "utvalgte" => Ok(Audience::Municipalities {
            layout,
            numbers: samveis_domain::registry::member_tokens(&form.numbers).map(str::to_string).collect(),
        }),
        "samarbeid" | "medlemmer" => {
            let ids = form
                .collaborations
                .iter()
                .map(|id| {
                    id.parse().map_err(|_| ReportingError::invalid("samarbeid", format!("Ukjent samarbeid «{id}».")))
                })
                .collect::<Result<Vec<i64>, _>>()?;
            if ids.is_empty() {
                return Err(ReportingError::invalid("samarbeid", "Velg minst ett samarbeid."));
            }
            Ok(if form.audience == "samarbeid" {
                Audience::Collaborations { ids }
            } else {
                Audience::CollaborationMembers { ids }
            })
        }
        other => Err(ReportingError::invalid("audience", format!("Ukjent mottakergruppe «{other}»."))),
    }
}

impl TryFrom<&RoundForm> for RoundSpec {
    type Error = ReportingError;

    fn try_from(form: &RoundForm) -> Result<RoundSpec, ReportingError> {
        let audience = audience_of(form)?;
        let template_id =
            form.template_id.trim().parse().map_err(|_| ReportingError::invalid("template_id", "Velg et skjema."))?;
        Ok(RoundSpec {
            name: form.name.clone(),
            template_id,
            period: form.period.clone(),
            deadline: form.deadline.clone(),
            reviewer: form.reviewer.clone(),
            audience,
            demo: false,
        })
    }
}

#[derive(Template)]
#[template(path = "reporting/round_confirm.html")]
struct ConfirmPage {
    frame: Frame,
    form: RoundForm,
    name: String,
    template: String,
    period: String,
    deadline: String,
    reviewer: &'static str,
    audience: String,
    recipients: Vec<String>,
    /// "357 kommuner", "3 samarbeid".
    count: String,
}

/// The confirmation: what will open and how many it asks, before anything is written.
fn confirm_page(visitor: &Visitor, form: RoundForm, round: &PreparedRound) -> Response {
    let municipalities = round.recipients.iter().filter(|r| r.is_municipality()).count() as i64;
    let collaborations = round.recipients.len() as i64 - municipalities;
    let mut parts = Vec::new();
    if municipalities > 0 {
        parts.push(crate::web::format::count(municipalities, "kommune", "kommuner"));
    }
    if collaborations > 0 {
        parts.push(crate::web::format::count(collaborations, "samarbeid", "samarbeid"));
    }
    let page = ConfirmPage {
        frame: Frame::new(visitor, "Se over runden", Nav::Reporting),
        form,
        name: round.name.clone(),
        template: format!("{} (versjon {})", round.template.name, round.template.version),
        period: round.period.label(),
        deadline: crate::web::format::date(round.deadline),
        reviewer: round.reviewer.label(),
        audience: round.audience_label.clone(),
        recipients: round.recipients.iter().map(|r| format!("{} ({})", r.name, r.id)).collect(),
        count: parts.join(" og "),
    };
    render_with_status(StatusCode::OK, &page)
}

pub async fn create_round(State(state): State<AppState>, CsrfBody(visitor, body): CsrfBody) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    user.require(Action::ManageRounds, &Resource::Any)?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|e| AppError::BadRequest(format!("Skjemaet kunne ikke leses: {e}")))?;
    let form = RoundForm::from_pairs(pairs);
    if form.step == "endre" {
        return new_round_page(&state, &visitor, form, None).await;
    }
    let ctx = Ctx::user(&user, state.now());
    let preview = form.step == "se-over";
    let spec = match RoundSpec::try_from(&form) {
        Ok(spec) => spec,
        Err(e) => return new_round_page(&state, &visitor, form, Some(e.to_string())).await,
    };
    if preview {
        let prepared = state.db.run(move |conn| Ok::<_, AppError>(prepare_round(conn, &ctx, &spec))).await?;
        return match prepared {
            Ok(round) => Ok(confirm_page(&visitor, form, &round)),
            Err(e @ ReportingError::Invalid(_)) => new_round_page(&state, &visitor, form, Some(e.to_string())).await,
            Err(e) => Err(e.into()),
        };
    }
    match state.db.run(move |conn| Ok::<_, AppError>(open_round(conn, &ctx, &spec))).await? {
        Ok(id) => Ok(Redirect::to(&format!("/rapportering/runder/{id}")).into_response()),
        Err(e @ ReportingError::Invalid(_)) => new_round_page(&state, &visitor, form, Some(e.to_string())).await,
        Err(e) => Err(e.into()),
    }
}
