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
    let number = |n: Option<i64>| n.map_or(Cell::Text(String::new()), Cell::Number);
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
                number(g.application.applied),
                number(d.map(|d| d.granted)),
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
                Cell::Number(g.balance.net_paid()),
                Cell::Number(g.balance.payable()),
                Cell::Text(d.map(|d| d.decided_on.format("%d.%m.%Y").to_string()).unwrap_or_default()),
                Cell::Text(d.map(|d| d.reference.clone()).unwrap_or_default()),
            ]
        })
        .collect();
    Table { title: o.scheme.name.clone(), headers, rows }
}
