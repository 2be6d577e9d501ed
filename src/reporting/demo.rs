//! Demo rounds: the autumn 2021 rounds of the programme calendar (status reports 10 September
//! and 10 December, milestone 4 on 20 September, benefits for 2021) for the collaborations,
//! milestone 5 (10 December) for their member municipalities, and a technology status round for
//! every municipality. Answers the sources do not give are synthetic, from a fixed
//! seed, and the rounds are marked as demo data so every page says "Demodata".

use super::error::{ReportingError, ReportingResult};
use super::store::{self, SubmissionUpdate};
use super::{Audience, REVIEWER_COUNTY, REVIEWER_PROGRAMME, RoundSpec};
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::registry::collaborations;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use samveis_domain::registry::{CollaborationKind, Layout};
use samveis_domain::reporting::{Answer, Answers, FieldKind, FormTemplate, State, TableRow, TrafficLight};

/// Whose submissions stay open drafts, so the demo users have something to fill in.
const LEFT_FOR_DEMO_USERS: [&str; 2] = ["1804", "RKK Salten"];

fn template_id(conn: &mut DbConnection, code: &str) -> ReportingResult<i64> {
    Ok(store::template_by_code(conn, code)?
        .ok_or_else(|| ReportingError::Internal(format!("skjema {code} mangler")))?
        .id)
}

fn synthetic_answers(template: &FormTemplate, rng: &mut StdRng) -> Answers {
    let mut answers = Answers::new();
    for f in template.fields() {
        let answer = match &f.kind {
            FieldKind::Integer => Answer::Whole(rng.gen_range(0..400)),
            FieldKind::Money => Answer::Whole(rng.gen_range(0..40) * 25_000),
            FieldKind::Hours | FieldKind::Percent => Answer::Hundredths(rng.gen_range(0..10_000)),
            FieldKind::SingleChoice { options } => Answer::Choice(options[rng.gen_range(0..options.len())].clone()),
            FieldKind::MultipleChoice { options } => {
                Answer::Choices(options.iter().filter(|_| rng.gen_bool(0.5)).cloned().collect())
            }
            FieldKind::ShortText => Answer::Text(format!("Leverandør {}", rng.gen_range(1..6))),
            FieldKind::LongText => Answer::Text("Demodata: syntetisk tekst.".into()),
            FieldKind::Date => Answer::Date(NaiveDate::from_ymd_opt(2021, 9, rng.gen_range(1..28)).unwrap_or_default()),
            FieldKind::TrafficLight => {
                Answer::Light { light: TrafficLight::ALL[rng.gen_range(0..3)], comment: String::new() }
            }
            FieldKind::Table { rows, columns } => Answer::Table(
                rows.iter()
                    .map(|row| {
                        let total = rng.gen_range(0..200);
                        let values = (0..columns.len()).map(|c| Some(if c == 0 { total } else { total / 4 })).collect();
                        TableRow { row: row.clone(), values }
                    })
                    .collect(),
            ),
            // No synthetic files: a file answer must point to a stored upload.
            FieldKind::File => continue,
        };
        answers.insert(f.code.clone(), answer);
    }
    plausible(&mut answers);
    answers
}

/// A technology not started has no users, as a real answer would say; about one in twenty keeps
/// its drawn users (decided by the number, so the draws stay the same), so the county page's
/// «bør sjekkes» has something to show.
fn plausible(answers: &mut Answers) {
    use samveis_domain::insight::TechState;
    let not_started: Vec<String> = answers
        .iter()
        .filter_map(|(code, a)| match a {
            Answer::Choice(c) if TechState::from_answer(c) == TechState::NotStarted => {
                code.strip_suffix("_bruk").map(|t| format!("{t}_brukere"))
            }
            _ => None,
        })
        .collect();
    for code in not_started {
        if let Some(Answer::Whole(users)) = answers.get(&code) {
            if users % 20 != 7 {
                answers.insert(code, Answer::Whole(0));
            }
        }
    }
}

