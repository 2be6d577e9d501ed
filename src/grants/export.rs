//! A scheme's grants as a table (one row per grant) for CSV and XLSX, with the same figures the
//! scheme page shows.

use super::SchemeOverview;
use crate::exports::{Cell, Table};

pub fn grants_table(o: &SchemeOverview) -> Table {
    let headers = [
        "År",
        "Fylkesnummer",
        "Mottaker",
        "Status",
        "Søkt (kr)",
        "Innvilget (kr)",
        "Måltall",
        "Fordelt videre",
        "Utbetalt (kr)",
        "Gjenstår (kr)",
        "Vedtaksdato",
        "Referanse",
    ]
    .map(String::from)
    .to_vec();
    let kroner = |n: Option<i64>| Cell::or_empty(n, Cell::Kroner);
    let rows = o
        .grants
        .iter()
        .map(|g| {
            let d = g.decision.as_ref();
            vec![
                Cell::Number(i64::from(g.application.year)),
                Cell::Text(g.application.county_number.clone()),
                Cell::Text(g.application.applicant_name.clone()),
                Cell::Text(g.application.state.label().into()),
                kroner(g.application.applied),
                kroner(d.map(|d| d.granted)),
                Cell::Text(
                    d.map(|d| {
                        d.target_figures
                            .iter()
                            .map(|t| format!("{} {}", t.quantity, t.technology))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default(),
                ),
                Cell::Text(
                    d.map(|d| {
                        d.sub_allocations
                            .iter()
                            .map(|s| format!("{} {}", s.name, s.amount))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default(),
                ),
                Cell::Kroner(g.balance.net_paid()),
                Cell::Kroner(g.balance.payable()),
                Cell::or_empty(d.map(|d| d.decided_on), Cell::Date),
                Cell::Text(d.map(|d| d.reference.clone()).unwrap_or_default()),
            ]
        })
        .collect();
    Table { title: o.scheme.name.clone(), headers, rows }
}
