//! Insight: the county governor's page answers "how far has each municipality come, in systems
//! and investments?" from the delivered reports, the moment a report is sent.

use crate::backends;
use crate::helpers::*;
use crate::reporting::{full_answer, post_fields, submission_id};
use reqwest::StatusCode;

/// The id of a form's option on the new-round page, by the form's name.
fn template_option(page: &Page, name: &str) -> String {
    let option = page.body.split("<option value=\"").skip(1).find(|o| o.contains(name)).unwrap();
    option.split('"').next().unwrap().to_string()
}

/// Opens a round through the browser form, as the programme office does.
async fn open_round(admin: &TestApp, fields: &[(&str, &str)]) {
    let opened = admin.post_form("/rapportering/runder/ny", fields).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text());
}

/// The county page's rows, the headline, the «status per» line and the national delivered count.
async fn dashboards(officer: &TestApp) -> (Vec<String>, Vec<String>, String, String, Vec<String>) {
    let county = officer.get("/innsikt/fylker/18").await;
    let national = officer.get("/innsikt").await;
    let headline = national.select("dl.meta dd").join(" | ");
    let source = county.select("#status-kilde").join(" ");
    (
        county.select("#kommunene-tabell tbody tr"),
        county.select("dl.meta dd"),
        source,
        headline,
        national.select("#prosjektstatus tr"),
    )
}

