//! E-mail: reminders go out, and the outbox page shows what was sent and what failed. Most tests
//! hand the messages to memory and drain it; the end-to-end test through the server and the
//! command-line test send over SMTP to the local server that scripts/test starts
//! (scripts/smtp-sink, which writes each message it receives as a .eml file). Like PostgreSQL,
//! the local SMTP server is required: without SAMVEIS_TEST_SMTP the tests that need it fail and
//! say to run scripts/test. A server that does not answer is a closed local port.

use crate::backends;
use crate::helpers::*;
use reqwest::StatusCode;
use samveis::mail::{DEFAULT_FROM, MailSettings, Memory};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const TECH: &str = "Teknologistatus 2025";
static RECIPIENT: AtomicUsize = AtomicUsize::new(0);

fn required_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} er ikke satt: kjør scripts/test, som starter en lokal SMTP-server (scripts/smtp-sink) og setter \
             SAMVEIS_TEST_SMTP og SAMVEIS_TEST_SMTP_DIR"
        )
    })
}

/// The local SMTP server and the directory it writes what it receives into.
fn test_smtp() -> (MailSettings, PathBuf) {
    let url = required_env("SAMVEIS_TEST_SMTP");
    let dir = PathBuf::from(required_env("SAMVEIS_TEST_SMTP_DIR"));
    (MailSettings::new(&url, DEFAULT_FROM).unwrap(), dir)
}

/// Settings that keep what is sent in memory, and that memory.
fn memory_mail() -> (MailSettings, Memory) {
    let memory = Memory::new();
    (MailSettings::memory(DEFAULT_FROM, memory.clone()).unwrap(), memory)
}