/// Fills most submissions of a round with synthetic answers, sent before or after the deadline,
/// some accepted.
fn fill(
    conn: &mut DbConnection,
    round_id: i64,
    deadline: NaiveDate,
    rng: &mut StdRng,
    now: NaiveDateTime,
) -> ReportingResult<()> {
    let round = store::round(conn, round_id)?.ok_or_else(|| ReportingError::Internal("runden forsvant".into()))?;
    let template = store::template(conn, round.template_id)?
        .ok_or_else(|| ReportingError::Internal("skjemaet forsvant".into()))?;
    for s in store::submissions_of_round(conn, round_id)? {
        if LEFT_FOR_DEMO_USERS.contains(&s.org.id.as_str()) || LEFT_FOR_DEMO_USERS.contains(&s.org.name.as_str()) {
            continue;
        }
        let roll: f64 = rng.r#gen();
        if roll < 0.15 {
            continue; // not delivered
        }
        let days = if roll < 0.25 { rng.gen_range(1..20) } else { -rng.gen_range(0..30) };
        let at = deadline.and_hms_opt(12, 0, 0).unwrap_or_default() + Duration::days(days);
        let state = if rng.gen_bool(0.5) { State::Accepted } else { State::Submitted };
        let json =
            serde_json::to_string(&synthetic_answers(&template.template, rng)).map_err(ReportingError::internal)?;
        let update = SubmissionUpdate {
            state,
            answers: &json,
            submitted_at: Some(at),
            reviewer_comment: "",
            override_reason: None,
        };
        store::update_submission(conn, s.id, s.version, &update, now)?;
    }
    Ok(())
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The demo rounds: name, template code, period, deadline, reviewer, audience.
type DemoRound = (&'static str, &'static str, &'static str, NaiveDate, &'static str, Audience);

fn demo_rounds(projects: &[i64]) -> [DemoRound; 6] {
    let collaborations = || Audience::Collaborations { ids: projects.to_vec() };
    let programme = REVIEWER_PROGRAMME;
    [
        ("Statusrapport høst 2021", "statusrapport", "2021S1", date(2021, 9, 10), programme, collaborations()),
        ("Milepæl 4: Kartlegging og tildeling", "milepael_m4", "2021", date(2021, 9, 20), programme, collaborations()),
        ("Statusrapport desember 2021", "statusrapport", "2021S2", date(2021, 12, 10), programme, collaborations()),
        (
            "Milepæl 5: Helhetlig tjenestemodell i drift",
            "milepael_m5",
            "2021",
            date(2021, 12, 10),
            programme,
            Audience::CollaborationMembers { ids: projects.to_vec() },
        ),
        ("Gevinstrapport 2021", "milepael_m1", "2021", date(2021, 12, 10), programme, collaborations()),
        (
            "Teknologistatus 2025",
            "teknologistatus",
            "2025",
            date(2025, 12, 1),
            REVIEWER_COUNTY,
            Audience::AllMunicipalities { layout: 2024 },
        ),
    ]
}

/// Opens the demo rounds once (idempotent: skipped when any round exists), as the system.
pub fn load(conn: &mut DbConnection, now: NaiveDateTime) -> ReportingResult<()> {
    if !store::rounds(conn)?.is_empty() {
        return Ok(());
    }
    let ctx = Ctx::system("demodata", now);
    let mut rng = StdRng::seed_from_u64(2021);
    let projects: Vec<i64> = collaborations::list(conn)?
        .into_iter()
        .filter(|c| c.layout == Layout::Y2015 && c.kind != CollaborationKind::Network && c.valid_to.is_none())
        .map(|c| c.id)
        .collect();
    for (name, code, period, deadline, reviewer, audience) in demo_rounds(&projects) {
        let spec = RoundSpec {
            name: name.into(),
            template_id: template_id(conn, code)?,
            period: period.into(),
            deadline: deadline.to_string(),
            reviewer: reviewer.into(),
            audience,
            demo: true,
        };
        let id = super::open_round(conn, &ctx, &spec)?;
        fill(conn, id, deadline, &mut rng, now)?;
    }
    load_survey(conn, &ctx, &mut rng)
}

const SURVEY_RESULTS: &str = include_str!("../../data/demo/survey-2020-03-17-covid-solutions.csv");
const SURVEY_RESPONDENTS: &str = include_str!("../../data/demo/survey-2020-03-17-respondents.csv");
/// The number who answered the question in the published results.
const SURVEY_ANSWERED: usize = 120;

#[derive(serde::Deserialize)]
struct PublishedOption {
    answer_option: String,
    count: usize,
}

#[derive(serde::Deserialize)]
struct Respondents {
    dimension: String,
    value: String,
    respondents: usize,
}

fn csv_rows<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> ReportingResult<Vec<T>> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(i, r)| r.map_err(|e| ReportingError::Internal(format!("{file}, rad {}: {e}", i + 2))))
        .collect()
}

