//! Demo grants: the 2015 scheme (county frames and the 15 development-municipality grants with
//! their target figures) and the 2023 KS network grant (weighted distribution, applied and
//! granted per county, the Agder and Rogaland sub-allocations), loaded as historic records; an
//! open example scheme for 2027 to apply to. Payments the sources do not give are synthetic and
//! marked as demo data.

use super::distribution::{FrameCommand, Split, save_frame};
use super::import::{Applicant, HistoricGrant, historic, record_grant};
use super::store::{self, NewScheme, Requirements, SchemeTerms, SubAllocation};
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::registry::store as registry;
use chrono::{NaiveDate, NaiveDateTime};
use samveis_domain::grants::Weights;
use samveis_domain::registry::Layout;

const FRAMES_2015: &str = include_str!("../../data/demo/grant-2015-county-frames.csv");
const GRANTS_2015: &str = include_str!("../../data/demo/grant-2015-development-municipalities.csv");
const KS_2023: &str = include_str!("../../data/demo/grant-2023-ks-network.csv");

/// Names used in the demo; the example scheme's name says it is demo data.
pub const SCHEME_2015: &str = "Kommunalt kompetanse- og innovasjonstilskudd (kap. 761, post 68), velferdsteknologi";
pub const SCHEME_2023: &str = "KS: frikjøp til kommunenettverk for velferdsteknologi og digital hjemmeoppfølging";
pub const SCHEME_EXAMPLE: &str = "Velferdsteknologi i kommunene 2027 (eksempelordning, demodata)";

#[derive(serde::Deserialize)]
struct Frame2015 {
    county_2015: String,
    frame_nok: Option<i64>,
}

#[derive(serde::Deserialize)]
struct Grant2015 {
    county_2015: String,
    project: String,
    grant_recipient: String,
    grant_nok: i64,
    target_figures_text: String,
}

#[derive(serde::Deserialize)]
struct Ks2023 {
    county_2020: String,
    recipient_municipality: String,
    weighted_distribution_nok: Option<i64>,
    applied_nok: Option<i64>,
    granted_nok: Option<i64>,
}

fn rows<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<Vec<T>, AppError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(i, r)| r.map_err(|e| AppError::Internal(format!("{file}, rad {}: {e}", i + 2))))
        .collect()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn county_number(conn: &mut DbConnection, layout: Layout, name: &str) -> Result<String, AppError> {
    registry::county_names(conn, layout)?
        .into_iter()
        .find(|(_, n)| n == name)
        .map(|(number, _)| number)
        .ok_or_else(|| AppError::Internal(format!("fylket {name} finnes ikke i {layout}-inndelingen")))
}

fn municipality(conn: &mut DbConnection, layout: Layout, name: &str) -> Result<(String, String), AppError> {
    registry::municipality_rows(conn, layout)?
        .into_iter()
        .find(|m| m.name == name || m.name_norwegian == name)
        .map(|m| (m.number.to_string(), m.name))
        .ok_or_else(|| AppError::Internal(format!("kommunen {name} finnes ikke i {layout}-inndelingen")))
}

