//! The distribution form (ramme og fordeling): the programme office tries a key on a year's
//! frame, or types the county amounts by hand, and saves it.

use crate::auth::{CsrfForm, PageUser, Visitor};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::grants::distribution::{FrameCommand, Split, distribution, save_frame};
use crate::grants::store::{self, Scheme};
use crate::grants::{GrantError, GrantResult, parse_kroner};
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render_with_status};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::{Action, Resource};
use samveis_domain::grants::{CountyBasis, Weights};
use samveis_domain::registry::Layout;
use serde::Deserialize;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct DistributionForm {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub layout: String,
    #[serde(default)]
    pub population_year: String,
    #[serde(default)]
    pub weights: String,
    /// "key" or "hand"
    #[serde(default)]
    pub mode: String,
    /// By hand: "county number;amount" per line.
    #[serde(default)]
    pub by_hand: String,
    /// "prov" tries the key without saving.
    #[serde(default)]
    pub handling: String,
}

pub struct PreviewLine {
    pub name: String,
    pub population: String,
    pub municipalities: String,
    pub amount: String,
}

#[derive(Template)]
#[template(path = "grants/distribution.html")]
struct DistributionPage {
    frame: Frame,
    scheme: Scheme,
    form: DistributionForm,
    preview: Vec<PreviewLine>,
    preview_sum: String,
    /// Which population years each layout has.
    population_years: String,
    error: Option<String>,
}

fn by_hand(text: &str) -> GrantResult<Split> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().map(str::trim).enumerate().filter(|(_, l)| !l.is_empty()) {
        let (county, value) = line
            .split_once(';')
            .ok_or_else(|| GrantError::invalid("by_hand", format!("Linje {}: skriv «fylkesnummer;beløp».", i + 1)))?;
        rows.push((county.trim().to_string(), parse_kroner(&format!("Linje {}", i + 1), value)?));
    }
    Ok(Split::ByHand(rows))
}

fn by_key(f: &DistributionForm) -> GrantResult<Split> {
    let weights =
        Weights::parse(&f.weights).map_err(|e| GrantError::invalid("weights", format::capitalized(&e.to_string())))?;
    let population_year =
        match f.population_year.trim() {
            "" => None,
            y => Some(y.parse().map_err(|_| {
                GrantError::invalid("population_year", format!("Befolkningsår «{y}» er ikke et årstall."))
            })?),
        };
    Ok(Split::Key { weights, population_year })
}

impl TryFrom<&DistributionForm> for FrameCommand {
    type Error = GrantError;

    fn try_from(f: &DistributionForm) -> GrantResult<FrameCommand> {
        let year: i32 = f
            .year
            .trim()
            .parse()
            .map_err(|_| GrantError::invalid("year", format!("År «{}» er ikke et årstall.", f.year.trim())))?;
        let amount =
            parse_kroner("Ramme", &f.amount)?.ok_or_else(|| GrantError::invalid("amount", "Rammen mangler."))?;
        let layout = f.layout.trim().parse::<i32>().ok().and_then(|y| Layout::from_year(y).ok()).ok_or_else(|| {
            let message = format!("Inndeling «{}» finnes ikke; velg 2015, 2020 eller 2024.", f.layout.trim());
            GrantError::invalid("layout", message)
        })?;
        let split = if f.mode == "hand" { by_hand(&f.by_hand)? } else { by_key(f)? };
        Ok(FrameCommand { year, amount, layout, split })
    }
}

/// The key tried on the form, or the field error that stops it; nothing for a split by hand.
fn preview(conn: &mut crate::db::DbConnection, form: &DistributionForm) -> GrantResult<Vec<(CountyBasis, i64)>> {
    match FrameCommand::try_from(form)? {
        FrameCommand { amount, layout, split: Split::Key { weights, population_year }, .. } => {
            distribution(conn, amount, layout, population_year, weights)
        }
        _ => Ok(vec![]),
    }
}

fn preview_lines(rows: Vec<(CountyBasis, i64)>) -> Vec<PreviewLine> {
    rows.into_iter()
        .map(|(b, a)| PreviewLine {
            name: b.name,
            population: format::number(b.population),
            municipalities: b.municipalities.to_string(),
            amount: format::kroner(a),
        })
        .collect()
}

async fn distribution_page(
    state: &AppState,
    visitor: &Visitor,
    id: i64,
    form: DistributionForm,
    error: Option<String>,
    try_key: bool,
) -> AppResult<Response> {
    let tried = form.clone();
    let (scheme, rows, error, population_years) = state
        .db
        .run(move |conn| {
            let scheme =
                store::scheme(conn, id)?.ok_or_else(|| AppError::NotFound(format!("Fant ikke ordning {id}.")))?;
            let years = crate::registry::store::population_years_described(conn)?;
            if !try_key || error.is_some() {
                return Ok((scheme, vec![], error, years));
            }
            match preview(conn, &tried) {
                Ok(rows) => Ok((scheme, rows, None, years)),
                Err(GrantError::Invalid { message, .. }) => Ok((scheme, vec![], Some(message), years)),
                Err(e) => Err(AppError::from(e)),
            }
        })
        .await?;
    let sum: i64 = rows.iter().map(|(_, a)| a).sum();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = DistributionPage {
        frame: Frame::new(visitor, format!("Ramme og fordeling: {}", scheme.name), Nav::Grants),
        scheme,
        form,
        preview: preview_lines(rows),
        preview_sum: format::kroner(sum),
        population_years,
        error,
    };
    Ok(render_with_status(status, &page))
}

pub async fn distribution_form(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(id): Path<i64>,
    Query(form): Query<DistributionForm>,
) -> AppResult<Response> {
    user.require(Action::ManageGrants, &Resource::Any)?;
    let tried = !form.amount.is_empty();
    let form = if tried {
        form
    } else {
        DistributionForm {
            layout: "2024".into(),
            population_year: "2026".into(),
            weights: "population=50,municipalities=50,equal=0".into(),
            mode: "key".into(),
            ..form
        }
    };
    distribution_page(&state, &visitor, id, form, None, tried).await
}

pub async fn save_distribution(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, form): CsrfForm<DistributionForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    user.require(Action::ManageGrants, &Resource::Any)?;
    if form.handling == "prov" {
        return distribution_page(&state, &visitor, id, form, None, true).await;
    }
    let ctx = Ctx::user(&user, state.now());
    let result = match FrameCommand::try_from(&form) {
        Ok(c) => state.db.run(move |conn| save_frame(conn, &ctx, id, &c)).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/tilskudd/{id}")).into_response()),
        Err(GrantError::Invalid { message, .. }) => {
            distribution_page(&state, &visitor, id, form, Some(message), false).await
        }
        Err(e) => Err(e.into()),
    }
}