backends! {
    async fn the_county_page_counts_delivered_reports_live(app) {
        let officer = app.other_browser();
        officer.login(NORDLAND).await;
        let page = officer.get("/innsikt/fylker/18").await;
        assert_eq!(page.status, StatusCode::OK);
        let rows = page.select("tbody tr th[scope=row]");
        assert_eq!(rows.len(), 41, "every municipality in Nordland");
        let bodo_row = |p: &Page| p.select("tbody tr").into_iter().find(|r| r.starts_with("Bodø")).unwrap();
        assert!(bodo_row(&page).contains("Ikke levert"), "a draft does not count: {}", bodo_row(&page));
        assert!(page.body.contains("<svg class=\"chart\"") && page.body.contains("<title id=\"fylket-title\">"));
        let before = page.text();

        // Bodø sends its technology status: the county page has it at once.
        app.login(BODO).await;
        let id = submission_id(&app, "Teknologistatus 2025", "1804").await;
        let sent = post_fields(&app, &format!("/rapportering/innleveringer/{id}"), &full_answer("1")).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
        let page = officer.get("/innsikt/fylker/18?sorter=investering").await;
        let row = bodo_row(&page);
        assert!(row.contains("I drift (12)") && row.contains("1 447 130 kr"), "{row}");
        assert_ne!(before, page.text());
        assert_ne!(page.select("tbody tr th[scope=row]"), rows, "sorted by investment, not by name");

        let csv = officer.get("/innsikt/fylker/18/kommuner.csv").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert_eq!(csv.body.lines().count(), 42);
        assert!(csv.body.lines().any(|l| l.starts_with("1804;Bodø;") && l.contains(";I drift;12;1447130;")), "{}", csv.body);
        let xlsx = officer.get_bytes("/innsikt/fylker/18/kommuner.xlsx").await;
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(sheet.height(), 42);

        let api = officer.get("/api/v1/insight/counties/18").await.json();
        let bodo = api["municipalities"].as_array().unwrap().iter().find(|m| m["number"] == "1804").unwrap().clone();
        assert_eq!((bodo["in_operation"].as_i64(), bodo["investment"].as_i64()), (Some(9), Some(1_447_130)));
        assert_eq!(app.get("/api/v1/insight/counties/18").await.status, StatusCode::FORBIDDEN);
        // Bodø's own page: its status, its reports, its grants.
        let own = app.get("/innsikt/kommuner/1804").await;
        assert_eq!(own.status, StatusCode::OK);
        let text = own.text();
        assert!(text.contains("Fra Teknologistatus 2025") && text.contains("1 447 130 kr") && text.contains("Milepæl 5"), "{text}");
        let salten = app.other_browser();
        salten.login(SALTEN).await;
        let other = salten.get("/innsikt/kommuner/1804").await.text();
        assert!(other.contains("Ingen innsendt teknologistatus som du kan se") && !other.contains("1 447 130 kr"), "{other}");
        let national = officer.get("/innsikt").await.text();
        assert!(national.contains("av 357") && national.contains("Nordland"), "{national}");
        assert!(national.contains("Prosjektstatus i Statusrapport desember 2021") && national.contains("I rute"), "{national}");
        assert!(national.contains("Innvilget i alt"), "{national}");
        assert!(national.contains("Fra Gevinstrapport 2021: unngåtte kostnader"), "{national}");
        let method = officer.get("/innsikt/slik-regnes-det").await;
        assert!(method.text().contains("utkast og innleveringer som er sendt tilbake, telles ikke") && method.body.contains("/rapportering/runder/"), "{}", method.text());
        let pdf = officer.get_bytes("/innsikt/statusrapport.pdf").await;
        let doc = lopdf::Document::load_mem(&pdf).expect("a PDF");
        assert_eq!(doc.get_pages().len(), 2, "a cover and the figures");
        let cover = crate::letters::page_text(&pdf, 1);
        assert!(cover.contains("Statusrapport") && cover.contains("av 357 kommuner har levert"), "{cover}");
        let figures = crate::letters::page_text(&pdf, 2);
        assert!(figures.contains("Digitalt tilsyn") && figures.contains("Prosjektstatus") && figures.contains("Gevinster") && figures.contains("Innvilget i alt"), "{figures}");
        assert_eq!(app.get("/innsikt/fylker/18").await.status, StatusCode::FORBIDDEN, "a municipality does not see the county page");
        assert_ne!(app.other_browser().get("/innsikt").await.status, StatusCode::OK);
        assert_eq!(officer.get("/innsikt/fylker/99").await.status, StatusCode::NOT_FOUND);
    }

    async fn targets_projects_pdfs_and_development_lines(app) {
        let officer = app.other_browser();
        officer.login(NORDLAND).await;
        let national = officer.get("/innsikt").await.text();
        assert!(national.contains("Rapporterte brukere") && national.contains("Oppnådd"), "the targets table, not only its heading: {national}");

        let pdf = officer.get_bytes("/innsikt/fylker/18/statusrapport.pdf").await;
        let doc = lopdf::Document::load_mem(&pdf).expect("a PDF");
        assert!(doc.get_pages().len() >= 2);
        let text: String = (1..=doc.get_pages().len() as u32).map(|p| doc.extract_text(&[p]).unwrap_or_default()).collect();
        assert!(text.contains("Statusrapport: Nordland") && text.contains("Bodø") && text.contains("ikke levert"), "{text}");
        assert_eq!(officer.get("/innsikt/fylker/18/noe.pdf").await.status, StatusCode::NOT_FOUND);

        let salten = app.collaboration_id("RKK Salten").await;
        let leader = app.other_browser();
        leader.login(SALTEN).await;
        let page = leader.get(&format!("/innsikt/samarbeid/{salten}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let text = page.text();
        assert!(text.contains("Prosjektstatus over tid") && text.contains("Teknologi i deltakerkommunene") && text.contains("Tilskudd"), "{text}");
        assert!(text.contains("Summen av svarene fra 0 av") && text.contains("som du har tilgang til"), "a project leader does not see the members' own reports: {text}");
        let county_view = officer.get(&format!("/innsikt/samarbeid/{salten}")).await.text();
        assert!(!county_view.contains("Summen av svarene fra 0 av"), "the county governor sees the members' reports: {county_view}");
        assert_ne!(app.other_browser().get(&format!("/innsikt/samarbeid/{salten}")).await.status, StatusCode::OK, "login first");
        assert_eq!(leader.get("/innsikt/samarbeid/999999").await.status, StatusCode::NOT_FOUND);

        let granted = officer.get("/innsikt/indikatorer/tilskudd_granted?niva=fylke").await;
        assert!(granted.body.contains("<title id=\"utvikling-title\">") && granted.body.contains(">2015</th>"), "{}", granted.text());
        let share = officer.get("/innsikt/indikatorer/digitalt_tilsyn_i_drift?niva=land&periode=2025").await;
        assert!(share.body.contains("class=\"chart donut\""), "a share is drawn as a ring");
    }

    async fn targets_compare_only_where_technology_and_unit_match(app) {
        let officer = app.other_browser();
        officer.login(NORDLAND).await;
        let national = officer.get("/innsikt").await;
        assert_eq!(national.status, StatusCode::OK);
        for cell in national.select("td, li, dd, p") {
            for share in percentages(&cell) {
                assert!(share <= 1000, "no share of a target above 1 000 %: «{cell}»");
            }
        }
        let rows = national.select("[aria-label=\"Måltall mot rapportert\"] tbody tr");
        assert!(!rows.is_empty(), "the targets table is there");
        // The demo's 2015 targets count devices (stk): never read against reported users.
        let devices: Vec<&String> = rows.iter().filter(|r| r.contains("stk")).collect();
        assert!(!devices.is_empty() && devices.iter().all(|r| r.contains("ikke sammenlignbar")), "{rows:?}");
        assert!(rows.iter().all(|r| r.contains("ikke sammenlignbar") || !r.contains("stk")), "{rows:?}");
    }

    async fn views_choose_the_layout_and_say_what_was_carried_over(app) {
        let officer = app.other_browser();
        officer.login(NORDLAND).await;
        let by_number = |v: &serde_json::Value, n: &str| {
            v["municipalities"].as_array().unwrap().iter().find(|m| m["number"] == n).cloned()
        };
        // Ålesund and Haram were one municipality (1507) on the 2020 layout: their 2024 reports
        // are shown together there, users added and each technology as far as the furthest.
        let now = officer.get("/api/v1/insight/counties/15?inndeling=2024").await.json();
        let then = officer.get("/api/v1/insight/counties/15?inndeling=2020").await.json();
        assert_eq!((now["layout"].as_i64(), then["layout"].as_i64()), (Some(2024), Some(2020)));
        assert!(by_number(&then, "1580").is_none(), "no Haram in 2020");
        let parts: Vec<serde_json::Value> = ["1508", "1580"].iter().filter_map(|n| by_number(&now, n)).filter(|m| !m["technologies"].is_null()).collect();
        assert_eq!(parts.len(), 2, "the demo has both Ålesund's and Haram's technology status");
        let merged = by_number(&then, "1507").unwrap();
        assert_eq!(merged["mapped"], true);
        let users = |m: &serde_json::Value, i: usize| m["technologies"][i]["users"].as_i64().unwrap_or(0);
        let rank = |s: &serde_json::Value| match s.as_str() { Some("I drift") => 3, Some("Utprøving") => 2, Some("Ikke startet") => 1, _ => 0 };
        for i in 0..9 {
            assert_eq!(users(&merged, i), parts.iter().map(|p| users(p, i)).sum::<i64>(), "technology {i}");
            let furthest = parts.iter().map(|p| rank(&p["technologies"][i]["state"])).max().unwrap();
            assert_eq!(rank(&merged["technologies"][i]["state"]), furthest, "technology {i}");
        }
        assert!(then["layout_note"].as_str().unwrap().contains("ført over med kodeovergangene"), "{}", then["layout_note"]);
        assert_eq!(now["layout_note"], "Tallene vises på 2024-inndelingen.");
        let oslo = officer.get("/api/v1/insight/counties/03?inndeling=2015").await.json();
        assert!(!oslo["layout_note"].as_str().unwrap().contains("kunne ikke plasseres"), "only reports that could belong to the county: {}", oslo["layout_note"]);
        let alesund = officer.get("/innsikt/kommuner/1507?inndeling=2020").await;
        assert!(alesund.text().contains("ført over fra rapportene til kommunene den ble til"), "{}", alesund.text());
        assert!(alesund.body.contains("/innsikt/fylker/15?inndeling=2020"));

        // The pages keep the layout in their links and exports; the note is on the page.
        let page = officer.get("/innsikt/fylker/18?inndeling=2015").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.attr("#inndeling option[selected]", "value").as_deref(), Some("2015"));
        assert!(page.text().contains("Tallene vises på 2015-inndelingen."), "{}", page.text());
        assert!(page.body.contains("/innsikt/fylker/18/kommuner.csv?inndeling=2015") && page.body.contains("sorter=drift&#38;inndeling=2015"));
        assert_eq!(page.select("tbody tr th[scope=row]").len(), 44, "Nordland had 44 municipalities in 2015");
        let csv = officer.get("/innsikt/fylker/18/kommuner.csv?inndeling=2015").await;
        assert_eq!(csv.body.lines().count(), 45);
        assert!(csv.body.lines().next().unwrap().ends_with("Ført over til 2015-inndelingen;Bør sjekkes"), "{}", csv.body);
        assert!(csv.body.lines().any(|l| l.starts_with("1850;Tysfjord;")), "a municipality since split and merged away");
        let national = officer.get("/innsikt?inndeling=2015").await;
        assert!(national.body.contains("/innsikt/fylker/05?inndeling=2015") && national.text().contains("Oppland"), "the 2015 counties");
        assert!(national.text().contains("av 428"), "428 municipalities in 2015: {}", national.text());
        assert!(national.text().contains("rapporter kunne ikke plasseres entydig på 2015-inndelingen"), "reports of municipalities merged since: {}", national.text());
        let old = officer.get("/innsikt/kommuner/1850?inndeling=2015").await;
        assert_eq!(old.status, StatusCode::OK);
        assert!(old.body.contains("/innsikt/fylker/18?inndeling=2015"));
        assert_eq!(officer.get("/innsikt/kommuner/1850").await.status, StatusCode::NOT_FOUND, "not a 2024 municipality");
        assert_eq!(officer.get("/innsikt/fylker/05").await.status, StatusCode::NOT_FOUND, "Oppland is not a 2024 county");
        let bad = officer.get("/innsikt?inndeling=2019").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.text().contains("2019"), "{}", bad.text());
        let pdf = officer.get_bytes("/innsikt/statusrapport.pdf?inndeling=2020").await;
        let cover = crate::letters::page_text(&pdf, 1);
        assert!(cover.contains("2020-inndelingen"), "{cover}");
    }

    async fn a_new_round_keeps_the_latest_delivered_status(app) {
        let officer = app.other_browser();
        officer.login(NORDLAND).await;
        let (rows, headline, source, national, projects) = dashboards(&officer).await;
        assert!(source.starts_with("Status per ") && source.contains("fra runden «Teknologistatus 2025»"), "{source}");
        assert!(!projects.is_empty(), "the project status table");

        // The programme office opens next year's technology status and a new status report round.
        app.login(ADMIN).await;
        let form = app.get("/rapportering/runder/ny").await;
        let (tech, status) = (template_option(&form, "Teknologistatus per kommune"), template_option(&form, "Statusrapport for prosjekt"));
        open_round(&app, &[("name", "Teknologistatus 2026"), ("template_id", &tech), ("period", "2026"),
            ("deadline", "2026-12-01"), ("reviewer", "county"), ("audience", "alle")]).await;
        let salten = app.collaboration_id("RKK Salten").await.to_string();
        open_round(&app, &[("name", "Statusrapport 2026"), ("template_id", &status), ("period", "2026"),
            ("deadline", "2026-12-10"), ("reviewer", "programme"), ("audience", "samarbeid"), ("samarbeid", &salten)]).await;
        let after = dashboards(&officer).await;
        assert_eq!(after, (rows.clone(), headline.clone(), source.clone(), national, projects), "a new round blanks nothing");
        let page = officer.get("/innsikt").await.text();
        assert!(page.contains("fra runden «Teknologistatus 2025»") && !page.contains("«Teknologistatus 2026»"), "{page}");
        assert!(page.contains("Prosjektstatus i Statusrapport desember 2021") && page.contains("fra runden «Statusrapport desember 2021»"), "{page}");
        let api = officer.get("/api/v1/insight/counties/18").await.json();
        assert_eq!(api["status"].as_str(), Some(source.as_str()));
        let pdf = officer.get_bytes("/innsikt/fylker/18/statusrapport.pdf").await;
        let cover = crate::letters::page_text(&pdf, 1);
        assert!(cover.contains("fra runden «Teknologistatus 2025»") && !cover.contains(" 0 av 41"), "{cover}");

        // Bodø sends in the new round: its row comes from there, the others stay.
        let bodo = app.other_browser();
        bodo.login(BODO).await;
        let id = submission_id(&app, "Teknologistatus 2026", "1804").await;
        let sent = post_fields(&bodo, &format!("/rapportering/innleveringer/{id}"), &full_answer("1")).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
        let (now, _, source, ..) = dashboards(&officer).await;
        assert!(source.contains("fra runden «Teknologistatus 2026» for 1 kommune og fra runden «Teknologistatus 2025» for "), "{source}");
        for (before, now) in rows.iter().zip(&now) {
            if now.starts_with("Bodø") {
                assert!(before.contains("Ikke levert") && now.contains("I drift (12)"), "{now}");
            } else {
                assert_eq!(before, now);
            }
        }
        let json = officer.get("/api/v1/insight/counties/18").await.json();
        assert_eq!(json["reported"].as_i64(), api["reported"].as_i64().map(|n| n + 1));
    }

    async fn the_county_table_answers_how_far_each_municipality_has_come(app) {
        let officer = app.other_browser();
        officer.login(NORDLAND).await;
        let page = officer.get("/innsikt/fylker/18").await;
        // Sorted by name as Norwegians sort, not by number: Alstahaug first, Øksnes last.
        let names = page.select("#kommunene-tabell tbody th[scope=row] a");
        let mut by_name = names.clone();
        by_name.sort_by_key(|n| norwegian(n));
        assert_eq!(names, by_name, "«Sorter etter navn» sorts by name");
        assert_eq!((names.first().map(String::as_str), names.last().map(String::as_str)), (Some("Alstahaug"), Some("Øksnes")));
        // The key answer comes first: delivered, in operation, users, investment; then the technologies.
        let headers = page.select("#kommunene-tabell thead th");
        assert_eq!(headers[..5], ["Kommune", "Levert", "I drift", "Brukere", "Investering"], "{headers:?}");
        // «Ikke levert» counts the municipalities without a delivered status: the columns add up to all 41.
        let delivered: i64 = page.select("dl.meta dd")[0].split(" av ").next().unwrap().parse().unwrap();
        for row in page.select("#teknologier tbody tr") {
            let counts: Vec<i64> = row.split(' ').filter_map(|w| w.parse().ok()).take(5).collect();
            assert_eq!(counts[4], 41 - delivered, "not delivered: {row}");
            assert_eq!(counts.iter().sum::<i64>(), 41, "{row}");
        }
        // One technology in detail, sorted by its users.
        let one = officer.get("/innsikt/fylker/18?teknologi=digitalt_tilsyn&sorter=brukere").await;
        assert_eq!(one.select("#kommunene-tabell thead th"), ["Kommune", "Levert", "Status", "Brukere", "Investering", "Leverandør"]);
        let users: Vec<i64> = one.select("#kommunene-tabell tbody td:nth-child(4)").iter().map(|u| u.replace(' ', "").parse().unwrap()).collect();
        assert!(users.windows(2).all(|w| w[0] >= w[1]), "most users first: {users:?}");
        assert_eq!(officer.get("/innsikt/fylker/18?teknologi=tull").await.status, StatusCode::BAD_REQUEST);

        // «Ikke startet» with 268 users is delivered as typed, and flagged for a check.
        app.login(BODO).await;
        let id = submission_id(&app, "Teknologistatus 2025", "1804").await;
        let mut fields = full_answer("1");
        for (k, v) in fields.iter_mut() {
            match k.as_str() {
                "digitalt_tilsyn_bruk" => *v = "Ikke startet".into(),
                "digitalt_tilsyn_brukere" => *v = "268".into(),
                _ => {}
            }
        }
        let sent = post_fields(&app, &format!("/rapportering/innleveringer/{id}"), &fields).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
        let page = officer.get("/innsikt/fylker/18").await;
        let bodo = page.select("#kommunene-tabell tbody tr").into_iter().find(|r| r.starts_with("Bodø")).unwrap();
        assert!(bodo.contains("Ikke startet (268) bør sjekkes"), "{bodo}");
        let checks = page.select("#sjekk + p + ul li");
        assert!(checks.contains(&"Bodø, Digitalt tilsyn: svart «Ikke startet», men oppgitt 268 brukere.".to_string()), "{checks:?}");
        let csv = officer.get("/innsikt/fylker/18/kommuner.csv").await.body;
        assert!(csv.lines().any(|l| l.starts_with("1804;") && l.contains("Digitalt tilsyn: svart «Ikke startet», men oppgitt 268")), "{csv}");
    }

    async fn amounts_never_break_over_two_lines(app) {
        app.login(NORDLAND).await;
        let page = app.get("/innsikt/fylker/18").await;
        assert!(page.body.contains("\u{a0}kr<"), "kroner joined by a no-break space");
        assert!(!page.body.contains(" kr<") && !page.body.contains("0 000"), "no ordinary space inside an amount");
    }

}

