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

    async fn a_feed_event_keeps_its_uid_across_users_and_additions(app) {
        use icalendar::{Component, DatePerhapsTime};
        async fn feed(app: &TestApp) -> icalendar::Calendar {
            let subscribed = app.post_form("/kalender/abonnement", &[]).await;
            let url = subscribed.select("code").into_iter().find(|c| c.contains("/kalender/feed/")).unwrap();
            let path = url.split_once("/kalender/").map(|(_, rest)| format!("/kalender/{rest}")).unwrap();
            app.other_browser().get(&path).await.body.parse().expect("valid iCalendar")
        }
        fn event<'a>(cal: &'a icalendar::Calendar, summary: &str) -> &'a icalendar::Event {
            cal.components.iter().filter_map(|c| c.as_event()).find(|e| e.get_summary() == Some(summary)).unwrap()
        }
        let tech = "Frist: Teknologistatus 2025";
        app.login(BODO).await;
        let bodo = feed(&app).await;
        let officer = app.other_browser();
        officer.login(NORDLAND).await;
        let county = feed(&officer).await;
        let uid = event(&bodo, tech).get_uid().unwrap().to_string();
        assert!(uid.starts_with("round-") && uid.ends_with("-deadline@samveis.test"), "what the event is, at the public host: {uid}");
        assert_eq!(event(&county, tech).get_uid(), Some(uid.as_str()), "the same event has the same UID in every user's feed");
        let uids: Vec<&str> = county.components.iter().filter_map(|c| c.as_event()).filter_map(|e| e.get_uid()).collect();
        let mut distinct = uids.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), uids.len(), "no two events share a UID");
        // An all-day event ends the day after it starts (DTEND is exclusive).
        let e = event(&bodo, tech);
        match (e.get_start(), e.get_end()) {
            (Some(DatePerhapsTime::Date(start)), Some(DatePerhapsTime::Date(end))) => assert_eq!(end, start.succ_opt().unwrap()),
            other => panic!("all-day dates: {other:?}"),
        }
        assert!(bodo.property_value("PRODID").is_some_and(|p| p.contains("Samveis")));
        // A round opened with an earlier deadline comes first, and moves no other event's UID.
        app.login(ADMIN).await;
        let form = app.get("/rapportering/runder/ny").await;
        let template = form.attr("#template_id option", "value").unwrap();
        let opened = app.post_form("/rapportering/runder/ny", &[("name", "Tidlig runde"), ("template_id", &template), ("period", "2020"),
            ("deadline", "2020-01-02"), ("reviewer", "county"), ("audience", "alle")]).await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text());
        let again = feed(&officer).await;
        assert!(again.components.iter().filter_map(|c| c.as_event()).any(|e| e.get_summary() == Some("Frist: Tidlig runde")));
        assert_eq!(event(&again, tech).get_uid(), Some(uid.as_str()), "an addition moves no UID");
    }

}
