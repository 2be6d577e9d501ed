//! Payments with four eyes (Reglement for økonomistyring i staten): the county officer who
//! attests a payment request does not authorise it; another does, and the audit names both. A
//! scheme with the rule turned off lets one person do both.

use crate::backends;
use crate::grants::{granted_and_accepted, scheme_id};
use crate::helpers::*;
use reqwest::StatusCode;
use samveis_domain::access::{Assignment, Role, Scope};
use samveis_domain::grants::RequestState;

const SECOND: &str = "fylke.nordland.to@samveis.demo";
const SAME_PERSON: &str = "Du attesterte denne anmodningen. Utbetalingen må anvises av en annen person (Reglement for økonomistyring i staten).";

/// A second county officer at Statsforvalteren i Nordland, password `samveis-demo`.
pub async fn second_officer(app: &TestApp) -> TestApp {
    let now = app.now();
    app.db
        .run(move |conn| {
            let scope = Scope::parse_for(Role::CountyOfficer, "nordland").unwrap();
            let new = samveis::users::NewUser {
                email: SECOND.into(),
                display_name: "Controller, Statsforvalteren i Nordland".into(),
                password: "samveis-demo".into(),
                assignment: Assignment::new(Role::CountyOfficer, scope).unwrap(),
            };
            samveis::users::create(conn, &samveis::context::Ctx::system("test", now), &new)
        })
        .await
        .unwrap();
    let second = app.other_browser();
    second.login(SECOND).await;
    second
}

/// Bodø asks for 100 000 kr; Nordland's officer approves (attests) it. Returns the officer's
/// browser, the application's page and the request's handling path.
async fn asked_and_attested(app: &TestApp) -> (TestApp, i64, String, String) {
    let (_, id) = granted_and_accepted(app).await;
    let path = format!("/tilskudd/soknader/{id}");
    let ask = [
        ("amount", "100 000"),
        ("invoice_number", "F-100"),
        ("invoice_date", "2027-02-01"),
        ("project_code", "VT-27"),
        ("costs_to_date", "0"),
        ("status_text", "I rute"),
    ];
    assert_eq!(app.post_form(&format!("{path}/utbetaling"), &ask).await.status, StatusCode::SEE_OTHER);
    let officer = app.other_browser();
    officer.login(NORDLAND).await;
    let request = officer.get(&path).await.attr("form[action*='/utbetaling/']", "action").unwrap();
    let approved = officer.post_form(&request, &[("handling", "godkjenn"), ("version", "1")]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.text());
    (officer, id, path, request)
}

async fn request_state(app: &TestApp, id: i64) -> (RequestState, Option<i64>) {
    let all = app.db.run(move |conn| samveis::grants::payments::of_application(conn, id)).await.unwrap();
    (all[0].state, all[0].approved_by)
}

async fn set_four_eyes(app: &TestApp, scheme: i64, on: bool) {
    use diesel::prelude::*;
    use samveis::db::schema::grant_schemes;
    app.db
        .run(move |conn| {
            diesel::update(grant_schemes::table.find(scheme)).set(grant_schemes::four_eyes.eq(on)).execute(conn)?;
            Ok::<_, samveis::db::StoreError>(())
        })
        .await
        .unwrap();
}

backends! {
    async fn the_attester_does_not_authorise_and_another_officer_does(app) {
        let (officer, id, path, request) = asked_and_attested(&app).await;
        let page = officer.get(&path).await;
        assert!(page.text().contains(&format!("attestert av {NORDLAND}")), "{}", page.text());
        assert!(page.text().contains(SAME_PERSON), "the attester is told: {}", page.text());
        assert!(page.select("button[value=utbetal]").is_empty(), "no «Marker som utbetalt» for the attester");

        let entries = app.count("ledger_entries").await;
        let refused = officer.post_form(&request, &[("handling", "utbetal"), ("version", "2")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text());
        assert!(refused.text().contains(SAME_PERSON), "{}", refused.text());
        assert_eq!(request_state(&app, id).await.0, RequestState::Approved, "nothing changed");
        assert!(request_state(&app, id).await.1.is_some(), "the attester is kept");
        assert_eq!(app.count("ledger_entries").await, entries, "nothing booked");

        let second = second_officer(&app).await;
        let waiting = "Godkjent anmodning å utbetale";
        assert!(!officer.get("/").await.text().contains(waiting), "not on the attester's list");
        assert!(second.get("/").await.text().contains(waiting), "on the other officer's list");
        assert_eq!(second.get(&path).await.select("button[value=utbetal]").len(), 1, "another officer may authorise");
        let paid = second.post_form(&request, &[("handling", "utbetal"), ("version", "2")]).await;
        assert_eq!(paid.status, StatusCode::SEE_OTHER, "{}", paid.text());
        assert_eq!(request_state(&app, id).await.0, RequestState::Paid);
        assert_eq!(app.count("ledger_entries").await, entries + 1);

        let admin = app.other_browser();
        admin.login(ADMIN).await;
        let log = admin.get(&format!("/admin/logg?type=s%C3%B8knad&id={id}")).await.text();
        assert!(log.contains("Attestert av") && log.contains("Anvist av"), "{log}");
        assert!(log.contains(NORDLAND) && log.contains(SECOND), "both are named: {log}");
    }

    async fn one_person_may_attest_and_authorise_when_the_scheme_says_so(app) {
        let scheme = scheme_id(&app, "eksempelordning").await;
        set_four_eyes(&app, scheme, false).await;
        assert!(app.get(&format!("/tilskudd/{scheme}")).await.text().contains("Attestasjon og anvisning av to personer av"));
        let (officer, id, path, request) = asked_and_attested(&app).await;
        assert_eq!(officer.get(&path).await.select("button[value=utbetal]").len(), 1);
        let paid = officer.post_form(&request, &[("handling", "utbetal"), ("version", "2")]).await;
        assert_eq!(paid.status, StatusCode::SEE_OTHER, "{}", paid.text());
        assert_eq!(request_state(&app, id).await.0, RequestState::Paid);
    }

    async fn the_programme_office_sets_four_eyes_on_a_new_scheme(app) {
        app.login(ADMIN).await;
        let new = app.get("/tilskudd").await;
        assert_eq!(new.attr("#four_eyes option[value=ja]", "selected").as_deref(), Some(""), "on to begin with");
        let form = |name: &'static str, four_eyes: &'static str| vec![("name", name), ("owner", "Programkontoret"), ("recipients", "municipalities"),
            ("first_year", "2028"), ("authority", "helsedirektoratet"), ("decides", "fylke"), ("four_eyes", four_eyes)];
        assert_eq!(app.post_form("/tilskudd/ny", &form("Ordning uten fire øyne", "nei")).await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.post_form("/tilskudd/ny", &form("Ordning med fire øyne", "")).await.status, StatusCode::SEE_OTHER);
        let off = scheme_id(&app, "uten fire øyne").await;
        let on = scheme_id(&app, "med fire øyne").await;
        assert!(app.get(&format!("/tilskudd/{off}")).await.text().contains("Attestasjon og anvisning av to personer av"));
        assert!(app.get(&format!("/tilskudd/{on}")).await.text().contains("Attestasjon og anvisning av to personer på"), "on unless turned off");
        assert!(scheme_four_eyes(&app, on).await && !scheme_four_eyes(&app, off).await);
    }
}

async fn scheme_four_eyes(app: &TestApp, scheme: i64) -> bool {
    app.db.run(move |conn| samveis::grants::store::scheme(conn, scheme)).await.unwrap().unwrap().four_eyes
}
