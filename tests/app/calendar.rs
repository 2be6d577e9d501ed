//! The calendar: gatherings, round deadlines and grant acceptances, on a page and as a personal
//! iCalendar feed that calendar programs can read without logging in.

use crate::backends;
use crate::helpers::*;
use chrono::{NaiveDate, NaiveDateTime};
use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime};
use reqwest::StatusCode;

/// A new feed address for the signed-in user, and the feed at it as the `icalendar` crate's
/// parser reads it.
async fn feed(app: &TestApp) -> icalendar::Calendar {
    let subscribed = app.post_form("/kalender/abonnement", &[]).await;
    let url = subscribed.select("code").into_iter().find(|c| c.contains("/kalender/feed/")).unwrap();
    let path = url.split_once("/kalender/").map(|(_, rest)| format!("/kalender/{rest}")).unwrap();
    app.other_browser().get(&path).await.body.parse().expect("valid iCalendar")
}

fn events(cal: &icalendar::Calendar) -> Vec<&icalendar::Event> {
    cal.components.iter().filter_map(|c| c.as_event()).collect()
}

fn event<'a>(cal: &'a icalendar::Calendar, summary: &str) -> &'a icalendar::Event {
    events(cal)
        .into_iter()
        .find(|e| e.get_summary() == Some(summary))
        .unwrap_or_else(|| panic!("«{summary}» in the feed"))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Where a start or end lies on one time line (whole days at midnight, Oslo times as written).
fn instant(t: DatePerhapsTime) -> NaiveDateTime {
    match t {
        DatePerhapsTime::Date(d) => d.and_hms_opt(0, 0, 0).unwrap(),
        DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, .. }) => date_time,
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(t)) => t.naive_utc(),
        DatePerhapsTime::DateTime(CalendarDateTime::Floating(t)) => t,
    }
}

