//! Grants: the published scheme tables from the source documents, the county distribution by a
//! weighted key, and an application from start to payment, with access kept to scope.

use crate::backends;
use crate::helpers::*;
use reqwest::StatusCode;
use samveis_domain::access::{Actor, Assignment, OrgUnit, Principal, Role, Scope};
use samveis_domain::registry::MunicipalityNumber;

/// The id of the scheme whose name contains `name_part`.
pub async fn scheme_id(app: &TestApp, name_part: &str) -> i64 {
    let part = name_part.to_string();
    app.db
        .run(move |conn| {
            let all = samveis::grants::store::schemes(conn)?;
            Ok::<_, samveis::db::StoreError>(all.into_iter().find(|s| s.name.contains(&part)).unwrap().id)
        })
        .await
        .unwrap()
}

/// Bodø's application to the example scheme, sent in; returns (scheme, application).
pub async fn bodo_sent_application(app: &TestApp) -> (i64, i64) {
    let scheme = scheme_id(app, "eksempelordning").await;
    let application = app
        .db
        .run(move |conn| {
            let bodo = MunicipalityNumber::parse("1804").unwrap();
            let actor = Actor {
                user_id: 0,
                assignments: vec![Assignment::new(Role::MunicipalEditor, Scope::Municipality(bodo.clone())).unwrap()],
            };
            let author = samveis::audit::Author::system("test");
            let now = chrono::Utc::now().naive_utc();
            let ctx = samveis::context::Ctx { who: Principal::User(actor), author, now };
            let id = samveis::grants::start_application(conn, &ctx, scheme, &OrgUnit::Municipality(bodo))?.id();
            // The example scheme requires a budget, a plan and the anchoring document.
            let upload = samveis::files::Upload { file_name: "vedtak.pdf".into(), bytes: b"%PDF-1.7 vedtak".to_vec() };
            samveis::grants::documents::attach(
                conn,
                &ctx,
                id,
                samveis::grants::documents::Purpose::Anchoring,
                &upload,
            )?;
            let form = samveis::grants::ApplicationForm {
                applied: "800 000".into(),
                purpose: "Innføre digitalt tilsyn".into(),
                declared_other_aid: "3 000 000".into(),
                budget: "Prosjektleder og opplæring".into(),
                plan: "Opplæring og utrulling i hjemmetjenesten".into(),
                ..Default::default()
            };
            let content = samveis::grants::ApplicationContent::try_from(&form)?;
            let save = samveis::grants::SaveApplication { version: 1, content, send: true };
            samveis::grants::save_application(conn, &ctx, id, &save)?;
            Ok::<_, samveis::error::AppError>(id)
        })
        .await
        .unwrap();
    (scheme, application)
}

