//! The county list and one county with its municipalities and the collaborations valid now
//! that have their host or a member in it, whatever layout they were registered in.

use super::municipalities::LayoutQuery;
use super::{CollaborationRow, bad_layout};
use crate::auth::Visitor;
use crate::error::{AppError, AppResult};
use crate::registry::collaborations as collabs;
use crate::registry::store::{self, CountyRow};
use crate::registry::views::{Choice, MunicipalityView, layout_choices, layout_param};
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use samveis_domain::registry::{CountyNumber, Layout, MunicipalityFilter};
use std::collections::BTreeSet;

pub struct CountyView {
    pub number: String,
    pub name: String,
    pub office: String,
    pub municipality_count: usize,
    pub population: String,
}

impl From<&CountyRow> for CountyView {
    fn from(c: &CountyRow) -> Self {
        CountyView {
            number: c.number.clone(),
            name: c.name.clone(),
            office: c.office_name.clone().unwrap_or_default(),
            municipality_count: c.municipality_count,
            population: format::optional_number(c.population),
        }
    }
}

#[derive(Template)]
#[template(path = "registry/counties.html")]
struct CountiesPage {
    frame: Frame,
    layout: Layout,
    layouts: Vec<Choice>,
    rows: Vec<CountyView>,
    municipality_total: usize,
    population_total: String,
    population_year: String,
}

pub async fn counties(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<LayoutQuery>,
) -> AppResult<Response> {
    let layout = layout_param(q.inndeling.as_deref()).map_err(bad_layout)?;
    let rows = state.db.run(move |conn| Ok::<_, AppError>(store::county_rows(conn, layout)?)).await?;
    let page = CountiesPage {
        frame: Frame::new(&visitor, "Fylker", Nav::Counties),
        layout,
        layouts: layout_choices(layout),
        municipality_total: rows.iter().map(|c| c.municipality_count).sum(),
        population_total: format::optional_number(rows.iter().map(|c| c.population).sum()),
        population_year: rows.iter().filter_map(|c| c.population_year).max().map(|y| y.to_string()).unwrap_or_default(),
        rows: rows.iter().map(CountyView::from).collect(),
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "registry/county.html")]
struct CountyPage {
    frame: Frame,
    layout: Layout,
    layouts: Vec<Choice>,
    county: CountyView,
    population_year: String,
    municipalities: Vec<MunicipalityView>,
    collaborations: Vec<CollaborationRow>,
}

pub async fn county(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(number): Path<String>,
    Query(q): Query<LayoutQuery>,
) -> AppResult<Response> {
    let layout = layout_param(q.inndeling.as_deref()).map_err(bad_layout)?;
    let number = CountyNumber::parse(&number).map_err(|e| AppError::NotFound(format!("{e}.")))?;
    let key = number.to_string();
    let today = state.today();
    let data = state
        .db
        .run(move |conn| {
            let county = store::county_rows(conn, layout)?.into_iter().find(|c| c.number == key);
            let members: Vec<_> = store::municipality_rows(conn, layout)?
                .into_iter()
                .filter(|m| m.county_number.as_str() == key)
                .collect();
            let area: BTreeSet<String> = members.iter().map(|m| m.number.to_string()).collect();
            let valid: Vec<_> =
                collabs::touching(conn, layout, &area)?.into_iter().filter(|c| c.is_active_on(today)).collect();
            Ok::<_, AppError>(county.map(|c| (c, members, valid)))
        })
        .await?;
    let Some((county, members, valid)) = data else {
        return Err(AppError::NotFound(format!("Fylke {number} finnes ikke i {layout}-inndelingen.")));
    };
    let filter = MunicipalityFilter::default();
    let page = CountyPage {
        frame: Frame::new(&visitor, county.name.clone(), Nav::Counties),
        layout,
        layouts: layout_choices(layout),
        population_year: county.population_year.map(|y| y.to_string()).unwrap_or_default(),
        county: CountyView::from(&county),
        municipalities: filter.apply(members).iter().map(MunicipalityView::from).collect(),
        collaborations: valid.iter().map(|c| CollaborationRow::new(c, today)).collect(),
    };
    Ok(render(&page))
}