/// Every event once, and each ending after it starts.
fn assert_sound(cal: &icalendar::Calendar) {
    let mut uids: Vec<&str> = events(cal).iter().map(|e| e.get_uid().expect("a UID")).collect();
    let all = uids.len();
    uids.sort();
    uids.dedup();
    assert_eq!(uids.len(), all, "no two events share a UID");
    for e in events(cal) {
        let (start, end) = (instant(e.get_start().unwrap()), instant(e.get_end().expect("a DTEND")));
        assert!(end > start, "{:?} ends after it starts: {start} – {end}", e.get_summary());
    }
}

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
        let tech = "Frist: Teknologistatus 2025";
        app.login(BODO).await;
        let bodo = feed(&app).await;
        let officer = app.other_browser();
        officer.login(NORDLAND).await;
        let county = feed(&officer).await;
        let uid = event(&bodo, tech).get_uid().unwrap().to_string();
        assert!(uid.starts_with("round-") && uid.ends_with("-deadline@samveis.test"), "what the event is, at the public host: {uid}");
        assert_eq!(event(&county, tech).get_uid(), Some(uid.as_str()), "the same event has the same UID in every user's feed");
        assert_sound(&bodo);
        assert_sound(&county);
        let webinar = event(&bodo, "Webinar i samarbeid med Normen (inkludert DPIA)").get_uid();
        assert_eq!(event(&county, "Webinar i samarbeid med Normen (inkludert DPIA)").get_uid(), webinar);
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
        assert_sound(&again);
        assert_eq!(events(&again).len(), events(&county).len() + 1, "one event more, none doubled");
    }

    async fn a_gathering_spans_both_its_days_and_a_webinar_keeps_its_oslo_times(app) {
        app.login(BODO).await;
        let page = app.get("/kalender").await.text();
        assert!(page.contains("22.–23. november 2021 Hele dagen Samling Prosjektledersamling"), "{page}");
        assert!(page.contains("20. september 2021 09.00–10.30 Webinar Gjennomføre kommunikasjonstiltak"), "{page}");
        let cal = feed(&app).await;
        assert_sound(&cal);
        let gathering = events(&cal)
            .into_iter()
            .find(|e| e.get_start() == Some(DatePerhapsTime::Date(day(2021, 11, 22))))
            .expect("the gathering of 22. november");
        assert_eq!(gathering.get_summary(), Some("Prosjektledersamling"));
        assert_eq!(gathering.get_end(), Some(DatePerhapsTime::Date(day(2021, 11, 24))), "DTEND is the day after the last");
        let oslo = |h, m| {
            let date_time = day(2021, 9, 20).and_hms_opt(h, m, 0).unwrap();
            Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid: "Europe/Oslo".into() }))
        };
        let webinar = event(&cal, "Gjennomføre kommunikasjonstiltak og opplæring av ansatte");
        assert_eq!((webinar.get_start(), webinar.get_end()), (oslo(9, 0), oslo(10, 30)));
        let zone = cal
            .components
            .iter()
            .find_map(|c| match c {
                CalendarComponent::Other(o) if o.component_kind() == "VTIMEZONE" => Some(o),
                _ => None,
            })
            .expect("the time zone the webinars refer to");
        assert_eq!(zone.property_value("TZID"), Some("Europe/Oslo"));
        assert!(zone.property_value("UID").is_none() && zone.property_value("DTSTAMP").is_none(), "a VTIMEZONE has neither");
        let rules: Vec<(String, Option<&str>, Option<&str>)> = zone
            .components()
            .iter()
            .map(|p| (p.component_kind(), p.property_value("TZOFFSETTO"), p.property_value("RRULE")))
            .collect();
        assert_eq!(rules, [
            ("DAYLIGHT".to_string(), Some("+0200"), Some("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU")),
            ("STANDARD".to_string(), Some("+0100"), Some("FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")),
        ]);
    }

    async fn a_moved_deadline_is_the_same_event_changed(app) {
        let at = day(2030, 1, 2).and_hms_opt(12, 0, 0).unwrap();
        let app = app.fix_clock(at).await;
        let tech = "Frist: Teknologistatus 2025";
        app.login(BODO).await;
        let before = feed(&app).await;
        let (uid, modified) = (event(&before, tech).get_uid().unwrap().to_string(), event(&before, tech).get_last_modified());
        assert_eq!(event(&before, tech).get_sequence(), Some(0));
        assert!(modified.is_some_and(|m| m < at.and_utc()), "{modified:?}");
        let admin = app.other_browser();
        admin.login(ADMIN).await;
        let rounds = admin.get("/api/v1/rounds").await.json();
        let round = rounds.as_array().unwrap().iter().find(|r| r["name"] == "Teknologistatus 2025").unwrap()["id"].as_i64().unwrap();
        let path = format!("/rapportering/runder/{round}/frist");
        assert!(admin.get(&format!("/rapportering/runder/{round}")).await.body.contains(&format!("href=\"{path}\"")));
        assert_eq!(admin.get(&path).await.status, StatusCode::OK);
        let bad = admin.post_form(&path, &[("deadline", "31.02.2026")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.attr("#deadline", "value").as_deref(), Some("31.02.2026"), "what was typed stays");
        assert!(bad.text().contains("Fristen «31.02.2026» er ikke en gyldig dato"), "{}", bad.text());
        let moved = admin.post_form(&path, &[("deadline", "15.03.2026")]).await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text());
        let after = feed(&app).await;
        assert_sound(&after);
        let e = event(&after, tech);
        assert_eq!(e.get_uid(), Some(uid.as_str()), "the same event");
        assert_eq!(e.get_start(), Some(DatePerhapsTime::Date(day(2026, 3, 15))));
        assert_eq!((e.get_sequence(), e.get_last_modified()), (Some(1), Some(at.and_utc())), "changed, and when");
        assert_eq!(events(&after).iter().filter(|e| e.get_summary() == Some(tech)).count(), 1);
        let webinar = "Gjennomføre anskaffelser og forvalte avtaler";
        assert_eq!(event(&after, webinar).get_sequence(), Some(0), "nothing else changed");
        assert_eq!(event(&after, webinar).get_last_modified(), event(&before, webinar).get_last_modified());
        assert_eq!(app.post_form(&path, &[("deadline", "2026-04-01")]).await.status, StatusCode::FORBIDDEN, "Bodø moves no deadline");
        assert!(admin.get(&format!("/admin/logg?type=runde&id={round}")).await.text().contains("endret frist"));
    }

    async fn the_programme_office_adds_and_changes_a_webinar_and_the_feed_follows(app) {
        let at = day(2030, 1, 2).and_hms_opt(12, 0, 0).unwrap();
        let app = app.fix_clock(at).await;
        app.login(ADMIN).await;
        assert!(app.get("/kalender").await.body.contains("href=\"/kalender/ny\""));
        assert_eq!(app.get("/kalender/ny").await.status, StatusCode::OK);
        let title = "Velferdsteknologiens ABC";
        let typed = [("kind", "webinar"), ("title", title), ("date", "05.02.2030"), ("end_date", ""), ("start_time", "10.30"), ("end_time", "09.00")];
        let bad = app.post_form("/kalender/ny", &typed).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().contains("Sluttiden er før starttiden samme dag."), "{}", bad.text());
        assert_eq!((bad.attr("#title", "value").as_deref(), bad.attr("#start_time", "value").as_deref()), (Some(title), Some("10.30")), "what was typed stays");
        let unread = app.post_form("/kalender/ny", &[("kind", "webinar"), ("title", ""), ("date", "5. februarr 2030"), ("start_time", "ni")]).await;
        assert_eq!(unread.status, StatusCode::UNPROCESSABLE_ENTITY);
        for message in ["Tittelen mangler.", "Datoen «5. februarr 2030» kan ikke leses.", "Starttiden «ni» kan ikke leses."] {
            assert!(unread.text().contains(message), "{message} in {}", unread.text());
        }
        let added = app.post_form("/kalender/ny", &[("kind", "webinar"), ("title", title), ("date", "05.02.2030"), ("start_time", "09:00"), ("end_time", "10:30")]).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
        assert!(app.get("/kalender").await.text().contains(&format!("5. februar 2030 09.00–10.30 Webinar {title}")));
        let first = feed(&app).await;
        assert_sound(&first);
        let webinar = event(&first, title);
        let uid = webinar.get_uid().unwrap().to_string();
        let oslo = |h, m| DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time: day(2030, 2, 5).and_hms_opt(h, m, 0).unwrap(), tzid: "Europe/Oslo".into() });
        assert_eq!((webinar.get_start(), webinar.get_end()), (Some(oslo(9, 0)), Some(oslo(10, 30))));
        assert_eq!((webinar.get_sequence(), webinar.get_last_modified()), (Some(0), Some(at.and_utc())));
        // It becomes a gathering of two whole days, an hour later.
        let id = uid.strip_prefix("event-").and_then(|rest| rest.split_once('@')).unwrap().0.to_string();
        let path = format!("/kalender/hendelser/{id}");
        assert_eq!(app.get(&path).await.attr("#start_time", "value").as_deref(), Some("09:00"));
        let later = at + chrono::Duration::hours(1);
        app.clock.set(later);
        let changed = app.post_form(&path, &[("kind", "gathering"), ("title", title), ("date", "2030-02-05"), ("end_date", "2030-02-06"), ("start_time", ""), ("end_time", "")]).await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.text());
        let second = feed(&app).await;
        assert_sound(&second);
        let gathering = event(&second, title);
        assert_eq!(gathering.get_uid(), Some(uid.as_str()), "the same event");
        assert_eq!((gathering.get_start(), gathering.get_end()), (Some(DatePerhapsTime::Date(day(2030, 2, 5))), Some(DatePerhapsTime::Date(day(2030, 2, 7)))));
        assert_eq!((gathering.get_sequence(), gathering.get_last_modified()), (Some(1), Some(later.and_utc())));
        assert_eq!(events(&second).len(), events(&first).len(), "changed, not added");
        assert_eq!(app.get(&path).await.attr("#end_date", "value").as_deref(), Some("2030-02-06"));
        assert!(app.get(&format!("/admin/logg?type=kalenderhendelse&id={id}")).await.text().contains("endret"));
        let bodo = app.other_browser();
        bodo.login(BODO).await;
        assert_eq!(bodo.get("/kalender/ny").await.status, StatusCode::FORBIDDEN);
        assert!(!bodo.get("/kalender").await.body.contains(&path), "no form for those who may not change it");
    }
}