/// The form whose demo round reproduces published results: its national figures are the
/// published ones, only who answered what is synthetic. Every other demo round is synthetic.
pub const FOLLOWS_PUBLISHED: &str = "pandemilosninger_2020";

/// The 17 March 2020 survey: 120 synthetic respondents whose national counts per option equal
/// the published ones, spread over the counties as the published respondent counts say.
fn load_survey(conn: &mut DbConnection, ctx: &Ctx, rng: &mut StdRng) -> ReportingResult<()> {
    use rand::seq::SliceRandom;
    let published: Vec<PublishedOption> = csv_rows("survey-2020-03-17-covid-solutions.csv", SURVEY_RESULTS)?;
    let by_county: Vec<Respondents> = csv_rows::<Respondents>("survey-2020-03-17-respondents.csv", SURVEY_RESPONDENTS)?
        .into_iter()
        .filter(|r| r.dimension == "county_2020")
        .collect();
    let spec = RoundSpec {
        name: "Spørreundersøkelse 17. mars 2020: løsninger under pandemien".into(),
        template_id: template_id(conn, FOLLOWS_PUBLISHED)?,
        period: "2020-03-17_2020-03-24".into(),
        deadline: "2020-03-24".into(),
        reviewer: REVIEWER_PROGRAMME.into(),
        audience: Audience::AllMunicipalities { layout: 2020 },
        demo: true,
    };
    let id = super::open_round(conn, ctx, &spec)?;
    let municipalities = crate::registry::store::municipality_rows(conn, Layout::Y2020)?;
    let mut chosen: Vec<String> = Vec::new();
    for county in &by_county {
        let mut pool: Vec<&str> =
            municipalities.iter().filter(|m| m.county_name == county.value).map(|m| m.number.as_str()).collect();
        pool.shuffle(rng);
        chosen.extend(pool.into_iter().take(county.respondents).map(str::to_string));
    }
    let mut rest: Vec<&str> =
        municipalities.iter().map(|m| m.number.as_str()).filter(|n| !chosen.iter().any(|c| c == n)).collect();
    rest.shuffle(rng);
    let missing = SURVEY_ANSWERED.saturating_sub(chosen.len());
    chosen.extend(rest.into_iter().take(missing).map(str::to_string));
    let mut picks: Vec<Vec<String>> = vec![Vec::new(); chosen.len()];
    for option in &published {
        let mut who: Vec<usize> = (0..chosen.len()).collect();
        who.shuffle(rng);
        for i in who.into_iter().take(option.count) {
            picks[i].push(option.answer_option.clone());
        }
    }
    let submitted_at = date(2020, 3, 20).and_hms_opt(12, 0, 0).unwrap_or_default();
    for s in store::submissions_of_round(conn, id)? {
        let Some(i) = chosen.iter().position(|n| *n == s.org.id) else { continue };
        let mut answers = Answers::new();
        // Keep the template's option order.
        let ordered: Vec<String> =
            published.iter().map(|o| o.answer_option.clone()).filter(|o| picks[i].contains(o)).collect();
        answers.insert("losninger".into(), Answer::Choices(ordered));
        let json = serde_json::to_string(&answers).map_err(ReportingError::internal)?;
        let update = SubmissionUpdate {
            state: State::Accepted,
            answers: &json,
            submitted_at: Some(submitted_at),
            reviewer_comment: "",
            override_reason: None,
        };
        store::update_submission(conn, s.id, s.version, &update, ctx.now)?;
    }
    Ok(())
}
