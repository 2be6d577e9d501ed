//! The calendar: gatherings, round deadlines and grant acceptances, on a page and as a personal
//! iCalendar feed that calendar programs can read without logging in.

use crate::backends;
use crate::helpers::*;
use reqwest::StatusCode;

backends! {
    async fn a_municipality_sees_its_deadlines_and_subscribes(app) {
        app.login(BODO).await;
        let page = app.get("/kalender").await;
        assert_eq!(page.status, StatusCode::OK);
        let text = page.text();
        assert!(text.contains("Frist: Teknologistatus 2025") && text.contains("Prosjektledersamling") && text.contains("7. september 2021"), "{text}");
        assert!(!text.contains("Frist: Statusrapport høst 2021"), "a round Bodø does not report in: {text}");
        let subscribed = app.post_form("/kalender/abonnement", &[]).await;
        let url = subscribed.select("code").into_iter().find(|c| c.contains("/kalender/feed/")).expect("a feed address");
        let path = url.split_once("/kalender/").map(|(_, rest)| format!("/kalender/{rest}")).unwrap();
        let calendar = app.other_browser().get(&path).await;
        assert_eq!(calendar.status, StatusCode::OK, "no login needed");
        assert!(calendar.headers["content-type"].to_str().unwrap().starts_with("text/calendar"));
        let parsed: icalendar::Calendar = calendar.body.parse().expect("valid iCalendar");
        use icalendar::Component;
        let summaries: Vec<String> = parsed.components.iter().filter_map(|c| c.as_event()).filter_map(|e| e.get_summary().map(str::to_string)).collect();
        assert!(summaries.iter().any(|s| s == "Frist: Teknologistatus 2025"), "{summaries:?}");
        assert_eq!(app.other_browser().get("/kalender/feed/feil.ics").await.status, StatusCode::NOT_FOUND);
        // A new address retires the old one.
        app.post_form("/kalender/abonnement", &[]).await;
        assert_eq!(app.other_browser().get(&path).await.status, StatusCode::NOT_FOUND);
        let officer = app.other_browser();
        officer.login(NORDLAND).await;
        assert!(officer.get("/kalender").await.text().contains("Frist: Statusrapport høst 2021"), "officers follow every round");
    }
}
