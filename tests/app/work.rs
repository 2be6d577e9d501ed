//! Mitt arbeid: the front page lists what waits for the signed-in user, each task linking to
//! where it is done, only where the user may do it, with its count in the menu and as JSON.

use crate::backends;
use crate::helpers::*;
use crate::reporting::{full_answer, post_fields, submission_id};
use reqwest::StatusCode;

const TECH: &str = "Teknologistatus 2025";

/// The hrefs of the tasks the browser's user sees in `/api/v1/me/tasks`.
async fn task_hrefs(app: &TestApp) -> Vec<String> {
    let json = app.get("/api/v1/me/tasks").await.json();
    let tasks = json["tasks"].as_array().unwrap();
    assert_eq!(json["count"].as_u64().unwrap() as usize, tasks.len());
    tasks.iter().map(|t| t["href"].as_str().unwrap().to_string()).collect()
}

/// The text of the front page's «Mitt arbeid».
async fn my_work(app: &TestApp) -> String {
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    page.select("main").join(" ")
}

/// Bodø sends its technology status and Nordland returns it with a comment; returns the path.
async fn returned_by_nordland(app: &TestApp) -> String {
    app.login(BODO).await;
    let id = submission_id(app, TECH, "1804").await;
    let path = format!("/rapportering/innleveringer/{id}");
    assert_eq!(post_fields(app, &path, &full_answer("1")).await.status, StatusCode::SEE_OTHER);
    let officer = app.other_browser();
    officer.login(NORDLAND).await;
    let fields = [("handling", "returner"), ("kommentar", "Mangler leverandør for GPS"), ("version", "2")];
    assert_eq!(officer.post_form(&format!("{path}/vurdering"), &fields).await.status, StatusCode::SEE_OTHER);
    path
}

/// A scheme the owner decides (not the county), with an acceptance deadline three weeks after
/// the decision; returns its id.
async fn owner_decided_scheme(admin: &TestApp) -> i64 {
    let fields = [
        ("name", "Programkontorets ordning"),
        ("owner", "Helsedirektoratet (programkontoret)"),
        ("recipients", "municipalities"),
        ("first_year", "2027"),
        ("authority", "helsedirektoratet"),
        ("decides", "eier"),
        ("accept_weeks", "3"),
    ];
    let created = admin.post_form("/tilskudd/ny", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
    created.location.unwrap().split('/').nth(2).unwrap().parse().unwrap()
}

/// Bodø applies to the scheme and sends the application; returns its path.
async fn bodo_applies(app: &TestApp, scheme: i64) -> String {
    app.login(BODO).await;
    let started =
        app.post_form("/tilskudd/soknader/ny", &[("scheme", &scheme.to_string()), ("unit", "kommune:1804")]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.text());
    let path = started.location.unwrap();
    let fields = [
        ("version", "1"),
        ("handling", "send"),
        ("applied", "200 000"),
        ("own_financing", "50 000"),
        ("purpose", "Digitalt tilsyn i hjemmetjenesten"),
    ];
    let sent = app.post_form(&path, &fields).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
    path
}

async fn decide(admin: &TestApp, path: &str) {
    let version = admin.get(path).await.attr("form[action$='/vedtak'] input[name=version]", "value").unwrap();
    let fields =
        [("version", version.as_str()), ("outcome", "innvilg"), ("granted", "200 000"), ("aid_type", "not_state_aid")];
    let decided = admin.post_form(&format!("{path}/vedtak"), &fields).await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.text());
}

async fn handle_request(admin: &TestApp, path: &str, handling: &str, version: &str, comment: &str) {
    let request = admin.get(path).await.attr("form[action*='/utbetaling/']", "action").unwrap();
    let fields = [("handling", handling), ("version", version), ("kommentar", comment)];
    assert_eq!(admin.post_form(&request, &fields).await.status, StatusCode::SEE_OTHER);
}

/// Bodø accepts the letter and asks for a payment.
async fn accept_and_ask(app: &TestApp, path: &str) {
    assert_eq!(app.post_form(&format!("{path}/aksept"), &[]).await.status, StatusCode::SEE_OTHER);
    let ask = [
        ("amount", "100 000"),
        ("invoice_number", "2027-3"),
        ("invoice_date", "2027-02-01"),
        ("costs_to_date", "100 000"),
        ("status_text", "I rute"),
    ];
    let asked = app.post_form(&format!("{path}/utbetaling"), &ask).await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.text());
}

