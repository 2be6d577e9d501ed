//! Opening rounds on any layout: the browser's confirmation with the number of recipients, and
//! `POST /api/v1/rounds` with the template's code and the audience in words.

use crate::backends;
use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// The id of the latest version of a template in the new-round form.
async fn template_option(app: &TestApp, name: &str) -> String {
    let form = app.get("/rapportering/runder/ny").await;
    let values = form.select("#template_id option");
    let position = values.iter().position(|o| o.starts_with(name)).unwrap_or_else(|| panic!("{name} in {values:?}"));
    let ids: Vec<String> = scraper::Html::parse_document(&form.body)
        .select(&scraper::Selector::parse("#template_id option").unwrap())
        .filter_map(|o| o.value().attr("value").map(str::to_string))
        .collect();
    ids[position].clone()
}

backends! {
    async fn the_browser_shows_the_recipients_before_a_round_opens_on_an_old_layout(app) {
        app.login(ADMIN).await;
        let template = template_option(&app, "Løsninger vurdert").await;
        let rounds_before = app.count("rounds").await;
        let fields = [("name", ""), ("template_id", template.as_str()), ("period", "2020-03-17..2020-03-24"),
            ("deadline", "2020-03-24"), ("reviewer", "programme"), ("layout", "2020"), ("audience", "alle"), ("steg", "se-over")];
        let confirm = app.post_form("/rapportering/runder/ny", &fields).await;
        assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.text());
        let text = confirm.text();
        assert!(text.contains("går til 356 kommuner"), "{text}");
        assert!(text.contains("17. mars – 24. mars 2020") && text.contains("Alle kommuner (2020-inndelingen)"), "{text}");
        assert_eq!(app.count("rounds").await, rounds_before, "nothing is written before the confirmation");
        let back = app.post_form("/rapportering/runder/ny", &[("layout", "2020"), ("period", "2020-03-17..2020-03-24"), ("steg", "endre")]).await;
        assert_eq!(back.attr("#period", "value").as_deref(), Some("2020-03-17..2020-03-24"), "Endre keeps what was typed");
        assert!(back.body.contains(r#"<option value="2020" selected>"#));
        let open: Vec<(&str, &str)> = fields.iter().copied().filter(|(k, _)| *k != "steg").collect();
        let opened = app.post_form("/rapportering/runder/ny", &open).await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text());
        let round = app.get(opened.location.as_deref().unwrap()).await.text();
        assert!(round.contains("Levert 0 av 356"), "{round}");
        assert!(round.contains("Løsninger vurdert under pandemien (17. mars 2020)"), "a blank name becomes the template's name: {round}");
    }

    async fn a_county_from_another_layout_is_refused_with_both_named(app) {
        app.login(ADMIN).await;
        let template = template_option(&app, "Teknologistatus").await;
        let fields = [("name", "Nordland 2015"), ("template_id", template.as_str()), ("period", "2016"), ("deadline", "2016-12-01"),
            ("reviewer", "county"), ("layout", "2024"), ("audience", "fylke"), ("county", "2015:18"), ("steg", "se-over")];
        let refused = app.post_form("/rapportering/runder/ny", &fields).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains("valgt fra 2015-inndelingen, men runden spør i 2024-inndelingen"), "{}", refused.text());
        assert_eq!(refused.attr("#name", "value").as_deref(), Some("Nordland 2015"));
        let mut fields = fields;
        fields[5] = ("layout", "2015");
        let confirm = app.post_form("/rapportering/runder/ny", &fields).await;
        assert!(confirm.text().contains("går til 44 kommuner"), "Nordland had 44 municipalities in 2015: {}", confirm.text());
    }

    async fn the_api_opens_a_round_by_template_code_on_any_layout(app) {
        let body = json!({"template": "teknologistatus", "period": "2026T2", "deadline": "2026-09-01", "layout": 2020, "audience": "fylke:18"});
        assert_eq!(app.send_json(Method::POST, "/api/v1/rounds", &body, None).await.status, StatusCode::UNAUTHORIZED);
        app.login(ADMIN).await;
        let token = app.api_token().await;
        let created = app.send_json(Method::POST, "/api/v1/rounds", &body, Some(&token)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let round = created.json();
        assert_eq!(round["period"], "2026T2");
        assert_eq!(round["expected"], 41, "Nordland had 41 municipalities on the 2020 layout: {round}");
        assert!(round["name"].as_str().unwrap().contains("2. tertial 2026"), "{round}");
        let listed = app.get("/api/v1/rounds").await.json();
        assert!(listed.as_array().unwrap().iter().any(|r| r["id"] == round["id"]));
        let bad = json!({"template": "teknologi", "period": "2026", "deadline": "2026-09-01", "layout": 2019});
        let refused = app.send_json(Method::POST, "/api/v1/rounds", &bad, Some(&token)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert!(refused.body.contains("2019"), "{}", refused.body);
        let bad = json!({"template": "teknologi", "period": "2026", "deadline": "2026-09-01"});
        let refused = app.send_json(Method::POST, "/api/v1/rounds", &bad, Some(&token)).await;
        assert!(refused.body.contains("Ukjent skjema «teknologi»") && refused.body.contains("teknologistatus"), "{}", refused.body);
        let viewer = app.other_browser();
        viewer.login(VIEWER).await;
        let token = viewer.api_token().await;
        assert_eq!(viewer.send_json(Method::POST, "/api/v1/rounds", &body, Some(&token)).await.status, StatusCode::FORBIDDEN);
    }
}
