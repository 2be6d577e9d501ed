//! Benefits (gevinster) from the benefits reports (milestone 1): avoided costs in kroner, freed
//! hours and included users, per technology, summed over the reports that were sent.

use crate::reporting::{Answer, Answers};
use serde::Serialize;

/// The technologies of the benefits form: (field prefix, label, row in the included-users table).
pub const BENEFIT_TECHNOLOGIES: [(&str, &str); 8] = [
    ("trygghetsalarm", "Trygghetsalarm"),
    ("digitalt_tilsyn", "Digitalt tilsyn"),
    ("medisineringsstotte", "Elektronisk medisineringsstøtte"),
    ("lokalisering", "Lokaliseringsteknologi (GPS)"),
    ("dorlas", "Elektronisk dørlås"),
    ("hjemmeoppfolging", "Digital hjemmeoppfølging"),
    ("videokonsultasjon", "Videokonsultasjon"),
    ("annet", "Annen velferdsteknologi"),
];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Benefit {
    pub technology: &'static str,
    pub avoided_kroner: i64,
    /// Hours in hundredths (7,5 hours = 750).
    pub freed_hours: i64,
    pub included_users: i64,
    pub new_users: i64,
}

/// Sums the benefits of the reports, per technology, in the form's order.
pub fn benefits(reports: &[Answers]) -> Vec<Benefit> {
    BENEFIT_TECHNOLOGIES
        .iter()
        .enumerate()
        .map(|(row, (code, label))| {
            let mut b = Benefit { technology: label, ..Default::default() };
            for a in reports {
                b.avoided_kroner +=
                    a.get(&format!("{code}_unngatte_kostnader")).and_then(Answer::as_number).unwrap_or(0);
                b.freed_hours += a.get(&format!("{code}_frigjort_tid")).and_then(Answer::as_number).unwrap_or(0);
                if let Some(Answer::Table(rows)) = a.get("inkluderte_brukere") {
                    if let Some(r) = rows.get(row) {
                        b.included_users += r.values.first().copied().flatten().unwrap_or(0);
                        b.new_users += r.values.get(1).copied().flatten().unwrap_or(0);
                    }
                }
            }
            b
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reporting::TableRow;

    #[test]
    fn benefits_sum_over_reports_per_technology() {
        let report = |kr: i64, hours: i64, users: i64| -> Answers {
            let mut a = Answers::new();
            a.insert("digitalt_tilsyn_unngatte_kostnader".into(), Answer::Whole(kr));
            a.insert("digitalt_tilsyn_frigjort_tid".into(), Answer::Hundredths(hours));
            let rows = BENEFIT_TECHNOLOGIES
                .iter()
                .map(|(_, l)| TableRow { row: l.to_string(), values: vec![Some(users), Some(1)] })
                .collect();
            a.insert("inkluderte_brukere".into(), Answer::Table(rows));
            a
        };
        let b = benefits(&[report(42_000, 750, 10), report(8_000, 250, 5)]);
        let tilsyn = &b[1];
        assert_eq!(
            (tilsyn.avoided_kroner, tilsyn.freed_hours, tilsyn.included_users, tilsyn.new_users),
            (50_000, 1_000, 15, 2)
        );
        assert_eq!(b[0].avoided_kroner, 0);
    }
}
