//! The `samveis` command line: clear errors and non-zero exits on bad arguments.

use std::io::Write;
use std::process::{Command, Stdio};

fn samveis(args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_samveis"))
        .args(args)
        .env_remove("SAMVEIS_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn user_add_and_list_work_and_bad_arguments_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("cli.db").display());
    let (ok, out, err) = samveis(
        &[
            "user",
            "add",
            "--email",
            "ny@samveis.demo",
            "--role",
            "county-officer",
            "--scope",
            "nordland",
            "--database",
            &db,
        ],
        "et-godt-passord\n",
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("Opprettet bruker"));
    let (ok, out, _) = samveis(&["user", "list", "--database", &db], "");
    assert!(ok && out.contains("ny@samveis.demo") && out.contains("county-officer embete:nordland"), "{out}");

    let (ok, _, err) = samveis(
        &["user", "add", "--email", "x@samveis.demo", "--role", "konge", "--database", &db],
        "et-godt-passord\n",
    );
    assert!(!ok && err.contains("konge"), "{err}");
    let (ok, _, err) = samveis(
        &[
            "user",
            "add",
            "--email",
            "x@samveis.demo",
            "--role",
            "municipal-editor",
            "--scope",
            "9999",
            "--database",
            &db,
        ],
        "et-godt-passord\n",
    );
    assert!(!ok && err.contains("9999"), "{err}");
    let (ok, _, err) =
        samveis(&["user", "add", "--email", "y@samveis.demo", "--role", "viewer", "--database", &db], "kort\n");
    assert!(!ok && err.contains("minst 10 tegn"), "{err}");
    let (ok, _, err) = samveis(&["migrate", "--database", "mysql://nope"], "");
    assert!(!ok && err.contains("mysql://nope"), "{err}");
    let (ok, _, err) = samveis(&["migrate", "--database", "postgres://nobody@127.0.0.1:1/none"], "");
    assert!(!ok && err.contains("kan ikke åpne databasen"), "{err}");
    let (ok, _, err) = samveis(&["serve", "--bogus"], "");
    assert!(!ok && err.contains("--bogus"), "{err}");
}

#[test]
fn demo_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("demo.db").display());
    for _ in 0..2 {
        let (ok, out, err) = samveis(&["demo", "--database", &db], "");
        assert!(ok, "{err}");
        assert!(out.contains("admin@samveis.demo"));
    }
    let (_, out, _) = samveis(&["user", "list", "--database", &db], "");
    assert_eq!(out.lines().count(), 6, "{out}");
    let (ok, out, err) = samveis(&["rounds", "list", "--database", &db], "");
    assert!(ok, "{err}");
    let tech = out.lines().find(|l| l.contains("Teknologistatus 2025")).unwrap_or_else(|| panic!("{out}"));
    assert!(tech.contains("\t357\t"), "357 municipalities expected: {tech}");
    let survey = out.lines().find(|l| l.contains("Spørreundersøkelse")).unwrap();
    let id = survey.split('\t').next().unwrap();
    let (ok, out, err) = samveis(&["rounds", "results", id, "--format", "csv", "--database", &db], "");
    assert!(ok, "{err}");
    assert!(out.starts_with("question,option,group,count,answered,share_percent\n"), "{out}");
    assert!(out.contains(",Elektronisk medisineringsstøtte,Alle,56,120,46.67\n"), "{out}");
    let (ok, _, err) = samveis(&["rounds", "results", id, "--by", "farge", "--database", &db], "");
    assert!(!ok && err.contains("farge"), "{err}");
    let (ok, _, err) = samveis(&["rounds", "results", "999", "--database", &db], "");
    assert!(!ok && err.contains("999"), "{err}");
}

/// Opens a survey round (the 2020 pandemic form) for Nordland's municipalities; returns its id.
fn open_survey_round(db: &str, name: &str) -> String {
    let conn = samveis::db::Db::connect(db).unwrap();
    let name = name.to_string();
    conn.run_blocking(move |conn| {
        use samveis::reporting::{self, Audience, RoundSpec, store};
        let spec = RoundSpec {
            name,
            template_id: store::template_by_code(conn, "pandemilosninger_2020")?.unwrap().id,
            period: "2026".into(),
            deadline: "2026-12-31".into(),
            reviewer: reporting::REVIEWER_PROGRAMME.into(),
            audience: Audience::County { layout: 2024, county: "18".into() },
            demo: false,
        };
        let now = chrono::Utc::now().naive_utc();
        reporting::open_round(conn, &samveis::context::Ctx::system("test", now), &spec)
    })
    .unwrap()
    .to_string()
}

