//! Keeping collaborations: create, edit, end; refusal of bad input, outside-area writes and
//! stale versions; every change in the audit trail.

use crate::backends;
use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// A good collaboration in Nordland (Bodø, Fauske, Saltdal; host Fauske).
fn salten_form<'a>(overrides: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("name", "Digital hjemmeoppfølging Salten"),
        ("kind", "project"),
        ("layout", "2024"),
        ("host", "1841"),
        ("members", "1804, 1841\n1840"),
        ("valid_from", "2025-01-01"),
        ("valid_to", ""),
        ("note", "Felles anskaffelse"),
    ];
    for (k, v) in overrides {
        if let Some(f) = fields.iter_mut().find(|(key, _)| key == k) {
            f.1 = v;
        }
    }
    fields
}

backends! {
    async fn a_county_officer_creates_a_collaboration_in_their_county(app) {
        app.login(NORDLAND).await;
        let before = app.count("collaborations").await;
        let page = app.post_form("/samarbeid/ny", &salten_form(&[])).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
        let location = page.location.unwrap();
        let shown = app.get(&location).await.text();
        assert!(shown.contains("Endringene er lagret"));
        assert!(shown.contains("Digital hjemmeoppfølging Salten") && shown.contains("Fauske") && shown.contains("Deltakerkommuner (3)"), "{shown}");
        assert!(shown.contains("1. januar 2025"));
        assert_eq!(app.count("collaborations").await, before + 1);
        let id = location.trim_start_matches("/samarbeid/").split('?').next().unwrap().to_string();
        app.login(ADMIN).await;
        let log = app.get(&format!("/admin/logg?type=samarbeid&id={id}")).await;
        let text = log.text();
        assert!(text.contains(NORDLAND) && text.contains("opprettet") && text.contains("Felles anskaffelse"), "{text}");
        // Read as a person reads it: labels and dates in Norwegian, the kind by its name, no JSON.
        let fields: Vec<String> = log.select("dl.changes dt, dl.changes dd");
        assert!(fields.windows(2).any(|w| w[0] == "Gyldig fra" && w[1] == "1. januar 2025"), "{fields:?}");
        assert!(fields.windows(2).any(|w| w[0] == "Type" && w[1] == "Interkommunalt prosjekt"), "{fields:?}");
        assert!(!log.body.contains("{&#34;") && !log.body.contains("\"valid_from\"") && !text.contains("valid_from"), "{text}");
        let post = log.select("tbody td a");
        assert!(post.iter().any(|p| p == &format!("samarbeid {id}")), "the record is linked: {post:?}");
        // Every record type is in the filter, each in Norwegian.
        let types = log.select("#type option");
        for t in ["Samarbeid", "Bruker", "Rapporteringsrunde", "Innlevering", "Skjema", "Søknad om tilskudd", "Tilskuddsordning", "Indikator", "E-post i utboksen"] {
            assert!(types.iter().any(|o| o == t), "{t} in {types:?}");
        }
        let grants = app.get("/admin/logg?type=s%C3%B8knad").await;
        assert!(grants.body.contains("href=\"/tilskudd/soknader/"), "an application's record links to it");
    }

    async fn bad_input_is_refused_with_named_values_and_the_form_keeps_it(app) {
        app.login(NORDLAND).await;
        let before = app.count("collaborations").await;
        let page = app
            .post_form("/samarbeid/ny", &salten_form(&[("members", "1804 1804 9999"), ("host", "1841"), ("valid_to", "2024-06-30")]))
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = page.text();
        assert!(text.contains("1804 står flere ganger"), "{text}");
        assert!(text.contains("9999 finnes ikke i inndelingen 2024"), "{text}");
        assert!(text.contains("Vertskommune 1841 må også være deltakerkommune"), "{text}");
        assert!(text.contains("Sluttdato 2024-06-30 er før startdato 2025-01-01"), "{text}");
        assert_eq!(page.attr("#name", "value").as_deref(), Some("Digital hjemmeoppfølging Salten"));
        assert_eq!(page.select("#members"), ["1804 1804 9999"]);
        assert_eq!(page.attr("#members", "aria-invalid").as_deref(), Some("true"));
        assert_eq!(app.count("collaborations").await, before, "nothing saved");
        assert_eq!(app.count("audit_events").await, app.count("audit_events").await);
    }

    async fn a_county_officer_cannot_act_outside_their_county(app) {
        app.login(AGDER).await;
        let before = app.count("collaborations").await;
        let page = app.post_form("/samarbeid/ny", &salten_form(&[])).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert_eq!(app.count("collaborations").await, before);
        let salten = app.collaboration_id("RKK Salten").await;
        assert_eq!(app.get(&format!("/samarbeid/{salten}/rediger")).await.status, StatusCode::FORBIDDEN);
        let end = app.post_form(&format!("/samarbeid/{salten}/avslutt"), &[("valid_to", "2025-12-31"), ("version", "1")]).await;
        assert_eq!(end.status, StatusCode::FORBIDDEN);
        let detail = app.get(&format!("/api/v1/collaborations/{salten}")).await.json();
        assert!(detail["valid_to"].is_null(), "unchanged");
    }

    async fn the_second_of_two_concurrent_edits_is_refused(app) {
        app.login(NORDLAND).await;
        let other = app.other_browser();
        other.login(ADMIN).await;
        let id = app.collaboration_id("RKK Vefsn").await;
        let form_a = app.get(&format!("/samarbeid/{id}/rediger")).await;
        let form_b = other.get(&format!("/samarbeid/{id}/rediger")).await;
        let version = form_a.attr("input[name=version]", "value").unwrap();
        assert_eq!(form_b.attr("input[name=version]", "value").unwrap(), version);
        let members = form_a.select("#members")[0].clone();
        let fields = |name: &'static str| {
            vec![("name", name), ("kind", "regional_council"), ("layout", "2015"), ("host", "1824"), ("valid_from", "2018-01-01"), ("valid_to", ""), ("note", "")]
        };
        let mut first = fields("RKK Vefsn (endret av fylket)");
        first.push(("members", members.as_str()));
        first.push(("version", version.as_str()));
        assert_eq!(app.post_form(&format!("/samarbeid/{id}/rediger"), &first).await.status, StatusCode::SEE_OTHER);
        let mut second = fields("RKK Vefsn (endret av admin)");
        second.push(("members", members.as_str()));
        second.push(("version", version.as_str()));
        let refused = other.post_form(&format!("/samarbeid/{id}/rediger"), &second).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(refused.text().contains("Noen andre har lagret endringer"));
        assert_eq!(refused.attr("#name", "value").as_deref(), Some("RKK Vefsn (endret av admin)"), "keeps what was typed");
        let stored = app.get(&format!("/api/v1/collaborations/{id}")).await.json();
        assert_eq!(stored["name"], "RKK Vefsn (endret av fylket)");
        assert_eq!(stored["version"], 2);
    }

    async fn ending_a_collaboration_is_audited_with_before_and_after(app) {
        app.login(NORDLAND).await;
        let id = app.collaboration_id("RKK Lofoten").await;
        let page = app.post_form(&format!("/samarbeid/{id}/avslutt"), &[("valid_to", "2025-06-30"), ("version", "1")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
        let detail = app.get(&format!("/samarbeid/{id}")).await.text();
        assert!(detail.contains("30. juni 2025") && detail.contains("Avsluttet"), "{detail}");
        assert!(detail.contains("Endringshistorikk") && detail.contains("endret Gyldig til – → endret til 30. juni 2025"), "only the field that changed, in words: {detail}");
        let reopen = app.post_form(&format!("/samarbeid/{id}/avslutt"), &[("valid_to", ""), ("version", "2")]).await;
        assert_eq!(reopen.status, StatusCode::BAD_REQUEST, "ending needs a date");
        let bad = app.post_form(&format!("/samarbeid/{id}/avslutt"), &[("valid_to", "2010-01-01"), ("version", "2")]).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.text().contains("2010-01-01"));
    }

    async fn municipal_editors_and_viewers_only_read(app) {
        let id = app.collaboration_id("RKK Salten").await;
        for who in [BODO, SALTEN, VIEWER] {
            let browser = app.other_browser();
            browser.login(who).await;
            assert_eq!(browser.get("/samarbeid/ny").await.status, StatusCode::FORBIDDEN, "{who}");
            assert_eq!(browser.post_form("/samarbeid/ny", &salten_form(&[])).await.status, StatusCode::FORBIDDEN, "{who}");
            assert_eq!(browser.get(&format!("/samarbeid/{id}/rediger")).await.status, StatusCode::FORBIDDEN, "{who}");
            let page = browser.get(&format!("/samarbeid/{id}")).await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(!page.text().contains("Rediger"), "{who} sees no edit button");
        }
    }

    async fn the_api_writes_with_the_same_rules(app) {
        let body = json!({"name": "Velferdsteknologi Ytre Salten", "kind": "project", "layout": 2024, "host": "1838",
                          "members": ["1838", "1839", "1837"], "valid_from": "2025-03-01"});
        let anonymous = app.send_json(Method::POST, "/api/v1/collaborations", &body, None).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
        app.login(NORDLAND).await;
        let no_csrf = app.send_json(Method::POST, "/api/v1/collaborations", &body, None).await;
        assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
        let token = app.api_token().await;
        let created = app.send_json(Method::POST, "/api/v1/collaborations", &body, Some(&token)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let created = created.json();
        assert_eq!(created["members"].as_array().unwrap().len(), 3);
        let id = created["id"].as_i64().unwrap();
        let bad = json!({"name": "", "kind": "x", "layout": 2024, "host": "1838", "members": ["1838", "0000"], "valid_from": "i morgen"});
        let refused = app.send_json(Method::POST, "/api/v1/collaborations", &bad, Some(&token)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<String> = refused.json()["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap().to_string()).collect();
        for f in ["name", "kind", "members", "validfrom"] {
            assert!(fields.contains(&f.to_string()), "{f} in {fields:?}");
        }
        let mut update = body.clone();
        update["name"] = json!("Velferdsteknologi Ytre Salten og Steigen");
        update["members"] = json!(["1838", "1839", "1837", "1848"]);
        update["version"] = json!(1);
        let ok = app.send_json(Method::PUT, &format!("/api/v1/collaborations/{id}"), &update, Some(&token)).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
        assert_eq!(ok.json()["version"], 2);
        let stale = app.send_json(Method::PUT, &format!("/api/v1/collaborations/{id}"), &update, Some(&token)).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        let agder = app.other_browser();
        agder.login(AGDER).await;
        let agder_token = agder.api_token().await;
        update["version"] = json!(2);
        let outside = agder.send_json(Method::PUT, &format!("/api/v1/collaborations/{id}"), &update, Some(&agder_token)).await;
        assert_eq!(outside.status, StatusCode::FORBIDDEN);
    }
}