/// Norwegian order: æ, ø, å after z, case ignored.
fn norwegian(name: &str) -> Vec<u32> {
    name.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'æ' => 'z' as u32 + 1,
            'ø' => 'z' as u32 + 2,
            'å' => 'z' as u32 + 3,
            c => c as u32,
        })
        .collect()
}

/// The whole percents in a text ("12,3 %" → 12, "126 298,0 %" → 126 298), digits grouped by
/// spaces or no-break spaces.
fn percentages(text: &str) -> Vec<i64> {
    let spaces = [' ', '\u{a0}', '\u{202f}'];
    let mut out = Vec::new();
    for (at, _) in text.match_indices('%') {
        let before = text[..at].trim_end_matches(spaces);
        let tokens: Vec<&str> = before.split(spaces).collect();
        let Some(last) = tokens.last().map(|t| t.trim_start_matches(['(', '«'])) else { continue };
        let whole = last.split(',').next().unwrap_or_default();
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let mut digits = whole.to_string();
        for t in tokens[..tokens.len() - 1].iter().rev() {
            if digits.len() % 3 == 0
                && (1..=3).contains(&t.len())
                && t.bytes().all(|b| b.is_ascii_digit())
                && digits.len() >= 3
            {
                digits.insert_str(0, t);
            } else {
                break;
            }
        }
        out.extend(digits.parse::<i64>().ok());
    }
    out
}
