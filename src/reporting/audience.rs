//! The audience of a round (mottakere): who it asks, stored with the round as JSON, and the org
//! units that makes on the day the round opens.

use super::error::{ReportingError, ReportingResult};
use super::store::OrgRow;
use crate::db::{DbConnection, StoreError};
use crate::registry::{collaborations, store as registry};
use samveis_domain::access::OrgUnit;
use samveis_domain::registry::{CountyNumber, Layout, MunicipalityNumber, MunicipalityRow};
use serde::{Deserialize, Serialize};

/// Who a round asks. Stored with the round as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Audience {
    AllMunicipalities {
        layout: i32,
    },
    County {
        layout: i32,
        county: String,
    },
    /// Each collaboration answers once, through its project leader.
    Collaborations {
        ids: Vec<i64>,
    },
    /// Every member municipality of the collaborations answers for itself (e.g. milestone 5:
    /// each municipality's own service model).
    CollaborationMembers {
        ids: Vec<i64>,
    },
    Municipalities {
        layout: i32,
        numbers: Vec<String>,
    },
}

impl Audience {
    pub fn describe(&self) -> String {
        match self {
            Audience::AllMunicipalities { layout } => format!("Alle kommuner ({layout}-inndelingen)"),
            Audience::County { layout, county } => format!("Kommunene i fylke {county} ({layout}-inndelingen)"),
            Audience::Collaborations { ids } => format!("{} samarbeid", ids.len()),
            Audience::CollaborationMembers { ids } => format!("Medlemskommunene i {} samarbeid", ids.len()),
            Audience::Municipalities { numbers, .. } => {
                crate::web::format::count(numbers.len() as i64, "utvalgt kommune", "utvalgte kommuner")
            }
        }
    }
}

fn municipality_orgs(
    conn: &mut DbConnection,
    layout: Layout,
    keep: impl Fn(&MunicipalityRow) -> bool,
) -> Result<Vec<OrgRow>, StoreError> {
    Ok(registry::municipality_rows(conn, layout)?
        .into_iter()
        .filter(|m| keep(m))
        .map(|m| OrgRow::new(OrgUnit::Municipality(m.number), m.name, layout.year()))
        .collect())
}

fn layout(year: i32) -> ReportingResult<Layout> {
    Layout::from_year(year).map_err(|e| ReportingError::invalid("audience", format!("{e}.")))
}

fn collaboration(conn: &mut DbConnection, id: i64) -> ReportingResult<collaborations::CollaborationDetail> {
    collaborations::get(conn, id)?
        .ok_or_else(|| ReportingError::invalid("samarbeid", format!("Samarbeid {id} finnes ikke.")))
}

fn chosen_municipalities(conn: &mut DbConnection, year: i32, numbers: &[String]) -> ReportingResult<Vec<OrgRow>> {
    let l = layout(year)?;
    let known = registry::municipality_numbers(conn, l)?;
    if let Some(bad) = numbers.iter().find(|n| !known.contains(n.trim())) {
        return Err(ReportingError::invalid(
            "numbers",
            format!("Kommunenummer «{bad}» finnes ikke i {l}-inndelingen."),
        ));
    }
    Ok(municipality_orgs(conn, l, |m| numbers.iter().any(|n| n.trim() == m.number.as_str()))?)
}

fn collaboration_orgs(conn: &mut DbConnection, ids: &[i64]) -> ReportingResult<Vec<OrgRow>> {
    let mut orgs = Vec::new();
    for id in ids {
        let c = collaboration(conn, *id)?;
        orgs.push(OrgRow::new(OrgUnit::Collaboration(*id), c.summary.name.clone(), c.summary.layout.year()));
    }
    Ok(orgs)
}

fn member_orgs(conn: &mut DbConnection, ids: &[i64]) -> ReportingResult<Vec<OrgRow>> {
    let mut orgs: Vec<OrgRow> = Vec::new();
    for id in ids {
        let c = collaboration(conn, *id)?;
        let layout = c.summary.layout.year();
        for m in c.members {
            // A municipality in two chosen collaborations answers once.
            if !orgs.iter().any(|o| o.id == m.number && o.layout == layout) {
                let number = MunicipalityNumber::parse(&m.number).map_err(ReportingError::internal)?;
                orgs.push(OrgRow::new(OrgUnit::Municipality(number), m.name, layout));
            }
        }
    }
    Ok(orgs)
}

/// The org units an audience names, or which of its values do not exist.
pub fn resolve_audience(conn: &mut DbConnection, audience: &Audience) -> ReportingResult<Vec<OrgRow>> {
    let orgs = match audience {
        Audience::AllMunicipalities { layout: y } => municipality_orgs(conn, layout(*y)?, |_| true)?,
        Audience::County { layout: y, county } => {
            let county = CountyNumber::parse(county).map_err(|e| ReportingError::invalid("county", format!("{e}.")))?;
            municipality_orgs(conn, layout(*y)?, |m| m.county_number == county)?
        }
        Audience::Municipalities { layout: y, numbers } => chosen_municipalities(conn, *y, numbers)?,
        Audience::Collaborations { ids } => collaboration_orgs(conn, ids)?,
        Audience::CollaborationMembers { ids } => member_orgs(conn, ids)?,
    };
    if orgs.is_empty() {
        return Err(ReportingError::invalid(
            "audience",
            "Mottakerlisten er tom: ingen kommuner eller samarbeid passer.",
        ));
    }
    Ok(orgs)
}

impl Audience {
    /// An audience as the command line and the API write it, on a layout: `alle` (or nothing),
    /// `fylke:18`, `kommuner:1804,1806`, `samarbeid:3,4` (one answer per collaboration) or
    /// `medlemmer:3,4` (each member municipality answers).
    pub fn parse(text: &str, layout: i32) -> ReportingResult<Audience> {
        let text = text.trim();
        let (kind, list) = text.split_once(':').unwrap_or((text, ""));
        let values = || samveis_domain::registry::member_tokens(list).map(str::to_string).collect::<Vec<_>>();
        let ids = || {
            values()
                .iter()
                .map(|v| {
                    v.parse()
                        .map_err(|_| ReportingError::invalid("audience", format!("«{v}» er ikke et samarbeids-id.")))
                })
                .collect::<ReportingResult<Vec<i64>>>()
        };
        let audience = match kind.trim().to_lowercase().as_str() {
            "" | "alle" => Audience::AllMunicipalities { layout },
            "fylke" => Audience::County { layout, county: list.trim().to_string() },
            "kommuner" => Audience::Municipalities { layout, numbers: values() },
            "samarbeid" => Audience::Collaborations { ids: ids()? },
            "medlemmer" => Audience::CollaborationMembers { ids: ids()? },
            _ => {
                return Err(ReportingError::invalid(
                    "audience",
                    format!(
                        "Ukjente mottakere «{text}»: skriv alle, fylke:NN, kommuner:NNNN,NNNN, samarbeid:ID,ID eller medlemmer:ID,ID."
                    ),
                ));
            }
        };
        let empty = match &audience {
            Audience::County { county, .. } => county.is_empty(),
            Audience::Municipalities { numbers, .. } => numbers.is_empty(),
            Audience::Collaborations { ids } | Audience::CollaborationMembers { ids } => ids.is_empty(),
            Audience::AllMunicipalities { .. } => false,
        };
        if empty {
            return Err(ReportingError::invalid("audience", format!("«{text}» mangler verdier etter kolon.")));
        }
        Ok(audience)
    }
}