const QUESTION: &str = "Har din kommune vurdert å ta i bruk følgende løsninger i forbindelse med pandemien?";

/// A SurveyMonkey export: two header rows, then one row per respondent.
fn export_rows() -> Vec<Vec<&'static str>> {
    vec![
        vec![
            "Respondent ID",
            "End Date",
            "Hvilken kommune svarer du for?",
            QUESTION,
            "",
            "Annet (vennligst spesifiser)",
        ],
        vec!["", "", "Response", "Digitalt tilsyn", "Løsning for sosial kontakt", ""],
        vec!["101", "03/20/2020 10:15:23 AM", "Bodø kommune", "Digitalt tilsyn", "Løsning for sosial kontakt", ""],
        vec!["102", "03/21/2020 09:00:00 AM", "1841", "", "Løsning for sosial kontakt", "Robot"],
        vec!["103", "03/21/2020 11:00:00 AM", "Bodo", "Digitalt tilsyn", "", ""],
        vec!["104", "03/22/2020 08:30:00 AM", "Vefsn", "Digitalt tilsyn", "", ""],
    ]
}

fn delivered(db: &str, round: &str) -> String {
    let (_, out, _) = samveis(&["rounds", "list", "--database", db], "");
    let line = out.lines().find(|l| l.starts_with(&format!("{round}\t"))).unwrap().to_string();
    line.rsplit('\t').next().unwrap().to_string()
}