fn scheme_2015(conn: &mut DbConnection, ctx: &Ctx) -> Result<(), AppError> {
    // The source gives the rules and the budget post, and that the county governors administer
    // the scheme; it gives no payment terms and no deadline for acceptance.
    let terms = SchemeTerms {
        authority: "helsedirektoratet".into(),
        county_decides: true,
        legal_basis: "tilskuddsregelverket for «Kommunalt kompetanse- og innovasjonstilskudd»".into(),
        reporting: "Kommunene rapporterer i 2015 på samme måte som i 2014, på rapporteringsmøtene i slutten av mai og i slutten av oktober 2015. I mai leveres plan for overgang til drift i 2016, en figur over tjenesteflyten og teknologien, status og fremdriftsplan for følgeforskningen og status for gevinstrealiseringen; i oktober status for arbeidet og planer og søknad for 2016.".into(),
        ..SchemeTerms::default()
    };
    let new = NewScheme {
        name: SCHEME_2015,
        owner: "Helsedirektoratet (programkontoret)",
        budget_chapter: "761",
        budget_post: "68",
        recipients: "municipalities",
        rules: "Tilskudd til utviklingskommuner i Nasjonalt velferdsteknologiprogram. Fylkesrammene ble fordelt manuelt.",
        first_year: 2015,
        last_year: Some(2015),
        terms: &terms,
        application_deadline: None,
        requires: Requirements::default(),
        four_eyes: true,
    };
    let id = store::insert_scheme(conn, &new, ctx.now)?;
    let mut hand = Vec::new();
    for f in rows::<Frame2015>("grant-2015-county-frames.csv", FRAMES_2015)? {
        hand.push((county_number(conn, Layout::Y2015, &f.county_2015)?, f.frame_nok));
    }
    let total: i64 = hand.iter().filter_map(|(_, a)| *a).sum();
    let frame = FrameCommand { year: 2015, amount: total, layout: Layout::Y2015, split: Split::ByHand(hand) };
    save_frame(conn, ctx, id, &frame)?;
    for (i, g) in rows::<Grant2015>("grant-2015-development-municipalities.csv", GRANTS_2015)?.into_iter().enumerate() {
        let county = county_number(conn, Layout::Y2015, &g.county_2015)?;
        let (number, name) = municipality(conn, Layout::Y2015, &g.grant_recipient)?;
        let shown = if g.project == g.grant_recipient { name } else { format!("{} ({name})", g.project) };
        let a = historic(
            id,
            2015,
            Applicant { kind: "municipality", id: &number, name: &shown },
            Layout::Y2015,
            &county,
            None,
            &format!("Utviklingskommune: {}", g.project),
        );
        // Synthetic: most were paid in full by the end of the year.
        let paid = (i % 5 != 4).then_some((g.grant_nok, date(2015, 12, 15)));
        let grant = HistoricGrant {
            application: &a,
            granted: g.grant_nok,
            conditions: "",
            target_text: &g.target_figures_text,
            subs: vec![],
            decided_on: date(2015, 1, 1),
            reference: "Tildeling 2015 (vedtaksdato ikke oppgitt i kilden)",
            synthetic_payment: paid,
        };
        record_grant(conn, ctx, grant)?;
    }
    super::store::close_scheme(conn, id)?;
    Ok(())
}

/// The KS letter of 8 May 2023 (KS 23/02307-5): KS decides; budget chapter and post not given.
fn terms_2023() -> SchemeTerms {
    SchemeTerms {
        authority: "ks".into(),
        county_decides: false,
        legal_basis: "midlene KS er tildelt i statsbudsjettet for 2022–2023 til å drive kommunenettverk for innføring av velferdsteknologi".into(),
        payment_terms: "Utgifter skal føres med egen prosjektkode i kommunens regnskapssystem, og utskrift vedlegges faktura. Tilskuddet blir utbetalt etterskuddsvis når KS har mottatt faktura med vedlegg som dokumenterer utgiftene. Faktura skal være datert 31. desember 2023 og være mottatt senest 15. januar 2024. Faktura merkes med prosjektnummer 102265.".into(),
        reporting: "Nettverkskoordinator rapporterer til KS på oppdraget: elektronisk innrapportering på fremdrift to ganger i året, koordinatorsamlinger digitalt og fysisk (om lag én gang i måneden), kompetansebygging i prosessledelse og enkeltmøter etter behov.".into(),
        accept_by: NaiveDate::from_ymd_opt(2023, 5, 15),
        accept_weeks: None,
    }
}

