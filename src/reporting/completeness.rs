//! Counting a round (innleveringsgrad and survey results): who has delivered, on time or late,
//! by county, size class or collaboration; and for a survey, per option, how many chose it.

use super::error::{ReportingError, ReportingResult};
use super::store::{self, RoundRow, SubmissionRow};
use crate::db::{DbConnection, StoreError};
use crate::registry::{collaborations, store as registry};
use chrono::NaiveDate;
use samveis_domain::access::OrgUnit;
use samveis_domain::registry::{Layout, MunicipalityRow};
use samveis_domain::reporting::{self as domain, Answers, CompletenessRow, Delivery, Expected};
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

/// How to break completeness down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breakdown {
    County,
    SizeClass,
    /// By the collaborations an org unit belongs to on the deadline (a municipality may be in
    /// several; a collaboration answering for itself is its own group).
    Collaboration,
}

impl Breakdown {
    /// The page's name for it.
    pub fn code(self) -> &'static str {
        match self {
            Breakdown::County => "fylke",
            Breakdown::SizeClass => "storrelse",
            Breakdown::Collaboration => "samarbeid",
        }
    }
}

/// Parses "fylke"/"county" and "storrelse"/"size" (pages use Norwegian, the CLI English).
pub fn breakdown(text: Option<&str>) -> ReportingResult<Option<Breakdown>> {
    match text.map(str::trim) {
        None | Some("") | Some("alle") => Ok(None),
        Some("fylke" | "county") => Ok(Some(Breakdown::County)),
        Some("storrelse" | "size") => Ok(Some(Breakdown::SizeClass)),
        Some("samarbeid" | "collaboration") => Ok(Some(Breakdown::Collaboration)),
        Some(other) => Err(ReportingError::Refused(format!(
            "Ukjent inndeling av resultatene «{other}»: bruk fylke eller størrelse."
        ))),
    }
}

/// The names of the collaborations each municipality belongs to on `day`, by (layout, number).
fn memberships(conn: &mut DbConnection, day: NaiveDate) -> Result<BTreeMap<(i32, String), Vec<String>>, StoreError> {
    let mut out: BTreeMap<(i32, String), Vec<String>> = BTreeMap::new();
    let active: Vec<_> = collaborations::list(conn)?.into_iter().filter(|c| c.is_active_on(day)).collect();
    for c in &active {
        let Some(detail) = collaborations::get(conn, c.id)? else { continue };
        // Two collaborations may share a name (in different layouts): keep them apart.
        let twins = active.iter().filter(|o| o.name == c.name).count() > 1;
        let label = if twins { format!("{} ({})", c.name, c.layout.year()) } else { c.name.clone() };
        for m in detail.members {
            out.entry((c.layout.year(), m.number)).or_default().push(label.clone());
        }
    }
    Ok(out)
}

fn delivery(s: &SubmissionRow, round: &RoundRow, today: NaiveDate) -> Delivery {
    let at = if s.state.delivered() { s.submitted_at } else { None };
    Delivery::of(at, round.deadline, today)
}

/// The registry rows of each layout the submissions use, by municipality number: one lookup
/// table per layout, not one registry read per submission.
#[derive(Default)]
struct Municipalities(BTreeMap<i32, BTreeMap<String, MunicipalityRow>>);

impl Municipalities {
    fn get(
        &mut self,
        conn: &mut DbConnection,
        year: i32,
        number: &str,
    ) -> Result<Option<&MunicipalityRow>, StoreError> {
        if let Entry::Vacant(slot) = self.0.entry(year) {
            let layout = Layout::from_year(year).unwrap_or(Layout::CURRENT);
            slot.insert(
                registry::municipality_rows(conn, layout)?.into_iter().map(|r| (r.number.to_string(), r)).collect(),
            );
        }
        Ok(self.0.get(&year).and_then(|m| m.get(number)))
    }
}

fn by_membership(
    conn: &mut DbConnection,
    round: &RoundRow,
    today: NaiveDate,
    submissions: &[SubmissionRow],
) -> Result<Vec<CompletenessRow>, StoreError> {
    let members = memberships(conn, round.deadline)?;
    let items: Vec<(Delivery, Vec<String>)> = submissions
        .iter()
        .map(|s| {
            let groups = match s.org.unit {
                OrgUnit::Municipality(_) => members.get(&(s.org.layout, s.org.id.clone())).cloned().unwrap_or_default(),
                OrgUnit::Collaboration(_) => vec![s.org.name.clone()],
            };
            (delivery(s, round, today), groups)
        })
        .collect();
    let borrowed: Vec<(Delivery, &[String])> = items.iter().map(|(d, g)| (*d, g.as_slice())).collect();
    Ok(domain::completeness_by_membership(&borrowed, "Ikke i noe samarbeid"))
}

/// Completeness of a round by county or size class (through the host for collaborations).
pub fn completeness(
    conn: &mut DbConnection,
    round: &RoundRow,
    today: NaiveDate,
    by: Breakdown,
) -> Result<Vec<CompletenessRow>, StoreError> {
    let submissions = store::submissions_of_round(conn, round.id)?;
    if by == Breakdown::Collaboration {
        return by_membership(conn, round, today, &submissions);
    }
    let mut rows = Municipalities::default();
    let mut expected = Vec::new();
    for s in &submissions {
        let number = match s.org.unit {
            OrgUnit::Municipality(_) => Some(s.org.id.clone()),
            OrgUnit::Collaboration(id) => collaborations::get(conn, id)?.map(|c| c.summary.host_number),
        };
        let row = match number {
            Some(n) => rows.get(conn, s.org.layout, &n)?,
            None => None,
        };
        let group = match (by, row) {
            (Breakdown::County, Some(r)) => r.county_name.clone(),
            (Breakdown::SizeClass, Some(r)) => r.size_class.map_or("Ukjent", |c| c.label()).to_string(),
            (Breakdown::Collaboration, _) | (_, None) => "Ukjent".to_string(),
        };
        expected.push(Expected { delivery: delivery(s, round, today), groups: vec![group] });
    }
    Ok(domain::group_completeness(&expected, 0))
}

/// Survey results of a round: per choice question and option, the count and the share of those
/// who answered, overall or by county or size class. Only delivered answers count.
pub fn survey_results(
    conn: &mut DbConnection,
    round: &RoundRow,
    by: Option<Breakdown>,
) -> ReportingResult<Vec<domain::OptionResult>> {
    let template = store::template(conn, round.template_id)?
        .ok_or_else(|| ReportingError::NotFound(format!("Fant ikke skjemaet til runde {}.", round.id)))?;
    let mut rows = Municipalities::default();
    let mut responses = Vec::new();
    for s in store::submissions_of_round(conn, round.id)? {
        if !s.state.delivered() {
            continue;
        }
        let answers: Answers = serde_json::from_str(&s.answers).map_err(ReportingError::internal)?;
        let row = rows.get(conn, s.org.layout, &s.org.id)?;
        let county = row.map_or("Ukjent".to_string(), |r| r.county_name.clone());
        let size = row.and_then(|r| r.size_class).map_or("Ukjent", |c| c.label()).to_string();
        responses.push(domain::SurveyResponse { groups: vec![county, size], answers });
    }
    let dimension = match by {
        None => None,
        Some(Breakdown::County) => Some(0),
        Some(Breakdown::SizeClass) => Some(1),
        Some(Breakdown::Collaboration) => {
            return Err(ReportingError::Refused("Resultatene kan fordeles etter fylke eller størrelse.".into()));
        }
    };
    Ok(domain::option_results(&template.template, &responses, dimension))
}