backends! {
    async fn a_returned_report_waits_for_the_municipality_with_the_comment_until_sent_again(app) {
        let path = returned_by_nordland(&app).await;
        let work = my_work(&app).await;
        assert!(work.contains("Sendt tilbake til deg (1 oppgave)") && work.contains("Bodø: Teknologistatus 2025"), "{work}");
        assert!(work.contains("Rapport sendt tilbake · Frist 1. desember 2025 –") && work.contains("Kommentar: «Mangler leverandør for GPS»"), "{work}");
        assert!(task_hrefs(&app).await.contains(&path));
        assert!(app.get("/kommuner").await.body.contains("<span class=\"count\">"), "the menu counts the tasks");
        let mut fixed = full_answer("3");
        fixed.push(("lokalisering_leverandor".into(), "GPS-leverandør AS".into()));
        assert_eq!(post_fields(&app, &path, &fixed).await.status, StatusCode::SEE_OTHER);
        let work = my_work(&app).await;
        assert!(!work.contains("Sendt tilbake til deg") && !work.contains("Mangler leverandør"), "{work}");
        assert!(!task_hrefs(&app).await.contains(&path));
    }

    async fn a_sent_report_waits_for_its_own_county_to_review_and_no_other(app) {
        app.login(BODO).await;
        let id = submission_id(&app, TECH, "1804").await;
        let path = format!("/rapportering/innleveringer/{id}");
        assert_eq!(post_fields(&app, &path, &full_answer("1")).await.status, StatusCode::SEE_OTHER);
        let nordland = app.other_browser();
        nordland.login(NORDLAND).await;
        assert!(task_hrefs(&nordland).await.contains(&format!("{path}#vurdering")));
        let work = my_work(&nordland).await;
        assert!(work.contains("Til vurdering") && work.contains("Bodø: Teknologistatus 2025") && work.contains("Rapport å vurdere · Sendt inn"), "{work}");
        let agder = app.other_browser();
        agder.login(AGDER).await;
        assert!(!task_hrefs(&agder).await.iter().any(|h| h.starts_with(&path)), "Nordland's work is not Agder's");
        assert!(!my_work(&agder).await.contains("Bodø"));
        let admin = app.other_browser();
        admin.login(ADMIN).await;
        assert!(!task_hrefs(&admin).await.iter().any(|h| h.starts_with(&path)), "the county reviews this round, not the programme office");
    }

    async fn every_task_links_to_a_page_its_user_may_open(app) {
        returned_by_nordland(&app).await;
        for email in [ADMIN, NORDLAND, AGDER, BODO, SALTEN, VIEWER] {
            let user = app.other_browser();
            user.login(email).await;
            for href in task_hrefs(&user).await {
                let page = href.split('#').next().unwrap();
                assert_eq!(user.get(page).await.status, StatusCode::OK, "{email}: {href}");
            }
        }
    }

    async fn the_programme_office_decides_its_schemes_and_handles_their_payments(app) {
        let admin = app.other_browser();
        admin.login(ADMIN).await;
        let scheme = owner_decided_scheme(&admin).await;
        let path = bodo_applies(&app, scheme).await;
        let work = my_work(&admin).await;
        assert!(work.contains("Til behandling") && work.contains("Bodø: Programkontorets ordning") && work.contains("Søknad å avgjøre · Sendt inn"), "{work}");
        assert!(task_hrefs(&admin).await.contains(&format!("{path}#vedtak")));
        let nordland = app.other_browser();
        nordland.login(NORDLAND).await;
        assert!(!my_work(&nordland).await.contains("Programkontorets ordning"), "the owner decides this scheme, not the county");
        decide(&admin, &path).await;
        let work = my_work(&app).await;
        assert!(work.contains("Tilskuddsbrev å akseptere · Frist") && work.contains("frist om 21 dager"), "{work}");
        accept_and_ask(&app, &path).await;
        assert!(!my_work(&app).await.contains("Tilskuddsbrev å akseptere"));
        assert!(my_work(&admin).await.contains("Anmodning om utbetaling å godkjenne"));
        handle_request(&admin, &path, "godkjenn", "1", "").await;
        let work = my_work(&admin).await;
        // Another person authorises what the admin attested (four eyes; see four_eyes.rs).
        assert!(!work.contains("Godkjent anmodning å utbetale") && !work.contains("delutbetaling 100 000 kr"), "{work}");
        handle_request(&admin, &path, "returner", "2", "Mangler utskrift av prosjektregnskapet").await;
        assert!(!my_work(&admin).await.contains("Programkontorets ordning"));
        let work = my_work(&app).await;
        assert!(work.contains("Anmodning om utbetaling sendt tilbake") && work.contains("Kommentar: «Mangler utskrift av prosjektregnskapet»"), "{work}");
    }

    async fn a_viewer_has_nothing_waiting_and_a_calm_page(app) {
        app.login(VIEWER).await;
        let page = app.get("/").await;
        assert_eq!(page.select("h1"), ["Mitt arbeid"]);
        assert!(page.text().contains("Ingenting venter på deg nå."), "{}", page.text());
        assert!(!page.body.contains("class=\"count\"") && !app.get("/kommuner").await.body.contains("class=\"count\""));
        assert!(page.select(".site-nav--wide a").contains(&"Mitt arbeid".to_string()));
        assert_eq!(app.get("/api/v1/me/tasks").await.json()["count"], 0);
        let anonymous = app.other_browser().get("/").await;
        assert_eq!(anonymous.select("h1"), ["Samveis"]);
        assert!(!anonymous.text().contains("Mitt arbeid"));
        assert_eq!(app.other_browser().get("/api/v1/me/tasks").await.status, StatusCode::UNAUTHORIZED);
    }
}