fn scheme_2023(conn: &mut DbConnection, ctx: &Ctx) -> Result<(), AppError> {
    let terms = terms_2023();
    let new = NewScheme {
        name: SCHEME_2023,
        owner: "KS",
        budget_chapter: "",
        budget_post: "",
        recipients: "municipalities",
        rules: "Frikjøp av nettverkskoordinatorer i hvert fylke. Rollen som nettverkskoordinator skal dekke alle kommuner i fylket; endringer i frikjøpsnivå og aktiviteter avklares på forhånd med KS.",
        first_year: 2023,
        last_year: Some(2023),
        terms: &terms,
        application_deadline: None,
        requires: Requirements::default(),
        four_eyes: true,
    };
    let id = store::insert_scheme(conn, &new, ctx.now)?;
    let all = rows::<Ks2023>("grant-2023-ks-network.csv", KS_2023)?;
    let mut hand = Vec::new();
    for r in all.iter().filter(|r| r.recipient_municipality.is_empty()) {
        hand.push((county_number(conn, Layout::Y2020, &r.county_2020)?, r.weighted_distribution_nok));
    }
    let total: i64 = hand.iter().filter_map(|(_, a)| *a).sum();
    let frame = FrameCommand { year: 2023, amount: total, layout: Layout::Y2020, split: Split::ByHand(hand) };
    save_frame(conn, ctx, id, &frame)?;
    for (i, r) in all.iter().filter(|r| r.recipient_municipality.is_empty()).enumerate() {
        let county = county_number(conn, Layout::Y2020, &r.county_2020)?;
        let mut subs = Vec::new();
        for s in all.iter().filter(|s| s.county_2020 == r.county_2020 && !s.recipient_municipality.is_empty()) {
            let (number, name) = municipality(conn, Layout::Y2020, &s.recipient_municipality)?;
            subs.push(SubAllocation { municipality: number, name, amount: s.granted_nok.unwrap_or(0) });
        }
        // Agder and Rogaland: the grant is the sum passed on to the named municipalities.
        let granted = r.granted_nok.unwrap_or_else(|| subs.iter().map(|s| s.amount).sum());
        let name = format!("Kommunenettverket i {}", r.county_2020);
        let a = historic(
            id,
            2023,
            Applicant { kind: "county", id: &county, name: &name },
            Layout::Y2020,
            &county,
            r.applied_nok,
            "Frikjøp av nettverkskoordinator for kommunene i fylket",
        );
        let paid = (i % 3 != 2).then_some((granted, date(2024, 1, 31)));
        let grant = HistoricGrant {
            application: &a,
            granted,
            conditions: "Rollen som nettverkskoordinator skal dekke alle kommuner i fylket.",
            target_text: "",
            subs,
            decided_on: date(2023, 5, 8),
            reference: "KS 23/02307-5",
            synthetic_payment: paid,
        };
        record_grant(conn, ctx, grant)?;
    }
    super::store::close_scheme(conn, id)?;
    Ok(())
}

fn example_scheme(conn: &mut DbConnection, ctx: &Ctx) -> Result<(), AppError> {
    let terms = SchemeTerms {
        authority: "helsedirektoratet".into(),
        county_decides: true,
        legal_basis: "regelverket for eksempelordningen «Velferdsteknologi i kommunene 2027» (demodata)".into(),
        payment_terms: "Tilskuddet utbetales etter anmodning om utbetaling i Samveis, med faktura, kostnader så langt mot godkjent budsjett og kort status.".into(),
        reporting: String::new(),
        accept_by: None,
        accept_weeks: Some(3),
    };
    let new = NewScheme {
        name: SCHEME_EXAMPLE,
        owner: "Helsedirektoratet (programkontoret)",
        budget_chapter: "761",
        budget_post: "68",
        recipients: "municipalities",
        rules: "Demodata: en eksempelordning å søke på. Fylkesrammene er fordelt med nøkkelen befolkning 50 % og kommuner 50 %, befolkning 1. januar 2026. Søknaden skal ha budsjett, plan og vedlagt forankringsvedtak.",
        first_year: 2027,
        last_year: Some(2027),
        terms: &terms,
        // No deadline: the demo is applied to whenever it is walked (and tested).
        application_deadline: None,
        requires: Requirements { budget: true, plan: true, anchoring: true },
        four_eyes: true,
    };
    let id = store::insert_scheme(conn, &new, ctx.now)?;
    let weights = Weights { population: 50, municipalities: 50, equal: 0 };
    let frame = FrameCommand {
        year: 2027,
        amount: 30_000_000,
        layout: Layout::Y2024,
        split: Split::Key { weights, population_year: Some(2026) },
    };
    save_frame(conn, ctx, id, &frame)?;
    Ok(())
}

/// Loads the demo grants once (skipped when any scheme exists).
pub fn load(conn: &mut DbConnection, now: NaiveDateTime) -> Result<(), AppError> {
    if !store::schemes(conn)?.is_empty() {
        return Ok(());
    }
    // The audit trail names the demo loader as it always has.
    let ctx = Ctx::system("demodata", now);
    scheme_2015(conn, &ctx)?;
    scheme_2023(conn, &ctx)?;
    example_scheme(conn, &ctx)
}