#[test]
fn a_surveymonkey_export_imports_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("import.db").display());
    assert!(samveis(&["migrate", "--database", &db], "").0);
    let round = open_survey_round(&db, "Pandemi Nordland");
    let csv_path = dir.path().join("eksport.csv");
    let mut w = csv::Writer::from_path(&csv_path).unwrap();
    for r in export_rows() {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
    let file = csv_path.to_str().unwrap();
    let import = |extra: &[&str]| {
        let mut args = vec!["import", "surveymonkey", "--round", &round, file, "--database", &db];
        args.extend_from_slice(extra);
        samveis(&args, "")
    };

    let (ok, out, err) = import(&[]);
    assert!(!ok, "an unmatched row stops the import: {out}");
    let said = ["rad 5: «Bodo» er lest som Bodø (1804)", "rad 5: Bodø har svart før, i rad 3", "Ingen av rundens 41"];
    assert!(said.iter().all(|s| out.contains(s)), "{out}");
    assert!(out.contains("Ingenting er importert") && err.contains("rader: 5"), "{out}{err}");
    assert_eq!(delivered(&db, &round), "0");

    let (ok, out, err) = import(&["--skip", "5", "--dry-run"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("3 kan importeres") && out.contains("Prøvekjøring"), "{out}");
    assert!(out.contains("Annet (vennligst spesifiser)"), "unused columns are reported: {out}");
    assert_eq!(delivered(&db, &round), "0");

    let (ok, out, err) = import(&["--skip", "5"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("Importert 3 svar"), "{out}");
    assert_eq!(delivered(&db, &round), "3");
    let (_, results, _) = samveis(&["rounds", "results", &round, "--format", "csv", "--database", &db], "");
    assert!(results.contains(",Digitalt tilsyn,Alle,2,3,66.67\n"), "{results}");
    assert!(results.contains(",Løsning for sosial kontakt,Alle,2,3,66.67\n"), "{results}");

    let (ok, out, _) = import(&["--skip", "5"]);
    assert!(!ok && out.contains("Bodø har allerede levert i runden"), "a second import changes nothing: {out}");
    assert_eq!(delivered(&db, &round), "3");

    // The same export as XLSX, into a fresh round.
    let round2 = open_survey_round(&db, "Pandemi Nordland XLSX");
    let xlsx_path = dir.path().join("eksport.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in export_rows().iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if let Ok(n) = cell.parse::<f64>() {
                sheet.write_number(r as u32, c as u16, n).unwrap();
            } else {
                sheet.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    book.save(&xlsx_path).unwrap();
    let (ok, out, err) = samveis(
        &["import", "surveymonkey", "--round", &round2, xlsx_path.to_str().unwrap(), "--skip", "5", "--database", &db],
        "",
    );
    assert!(ok, "{out}{err}");
    assert_eq!(delivered(&db, &round2), "3");
    let (ok, _, err) =
        samveis(&["import", "surveymonkey", "--round", &round2, "/tmp/finnes-ikke.pdf", "--database", &db], "");
    assert!(!ok && err.contains("CSV- eller XLSX"), "{err}");
}

#[test]
fn grants_distribute_prints_a_key_that_sums_to_the_frame() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("grants.db").display());
    assert!(samveis(&["migrate", "--database", &db], "").0);
    let args = [
        "grants",
        "distribute",
        "--frame",
        "21957778",
        "--layout",
        "2020",
        "--population-year",
        "2022",
        "--weights",
        "population=50,municipalities=50",
        "--database",
        &db,
    ];
    let (ok, out, err) = samveis(&args, "");
    assert!(ok, "{err}");
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("county_number,county_name,population,municipalities,amount"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 11, "the 2020 layout has 11 counties: {out}");
    assert_eq!(rows.iter().map(|r| r[4].parse::<i64>().unwrap()).sum::<i64>(), 21_957_778);
    let oslo = rows.iter().find(|r| r[1] == "Oslo").unwrap();
    assert_eq!(oslo[3], "1");
    // The published 2023 weighted distribution gave Oslo 1 447 130 kr; this key with 2022 population comes close.
    assert!((oslo[4].parse::<i64>().unwrap() - 1_447_130).abs() < 5_000, "{oslo:?}");
    let (ok, _, err) = samveis(
        &["grants", "distribute", "--frame", "100", "--weights", "population=50,municipalities=40", "--database", &db],
        "",
    );
    assert!(!ok && err.contains("90 %"), "{err}");
    let (ok, _, err) =
        samveis(&["grants", "distribute", "--frame", "100", "--weights", "population=100", "--database", &db], "");
    assert!(!ok && err.contains("befolkningsår"), "{err}");
}

/// The expected count of a round in `rounds list` (id, name, period, deadline, expected, delivered).
fn expected(db: &str, round: &str) -> String {
    let (_, list, _) = samveis(&["rounds", "list", "--database", db], "");
    let line =
        list.lines().find(|l| l.split('\t').next() == Some(round)).unwrap_or_else(|| panic!("{round} in {list}"));
    line.split('\t').nth(4).unwrap().to_string()
}

#[test]
fn rounds_open_on_any_layout_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("rounds.db").display());
    let open = |extra: &[&str]| {
        let mut args = vec!["rounds", "open", "--database", &db];
        args.extend_from_slice(extra);
        samveis(&args, "")
    };
    let (ok, out, err) = open(&[
        "--template",
        "pandemilosninger_2020",
        "--period",
        "2020-03-17..2020-03-24",
        "--deadline",
        "2020-03-24",
        "--layout",
        "2020",
    ]);
    assert!(ok, "{err}");
    let id = out.trim().to_string();
    assert!(id.parse::<i64>().is_ok(), "prints the new round's id: {out}");
    assert_eq!(expected(&db, &id), "356");
    assert!(err.replace('\u{a0}', " ").contains("356 mottakere"), "{err}");
    for (period, layout, audience, count) in [
        ("2026", "2024", "alle", "357"),
        ("2016S1", "2015", "fylke:18", "44"),
        ("2026Q3", "2024", "kommuner:1804,1806", "2"),
        ("202605", "2020", "fylke:18", "41"),
    ] {
        let (ok, out, err) = open(&[
            "--template",
            "teknologistatus",
            "--period",
            period,
            "--deadline",
            "2026-12-01",
            "--layout",
            layout,
            "--audience",
            audience,
        ]);
        assert!(ok, "{period} {layout} {audience}: {err}");
        assert_eq!(expected(&db, out.trim()), count, "{period} {layout} {audience}");
    }
}