backends! {
    async fn the_2023_ks_table_is_reproduced_from_the_records(app) {
        let id = scheme_id(&app, "KS: frikjøp").await;
        let page = app.get(&format!("/tilskudd/{id}")).await;
        assert_eq!(page.status, StatusCode::OK, "published figures need no login");
        let text = page.text();
        for figure in ["1 447 130 kr", "21 957 778 kr", "23 607 753 kr", "21 957 753 kr", "Grimstad 967 000 kr", "Sola 160 000 kr"] {
            assert!(text.contains(figure), "{figure} in {text}");
        }
        assert!(text.contains("Innvilget i alt 21 957 753 kr avviker fra fylkesfordelingen 21 957 778 kr med −25 kr."), "{text}");
        assert!(text.contains("Demodata"));
        let csv = app.get(&format!("/tilskudd/{id}/tilsagn.csv")).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert_eq!(csv.body.lines().count(), 12, "header and 11 counties: {}", csv.body);
        assert!(csv.body.contains("Kommunenettverket i Agder;Innvilget;1526000;1526000"), "{}", csv.body);
        let api = app.get(&format!("/api/v1/schemes/{id}")).await.json();
        assert_eq!(api["frames"][0]["granted_sum"], 21_957_753);
        assert_eq!(api["frames"][0]["key_sum"], 21_957_778);

        let y2015 = scheme_id(&app, "kap. 761, post 68), velferdsteknologi").await;
        let text = app.get(&format!("/tilskudd/{y2015}")).await.text();
        assert!(text.contains("Ramme 2015: 20 700 000 kr") && text.contains("50 medisindispensere, 25 helsesjekk, 25 GPS"), "{text}");
        assert_eq!(app.get("/api/v1/schemes").await.json().as_array().unwrap().len(), 3);
    }

    async fn the_programme_office_tries_and_saves_a_key(app) {
        let id = scheme_id(&app, "eksempelordning").await;
        let path = format!("/tilskudd/{id}/fordeling");
        let bodo = app.other_browser();
        bodo.login(BODO).await;
        assert_eq!(bodo.get(&path).await.status, StatusCode::FORBIDDEN);
        assert_eq!(bodo.post_form("/tilskudd/ny", &[("name", "x"), ("owner", "x"), ("recipients", "municipalities"), ("first_year", "2027")]).await.status, StatusCode::FORBIDDEN);
        app.login(ADMIN).await;
        let bad = app.post_form("/tilskudd/ny", &[("name", "Ny ordning"), ("owner", "Programkontoret"), ("recipients", "municipalities"), ("first_year", "2028"), ("last_year", "2027")]).await;
        assert!(bad.text().contains("Siste år kan ikke være før første år.") && bad.attr("#name", "value").as_deref() == Some("Ny ordning"));
        let both = app.post_form("/tilskudd/ny", &[("name", "Ny ordning"), ("owner", "Programkontoret"), ("recipients", "municipalities"), ("first_year", "2028"),
            ("authority", "helsedirektoratet"), ("decides", "fylke"), ("payment_terms", "Etter anmodning."), ("accept_by", "2028-02-30"), ("accept_weeks", "3")]).await;
        assert_eq!(both.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(both.text().contains("Frist for aksept «2028-02-30» er ikke en dato; skriv den som 15.5.2023 eller 2023-05-15."), "{}", both.text());
        assert_eq!(both.attr("#payment_terms", "value").or_else(|| Some(both.select("#payment_terms").join(""))).as_deref(), Some("Etter anmodning."), "what was typed stays");
        let unknown = app.post_form("/tilskudd/ny", &[("name", "Ny ordning"), ("owner", "Programkontoret"), ("recipients", "municipalities"), ("first_year", "2028"),
            ("authority", "fylkesmannen"), ("decides", "fylke")]).await;
        assert!(unknown.text().contains("Ukjent myndighet «fylkesmannen»."), "{}", unknown.text());
        let created = app.post_form("/tilskudd/ny", &[("name", "Ny ordning"), ("owner", "Programkontoret"), ("budget_chapter", "761"), ("budget_post", "68"), ("recipients", "municipalities"), ("first_year", "2028"),
            ("authority", "helsedirektoratet"), ("decides", "fylke"), ("legal_basis", "regelverket for ny ordning"), ("payment_terms", "Etter anmodning."), ("accept_weeks", "3")]).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
        let location = created.location.unwrap();
        assert!(location.ends_with("/fordeling"));
        let shown = app.get(location.trim_end_matches("/fordeling")).await.text();
        for typed in ["Statsforvalteren i søkerens fylke", "regelverket for ny ordning", "3 uker etter vedtaket", "Etter anmodning."] {
            assert!(shown.contains(typed), "{typed} on the scheme page: {shown}");
        }
        let tried = app.post_form(&path, &[("handling", "prov"), ("year", "2027"), ("amount", "1 000 001"), ("layout", "2024"),
            ("population_year", "2026"), ("mode", "key"), ("weights", "population=50,municipalities=50,equal=0")]).await;
        assert_eq!(tried.status, StatusCode::OK);
        assert!(tried.text().contains("Sum 1 000 001 kr"), "{}", tried.text());
        let bad = app.post_form(&path, &[("year", "2027"), ("amount", "1000000"), ("layout", "2024"), ("mode", "key"), ("weights", "population=50,municipalities=40"), ("population_year", "2026")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().contains("Vektene summerer til 90 %, ikke 100 %"), "{}", bad.text());
        assert_eq!(bad.attr("#amount", "value").as_deref(), Some("1000000"), "what was typed stays");
        let saved = app.post_form(&path, &[("year", "2027"), ("amount", "1 000 000"), ("layout", "2024"), ("mode", "key"), ("weights", "equal=100"), ("population_year", "")]).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
        let text = app.get(&format!("/tilskudd/{id}")).await.text();
        assert!(text.contains("Ramme 2027: 1 000 000 kr") && text.contains("Sum 1 000 000 kr"), "{text}");
        assert!(text.contains("Oslo 66 667 kr"), "15 counties, the leftover kroner to the lowest numbers: {text}");
        let api = app.get("/api/v1/distribution?frame=100&layout=2024&weights=equal%3D100").await.json();
        let sum: i64 = api.as_array().unwrap().iter().map(|r| r["amount"].as_i64().unwrap()).sum();
        assert_eq!(sum, 100);
        assert!(app.get("/admin/logg").await.text().contains("lagret ramme"));
    }

    async fn an_application_goes_from_draft_to_payment(app) {
        let scheme = scheme_id(&app, "eksempelordning").await;
        app.login(BODO).await;
        let list = app.get("/tilskudd/soknader").await;
        assert!(list.text().contains("Ny søknad"));
        let started = app.post_form("/tilskudd/soknader/ny", &[("scheme", &scheme.to_string()), ("unit", "kommune:1804")]).await;
        assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.text());
        let path = started.location.unwrap();
        let bad = app.post_form(&path, &[("version", "1"), ("handling", "lagre"), ("applied", "12 tusen"), ("purpose", "Innføre digitalt tilsyn")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().contains("Søkt beløp: «12 tusen» er ikke et beløp i hele kroner."), "{}", bad.text());
        assert_eq!(bad.attr("#purpose", "value").or_else(|| Some(bad.select("#purpose").join(""))).as_deref(), Some("Innføre digitalt tilsyn"));
        let no_purpose = app.post_form(&path, &[("version", "1"), ("handling", "send"), ("applied", "800 000")]).await;
        assert!(no_purpose.text().contains("Formålet mangler."));
        let anchoring = app.post_file(&format!("{path}/dokument"), &[], "kommunestyrevedtak.pdf", b"%PDF-1.7 vedtak").await;
        assert_eq!(anchoring.status, StatusCode::SEE_OTHER, "{}", anchoring.text());
        let wrong = app.post_file(&format!("{path}/dokument"), &[], "vedtak.exe", b"MZ").await;
        assert!(wrong.text().contains("«vedtak.exe» har en filtype som ikke tas imot"), "{}", wrong.text());
        let sent = app.post_form(&path, &[("version", "1"), ("handling", "send"), ("applied", "800 000"), ("own_financing", "0"),
            ("purpose", "Forprosjekt og kartlegging"), ("budget", "Innkjøp av sensorer"), ("plan", "Opplæring og utrulling")]).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
        let stale = app.post_form(&path, &[("version", "1"), ("handling", "lagre"), ("purpose", "x")]).await;
        assert_eq!(stale.status, StatusCode::FORBIDDEN, "a sent application is no longer the applicant's to change");

        let agder = app.other_browser();
        agder.login(AGDER).await;
        assert_eq!(agder.get(&path).await.status, StatusCode::FORBIDDEN);
        // Not decided: nothing of it is published, and not even the admin changes what was sent.
        let public = app.other_browser().get(&format!("/api/v1/schemes/{scheme}")).await.body;
        assert!(!public.contains("Forprosjekt og kartlegging") && !public.contains("Innkjøp av sensorer"), "{public}");
        let admin = app.other_browser();
        admin.login(ADMIN).await;
        let changed = admin.post_form(&path, &[("version", "2"), ("handling", "lagre"), ("purpose", "Endret")]).await;
        assert!(changed.text().contains("Søknaden er sendt inn og kan ikke endres."), "{}", changed.text());
        let officer = app.other_browser();
        officer.login(NORDLAND).await;
        let queue = officer.get("/tilskudd/soknader").await.text();
        assert!(queue.contains("Søknader i ditt område") && queue.contains("Bodø") && queue.contains("Sendt inn"), "{queue}");
        let doc = officer.get(&path).await.attr("a[href*='/dokument/']", "href").expect("the anchoring document is listed");
        assert_eq!(officer.get(&doc).await.body, "%PDF-1.7 vedtak");
        assert_eq!(agder.get(&doc).await.status, StatusCode::FORBIDDEN);
        let page = officer.get(&path).await.text();
        for warning in ["ingen egenfinansiering", "bare utredning eller planlegging", "innkjøp av utstyr", "Anskaffelse er ikke beskrevet"] {
            assert!(page.contains(warning), "{warning} in {page}");
        }
        let version = officer.get(&path).await.attr("form[action$='/vedtak'] input[name=version]", "value").unwrap();
        let too_much = officer.post_form(&format!("{path}/vedtak"), &[("version", &version), ("outcome", "innvilg"), ("granted", "500 000"),
            ("aid_type", "not_state_aid"), ("sub_allocations", "1841;600000")]).await;
        assert_eq!(too_much.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(too_much.text().contains("Videre fordeling (600 000 kr) er mer enn innvilget beløp (500 000 kr)."), "{}", too_much.text());
        let decided = officer.post_form(&format!("{path}/vedtak"), &[("version", &version), ("outcome", "innvilg"), ("granted", "500 000"),
            ("aid_type", "not_state_aid"), ("conditions", "Rapporter i statusrapportene."),
            ("mal_antall_1", "50"), ("mal_teknologi_1", "medisineringsstotte"), ("mal_enhet_1", "stk"), ("mal_frist_1", "31.12.2027"),
            ("mal_antall_2", "25"), ("mal_teknologi_2", "lokalisering"), ("mal_enhet_2", "stk"),
            ("sub_allocations", "1841;100000")]).await;
        assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.text());
        assert!(agder.post_form(&format!("{path}/bokforing"), &[("kind", "paid"), ("amount", "1"), ("date", "2027-01-01")]).await.status == StatusCode::FORBIDDEN);

        // The target figures follow the municipality into its reports.
        let report = crate::reporting::submission_id(&app, "Teknologistatus 2025", "1804").await;
        let report_page = app.get(&format!("/rapportering/innleveringer/{report}")).await.text();
        assert!(report_page.contains("Måltall fra tilsagn") && report_page.contains("50 stk Elektronisk medisineringsstøtte (Velferdsteknologi i kommunene 2027"), "{report_page}");
        let pdf = app.get_bytes(&format!("{path}/tilskuddsbrev.pdf")).await;
        let text = crate::letters::pdf_text(&pdf);
        for needle in ["Vedtak om tilskudd", "500 000 kr", "Bodø kommune", "Statsforvalteren i Nordland", "Vår referanse", "Med hilsen", "50 stk Elektronisk medisineringsstøtte (frist 31. desember 2027)", "Fauske-Fuosko: 100 000 kr", "Rapportering", "Aksept", "Klagerett"] {
            assert!(text.contains(&needle.split_whitespace().collect::<Vec<_>>().join(" ")), "{needle} in the letter: {text}");
        }
        assert_eq!(agder.get(&format!("{path}/tilskuddsbrev.pdf")).await.status, StatusCode::FORBIDDEN);
        let accepted = app.post_form(&format!("{path}/aksept"), &[]).await;
        assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.text());
        // The recipient asks for a payment with an invoice; the county approves and pays it.
        let ask = |amount: &'static str, invoice: &'static str, fin: bool| {
            let mut f = vec![("amount", amount), ("invoice_number", invoice), ("invoice_date", "2027-02-01"), ("project_code", "VT-27"),
                ("costs_to_date", "150 000"), ("status_text", "I rute")];
            if fin { f.push(("final_payment", "ja")); }
            f
        };
        let too_much = app.post_form(&format!("{path}/utbetaling"), &ask("600 000", "2027-17", false)).await;
        assert_eq!(too_much.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(too_much.text().contains("mer enn det som gjenstår av tilskuddet etter ubehandlede anmodninger (500 000 kr)"), "{}", too_much.text());
        assert_eq!(too_much.attr("#req-amount", "value").as_deref(), Some("600 000"), "what was typed stays");
        let asked = app.post_form(&format!("{path}/utbetaling"), &ask("100 000", "2027-17", false)).await;
        assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.text());
        assert_eq!(agder.post_form(&format!("{path}/utbetaling/1"), &[("handling", "godkjenn"), ("version", "1")]).await.status, StatusCode::FORBIDDEN);
        let request = officer.get(&path).await.attr("form[action*='/utbetaling/']", "action").unwrap();
        assert_eq!(officer.post_form(&request, &[("handling", "utbetal"), ("version", "1")]).await.status, StatusCode::UNPROCESSABLE_ENTITY, "approve first");
        assert_eq!(officer.post_form(&request, &[("handling", "godkjenn"), ("version", "1")]).await.status, StatusCode::SEE_OTHER);
        let year = chrono::Datelike::year(&app.now());
        let paid_indicator = format!("/api/v1/indikatorer/tilskudd_paid?niva=land&periode={year}");
        let paid_total = |json: serde_json::Value| json["total"]["value"].as_f64().unwrap_or(0.0);
        let paid_before = paid_total(app.get(&paid_indicator).await.json());
        let authoriser = crate::four_eyes::second_officer(&app).await; // not the attester (four eyes)
        assert_eq!(authoriser.post_form(&request, &[("handling", "utbetal"), ("version", "2")]).await.status, StatusCode::SEE_OTHER);
        assert!(app.get(&path).await.text().contains("utbetalt 100 000 kr · gjenstår 400 000 kr"));
        assert_eq!(paid_total(app.get(&paid_indicator).await.json()), paid_before + 100_000.0, "the ledger counts at once");
        let last = app.post_form(&format!("{path}/utbetaling"), &ask("50 000", "2027-18", true)).await;
        assert_eq!(last.status, StatusCode::SEE_OTHER);
        let after_final = app.post_form(&format!("{path}/utbetaling"), &ask("1 000", "2027-19", false)).await;
        assert!(after_final.text().contains("Sluttutbetalingen er allerede bedt om"), "{}", after_final.text());
        let final_request = officer.get(&path).await.attr("form[action*='/utbetaling/']", "action").unwrap();
        let returned = officer.post_form(&final_request, &[("handling", "returner"), ("version", "1"), ("kommentar", "Mangler utskrift av prosjektregnskapet")]).await;
        assert_eq!(returned.status, StatusCode::SEE_OTHER);
        assert!(app.get(&path).await.text().contains("Sendt tilbake: Mangler utskrift av prosjektregnskapet"));
        officer.post_form(&format!("{path}/bokforing"), &[("reverse", &officer.get(&path).await.attr("input[name=reverse]", "value").unwrap())]).await;

        let beyond = officer.post_form(&format!("{path}/bokforing"), &[("kind", "paid"), ("amount", "600 000"), ("date", "2027-02-01")]).await;
        assert_eq!(beyond.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(beyond.text().contains("Utbetalingen på 600 000 kr er større enn det som gjenstår av tilskuddet (500 000 kr)"), "{}", beyond.text());
        let paid = officer.post_form(&format!("{path}/bokforing"), &[("kind", "paid"), ("amount", "300 000"), ("date", "2027-02-01"), ("note", "Faktura 2027-17")]).await;
        assert_eq!(paid.status, StatusCode::SEE_OTHER);
        let page = app.get(&path).await.text();
        assert!(page.contains("Innvilget 500 000 kr · utbetalt 300 000 kr · gjenstår 200 000 kr"), "{page}");
        assert!(page.contains("Elektronisk medisineringsstøtte") && page.contains("Fauske"), "{page}");
        let entry = officer.get(&path).await.attr("input[name=reverse]", "value").unwrap();
        let reversed = officer.post_form(&format!("{path}/bokforing"), &[("reverse", &entry)]).await;
        assert_eq!(reversed.status, StatusCode::SEE_OTHER);
        assert!(app.get(&path).await.text().contains("utbetalt 0 kr · gjenstår 500 000 kr"));
        let again = officer.post_form(&format!("{path}/bokforing"), &[("reverse", &entry)]).await;
        assert!(again.text().contains("allerede en tilbakeføring eller tilbakeført"));

        // The ledger itself refuses changes: entries are only ever added.
        let tampered = app.db.run(|conn| {
            use diesel::RunQueryDsl;
            let update = diesel::sql_query("UPDATE ledger_entries SET amount = 1").execute(conn).is_err();
            let delete = diesel::sql_query("DELETE FROM ledger_entries").execute(conn).is_err();
            Ok::<_, samveis::db::StoreError>((update, delete))
        }).await.unwrap();
        assert_eq!(tampered, (true, true));

        let table = app.get(&format!("/tilskudd/{scheme}")).await.text();
        assert!(table.contains("Nordland 2 371 138 kr 800 000 kr 500 000 kr −1 871 138 kr") && table.contains("Fauske-Fuosko 100 000 kr"), "{table}");
        assert!(!table.contains("Tallene stemmer ikke overens"), "an open scheme is still being decided: {table}");
        let api = app.get(&format!("/api/v1/applications/{}", path.rsplit('/').next().unwrap())).await.json();
        assert_eq!(api["balance"]["granted"], 500_000);
        assert_eq!(api["ledger"].as_array().unwrap().len(), 5, "granted, paid on request, its reversal, paid, its reversal");
        let log = officer.get("/admin/logg").await;
        assert_ne!(log.status, StatusCode::OK, "the whole trail is the admin's");
    }

    async fn de_minimis_aid_beyond_the_ceiling_needs_a_confirmation(app) {
        let (_, id) = bodo_sent_application(&app).await;
        let path = format!("/tilskudd/soknader/{id}");
        app.login(NORDLAND).await;
        let page = app.get(&path).await;
        assert!(page.text().contains("erklært 3 000 000 kr, denne saken 800 000 kr; i alt 3 800 000 kr mot taket 3 450 000 kr – over taket"), "{}", page.text());
        let version = page.attr("form[action$='/vedtak'] input[name=version]", "value").unwrap();
        let form = [("version", version.as_str()), ("outcome", "innvilg"), ("granted", "800 000"), ("aid_type", "de_minimis")];
        let refused = app.post_form(&format!("{path}/vedtak"), &form).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains("over taket på 3 450 000 kr. Kryss av for å bekrefte"), "{}", refused.text());
        let mut confirmed = form.to_vec();
        confirmed.push(("confirm_de_minimis", "ja"));
        assert_eq!(app.post_form(&format!("{path}/vedtak"), &confirmed).await.status, StatusCode::SEE_OTHER);
        assert!(app.get(&path).await.text().contains("Bagatellmessig støtte (de minimis)"));
        // Bodø accepts by uploading the signed letter.
        let bodo = app.other_browser();
        bodo.login(BODO).await;
        let signed = bodo.post_file(&format!("{path}/signert"), &[], "signert.pdf", b"%PDF-1.7 signert").await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.text());
        let page = bodo.get(&path).await.text();
        assert!(page.contains("Signert tilskuddsbrev: signert.pdf") && !page.contains("Akseptert Ikke ennå"), "{page}");
        let list = bodo.get(&format!("/api/v1/applications?scheme={}", scheme_id(&app, "eksempelordning").await)).await.json();
        assert!(list.as_array().unwrap().iter().all(|a| a["applicant_id"] == "1804"), "only its own: {list}");
    }

    async fn the_same_invoice_is_asked_to_be_paid_once(app) {
        let (_, id) = granted_and_accepted(&app).await;
        let path = format!("/tilskudd/soknader/{id}/utbetaling");
        let ask = |invoice: &'static str| [("amount", "10 000"), ("invoice_number", invoice), ("invoice_date", "2027-02-01"),
            ("project_code", "VT-27"), ("costs_to_date", "0"), ("status_text", "I rute")];
        assert_eq!(app.post_form(&path, &ask("F-1")).await.status, StatusCode::SEE_OTHER);
        let again = app.post_form(&path, &ask("F-1")).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", again.text());
        let message = "Faktura «F-1» er allerede sendt i en anmodning om utbetaling for dette tilskuddet (status: sendt).";
        assert!(again.text().contains(message), "{}", again.text());
        assert_eq!(again.attr("#req-invoice", "value").as_deref(), Some("F-1"), "what was typed stays");
        assert_eq!(again.attr("#req-invoice", "aria-invalid").as_deref(), Some("true"));
        assert!(again.select("#req-invoice-feil").join("").contains(message), "the message is on the field: {}", again.body);
        assert_eq!(again.attr("#req-status", "value").or_else(|| Some(again.select("#req-status").join(""))).as_deref(), Some("I rute"));
        assert_eq!(requests(&app, id).await, 1);

        // Twice at once (a double click): one is sent, the other refused.
        let app = std::sync::Arc::new(app);
        let send = || {
            let (app, path) = (app.clone(), path.clone());
            tokio::spawn(async move { app.post_form(&path, &ask("F-2")).await })
        };
        let (a, b) = (send(), send());
        let (a, b) = (a.await.unwrap(), b.await.unwrap());
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::UNPROCESSABLE_ENTITY], "{}{}", a.text(), b.text());
        let refused = if a.status == StatusCode::SEE_OTHER { b } else { a };
        assert!(refused.text().contains("Faktura «F-2» er allerede sendt"), "{}", refused.text());
        assert_eq!(requests(&app, id).await, 2);

        // Once the county returns a request, its invoice may be sent again, corrected.
        let officer = app.other_browser();
        officer.login(NORDLAND).await;
        let first = officer.get(&format!("/tilskudd/soknader/{id}")).await.attr("form[action*='/utbetaling/']", "action").unwrap();
        let returned = officer.post_form(&first, &[("handling", "returner"), ("version", "1"), ("kommentar", "Feil beløp")]).await;
        assert_eq!(returned.status, StatusCode::SEE_OTHER, "{}", returned.text());
        assert_eq!(app.post_form(&path, &ask("F-1")).await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.post_form(&path, &ask("F-1")).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(requests(&app, id).await, 3);
    }

    async fn two_decisions_on_one_application_at_once_give_one_409(app) {
        let officers = std::sync::Arc::new([app.other_browser(), app.other_browser()]);
        for officer in officers.iter() {
            officer.login(NORDLAND).await;
        }
        for round in 0..3 {
            let (_, id) = bodo_sent_application(&app).await;
            let path = format!("/tilskudd/soknader/{id}");
            let version = officers[0].get(&path).await.attr("form[action$='/vedtak'] input[name=version]", "value").unwrap();
            let decide = |n: usize, granted: &'static str| {
                let (officers, path, version) = (officers.clone(), path.clone(), version.clone());
                tokio::spawn(async move {
                    let form = [("version", version.as_str()), ("outcome", "innvilg"), ("granted", granted), ("aid_type", "not_state_aid"),
                        ("conditions", "Rapporter i statusrapportene.")];
                    officers[n].post_form(&format!("{path}/vedtak"), &form).await
                })
            };
            let (a, b) = (decide(0, "500 000"), decide(1, "400 000"));
            let (a, b) = (a.await.unwrap(), b.await.unwrap());
            let mut statuses = [a.status, b.status];
            statuses.sort();
            assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT], "round {round}: {}{}", a.text(), b.text());
            let lost = if a.status == StatusCode::CONFLICT { a } else { b };
            assert!(lost.text().contains("Noen andre har lagret endringer i mellomtiden"), "{}", lost.text());
            assert!(lost.text().contains("Bodø") && lost.text().contains("Innvilget"), "the application page again, with the decision made: {}", lost.text());
        }
    }

    async fn a_file_of_historic_grants_is_imported_once(app) {
        let scheme = scheme_id(&app, "eksempelordning").await;
        let file = format!("scheme_id,year,recipient,granted_nok,target_figures_text,decided_on,reference\n\
            {scheme},2027,Bodø,500 000,,2027-03-01,KS 1\n{scheme},2027,1515,100000,,,\n");
        let import = |text: String| async {
            app.db.run(move |conn| {
                let ctx = samveis::context::Ctx::system("import av historiske tilskudd", chrono::Utc::now().naive_utc());
                samveis::grants::import::historic_file(conn, &ctx, &text, false)
            }).await.unwrap()
        };
        let before = app.count("ledger_entries").await;
        assert_eq!(import(file.clone()).await.unwrap(), 2);
        let problems = import(format!("{file}{scheme},2027,1804,1000,,,KS 2\n")).await.unwrap_err();
        let rows: Vec<_> = problems.iter().map(|p| (p.row, p.message.as_str())).collect();
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0].0, 2);
        assert!(rows[0].1.contains("tilsagnet til Bodø (1804) for 2027 med referanse «KS 1» er allerede importert"), "{rows:?}");
        assert_eq!(rows[1].0, 3);
        assert!(rows[1].1.contains("for 2027 uten referanse er allerede importert"), "{rows:?}");
        assert_eq!(app.count("ledger_entries").await, before + 2, "nothing of the second run, not even its new row");
        let twice = import(format!("scheme_id,year,recipient,granted_nok\n{scheme},2027,1804,1000\n{scheme},2027,Bodø,2000\n")).await.unwrap_err();
        assert_eq!(twice.len(), 1, "{twice:?}");
        assert!(twice[0].row == 3 && twice[0].message.contains("står også på rad 2"), "{twice:?}");
    }
}

/// Bodø's application granted 500 000 kr by Nordland and accepted; returns (scheme, application),
/// with the test app logged in as Bodø.
pub async fn granted_and_accepted(app: &TestApp) -> (i64, i64) {
    let (scheme, id) = bodo_sent_application(app).await;
    let path = format!("/tilskudd/soknader/{id}");
    let officer = app.other_browser();
    officer.login(NORDLAND).await;
    let version = officer.get(&path).await.attr("form[action$='/vedtak'] input[name=version]", "value").unwrap();
    let decided = officer
        .post_form(
            &format!("{path}/vedtak"),
            &[("version", &version), ("outcome", "innvilg"), ("granted", "500 000"), ("aid_type", "not_state_aid")],
        )
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.text());
    app.login(BODO).await;
    assert_eq!(app.post_form(&format!("{path}/aksept"), &[]).await.status, StatusCode::SEE_OTHER);
    (scheme, id)
}

async fn requests(app: &TestApp, id: i64) -> usize {
    app.db.run(move |conn| samveis::grants::payments::of_application(conn, id)).await.unwrap().len()
}
