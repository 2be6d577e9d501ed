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
        reporting::open_round(conn, None, &samveis::audit::Author::system("test"), now, &spec)
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
    assert!(out.contains("rad 5: «Bodo» er ikke en kommune i runden"), "{out}");
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