#[test]
fn rounds_open_refuses_what_it_cannot_open_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("refused.db").display());
    let open = |extra: &[&str]| {
        let mut args = vec!["rounds", "open", "--database", &db];
        args.extend_from_slice(extra);
        samveis(&args, "")
    };
    let (ok, _, err) = open(&["--template", "status", "--period", "2026", "--deadline", "2026-12-01"]);
    assert!(!ok && err.contains("Ukjent skjema «status»") && err.contains("teknologistatus"), "{err}");
    let (ok, _, err) =
        open(&["--template", "teknologistatus", "--period", "2026", "--deadline", "2026-12-01", "--layout", "2019"]);
    assert!(!ok && err.contains("2019"), "{err}");
    let (ok, _, err) = open(&[
        "--template",
        "teknologistatus",
        "--period",
        "2026",
        "--deadline",
        "2026-12-01",
        "--layout",
        "2020",
        "--audience",
        "kommuner:5614",
    ]);
    assert!(!ok && err.contains("«5614» finnes ikke i 2020-inndelingen"), "{err}");
    let (ok, _, err) =
        open(&["--template", "teknologistatus", "--period", "2026", "--deadline", "2026-12-01", "--audience", "fylke"]);
    assert!(!ok && err.contains("mangler verdier"), "{err}");
}

#[test]
fn population_years_follow_the_sources_on_each_layout() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("population.db").display());
    let distribute = |layout: &str, year: &str| {
        let args = [
            "grants",
            "distribute",
            "--frame",
            "1000000",
            "--layout",
            layout,
            "--population-year",
            year,
            "--weights",
            "population=100",
            "--database",
            &db,
        ];
        samveis(&args, "")
    };
    // 1 January 2024-2026 at 2020 borders: the 2024 municipalities added up (Ålesund and Haram are 2020's Ålesund).
    for year in ["2020", "2022", "2024", "2025", "2026"] {
        let (ok, out, err) = distribute("2020", year);
        assert!(ok, "{year}: {err}");
        let population: i64 = out.lines().skip(1).map(|l| l.split(',').nth(2).unwrap().parse::<i64>().unwrap()).sum();
        assert!(population > 5_300_000, "{year}: {population}");
    }
    let (_, out, _) = distribute("2020", "2024");
    let national: i64 = out.lines().skip(1).map(|l| l.split(',').nth(2).unwrap().parse::<i64>().unwrap()).sum();
    assert_eq!(national, 5_550_203, "the same national total as SSB's for 1 January 2024");
    let (ok, _, err) = distribute("2020", "2021");
    assert!(!ok && err.contains("2020-inndelingen har tall for 2020, 2022, 2024, 2025 og 2026"), "{err}");
    let (ok, _, err) = distribute("2015", "2015");
    assert!(!ok && err.contains("2015-inndelingen har ingen befolkningstall"), "{err}");
}

