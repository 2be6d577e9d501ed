//! The distribution of a scheme's yearly frame (ramme) over the counties: by a weighted key
//! (population, number of municipalities, an equal share) or by hand, saved with the frame.

use super::error::{GrantError, GrantResult};
use super::schemes::not_found;
use super::store::{self, Frame};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::db::schema::{municipalities, municipality_population};
use crate::registry::store as registry;
use diesel::prelude::*;
use samveis_domain::access::{Action, Resource};
use samveis_domain::grants::{Allocation, CountyBasis, Weights, distribute};
use samveis_domain::registry::Layout;
use std::collections::BTreeMap;

/// What the weighted key reads about each county of a layout, with population from `year`.
pub fn county_bases(conn: &mut DbConnection, layout: Layout, year: Option<i32>) -> GrantResult<Vec<CountyBasis>> {
    let counties = registry::county_names(conn, layout)?;
    let members: Vec<(String, String)> = municipalities::table
        .filter(municipalities::layout.eq(layout.year()))
        .select((municipalities::county_number, municipalities::number))
        .load(conn)?;
    let population: BTreeMap<String, i64> = match year {
        Some(y) => municipality_population::table
            .filter(municipality_population::layout.eq(layout.year()))
            .filter(municipality_population::year.eq(y))
            .select((municipality_population::number, municipality_population::population))
            .load::<(String, i64)>(conn)?
            .into_iter()
            .collect(),
        None => BTreeMap::new(),
    };
    if let Some(y) = year {
        let missing = members.iter().filter(|(_, n)| !population.contains_key(n)).count();
        if missing > 0 {
            let years: Vec<String> =
                registry::population_years(conn, layout)?.iter().map(ToString::to_string).collect();
            let available = match years.as_slice() {
                [] => {
                    format!("{layout}-inndelingen har ingen befolkningstall, så nøkkelen kan ikke vekte befolkning der")
                }
                _ => format!("{layout}-inndelingen har tall for {}", samveis_domain::words::listed(&years)),
            };
            let message = if missing == members.len() {
                format!("Befolkningstall for {y} finnes ikke i {layout}-inndelingen; {available}.")
            } else {
                let count = crate::web::format::count(missing as i64, "kommune", "kommuner");
                format!("Befolkningstall for {y} mangler for {count} i {layout}-inndelingen; {available}.")
            };
            return Err(GrantError::invalid("population_year", message));
        }
    }
    Ok(counties
        .into_iter()
        .map(|(number, name)| {
            let mine: Vec<&String> = members.iter().filter(|(c, _)| *c == number).map(|(_, m)| m).collect();
            CountyBasis {
                population: mine.iter().filter_map(|m| population.get(*m)).sum(),
                municipalities: mine.len() as i64,
                number,
                name,
            }
        })
        .collect())
}

/// A key tried out: each county with its basis and amount (the CLI and the scheme page use this).
pub fn distribution(
    conn: &mut DbConnection,
    frame: i64,
    layout: Layout,
    population_year: Option<i32>,
    weights: Weights,
) -> GrantResult<Vec<(CountyBasis, i64)>> {
    if weights.population > 0 && population_year.is_none() {
        return Err(GrantError::invalid("population_year", "Velg befolkningsår for en nøkkel med befolkningsvekt."));
    }
    if !(0..=samveis_domain::grants::MAX_KRONER).contains(&frame) {
        let max = samveis_domain::number::grouped(samveis_domain::grants::MAX_KRONER);
        return Err(GrantError::invalid("frame", format!("Rammen må være mellom 0 og {max} kr.")));
    }
    let bases = county_bases(conn, layout, population_year)?;
    let amounts = distribute(frame, weights, &bases)
        .map_err(|e| GrantError::invalid("weights", crate::web::format::capitalized(&e.to_string())))?;
    Ok(bases.into_iter().zip(amounts).collect())
}

/// How a year's frame is split: by a key, or by hand (county number → amount, blank unknown).
#[derive(Debug, Clone)]
pub enum Split {
    Key { weights: Weights, population_year: Option<i32> },
    ByHand(Vec<(String, Option<i64>)>),
}

/// A scheme's frame for a year and how it is split over the counties of a layout.
#[derive(Debug, Clone)]
pub struct FrameCommand {
    pub year: i32,
    pub amount: i64,
    pub layout: Layout,
    pub split: Split,
}

