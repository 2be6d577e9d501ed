//! Reporting benchmarks: opening a round for all 357 municipalities, completeness of a round
//! with 357 submissions, access decisions for a round page, a 357-row SurveyMonkey import, and
//! saving a 100-field form, on SQLite and PostgreSQL.
//! Run: `cargo bench --bench reporting` (PostgreSQL from SAMVEIS_TEST_POSTGRES, default
//! postgres://postgres@127.0.0.1:5432/postgres). Prints a Markdown table; nothing is asserted.

// A benchmark stops at the first failure with its message, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel::{Connection, PgConnection, RunQueryDsl};
use samveis::audit::Author;

use samveis::context::Ctx;
use samveis::db::Db;
use samveis::reporting::{self, Audience, Breakdown, RoundSpec, import, store};
use samveis_domain::access::{Action, Actor, Assignment, Principal, Role, Scope};
use samveis_domain::registry::MunicipalityNumber;
use samveis_domain::reporting::{Field, FieldKind, FormTemplate, RawAnswers, Section};
use std::time::{Duration, Instant};

const RUNS: usize = 10;

fn median(mut d: Vec<Duration>) -> Duration {
    d.sort();
    d[d.len() / 2]
}

fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

fn hundred_fields() -> FormTemplate {
    let fields = (0..100)
        .map(|i| Field {
            code: format!("felt_{i:03}"),
            label: format!("Felt {i}"),
            help: String::new(),
            required: true,
            min: Some(0),
            max: None,
            kind: FieldKind::Integer,
        })
        .collect();
    FormTemplate {
        code: "hundre_felt".into(),
        name: "Hundre felt".into(),
        description: String::new(),
        sections: vec![Section { title: "Alt".into(), help: String::new(), fields }],
        rules: vec![],
    }
}

/// Opens `RUNS` rounds for every municipality; returns the times and the last round.
fn bench_open(db: &Db, system: &Ctx, template: i64) -> (Vec<Duration>, i64) {
    let mut open = Vec::new();
    let mut last_round = 0;
    for i in 0..RUNS {
        let spec = RoundSpec {
            name: format!("Benchmark {i}"),
            template_id: template,
            period: "2026".into(),
            deadline: "2026-12-01".into(),
            reviewer: "county".into(),
            audience: Audience::AllMunicipalities { layout: 2024 },
            demo: false,
        };
        let t = Instant::now();
        last_round = db.run_blocking(|c| reporting::open_round(c, system, &spec)).unwrap();
        open.push(t.elapsed());
    }
    (open, last_round)
}

fn send_all(db: &Db, round: &store::RoundRow) {
    // Every municipality sends a full technology status, for the insight figures below.
    let full: String = {
        let mut a = samveis_domain::reporting::Answers::new();
        for t in samveis_domain::insight::TECHNOLOGIES {
            a.insert(format!("{}_bruk", t.code), samveis_domain::reporting::Answer::Choice("I drift".into()));
            a.insert(format!("{}_brukere", t.code), samveis_domain::reporting::Answer::Whole(40));
            a.insert(format!("{}_investering", t.code), samveis_domain::reporting::Answer::Whole(250_000));
        }
        serde_json::to_string(&a).unwrap()
    };
    for s in db.run_blocking(|c| store::submissions_of_round(c, round.id)).unwrap() {
        let update = store::SubmissionUpdate {
            state: samveis_domain::reporting::State::Submitted,
            answers: &full,
            submitted_at: Some(now()),
            reviewer_comment: "",
            override_reason: None,
        };
        db.run_blocking(|c| store::update_submission(c, s.id, s.version, &update, now())).unwrap();
    }
}

fn bench_insight(db: &Db) -> Vec<Duration> {
    let mut insight = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        let area =
            db.run_blocking(|c| samveis::insight::area(c, None, samveis_domain::registry::Layout::CURRENT)).unwrap();
        assert_eq!(area.reported(), 357);
        insight.push(t.elapsed());
    }
    insight
}

fn bench_completeness(db: &Db, round: &store::RoundRow) -> Vec<Duration> {
    let mut completeness = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        let rows = db.run_blocking(|c| reporting::completeness(c, round, now().date(), Breakdown::County)).unwrap();
        assert_eq!(rows.last().map(|r| r.counts.expected), Some(357));
        completeness.push(t.elapsed());
    }
    completeness
}

fn bench_save(db: &Db, system: &Ctx, author: &Author) -> Vec<Duration> {
    let form = db.run_blocking(|c| store::insert_template(c, &hundred_fields(), now())).unwrap();
    let mut save = Vec::new();
    let actor = Actor {
        user_id: 0,
        assignments: vec![
            Assignment::new(Role::MunicipalEditor, Scope::Municipality(MunicipalityNumber::parse("1804").unwrap()))
                .unwrap(),
        ],
    };
    for i in 0..RUNS {
        let spec = RoundSpec {
            name: format!("Hundre felt {i}"),
            template_id: form,
            period: "2026".into(),
            deadline: "2026-12-01".into(),
            reviewer: "county".into(),
            audience: Audience::Municipalities { layout: 2024, numbers: vec!["1804".into()] },
            demo: false,
        };
        let round = db.run_blocking(|c| reporting::open_round(c, system, &spec)).unwrap();
        let id = db.run_blocking(|c| store::submissions_of_round(c, round)).unwrap()[0].id;
        let raw: RawAnswers = (0..100).map(|f| (format!("felt_{f:03}"), vec![format!("{}", f * 7)])).collect();
        let t = Instant::now();
        let ctx = Ctx { who: Principal::User(actor.clone()), author: author.clone(), now: now() };
        let cmd = reporting::SaveCommand { id, version: 1, answers: raw, submit: true, files: vec![] };
        db.run_blocking(|c| reporting::save(c, &ctx, &cmd)).map_err(|e| format!("{e:?}")).unwrap();
        save.push(t.elapsed());
    }
    save
}