#[test]
fn historic_grants_import_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("import-grants.db").display());
    assert!(samveis(&["demo", "--database", &db], "").0);
    let conn = samveis::db::Db::connect(&db).unwrap();
    let scheme = conn
        .run_blocking(|c| {
            samveis::grants::store::schemes(c)
                .map(|s| s.into_iter().find(|s| s.name.contains("eksempelordning")).unwrap().id)
        })
        .unwrap()
        .to_string();
    let file = dir.path().join("tilsagn.csv");
    let write = |rows: &str| {
        std::fs::write(&file, format!("scheme_id,year,recipient,granted_nok,target_figures_text,decided_on\n{rows}"))
            .unwrap()
    };
    write(&format!(
        "{scheme},2027,Bodø,500 000,\"50 GPS og 20 trygghetsalarmer\",2027-03-01\n{scheme},2027,Herøy,100000,,\n{scheme},2026,1841,100000,,\n{scheme},2027,1841,-5,,\n"
    ));
    let path = file.to_str().unwrap();
    let (ok, out, _) = samveis(&["import", "grants", path, "--database", &db], "");
    assert!(!ok, "{out}");
    for needle in [
        "rad 3: «Herøy» er navnet på flere kommuner",
        "rad 4: «Velferdsteknologi i kommunene 2027 (eksempelordning, demodata)» har ingen ramme for 2026",
        "rad 5: innvilget: «-5» er negativt",
    ] {
        assert!(out.contains(needle), "{needle} in {out}");
    }
    let count =
        || conn.run_blocking(|c| samveis::grants::store::applications_of(c, scheme.parse().unwrap())).unwrap().len();
    assert_eq!(count(), 0, "nothing imported");
    write(&format!(
        "{scheme},2027,Bodø,500 000,\"50 GPS og 20 trygghetsalarmer\",2027-03-01\n{scheme},2027,1515,100000,,\n"
    ));
    let (ok, out, _) = samveis(&["import", "grants", path, "--dry-run", "--database", &db], "");
    assert!(ok && out.contains("2 tilsagn kan importeres"), "{out}");
    assert_eq!(count(), 0);
    let (ok, out, err) = samveis(&["import", "grants", path, "--database", &db], "");
    assert!(ok && out.contains("Importert 2 historiske tilsagn"), "{out}{err}");
    assert_eq!(count(), 2);
    let entries = || {
        use diesel::prelude::*;
        use samveis::db::schema::ledger_entries;
        conn.run_blocking(|c| ledger_entries::table.count().get_result::<i64>(c).map_err(samveis::db::StoreError::from))
            .unwrap()
    };
    let before = entries();

    // The same file again: refused whole, naming every row already imported.
    let (ok, out, _) = samveis(&["import", "grants", path, "--database", &db], "");
    assert!(!ok, "a second run fails: {out}");
    for needle in [
        "Ingenting er importert.",
        "rad 2: tilsagnet til Bodø (1804) for 2027 uten referanse er allerede importert (søknad",
        "(1515) for 2027 uten referanse er allerede importert",
    ] {
        assert!(out.contains(needle), "{needle} in {out}");
    }
    assert_eq!((count(), entries()), (2, before), "no grant and no ledger entry twice");
}

/// A small workbook with one filled cell in the far corner (`XFD1048576`) and a header.
pub fn far_corner_workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Respondent ID").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn a_workbook_with_a_cell_in_the_far_corner_is_refused_not_an_abort() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("corner.db").display());
    assert!(samveis(&["migrate", "--database", &db], "").0);
    let round = open_survey_round(&db, "Pandemi Nordland hjørne");
    let path = dir.path().join("hjorne.xlsx");
    let bytes = far_corner_workbook();
    assert!(bytes.len() < 8192, "{}", bytes.len());
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_samveis"))
        .args(["import", "surveymonkey", "--round", &round, path.to_str().unwrap(), "--database", &db])
        .env_remove("SAMVEIS_DATABASE_URL")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "a clear failure, not a signal: {:?} {err}", out.status);
    assert!(err.contains("XFD1048576"), "{err}");
    assert_eq!(delivered(&db, &round), "0");
}

#[test]
fn a_database_that_cannot_be_opened_is_named_with_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notater.db");
    std::fs::write(&text, "ikke en database").unwrap();
    let postgres =
        std::env::var("SAMVEIS_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let server = postgres.rsplit_once('/').map(|(s, _)| s.to_string()).unwrap();
    let cases = [
        ("sqlite:///finnes/ikke/samveis.db".to_string(), "mappen «/finnes/ikke» finnes ikke"),
        (format!("sqlite://{}", text.display()), "er ikke en SQLite-database"),
        (format!("sqlite://{}", dir.path().display()), "er en mappe, ikke en databasefil"),
        (format!("{server}/samveis_finnes_ikke"), "createdb"),
        ("postgres://postgres@127.0.0.1:1/samveis".to_string(), "PostgreSQL svarer ikke på 127.0.0.1:1"),
    ];
    for (url, said) in cases {
        let (ok, _, err) = samveis(&["migrate", "--database", &url], "");
        assert!(!ok && err.contains(said), "{url}: {err}");
        assert!(!err.contains("timed out"), "{url}: {err}");
    }
    assert_eq!(std::fs::read_to_string(&text).unwrap(), "ikke en database", "the file is left as it was");
}