/// Saves a scheme's frame for a year with its county distribution (replacing an earlier one).
pub fn save_frame(conn: &mut DbConnection, ctx: &Ctx, scheme_id: i64, c: &FrameCommand) -> GrantResult<i64> {
    ctx.require(Action::ManageGrants, &Resource::Any)?;
    if c.amount < 0 {
        return Err(GrantError::invalid(
            "amount",
            format!("Rammen kan ikke være negativ ({}).", crate::web::format::kroner(c.amount)),
        ));
    }
    crate::db::write(conn, |conn| {
        let scheme = store::scheme(conn, scheme_id)?.ok_or_else(|| not_found(scheme_id))?;
        if scheme.closed {
            return Err(GrantError::invalid("scheme", format!("Ordningen «{}» er avsluttet.", scheme.name)));
        }
        let (allocations, population_year, weights) = allocations_of(conn, c)?;
        let before = saved_frame(conn, scheme_id, c.year)?;
        let frame = Frame {
            id: 0,
            scheme_id,
            year: c.year,
            amount: c.amount,
            layout: c.layout.year(),
            population_year,
            weights,
        };
        let id = store::put_frame(conn, &frame, &allocations, ctx.now)?;
        let after = serde_json::json!({
            "ordning": scheme.name, "år": c.year, "ramme": c.amount, "inndeling": c.layout.year(),
            "nøkkel": frame.weights, "befolkningsår": population_year, "fordeling": cells_json(&allocations),
        });
        let change = Change {
            action: "lagret ramme",
            record_type: "tilskuddsordning",
            record_id: scheme_id.to_string(),
            before,
            after: Some(after),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(id)
    })
}

fn cells_json(cells: &[Allocation]) -> Vec<serde_json::Value> {
    cells.iter().map(|a| serde_json::json!({"fylke": a.county_number, "beløp": a.amount})).collect()
}

/// The frame saved for that year before, as the audit trail shows it.
fn saved_frame(conn: &mut DbConnection, scheme_id: i64, year: i32) -> GrantResult<Option<serde_json::Value>> {
    let Some(old) = store::frames_of(conn, scheme_id)?.into_iter().find(|f| f.year == year) else { return Ok(None) };
    let cells = store::allocations_of(conn, old.id)?;
    Ok(Some(serde_json::json!({
        "ramme": old.amount, "inndeling": old.layout, "nøkkel": old.weights, "befolkningsår": old.population_year,
        "fordeling": cells_json(&cells),
    })))
}

type Allocated = (Vec<Allocation>, Option<i32>, Option<String>);

/// The county allocations a split gives, with the population year and the key as stored.
fn allocations_of(conn: &mut DbConnection, c: &FrameCommand) -> GrantResult<Allocated> {
    let layout = c.layout;
    match &c.split {
        Split::Key { weights, population_year } => {
            let rows = distribution(conn, c.amount, layout, *population_year, *weights)?;
            let allocations = rows
                .into_iter()
                .map(|(b, a)| Allocation { county_number: b.number, county_name: b.name, amount: Some(a) })
                .collect();
            let key = format!(
                "population={},municipalities={},equal={}",
                weights.population, weights.municipalities, weights.equal
            );
            Ok((allocations, *population_year, Some(key)))
        }
        Split::ByHand(amounts) => {
            let names = registry::county_names(conn, layout)?;
            if let Some((n, _)) = amounts.iter().find(|(n, _)| !names.iter().any(|(c, _)| c == n)) {
                return Err(GrantError::invalid("by_hand", format!("Fylke «{n}» finnes ikke i {layout}-inndelingen.")));
            }
            if let Some((n, a)) = amounts.iter().find(|(_, a)| a.is_some_and(|a| a < 0)) {
                let message = format!(
                    "Beløpet for fylke {n} kan ikke være negativt ({}).",
                    crate::web::format::kroner(a.unwrap_or_default())
                );
                return Err(GrantError::invalid("by_hand", message));
            }
            let allocations = names
                .into_iter()
                .map(|(number, name)| {
                    let amount = amounts.iter().find(|(n, _)| *n == number).and_then(|(_, a)| *a);
                    Allocation { county_number: number, county_name: name, amount }
                })
                .collect();
            Ok((allocations, None, None))
        }
    }
}
