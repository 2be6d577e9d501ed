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
