//! Opening a round: the form (template, period, deadline, reviewer, audience) and the typed
//! [`RoundSpec`] built from it.

use crate::auth::{CsrfBody, PageUser, Visitor};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::reporting::store;
use crate::reporting::{Audience, REVIEWER_COUNTY, ReportingError, RoundSpec, open_round};
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
    counties: Vec<(String, String)>,
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
            let counties = crate::registry::store::county_names(conn, Layout::CURRENT)?;
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
    let form = RoundForm { reviewer: REVIEWER_COUNTY.into(), audience: "alle".into(), ..Default::default() };
    new_round_page(&state, &visitor, form, None).await
}

fn audience_of(form: &RoundForm) -> Result<Audience, ReportingError> {
    let layout = Layout::CURRENT.year();
    match form.audience.as_str() {
        "alle" => Ok(Audience::AllMunicipalities { layout }),
        "fylke" => Ok(Audience::County { layout, county: form.county.clone() }),
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

pub async fn create_round(State(state): State<AppState>, CsrfBody(visitor, body): CsrfBody) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    user.require(Action::ManageRounds, &Resource::Any)?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|e| AppError::BadRequest(format!("Skjemaet kunne ikke leses: {e}")))?;
    let form = RoundForm::from_pairs(pairs);
    let ctx = Ctx::user(&user, state.now());
    let result = match RoundSpec::try_from(&form) {
        Ok(spec) => state.db.run(move |conn| Ok::<_, AppError>(open_round(conn, &ctx, &spec))).await?,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/rapportering/runder/{id}")).into_response()),
        Err(e @ ReportingError::Invalid(_)) => new_round_page(&state, &visitor, form, Some(e.to_string())).await,
        Err(e) => Err(e.into()),
    }
}