fn bench_visible(db: &Db, round: &store::RoundRow) -> Vec<Duration> {
    let mut visible = Vec::new();
    let admin = Actor { user_id: 0, assignments: vec![Assignment::new(Role::NationalAdmin, Scope::National).unwrap()] };
    let subs = db.run_blocking(|c| store::submissions_of_round(c, round.id)).unwrap();
    for _ in 0..RUNS {
        let t = Instant::now();
        let shown = db
            .run_blocking(|c| reporting::permitted_in_round(c, Some(&admin), Action::ViewSubmission, round, &subs))
            .unwrap();
        assert_eq!(shown.len(), 357);
        visible.push(t.elapsed());
    }
    visible
}

fn bench_import(db: &Db, system: &Ctx) -> Vec<Duration> {
    let survey = db.run_blocking(|c| store::template_by_code(c, "pandemilosninger_2020")).unwrap().unwrap();
    let options = match &survey.template.sections[0].fields[0].kind {
        FieldKind::MultipleChoice { options } => options.clone(),
        _ => unreachable!("the survey asks a multiple-choice question"),
    };
    let mut import = Vec::new();
    for i in 0..RUNS {
        let spec = RoundSpec {
            name: format!("Undersøkelse {i}"),
            template_id: survey.id,
            period: "2026".into(),
            deadline: "2026-12-01".into(),
            reviewer: "programme".into(),
            audience: Audience::AllMunicipalities { layout: 2024 },
            demo: false,
        };
        let round = db.run_blocking(|c| reporting::open_round(c, system, &spec)).unwrap();
        let orgs = db.run_blocking(|c| store::submissions_of_round(c, round)).unwrap();
        let mut rows = vec![
            [
                vec!["Kommune".to_string(), survey.template.sections[0].fields[0].label.clone()],
                vec![String::new(); options.len() - 1],
            ]
            .concat(),
            [vec!["Response".to_string()], options.clone()].concat(),
        ];
        for (n, s) in orgs.iter().enumerate() {
            let picks =
                options.iter().enumerate().map(|(o, text)| if (n + o) % 3 == 0 { text.clone() } else { String::new() });
            rows.push(std::iter::once(s.org.id.clone()).chain(picks).collect());
        }
        let t = Instant::now();
        let report = db
            .run_blocking(|c| {
                let skip = Default::default();
                let job = import::SurveyImport {
                    round_id: round,
                    source: "benchmark",
                    rows: &rows,
                    skip: &skip,
                    dry_run: false,
                };
                import::import_survey(c, system, &job)
            })
            .unwrap();
        import.push(t.elapsed());
        assert_eq!((report.imported, report.problems.len()), (357, 0));
    }
    import
}

fn bench(url: &str, label: &str) -> Vec<(String, Duration)> {
    let db = samveis::cli::open(url).expect("database");
    let author = Author::system("benchmark");
    let system = Ctx { who: Principal::System("benchmark"), author: author.clone(), now: now() };
    let template = db.run_blocking(|c| store::template_by_code(c, "teknologistatus")).unwrap().unwrap().id;
    let (open, last_round) = bench_open(&db, &system, template);
    let round = db.run_blocking(|c| store::round(c, last_round)).unwrap().unwrap();
    send_all(&db, &round);
    let insight = bench_insight(&db);
    let completeness = bench_completeness(&db, &round);
    let save = bench_save(&db, &system, &author);
    let visible = bench_visible(&db, &round);
    let import = bench_import(&db, &system);
    vec![
        (format!("{label}: open a round for 357 municipalities"), median(open)),
        (format!("{label}: who may see each of 357 submissions (round page)"), median(visible)),
        (format!("{label}: national insight from 357 technology status reports"), median(insight)),
        (format!("{label}: import a SurveyMonkey export with 357 respondents"), median(import)),
        (format!("{label}: completeness of a round with 357 submissions"), median(completeness)),
        (format!("{label}: validate and send a 100-field form"), median(save)),
    ]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = bench(&format!("sqlite://{}", dir.path().join("bench.db").display()), "SQLite");
    let admin =
        std::env::var("SAMVEIS_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("samveis_bench_{}", std::process::id());
    let mut c = PgConnection::establish(&admin).expect("PostgreSQL");
    diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut c).unwrap();
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin.clone());
    rows.extend(bench(&format!("{base}/{name}"), "PostgreSQL"));
    // Give the pool a moment to close before the database is dropped.
    std::thread::sleep(Duration::from_millis(200));
    let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut c);
    println!("| measure (median of {RUNS}) | time |\n|---|---|");
    for (what, d) in rows {
        println!("| {what} | {:.1} ms |", d.as_secs_f64() * 1000.0);
    }
}
