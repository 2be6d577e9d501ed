//! A frame's county table (like Table 1 of the 2023 KS letter): per county the key amount,
//! applied and granted, the difference, and the sums; with warnings where the figures disagree.

use serde::Serialize;

/// One county's saved allocation (None where the source gives no figure).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    pub county_number: String,
    pub county_name: String,
    pub amount: Option<i64>,
}

/// One grant as the table counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantFigures {
    pub recipient: String,
    pub county_number: String,
    pub applied: Option<i64>,
    pub granted: Option<i64>,
    /// The host's passing on to members, where it does.
    pub sub_allocated: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CountyLine {
    pub county_number: String,
    pub county_name: String,
    pub key: Option<i64>,
    /// None where no grant in the county gives an applied amount (historic records).
    pub applied: Option<i64>,
    pub granted: i64,
    pub grants: usize,
    /// Granted less the key amount.
    pub difference: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FrameTable {
    pub lines: Vec<CountyLine>,
    pub key_sum: i64,
    pub applied_sum: Option<i64>,
    pub granted_sum: i64,
    pub warnings: Vec<String>,
}

fn kr(n: i64) -> String {
    format!("{} kr", crate::number::grouped(n))
}

/// Builds the county table of a frame of `frame` kroner. While a scheme is open, grants are still
/// being decided: only figures beyond the frame are flagged. Once `settled` (closed), every
/// difference between frame, distribution, grants and sub-allocations is.
pub fn frame_table(frame: i64, allocations: &[Allocation], grants: &[GrantFigures], settled: bool) -> FrameTable {
    let mut table = FrameTable::default();
    for a in allocations {
        let line = county_line(a, grants);
        if let Some(k) = a.amount {
            if line.granted > k {
                table.warnings.push(format!(
                    "{}: innvilget {} er mer enn fylkets ramme {}.",
                    a.county_name,
                    kr(line.granted),
                    kr(k)
                ));
            }
        }
        table.lines.push(line);
    }
    let outside: Vec<&str> = grants
        .iter()
        .filter(|g| !allocations.iter().any(|a| a.county_number == g.county_number))
        .map(|g| g.recipient.as_str())
        .collect();
    if !outside.is_empty() {
        table
            .warnings
            .push(format!("Tilsagn utenfor fylkene i fordelingen (annen inndeling?): {}.", outside.join(", ")));
    }
    table.key_sum = allocations.iter().filter_map(|a| a.amount).sum();
    table.applied_sum = table.lines.iter().filter_map(|l| l.applied).reduce(|a, b| a + b);
    table.granted_sum = table.lines.iter().map(|l| l.granted).sum();
    let sums = sum_warnings(&table, frame, settled);
    table.warnings.extend(sums);
    table.warnings.extend(passed_on_warnings(grants, settled));
    table
}

/// One county's line: its key amount beside what its grants applied for and got.
fn county_line(a: &Allocation, grants: &[GrantFigures]) -> CountyLine {
    let mine: Vec<&GrantFigures> = grants.iter().filter(|g| g.county_number == a.county_number).collect();
    let applied: Option<i64> = mine.iter().filter_map(|g| g.applied).reduce(|a, b| a + b);
    let granted: i64 = mine.iter().filter_map(|g| g.granted).sum();
    CountyLine {
        county_number: a.county_number.clone(),
        county_name: a.county_name.clone(),
        key: a.amount,
        applied,
        granted,
        grants: mine.len(),
        difference: a.amount.map(|k| granted - k),
    }
}

/// Where the sums disagree with the frame or with the distribution.
fn sum_warnings(table: &FrameTable, frame: i64, settled: bool) -> Vec<String> {
    let mut warnings = Vec::new();
    if table.key_sum != frame {
        warnings.push(format!(
            "Fylkesfordelingen summerer til {}, men rammen er {} (differanse {}).",
            kr(table.key_sum),
            kr(frame),
            kr(table.key_sum - frame)
        ));
    }
    if table.granted_sum > frame {
        warnings.push(format!("Innvilget i alt {} er mer enn rammen {}.", kr(table.granted_sum), kr(frame)));
    } else if settled && table.granted_sum != table.key_sum && table.granted_sum > 0 {
        warnings.push(format!(
            "Innvilget i alt {} avviker fra fylkesfordelingen {} med {}.",
            kr(table.granted_sum),
            kr(table.key_sum),
            kr(table.granted_sum - table.key_sum)
        ));
    }
    warnings
}

/// Hosts that passed on more than they got (or, once settled, other than they got).
fn passed_on_warnings(grants: &[GrantFigures], settled: bool) -> Vec<String> {
    grants
        .iter()
        .filter_map(|g| match (g.sub_allocated, g.granted) {
            (Some(sub), Some(granted)) if sub > granted || (settled && sub != granted) => {
                Some(format!("{}: fordelt videre {} av innvilget {}.", g.recipient, kr(sub), kr(granted)))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alloc(n: &str, name: &str, amount: Option<i64>) -> Allocation {
        Allocation { county_number: n.into(), county_name: name.into(), amount }
    }

    fn grant(county: &str, applied: Option<i64>, granted: Option<i64>) -> GrantFigures {
        GrantFigures {
            recipient: format!("Mottaker i {county}"),
            county_number: county.into(),
            applied,
            granted,
            sub_allocated: None,
        }
    }

    #[test]
    fn the_2023_table_sums_and_names_its_differences() {
        let allocations = [alloc("03", "Oslo", Some(1_447_130)), alloc("42", "Agder", Some(1_400_904))];
        let mut agder = grant("42", Some(1_526_000), Some(1_526_000));
        agder.sub_allocated = Some(1_526_000);
        let grants = [grant("03", Some(1_390_000), Some(1_390_000)), agder];
        let t = frame_table(2_848_034, &allocations, &grants, true);
        assert!(!frame_table(2_848_034, &allocations, &grants, false).warnings.iter().any(|w| w.contains("avviker")));
        assert_eq!((t.key_sum, t.applied_sum, t.granted_sum), (2_848_034, Some(2_916_000), 2_916_000));
        assert_eq!(t.lines[0].difference, Some(-57_130));
        assert!(
            t.warnings
                .iter()
                .any(|w| w.starts_with("Agder: innvilget 1\u{a0}526\u{a0}000 kr er mer enn fylkets ramme")),
            "{:?}",
            t.warnings
        );
        assert!(t.warnings.iter().any(|w| w.starts_with("Innvilget i alt")), "{:?}", t.warnings);
    }

    #[test]
    fn a_frame_that_does_not_add_up_is_flagged() {
        let t = frame_table(
            20_700_000,
            &[alloc("01", "Østfold", Some(2_500_000)), alloc("02", "Akershus", None)],
            &[],
            false,
        );
        assert!(t.warnings[0].contains("differanse −18\u{a0}200\u{a0}000 kr"), "{:?}", t.warnings);
        let mut sub = grant("42", None, Some(1_526_000));
        sub.sub_allocated = Some(1_500_000);
        let t = frame_table(0, &[], &[sub], true);
        assert!(
            t.warnings
                .iter()
                .any(|w| w.contains("fordelt videre 1\u{a0}500\u{a0}000 kr av innvilget 1\u{a0}526\u{a0}000 kr"))
        );
    }
}
