//! The indicators Samveis ships: the figures of the status decks, from the technology status
//! form, the benefits form (M1) and the grant ledger. The programme office adds its own.

use samveis_domain::insight::indicator::{Aggregation, Definition, OverTime, Source, Unit};
use samveis_domain::insight::{BENEFIT_TECHNOLOGIES, TECHNOLOGIES, TechState};

fn field(form: &str, element: String) -> Source {
    Source::Field { form: form.into(), element }
}

fn definition(
    code: String,
    name: String,
    description: &str,
    source: Source,
    how: (Aggregation, OverTime),
    unit: Unit,
) -> Definition {
    Definition {
        code,
        name,
        description: description.into(),
        source,
        aggregation: how.0,
        over_time: how.1,
        matches: None,
        unit,
    }
}

pub fn definitions() -> Vec<Definition> {
    let mut out = technology_definitions();
    out.extend(benefit_definitions());
    out.extend(ledger_definitions());
    out
}

/// Per technology: the share in operation, the users and the investment (technology status).
fn technology_definitions() -> Vec<Definition> {
    let mut out = Vec::new();
    for t in TECHNOLOGIES {
        let mut in_operation = definition(
            format!("{}_i_drift", t.code),
            format!("{}: andel kommuner med teknologien i drift", t.label),
            "Kommuner som svarte «I drift» i sin siste teknologistatus i perioden, av kommunene som svarte på spørsmålet.",
            field("teknologistatus", format!("{}_bruk", t.code)),
            (Aggregation::Share, OverTime::Latest),
            Unit::Percent,
        );
        in_operation.matches = Some(TechState::InOperation.label().into());
        out.push(in_operation);
        out.push(definition(
            format!("{}_brukere", t.code),
            format!("{}: brukere", t.label),
            "Brukere kommunene oppga i sin siste teknologistatus i perioden, summert.",
            field("teknologistatus", format!("{}_brukere", t.code)),
            (Aggregation::Sum, OverTime::Latest),
            Unit::Count,
        ));
        out.push(definition(
            format!("{}_investering", t.code),
            format!("{}: investering", t.label),
            "Investering så langt, slik kommunene oppga den i sin siste teknologistatus i perioden, summert.",
            field("teknologistatus", format!("{}_investering", t.code)),
            (Aggregation::Sum, OverTime::Latest),
            Unit::Kroner,
        ));
    }
    out
}

/// Per benefit technology: avoided costs and freed time (the M1 benefit reports).
fn benefit_definitions() -> Vec<Definition> {
    let mut out = Vec::new();
    for (code, label) in BENEFIT_TECHNOLOGIES {
        out.push(definition(
            format!("{code}_unngatte_kostnader"),
            format!("{label}: unngåtte kostnader"),
            "Unngåtte kostnader fra gevinstrapportene (M1) i perioden, summert over rapportene.",
            field("milepael_m1", format!("{code}_unngatte_kostnader")),
            (Aggregation::Sum, OverTime::Sum),
            Unit::Kroner,
        ));
        out.push(definition(
            format!("{code}_frigjort_tid"),
            format!("{label}: frigjort tid"),
            "Frigjorte timer fra gevinstrapportene (M1) i perioden, summert over rapportene.",
            field("milepael_m1", format!("{code}_frigjort_tid")),
            (Aggregation::Sum, OverTime::Sum),
            Unit::Hours,
        ));
    }
    out
}

/// Grants granted, paid, withdrawn and repaid, from the ledger.
fn ledger_definitions() -> Vec<Definition> {
    let mut out = Vec::new();
    for (kind, name, description) in [
        (
            "granted",
            "Innvilget tilskudd (brutto)",
            "Innvilgede beløp i regnskapet med vedtaksdato i perioden, med korrigeringer. Det som senere er trukket tilbake, er en egen indikator.",
        ),
        (
            "paid",
            "Utbetalt tilskudd (brutto)",
            "Utbetalinger i regnskapet med bokføringsdato i perioden, med korrigeringer. Tilbakebetalinger er en egen indikator.",
        ),
        (
            "withdrawn",
            "Tilskudd trukket tilbake",
            "Beløp trukket tilbake før utbetaling, med bokføringsdato i perioden.",
        ),
        ("repaid", "Tilskudd betalt tilbake", "Tilbakebetalinger (tilbakekreving), med bokføringsdato i perioden."),
    ] {
        out.push(definition(
            format!("tilskudd_{kind}"),
            name.into(),
            description,
            Source::Ledger { entry_kind: kind.into() },
            (Aggregation::Sum, OverTime::Sum),
            Unit::Kroner,
        ));
    }
    out
}
