//! Registry pages and API: layouts, counts, search, formatting.

use crate::backends;
use reqwest::StatusCode;

backends! {
    async fn each_layout_has_its_counties_and_municipalities(app) {
        for (layout, counties, municipalities) in [(2024, 15, 357), (2020, 11, 356), (2015, 19, 428)] {
            let list = app.get(&format!("/api/v1/counties?layout={layout}")).await.json();
            let list = list.as_array().unwrap();
            assert_eq!(list.len(), counties, "{layout}");
            let sum: i64 = list.iter().map(|c| c["municipality_count"].as_i64().unwrap()).sum();
            assert_eq!(sum, municipalities, "{layout}");
            let all = app.get(&format!("/api/v1/municipalities?layout={layout}")).await.json();
            assert_eq!(all.as_array().unwrap().len() as i64, municipalities);
        }
        let nordland = app.get("/api/v1/municipalities?layout=2024&county=18").await.json();
        assert_eq!(nordland.as_array().unwrap().len(), 41);
        assert!(nordland.as_array().unwrap().iter().all(|m| m["county_number"] == "18"));
    }

    async fn municipality_list_filters_searches_and_sorts(app) {
        let page = app.get("/kommuner").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.select("tbody tr").len(), 357);
        assert!(page.text().contains("357 kommuner med til sammen 5 627 400 innbyggere (1. januar 2026)"), "{}", page.text());
        for query in ["guovda", "Kautokeino"] {
            let hits = app.get(&format!("/kommuner?q={query}")).await;
            let rows = hits.select("tbody tr td:first-child");
            assert_eq!(rows, ["5612"], "{query}");
        }
        let small_nordland = app.get("/kommuner?fylke=18&storrelse=stor").await;
        let names = small_nordland.select("tbody tr td:nth-child(2) a");
        assert_eq!(names, ["Bodø", "Narvik", "Rana"]);
        let by_population = app.get("/kommuner?sorter=innbyggere&retning=synkende").await;
        assert_eq!(by_population.select("tbody tr td:nth-child(2) a")[0], "Oslo-Oslove");
        assert!(by_population.attr("th[aria-sort=descending] a", "href").is_some());
        let old = app.get("/kommuner?inndeling=2015").await;
        assert_eq!(old.select("tbody tr").len(), 428);
    }

    async fn the_search_finds_every_name_form_in_any_order_and_former_municipalities(app) {
        for (query, number) in [
            ("Oslove-Oslo", "0301"),
            ("porsangu kommune", "5622"),
            ("KAUTOKEINO - GUOVDAGEAIDNU", "5612"),
            ("Gaivuotna Kaivuono", "5540"),
            ("Rosse", "5025"),
            ("bodo", "1804"),
            ("Voss kommune", "4621"),
        ] {
            let rows = app.get(&format!("/kommuner?q={query}")).await.select("tbody tr td:first-child");
            assert_eq!(rows, [number], "{query}");
        }
        let fauske_2020 = app.get("/kommuner?inndeling=2020&q=Fuosko").await.select("tbody tr td:first-child");
        assert_eq!(fauske_2020, ["1841"], "2024's Sami form finds the same Fauske in 2020");
        let one = app.get("/kommuner?inndeling=2020&q=Røros").await.text();
        assert!(one.contains("1 kommune med til sammen"), "one is singular: {one}");
        let heroy = app.get("/kommuner?q=Herøy").await.select("tbody tr td:first-child");
        assert_eq!(heroy, ["1515", "1818"], "both, never one guessed");

        let tjome = app.get("/kommuner?q=Tjøme").await;
        assert!(tjome.select("tbody tr").is_empty());
        let text = tjome.text();
        assert!(text.contains("Ingen kommuner i 2024-inndelingen passer til søket"), "{text}");
        assert!(
            text.contains("Tjøme (0723) var en kommune i 2015-inndelingen. 2015 (1. januar 2015): Tjøme (0723) → 2020 (1. januar 2020): Færder (3811) → 2024 (1. januar 2024): Færder (3911)."),
            "{text}"
        );
        let tysfjord = app.get("/kommuner?q=tysfjord").await.text();
        assert!(tysfjord.contains("Tysfjord (1850, delt) → 2020 (1. januar 2020): Narvik (1806), Hábmer - Hamarøy (1875)"), "{tysfjord}");
        let notteroy = app.get("/kommuner?q=Nøtterøy").await.text();
        assert!(notteroy.contains("Nøtterøy (0722) var en kommune i 2015-inndelingen"), "{notteroy}");
        let bodo = app.get("/kommuner?q=Bodø").await.text();
        assert!(!bodo.contains("Kommuner i andre inndelinger"), "the same Bodø in every layout: {bodo}");
        let faerder_2015 = app.get("/kommuner?inndeling=2015&q=Færder").await.text();
        assert!(faerder_2015.contains("Færder (3911) er en kommune i 2024-inndelingen"), "{faerder_2015}");
    }

    async fn a_municipality_page_shows_the_official_name_its_forms_and_its_lineage(app) {
        let roros = app.get("/kommuner/5025?inndeling=2020").await;
        assert_eq!(roros.select("h1"), ["Rosse - Røros kommune"], "as SSB writes it for 2020");
        assert!(roros.text().contains("Navneformer Rosse, Røros Norsk navn Røros Fylke"), "{}", roros.text());
        let roros_now = app.get("/kommuner/5025").await.text();
        assert!(roros_now.contains("Navn i andre inndelinger Rosse - Røros"), "{roros_now}");
        let kafjord = app.get("/kommuner/5540").await.text();
        assert!(kafjord.contains("Navneformer Gáivuotna, Kåfjord, Kaivuono"), "{kafjord}");
        let faerder = app.get("/kommuner/3911").await;
        let steps = faerder.select(".table-wrap[aria-label=Kommunehistorikk] tbody tr");
        assert_eq!(
            steps,
            [
                "2015 1. januar 2015 Nøtterøy (0722) , Tjøme (0723)",
                "2020 1. januar 2020 Færder (3811)",
                "2024 1. januar 2024 Færder (3911)"
            ]
        );
        let tysfjord = app.get("/kommuner/1850?inndeling=2015").await;
        let steps = tysfjord.select(".table-wrap[aria-label=Kommunehistorikk] tbody tr");
        assert_eq!(steps[0], "2015 1. januar 2015 Tysfjord (1850) – delt");
        assert!(steps[2].contains("Narvik (1806)") && steps[2].contains("Hamarøy (1875)"), "{steps:?}");
    }

    async fn bad_filter_values_are_named(app) {
        let page = app.get("/kommuner?inndeling=2019").await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert!(page.text().contains("2019"), "{}", page.text());
        let page = app.get("/kommuner?storrelse=enorm").await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert!(page.text().contains("enorm"));
        let api = app.get("/api/v1/municipalities?layout=1999").await;
        assert_eq!(api.status, StatusCode::BAD_REQUEST);
        assert!(api.json()["message"].as_str().unwrap().contains("1999"));
    }

    async fn a_municipality_shows_county_population_collaborations_and_history(app) {
        let bodo = app.get("/kommuner/1804").await;
        assert_eq!(bodo.status, StatusCode::OK);
        let text = bodo.text();
        assert!(text.contains("Nordland"), "{text}");
        assert!(text.contains("Stor"));
        for year in ["2024", "2025", "2026"] {
            assert!(text.contains(year));
        }
        let old = app.get("/kommuner/1850?inndeling=2015").await.text();
        assert!(old.contains("Tysfjord"));
        assert!(old.contains("Narvik (1806)") && old.contains("Hamarøy (1875)"), "{old}");
        assert!(old.contains("RKK Ofoten"), "Tysfjord was in RKK Ofoten: {old}");
        let api = app.get("/api/v1/municipalities/1804").await.json();
        assert_eq!(api["name"], "Bodø");
        assert_eq!(api["size_class"], "large");
        assert_eq!(api["population_by_year"].as_array().unwrap().len(), 3);
        assert_eq!(app.get("/kommuner/9999").await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/api/v1/municipalities/1850").await.status, StatusCode::NOT_FOUND);
    }

    async fn counties_sum_their_municipalities(app) {
        let page = app.get("/fylker").await;
        assert!(page.text().contains("Statsforvalteren i Oslo og Viken"));
        assert!(page.text().contains("5 627 400"), "national sum in the footer");
        let nordland = app.get("/fylker/18?inndeling=2020").await;
        assert_eq!(nordland.status, StatusCode::OK);
        assert!(!nordland.select("table").is_empty());
        assert!(nordland.text().contains("Antall kommuner 41"), "{}", nordland.text());
        let finnmark_2015 = app.get("/fylker/20?inndeling=2015").await;
        assert!(finnmark_2015.text().contains("Finnmark"));
        assert_eq!(app.get("/fylker/20").await.status, StatusCode::NOT_FOUND, "no county 20 in 2024");
    }

    async fn a_county_lists_the_collaborations_valid_now_whatever_their_layout(app) {
        // The Nordland RKKs were registered on the 2015 layout; /samarbeid shows them active.
        let list = app.get("/samarbeid?status=aktive").await;
        let doc = scraper::Html::parse_document(&list.body);
        let row = scraper::Selector::parse("tbody tr").unwrap();
        let link = scraper::Selector::parse("td a").unwrap();
        let active_in_nordland: Vec<String> = doc
            .select(&row)
            .filter_map(|r| {
                let links: Vec<_> = r.select(&link).collect();
                let host = links.get(1)?.value().attr("href")?;
                host.starts_with("/kommuner/18").then(|| links[0].text().collect::<String>())
            })
            .collect();
        assert!(active_in_nordland.len() >= 7, "the seven RKKs at least: {active_in_nordland:?}");
        let county = app.get("/fylker/18").await;
        assert_eq!(county.status, StatusCode::OK);
        let shown = county.select("tbody tr td:first-child a");
        for name in &active_in_nordland {
            assert!(shown.contains(name), "{name} on /fylker/18: {shown:?}");
        }
        assert!(!county.text().contains("Ingen gjeldende samarbeid"), "{}", county.text());
        let ended = "Kommunenettverk for velferdsteknologi – Nordland";
        assert!(!shown.iter().any(|n| n == ended), "an ended collaboration is not valid now: {shown:?}");
        assert!(county.select("tbody tr td:last-child").iter().filter(|s| s.contains("Avsluttet")).count() == 0);
        // The same on the layout they were registered in, and not in a county they are not in.
        let old = app.get("/fylker/18?inndeling=2015").await.select("tbody tr td:first-child a");
        assert!(old.contains(&"RKK Salten".to_string()), "{old:?}");
        let oslo = app.get("/fylker/03").await.select("tbody tr td:first-child a");
        assert!(!oslo.contains(&"RKK Salten".to_string()), "{oslo:?}");
    }

    async fn collaborations_list_and_show_members(app) {
        let page = app.get("/samarbeid?type=regional_council").await;
        assert_eq!(page.select("tbody tr").len(), 7, "the seven Nordland RKKs of 2018");
        let id = app.collaboration_id("RKK Salten").await;
        let salten = app.get(&format!("/samarbeid/{id}")).await.text();
        assert!(salten.contains("Fauske") && salten.contains("Meløy") && salten.contains("Deltakerkommuner (7)"), "{salten}");
        let api = app.get(&format!("/api/v1/collaborations/{id}")).await.json();
        assert_eq!(api["members"].as_array().unwrap().len(), 7);
        assert_eq!(api["host_office"], "nordland");
        let varnes = app.collaboration_id("Værnes-regionen").await;
        let members = app.get(&format!("/api/v1/collaborations/{varnes}")).await.json();
        assert_eq!(members["members"].as_array().unwrap().len(), 5, "Selbu and Tydal across the county line");
    }

    async fn pages_carry_security_headers_and_health_answers(app) {
        let page = app.get("/").await;
        let h = &page.headers;
        assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(h.contains_key("referrer-policy"));
        assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
        let openapi = app.get("/api/openapi.json").await.json();
        assert!(openapi["openapi"].as_str().unwrap().starts_with("3."));
        for path in ["/api/v1/counties", "/api/v1/municipalities", "/api/v1/municipalities/{number}", "/api/v1/collaborations", "/api/v1/collaborations/{id}"] {
            assert!(openapi["paths"][path].is_object(), "{path} in OpenAPI");
        }
        let css = app.get("/static/ds/designsystemet.css").await;
        assert_eq!(css.status, StatusCode::OK);
    }
}