/// The raw messages handed to `memory` for `recipient` (by its envelope), waiting for the first;
/// drains the memory.
async fn received_in(memory: &Memory, recipient: &str) -> Vec<Vec<u8>> {
    let mut found = Vec::new();
    for _ in 0..100 {
        found.extend(memory.drain().into_iter().filter(|m| m.to.iter().any(|to| to == recipient)).map(|m| m.raw));
        if !found.is_empty() {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no message for {recipient} in memory");
}

/// An SMTP server address where nothing listens.
async fn closed_port() -> MailSettings {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    MailSettings::new(&format!("smtp://127.0.0.1:{port}"), DEFAULT_FROM).unwrap()
}

/// As the admin: a new municipal editor for Bodø, with an address no other test run uses.
async fn new_bodo_editor(admin: &TestApp) -> String {
    let n = RECIPIENT.fetch_add(1, Ordering::SeqCst);
    let email = format!("postmottak-{}-{:?}-{n}@bodo.test", std::process::id(), admin.backend).to_lowercase();
    let fields = [
        ("display_name", "Postmottak Bodø"),
        ("email", email.as_str()),
        ("password", "et-langt-nok-passord"),
        ("role", "municipal-editor"),
        ("scope", "1804"),
    ];
    let page = admin.post_form("/admin/brukere/ny", &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    email
}

async fn tech_round(app: &TestApp) -> i64 {
    let id = crate::reporting::submission_id(app, TECH, "1804").await;
    app.db.run(move |conn| samveis::reporting::store::submission(conn, id)).await.unwrap().unwrap().round_id
}

/// Sends the round's reminders and returns the round page it leads to.
async fn remind(app: &TestApp, round: i64) -> Page {
    let sent = app.post_form(&format!("/rapportering/runder/{round}/paminnelse"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
    app.get(sent.location.as_deref().unwrap()).await
}

/// The raw message the local SMTP server received for `recipient` (by its envelope).
async fn received(dir: &Path, recipient: &str) -> Vec<u8> {
    let envelope = format!("X-Envelope-To: {recipient}\r\n");
    for _ in 0..100 {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if entry.path().extension().is_some_and(|e| e == "eml") {
                let raw = std::fs::read(entry.path()).unwrap();
                if String::from_utf8_lossy(&raw).contains(&envelope) {
                    return raw;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no message for {recipient} in {}", dir.display());
}

fn received_count(dir: &Path, recipient: &str) -> usize {
    let envelope = format!("X-Envelope-To: {recipient}\r\n");
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| std::fs::read(e.path()).is_ok_and(|raw| String::from_utf8_lossy(&raw).contains(&envelope)))
        .count()
}

/// The outbox row of a recipient: (result, attempts, sent).
async fn outbox_row(app: &TestApp, recipient: &str) -> Vec<(String, i32, bool)> {
    use diesel::prelude::*;
    use samveis::db::schema::outbox;
    let recipient = recipient.to_string();
    let rows: Vec<(String, i32, Option<chrono::NaiveDateTime>)> = app
        .db
        .run(move |conn| {
            outbox::table
                .filter(outbox::recipient.eq(recipient))
                .select((outbox::result, outbox::attempts, outbox::sent_at))
                .load(conn)
                .map_err(samveis::db::StoreError::from)
        })
        .await
        .unwrap();
    rows.into_iter().map(|(r, a, s)| (r, a, s.is_some())).collect()
}

/// The outbox page's table row for a recipient, as text.
async fn outbox_line(admin: &TestApp, query: &str, recipient: &str) -> String {
    let page = admin.get(&format!("/admin/utboks{query}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let rows = page.select("tbody tr");
    rows.into_iter()
        .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|r| r.contains(recipient))
        .unwrap_or_else(|| panic!("{recipient} not on /admin/utboks{query}: {}", page.text()))
}

backends! {
    async fn reminders_reach_the_smtp_server_in_norwegian_and_show_as_sent(app) {
        let (smtp, dir) = test_smtp();
        let app = app.with_mail(smtp).await;
        app.login(ADMIN).await;
        let recipient = new_bodo_editor(&app).await;
        let round = tech_round(&app).await;
        let page = remind(&app, round).await.text();
        assert!(page.contains("påminnelser er lagt i utboksen"), "{page}");
        assert!(page.contains("sendt") && !page.contains("E-post er ikke satt opp"), "{page}");

        let raw = received(&dir, &recipient).await;
        let mail = mail_parser::MessageParser::default().parse(&raw).unwrap();
        let subject = mail.subject().unwrap();
        assert!(subject.starts_with("Påminnelse: Teknologistatus 2025 – frist "), "{subject}");
        let body = mail.body_text(0).unwrap();
        assert!(body.contains("Bodø har ikke levert «Teknologistatus 2025» ennå."), "{body}");
        assert!(body.contains("Levér i Samveis under «Mine rapporter»."), "{body}");
        assert!(body.contains("Hilsen admin@samveis.demo"), "{body}");
        let from = mail.from().and_then(|f| f.first()).unwrap();
        assert_eq!(from.address(), Some("ikke-svar@samveis.no"));
        assert_eq!(from.name(), Some("Samveis"));
        assert_eq!(received_count(&dir, &recipient), 1);

        assert_eq!(outbox_row(&app, &recipient).await, vec![("sendt".to_string(), 1, true)]);
        let line = outbox_line(&app, "?status=sendt", &recipient).await;
        assert!(line.contains("Sendt") && line.contains(" kl. ") && line.contains("Teknologistatus 2025"), "{line}");
        let all = app.get("/admin/utboks").await;
        assert!(all.text().contains("Sendes via smtp://127.0.0.1:"), "{}", all.text());
        let waiting = app.get("/admin/utboks?status=venter").await.text();
        assert!(!waiting.contains(&recipient), "a sent message is not waiting: {waiting}");
        // The round links to its messages.
        let round_page = app.get(&format!("/rapportering/runder/{round}")).await;
        assert!(round_page.body.contains(&format!("/admin/utboks?runde={round}")));
        let mine = app.get(&format!("/admin/utboks?runde={round}")).await.text();
        assert!(mine.contains(&recipient), "{mine}");
    }

    async fn a_failing_server_keeps_the_message_and_the_page_shows_the_error(app) {
        let app = app.with_mail(closed_port().await).await;
        app.login(ADMIN).await;
        let recipient = new_bodo_editor(&app).await;
        let round = tech_round(&app).await;
        let page = remind(&app, round).await.text();
        assert!(page.contains("feilet"), "the round page tells: {page}");
        let rows = outbox_row(&app, &recipient).await;
        assert_eq!(rows.len(), 1);
        assert!(rows[0].0.starts_with("feilet: ") && rows[0].1 == 1 && !rows[0].2, "{rows:?}");
        let line = outbox_line(&app, "?status=feilet", &recipient).await;
        assert!(line.contains("Feilet") && line.contains("Connection") && line.contains("Prøves igjen"), "{line}");

        // «Send nå» tries again at once; after the third try the message is left as failed.
        for _ in 0..3 {
            let sent = app.post_form("/admin/utboks/send", &[]).await;
            assert_eq!(sent.status, StatusCode::SEE_OTHER);
        }
        let rows = outbox_row(&app, &recipient).await;
        assert_eq!((rows.len(), rows[0].1, rows[0].2), (1, 3, false), "{rows:?}");
        let line = outbox_line(&app, "?status=feilet", &recipient).await;
        assert!(line.contains("Gitt opp etter 3 forsøk"), "{line}");
        let log = app.get("/admin/logg?type=utboks").await.text();
        assert!(log.contains("send e-post") && log.contains("Feilet 2"), "{log}");
    }

    async fn a_failed_message_goes_out_once_the_server_answers(app) {
        let (mail, memory) = memory_mail();
        let failing = app.with_mail(closed_port().await).await;
        failing.login(ADMIN).await;
        let recipient = new_bodo_editor(&failing).await;
        remind(&failing, tech_round(&failing).await).await;
        assert_eq!(outbox_row(&failing, &recipient).await[0].1, 1);

        let working = app.with_mail(mail).await;
        working.login(ADMIN).await;
        let sent = working.post_form("/admin/utboks/send", &[]).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER);
        let notice = working.get(sent.location.as_deref().unwrap()).await.text();
        assert!(notice.contains("meldinger sendt, 0 feilet"), "{notice}");
        received_in(&memory, &recipient).await;
        assert_eq!(outbox_row(&working, &recipient).await, vec![("sendt".to_string(), 2, true)]);
    }

    async fn the_background_sender_delivers_what_waits(app) {
        let (mail, memory) = memory_mail();
        app.login(ADMIN).await;
        let recipient = new_bodo_editor(&app).await;
        remind(&app, tech_round(&app).await).await;
        assert_eq!(outbox_row(&app, &recipient).await, vec![("venter".to_string(), 0, false)]);
        let sender = samveis::mail::worker::spawn(app.db.clone(), mail, Duration::from_millis(200));
        assert_eq!(received_in(&memory, &recipient).await.len(), 1);
        sender.abort();
    }

    async fn a_message_is_queued_at_the_time_of_the_servers_clock(app) {
        let at = chrono::NaiveDate::from_ymd_opt(2031, 5, 14).unwrap().and_hms_opt(12, 0, 0).unwrap();
        let app = app.fix_clock(at).await;
        app.login(ADMIN).await;
        let recipient = new_bodo_editor(&app).await;
        remind(&app, tech_round(&app).await).await;
        let line = outbox_line(&app, "?status=venter", &recipient).await;
        assert!(line.contains("14. mai 2031 kl. 14.00"), "{line}");
        app.clock.set(at + chrono::Duration::days(1));
        assert_eq!(app.now(), at + chrono::Duration::days(1));
    }

    async fn without_smtp_messages_wait_and_the_page_says_so(app) {
        app.login(ADMIN).await;
        let recipient = new_bodo_editor(&app).await;
        let round = tech_round(&app).await;
        let page = remind(&app, round).await.text();
        assert!(page.contains("E-post er ikke satt opp"), "{page}");
        let outbox = app.get("/admin/utboks").await.text();
        assert!(outbox.contains("SMTP er ikke satt opp"), "{outbox}");
        assert!(!outbox.contains("Send nå"), "{outbox}");
        let sent = app.post_form("/admin/utboks/send", &[]).await;
        assert_eq!(sent.location.as_deref(), Some("/admin/utboks"));
        let line = outbox_line(&app, "?status=venter", &recipient).await;
        assert!(line.contains("Venter") && line.ends_with(" 0"), "{line}");
        assert_eq!(app.get("/admin/utboks?status=tull").await.status, StatusCode::BAD_REQUEST);
    }

    async fn only_the_national_admin_sees_and_sends_the_outbox(app) {
        for email in [BODO, NORDLAND, VIEWER] {
            let browser = app.other_browser();
            browser.login(email).await;
            assert_eq!(browser.get("/admin/utboks").await.status, StatusCode::FORBIDDEN, "{email}");
            assert_eq!(browser.post_form("/admin/utboks/send", &[]).await.status, StatusCode::FORBIDDEN, "{email}");
            let home = browser.get("/rapportering").await;
            assert!(!home.body.contains("/admin/utboks"), "{email} is not offered the outbox");
        }
        let anonymous = app.other_browser().get("/admin/utboks").await;
        assert!(anonymous.location.as_deref().is_some_and(|l| l.starts_with("/logg-inn")), "{:?}", anonymous.location);
        app.login(ADMIN).await;
        let page = app.get("/admin/utboks").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.attr("a[href='/admin/utboks']", "aria-current").as_deref(), Some("page"));
    }

    async fn mail_send_on_the_command_line_delivers_and_counts(app) {
        let (_, dir) = test_smtp();
        app.login(ADMIN).await;
        let recipient = new_bodo_editor(&app).await;
        remind(&app, tech_round(&app).await).await;
        let run = |args: Vec<String>| {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_samveis"))
                .args(args)
                .env_remove("SAMVEIS_SMTP_URL")
                .env_remove("SAMVEIS_MAIL_FROM")
                .output()
                .unwrap();
            (out.status.success(), String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string())
        };
        let base = vec!["mail".to_string(), "send".into(), "--database".into(), app.db_url.clone()];
        let (ok, _, err) = tokio::task::spawn_blocking({ let a = base.clone(); move || run(a) }).await.unwrap();
        assert!(!ok && err.contains("SMTP er ikke satt opp") && err.contains("SAMVEIS_SMTP_URL"), "{err}");
        let mut bad = base.clone();
        bad.extend(["--smtp-url".into(), "http://smtp.example.no".into()]);
        let (ok, _, err) = tokio::task::spawn_blocking(move || run(bad)).await.unwrap();
        assert!(!ok && err.contains("SAMVEIS_SMTP_URL «http://smtp.example.no» kan ikke brukes"), "{err}");

        let mut good = base.clone();
        good.extend(["--smtp-url".into(), std::env::var("SAMVEIS_TEST_SMTP").unwrap()]);
        let (ok, out, err) = tokio::task::spawn_blocking(move || run(good)).await.unwrap();
        assert!(ok, "{out}{err}");
        assert!(out.contains("Sendt ") && out.contains("feilet 0") && out.contains("0 venter"), "{out}");
        received(&dir, &recipient).await;
        assert_eq!(outbox_row(&app, &recipient).await[0].0, "sendt");
    }
}
