//! Grant forms (issue #13, items 6 and 9): target figures typed as rows with Norwegian dates
//! and the historic texts kept verbatim beside their rows; the application form's errors per
//! field with an error summary, the scheme's requirements and deadline, one draft per applicant
//! and year that can be deleted, and the decision beyond the county's frame justified.

use crate::backends;
use crate::grants::{bodo_sent_application, scheme_id};
use crate::helpers::*;
use reqwest::StatusCode;

/// Gives a scheme an application deadline (the demo's example scheme has none).
async fn set_deadline(app: &TestApp, scheme: i64, deadline: chrono::NaiveDate) {
    app.db
        .run(move |conn| {
            use diesel::prelude::*;
            use samveis::db::schema::grant_schemes;
            let updated = diesel::update(grant_schemes::table.find(scheme))
                .set(grant_schemes::application_deadline.eq(Some(deadline)))
                .execute(conn)?;
            Ok::<_, samveis::db::StoreError>(updated)
        })
        .await
        .unwrap();
}

async fn decision_of(app: &TestApp, id: i64) -> samveis::grants::store::Decision {
    app.db.run(move |conn| samveis::grants::store::decision_of_application(conn, id)).await.unwrap().unwrap()
}

/// The officer's view of an application and the version its decision form carries.
async fn decision_form(officer: &TestApp, path: &str) -> (Page, String) {
    let page = officer.get(path).await;
    let version = page.attr("form[action$='/vedtak'] input[name=version]", "value").unwrap();
    (page, version)
}

/// Asserts that a field carries its message: `aria-invalid`, described by the message, and a
/// link to it in the error summary, which is focused and named in the title.
fn assert_refused_on(page: &Page, field: &str, message: &str) {
    assert_eq!(page.attr(&format!("#{field}"), "aria-invalid").as_deref(), Some("true"), "{field}: {}", page.body);
    let described = page.attr(&format!("#{field}"), "aria-describedby").unwrap_or_default();
    assert!(described.contains(&format!("{field}-feil")), "{field} is described by its message: {described}");
    let on_field = page.select(&format!("#{field}-feil")).join(" ");
    assert!(on_field.contains(message), "«{message}» on {field}: «{on_field}»");
    let linked = page.select(&format!(".ds-error-summary a[href='#{field}']")).join(" ");
    assert!(linked.contains(message), "«{message}» in the summary, linked to {field}: «{linked}»");
    assert!(page.attr(".ds-error-summary", "autofocus").is_some(), "the summary takes the focus");
    assert_eq!(page.attr(".ds-error-summary", "tabindex").as_deref(), Some("-1"));
    assert!(page.select("title").join("").starts_with("Feil: "), "the title says so: {:?}", page.select("title"));
}

backends! {
    async fn who_may_apply_is_settled_before_the_scheme_is_told(app) {
        app.login(VIEWER).await;
        let page = app.post_form("/tilskudd/soknader/ny", &[("scheme", "1"), ("unit", "kommune:1804")]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.text());
        assert!(!page.text().contains("avsluttet"), "a viewer learns nothing about the scheme: {}", page.text());
    }

    async fn target_figures_are_typed_as_rows_with_norwegian_dates(app) {
        let (_, id) = bodo_sent_application(&app).await;
        let path = format!("/tilskudd/soknader/{id}");
        let officer = app.other_browser();
        officer.login(NORDLAND).await;
        let (page, version) = decision_form(&officer, &path).await;
        assert!(page.attr("textarea[name=targets]", "name").is_none(), "no more «antall;hva;enhet;frist» lines");
        for n in 1..=3 {
            assert!(page.attr(&format!("input#mal_antall_{n}"), "name").is_some(), "row {n}: {}", page.body);
            assert!(page.select(&format!("select#mal_teknologi_{n} option")).iter().any(|o| o == "Digital hjemmeoppfølging"));
            assert!(page.select(&format!("select#mal_enhet_{n} option")).iter().any(|o| o == "pasienter"));
        }
        let typed = |more: &[(&'static str, &'static str)]| {
            let mut f = vec![("version", version.clone()), ("outcome", "innvilg".into()), ("granted", "500 000".into()),
                ("aid_type", "not_state_aid".into()), ("conditions", "Rapporter hvert halvår.".into()),
                ("mal_antall_1", "50".into()), ("mal_teknologi_1", "hjemmeoppfolging".into()), ("mal_enhet_1", "pasienter".into()), ("mal_frist_1", "31.12.2027".into()),
                ("mal_antall_2", "50x".into()), ("mal_teknologi_2", "lokalisering".into()), ("mal_enhet_2", "stk".into()),
                ("mal_antall_3", "10".into()), ("mal_teknologi_3", "".into()), ("mal_enhet_3", "brukere".into()), ("mal_frist_3", "31.13.2027".into())];
            f.extend(more.iter().map(|(k, v)| (*k, v.to_string())));
            f
        };
        let post = |fields: Vec<(&'static str, String)>| {
            let (officer, path) = (&officer, &path);
            async move {
                let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                officer.post_form(&format!("{path}/vedtak"), &refs).await
            }
        };
        let refused = post(typed(&[])).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text());
        assert_refused_on(&refused, "mal_antall_2", "Måltall, rad 2: antallet «50x» er ikke et helt tall");
        assert_refused_on(&refused, "mal_teknologi_3", "Måltall, rad 3: velg teknologi.");
        assert_refused_on(&refused, "mal_frist_3", "Måltall, rad 3: fristen «31.13.2027» er ikke en dato");
        assert!(refused.attr("#mal_antall_1", "aria-invalid").is_none(), "row 1 reads: 31.12.2027 is a date");
        assert_eq!(refused.attr("#mal_frist_1", "value").as_deref(), Some("31.12.2027"), "what was typed stays");
        assert_eq!(refused.attr("#mal_antall_2", "value").as_deref(), Some("50x"));
        assert_eq!(refused.select("#conditions").join(""), "Rapporter hvert halvår.");
        assert_eq!(refused.attr("#mal_enhet_3 option[selected]", "value").as_deref(), Some("brukere"));
        assert!(decision_of_opt(&app, id).await.is_none(), "nothing decided");

        // One more row, without JavaScript: the form again with everything typed.
        let more = post(typed(&[("rader", "flere")])).await;
        assert_eq!(more.status, StatusCode::OK, "{}", more.text());
        assert!(more.attr("input#mal_antall_4", "name").is_some() && more.attr("input#mal_antall_5", "name").is_none(), "{}", more.body);
        assert_eq!(more.attr("#mal_antall_2", "value").as_deref(), Some("50x"));
        assert_eq!(more.attr("input[name=mal_rader]", "value").as_deref(), Some("4"));
        assert!(decision_of_opt(&app, id).await.is_none(), "a row added decides nothing");

        let fine = [("version", version.as_str()), ("outcome", "innvilg"), ("granted", "500 000"), ("aid_type", "not_state_aid"), ("mal_rader", "4"),
            ("mal_antall_1", "50"), ("mal_teknologi_1", "hjemmeoppfolging"), ("mal_enhet_1", "pasienter"), ("mal_frist_1", "31.12.2027"),
            ("mal_antall_2", "1 000"), ("mal_teknologi_2", "lokalisering"), ("mal_enhet_2", "stk"), ("mal_frist_2", "2027-06-30"),
            ("mal_antall_3", ""), ("mal_teknologi_3", ""), ("mal_enhet_3", "stk"), ("mal_frist_3", ""),
            ("mal_antall_4", "10"), ("mal_teknologi_4", "trygghetsalarm_mobil"), ("mal_enhet_4", "brukere"), ("mal_frist_4", "")];
        let decided = officer.post_form(&format!("{path}/vedtak"), &fine).await;
        assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.text());
        let d = decision_of(&app, id).await;
        let rows: Vec<_> = d.target_figures.iter().map(|t| (t.quantity, t.technology.as_str(), t.unit.as_str(), t.due.map(|d| d.to_string()))).collect();
        assert_eq!(rows, vec![
            (50, "Digital hjemmeoppfølging", "pasienter", Some("2027-12-31".to_string())),
            (1000, "Lokaliseringsteknologi (GPS)", "stk", Some("2027-06-30".to_string())),
            (10, "Trygghetsalarm (mobil)", "brukere", None),
        ]);
        let text = officer.get(&path).await.text();
        assert!(text.contains("50 Digital hjemmeoppfølging pasienter 31. desember 2027") && text.contains("1 000 Lokaliseringsteknologi (GPS) stk 30. juni 2027"), "{text}");
        // The insight pages read the rows by technology and unit.
        let insight = officer.get("/innsikt/kommuner/1804").await.text();
        assert!(insight.contains("Digital hjemmeoppfølging") && insight.contains("Trygghetsalarm (mobil)"), "{insight}");
    }

    async fn the_2015_texts_are_kept_verbatim_beside_their_rows(app) {
        let scheme = scheme_id(&app, "kap. 761, post 68), velferdsteknologi").await;
        let grants = app.db.run(move |conn| samveis::grants::store::applications_of(conn, scheme)).await.unwrap();
        assert_eq!(grants.len(), 15);
        let source = include_str!("../../data/demo/grant-2015-development-municipalities.csv");
        let texts: Vec<String> = csv::Reader::from_reader(source.as_bytes()).records().map(|r| r.unwrap()[4].to_string()).collect();
        app.login(ADMIN).await;
        let mut fully = 0;
        for a in &grants {
            let d = decision_of(&app, a.id).await;
            assert!(texts.contains(&d.target_text), "the source text verbatim: «{}»", d.target_text);
            let read = samveis_domain::grants::read_target_text(&d.target_text);
            assert_eq!(d.target_figures, read.figures, "«{}»", d.target_text);
            let page = app.get(&format!("/tilskudd/soknader/{}", a.id)).await.text();
            assert!(page.contains(&format!("Måltall i kilden (ordrett): «{}»", d.target_text)), "{page}");
            if read.complete() {
                fully += 1;
                assert!(!page.contains("ikke lest som måltall"), "{page}");
            } else {
                for part in &read.unread {
                    assert!(page.contains(&format!("«{part}»")) && page.contains("er ikke lest som måltall"), "«{part}» noted: {page}");
                }
            }
        }
        assert_eq!(fully, 7, "the texts that are only target figures read whole");
        let arendal = grants.iter().find(|a| a.applicant_name.contains("Arendal")).unwrap();
        let rows = decision_of(&app, arendal.id).await.target_figures;
        assert_eq!((rows[0].quantity, rows[0].unit.as_str(), rows[0].technology.as_str()), (75, "brukere", "digitalt tilsyn"));
        let page = app.get(&format!("/tilskudd/soknader/{}", arendal.id)).await.text();
        assert!(page.contains("75 digitalt tilsyn brukere") && page.contains("«løsninger i 12 boliger for psykisk utviklingshemmede»"), "{page}");

        // A file of historic grants: free text read into rows with its deadline, kept verbatim.
        let example = scheme_id(&app, "eksempelordning").await;
        let text = "50 pasienter med digital hjemmeoppfølging innen utgangen av 2027";
        let file = format!("scheme_id,year,recipient,granted_nok,target_figures_text,reference\n{example},2027,1804,100000,\"{text}\",KS 9\n");
        let imported = app.db.run(move |conn| {
            let ctx = samveis::context::Ctx::system("import av historiske tilskudd", chrono::Utc::now().naive_utc());
            samveis::grants::import::historic_file(conn, &ctx, &file, false)
        }).await.unwrap();
        assert_eq!(imported.unwrap(), 1);
        let id = app.db.run(move |conn| samveis::grants::store::applications_of(conn, example)).await.unwrap()
            .into_iter().find(|a| a.historic).unwrap().id;
        let d = decision_of(&app, id).await;
        assert_eq!(d.target_text, text);
        let t = &d.target_figures[0];
        assert_eq!((t.quantity, t.unit.as_str(), t.technology.as_str(), t.due), (50, "pasienter", "digital hjemmeoppfølging", chrono::NaiveDate::from_ymd_opt(2027, 12, 31)));
    }

    async fn application_errors_are_shown_per_field_all_at_once(app) {
        let scheme = scheme_id(&app, "eksempelordning").await;
        app.login(BODO).await;
        let started = app.post_form("/tilskudd/soknader/ny", &[("scheme", &scheme.to_string()), ("unit", "kommune:1804")]).await;
        let path = started.location.unwrap();
        let draft = app.get(&path).await;
        let upload_at = draft.body.find("id=\"doc-anchoring\"").expect("the anchoring upload");
        let send_at = draft.body.find("value=\"send\"").expect("the send button");
        assert!(upload_at < send_at, "the attachment upload comes before «Send søknaden»");
        assert!(draft.text().contains("Søknadsfrist Ordningen har ingen søknadsfrist."), "{}", draft.text());
        assert!(draft.text().contains("Søknaden må ha søkt beløp, formål, budsjett og plan, og forankringsvedtaket må være lagt ved (det mangler ennå)."), "{}", draft.text());

        let sent = app.post_form(&path, &[("version", "1"), ("handling", "send"), ("applied", "12 tusen"), ("own_financing", "mye"),
            ("technologies", "Digitalt tilsyn")]).await;
        assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", sent.text());
        assert_refused_on(&sent, "applied", "Søkt beløp: «12 tusen» er ikke et beløp i hele kroner.");
        assert_refused_on(&sent, "own_financing", "Egenfinansiering: «mye» er ikke et beløp i hele kroner.");
        assert_refused_on(&sent, "purpose", "Formålet mangler.");
        assert_refused_on(&sent, "budget", "Budsjettet mangler");
        assert_refused_on(&sent, "plan", "Planen mangler");
        assert_refused_on(&sent, "doc-anchoring", "Forankringsdokumentet mangler");
        assert_eq!(sent.select(".ds-error-summary li").len(), 6, "all at once, one alert per field: {:?}", sent.select(".ds-error-summary li"));
        assert!(sent.select(".ds-error-summary h2").join("").contains("Søknaden ble ikke sendt"));
        assert_eq!(sent.attr("#applied", "value").as_deref(), Some("12 tusen"), "what was typed stays");
        assert_eq!(sent.attr("#technologies", "value").as_deref(), Some("Digitalt tilsyn"));
        assert!(sent.select("[role=alert]").len() == 1, "one summary, not one alert per refusal");

        // Saving a draft refuses only what does not read.
        let saved = app.post_form(&path, &[("version", "1"), ("handling", "lagre"), ("applied", "12 tusen"), ("purpose", "Innføre digitalt tilsyn")]).await;
        assert_eq!(saved.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(saved.select(".ds-error-summary li").len(), 1, "{:?}", saved.select(".ds-error-summary li"));
        assert!(saved.select(".ds-error-summary h2").join("").contains("Utkastet ble ikke lagret"));
    }

    async fn sending_requires_what_the_scheme_requires_before_its_deadline(app) {
        let scheme = scheme_id(&app, "eksempelordning").await;
        set_deadline(&app, scheme, chrono::NaiveDate::from_ymd_opt(2027, 3, 1).unwrap()).await;
        let public = app.other_browser().get(&format!("/tilskudd/{scheme}")).await.text();
        assert!(public.contains("Søknadsfrist 1. mars 2027") && public.contains("Søknaden må ha søkt beløp, formål, budsjett og plan, og forankringsvedtaket må være lagt ved."), "{public}");
        let y2015 = scheme_id(&app, "kap. 761, post 68), velferdsteknologi").await;
        assert!(app.get(&format!("/tilskudd/{y2015}")).await.text().contains("Søknadsfrist Ordningen har ingen søknadsfrist."));

        let early = app.fix_clock(chrono::NaiveDate::from_ymd_opt(2027, 2, 1).unwrap().and_hms_opt(9, 0, 0).unwrap()).await;
        early.login(BODO).await;
        let started = early.post_form("/tilskudd/soknader/ny", &[("scheme", &scheme.to_string()), ("unit", "kommune:1804")]).await;
        let path = started.location.unwrap();
        let complete = |version: &'static str| vec![("version", version), ("handling", "send"), ("applied", "400 000"), ("purpose", "Innføre digitalt tilsyn"),
            ("budget", "Prosjektleder 50 %"), ("plan", "Opplæring og utrulling")];
        let no_document = early.post_form(&path, &complete("1")).await;
        assert_eq!(no_document.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_refused_on(&no_document, "doc-anchoring", "Forankringsdokumentet mangler; «Velferdsteknologi i kommunene 2027 (eksempelordning, demodata)» krever at vedtaket legges ved.");
        // «Last opp» inside the form saves what was typed with the document.
        let fields = [("version", "1"), ("applied", "400 000"), ("purpose", "Innføre digitalt tilsyn"), ("budget", "Prosjektleder 50 %"), ("plan", "Opplæring og utrulling")];
        let uploaded = early.post_file(&format!("{path}/dokument"), &fields, "vedtak.pdf", b"%PDF-1.7 vedtak").await;
        assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.text());
        let page = early.get(&path).await;
        assert_eq!(page.select("#plan").join(""), "Opplæring og utrulling", "nothing typed is lost by uploading");
        assert!(page.text().contains("(det er lagt ved)"), "{}", page.text());
        let sent = early.post_form(&path, &complete("2")).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());

        let late = app.fix_clock(chrono::NaiveDate::from_ymd_opt(2027, 3, 2).unwrap().and_hms_opt(9, 0, 0).unwrap()).await;
        late.login(BODO).await;
        let started = late.post_form("/tilskudd/soknader/ny", &[("scheme", &scheme.to_string()), ("unit", "kommune:1804")]).await;
        let path = started.location.unwrap();
        assert!(late.get(&path).await.text().contains("fristen er ute"), "the draft page says the deadline has passed");
        let upload = late.post_file(&format!("{path}/dokument"), &[], "vedtak.pdf", b"%PDF-1.7 vedtak").await;
        assert_eq!(upload.status, StatusCode::SEE_OTHER);
        let too_late = late.post_form(&path, &complete("1")).await;
        assert_eq!(too_late.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", too_late.text());
        let message = "Søknadsfristen for «Velferdsteknologi i kommunene 2027 (eksempelordning, demodata)» var 1. mars 2027; søknaden kan ikke sendes inn etter fristen.";
        assert!(too_late.select(".ds-error-summary a[href='#frist']").join("").contains(message), "{}", too_late.text());
        let saved = late.post_form(&path, &[("version", "1"), ("handling", "lagre"), ("purpose", "Neste år")]).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "a draft can still be saved: {}", saved.text());
    }

    async fn the_programme_office_sets_a_scheme_deadline_and_requirements(app) {
        app.login(ADMIN).await;
        let form = |deadline: &'static str| vec![("name", "Ordning med frist"), ("owner", "Programkontoret"), ("recipients", "municipalities"),
            ("first_year", "2028"), ("application_deadline", deadline), ("requires_budget", "ja"), ("authority", "helsedirektoratet"), ("decides", "fylke")];
        let new = app.get("/tilskudd").await;
        assert_eq!(new.attr("#requires_anchoring", "checked").as_deref(), Some(""), "the 2015 guidance's requirements are ticked to begin with");
        let bad = app.post_form("/tilskudd/ny", &form("31.13.2028")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().contains("Søknadsfristen «31.13.2028» er ikke en dato"), "{}", bad.text());
        assert_eq!(bad.attr("#application_deadline", "value").as_deref(), Some("31.13.2028"));
        let created = app.post_form("/tilskudd/ny", &form("1.3.2028")).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
        let id = scheme_id(&app, "Ordning med frist").await;
        let page = app.get(&format!("/tilskudd/{id}")).await.text();
        assert!(page.contains("Søknadsfrist 1. mars 2028") && page.contains("Søknaden må ha søkt beløp, formål og budsjett."), "{page}");
    }

    async fn a_second_start_opens_the_draft_and_a_draft_can_be_deleted(app) {
        let scheme = scheme_id(&app, "eksempelordning").await;
        app.login(BODO).await;
        let start = [("scheme", scheme.to_string()), ("unit", "kommune:1804".to_string())];
        let start: Vec<(&str, &str)> = start.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let first = app.post_form("/tilskudd/soknader/ny", &start).await;
        let path = first.location.unwrap();
        let before = app.count("grant_applications").await;
        let again = app.post_form("/tilskudd/soknader/ny", &start).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER);
        assert_eq!(again.location.as_deref(), Some(format!("{path}?lagret=finnes").as_str()), "taken to the draft it has");
        assert_eq!(app.count("grant_applications").await, before, "no second draft");
        assert!(app.get(&again.location.unwrap()).await.text().contains("Du har allerede et utkast til denne ordningen for dette året."));
        // Twice at once (a double click): still one draft.
        let app = std::sync::Arc::new(app);
        let go = || { let (app, start) = (app.clone(), start.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>());
            tokio::spawn(async move { let s: Vec<(&str, &str)> = start.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(); app.post_form("/tilskudd/soknader/ny", &s).await.location }) };
        let (a, b) = (go(), go());
        assert_eq!(a.await.unwrap(), b.await.unwrap());
        assert_eq!(app.count("grant_applications").await, before);

        let upload = app.post_file(&format!("{path}/dokument"), &[], "vedtak.pdf", b"%PDF-1.7 slettes").await;
        assert_eq!(upload.status, StatusCode::SEE_OTHER);
        let others = app.other_browser();
        others.login(NORDLAND).await;
        assert_eq!(others.post_form(&format!("{path}/slett"), &[("version", "1"), ("bekreft", "ja")]).await.status, StatusCode::FORBIDDEN);
        let unconfirmed = app.post_form(&format!("{path}/slett"), &[("version", "1")]).await;
        assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_refused_on(&unconfirmed, "bekreft", "Kryss av for å bekrefte at utkastet skal slettes.");
        assert_eq!(app.get(&path).await.status, StatusCode::OK, "still there");
        let stale = app.post_form(&format!("{path}/slett"), &[("version", "0"), ("bekreft", "ja")]).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        let deleted = app.post_form(&format!("{path}/slett"), &[("version", "1"), ("bekreft", "ja")]).await;
        assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.text());
        assert!(app.get(&deleted.location.unwrap()).await.text().contains("Utkastet er slettet."));
        assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.count("grant_applications").await, before - 1);
        let draft = id_of(&path);
        let files = app.db.run(move |conn| samveis::files::infos(conn, "application", draft)).await.unwrap();
        assert!(files.is_empty(), "its documents went with it");
        let admin = app.other_browser();
        admin.login(ADMIN).await;
        assert!(admin.get("/admin/logg").await.text().contains("slettet utkast"));

        // A sent application is never deleted: no longer the applicant's, and not even the admin's.
        let (_, sent) = bodo_sent_application(&app).await;
        let delete_sent = [("version", "2"), ("bekreft", "ja")];
        assert_eq!(app.post_form(&format!("/tilskudd/soknader/{sent}/slett"), &delete_sent).await.status, StatusCode::FORBIDDEN);
        let refused = admin.post_form(&format!("/tilskudd/soknader/{sent}/slett"), &delete_sent).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains("Bare utkast kan slettes; søknaden er sendt inn."), "{}", refused.text());
    }

    async fn a_decision_beyond_the_county_frame_needs_a_justification(app) {
        let (_, id) = bodo_sent_application(&app).await;
        let path = format!("/tilskudd/soknader/{id}");
        let officer = app.other_browser();
        officer.login(NORDLAND).await;
        let (page, version) = decision_form(&officer, &path).await;
        assert!(page.text().contains("Fylkesrammen til Nordland for 2027: 2 371 138 kr, innvilget før 0 kr, igjen 2 371 138 kr."), "{}", page.text());
        let decide = |path: String, granted: &'static str, justification: &'static str, version: String| {
            let officer = &officer;
            async move {
                officer.post_form(&format!("{path}/vedtak"), &[("version", version.as_str()), ("outcome", "innvilg"), ("granted", granted),
                    ("aid_type", "not_state_aid"), ("justification", justification)]).await
            }
        };
        let refused = decide(path.clone(), "3 000 000", "", version.clone()).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text());
        let with_subs = officer.post_form(&format!("{path}/vedtak"), &[("version", version.as_str()), ("outcome", "innvilg"), ("granted", "3 000 000"),
            ("aid_type", "not_state_aid"), ("sub_allocations", "9999;1000")]).await;
        assert_refused_on(&with_subs, "sub_allocations", "Videre fordeling, linje 1: kommune «9999» finnes ikke.");
        assert_refused_on(&with_subs, "justification", "Skriv en begrunnelse for å innvilge likevel.");
        assert_refused_on(&refused, "justification", "Innvilget beløp 3 000 000 kr er mer enn fylkesrammen til Nordland for 2027 (2 371 138 kr). Skriv en begrunnelse for å innvilge likevel.");
        assert_eq!(refused.attr("#granted", "value").as_deref(), Some("3 000 000"));
        let granted = decide(path.clone(), "3 000 000", "Ekstra midler fra omdisponering i fylket", version).await;
        assert_eq!(granted.status, StatusCode::SEE_OTHER, "{}", granted.text());
        assert_eq!(decision_of(&app, id).await.frame_justification, "Ekstra midler fra omdisponering i fylket");
        assert!(officer.get(&path).await.text().contains("Begrunnelse for å innvilge ut over fylkesrammen: Ekstra midler fra omdisponering i fylket"));
        let admin = app.other_browser();
        admin.login(ADMIN).await;
        assert!(admin.get("/admin/logg").await.body.contains("Ekstra midler fra omdisponering i fylket"), "audited");

        // What is left of the frame: the next grant in Nordland that year goes beyond it.
        let (_, next) = bodo_sent_application(&app).await;
        let path = format!("/tilskudd/soknader/{next}");
        let (page, version) = decision_form(&officer, &path).await;
        assert!(page.text().contains("innvilget før 3 000 000 kr, igjen −628 862 kr."), "{}", page.text());
        let refused = decide(path.clone(), "100 000", "", version.clone()).await;
        assert_refused_on(&refused, "justification", "Innvilget beløp 100 000 kr er mer enn det som er igjen av fylkesrammen til Nordland for 2027: ramme 2 371 138 kr, innvilget før 3 000 000 kr, igjen −628 862 kr.");
        assert!(decision_of_opt(&app, next).await.is_none());
    }
}

fn id_of(path: &str) -> i64 {
    path.rsplit('/').next().unwrap().parse().unwrap()
}

async fn decision_of_opt(app: &TestApp, id: i64) -> Option<samveis::grants::store::Decision> {
    app.db.run(move |conn| samveis::grants::store::decision_of_application(conn, id)).await.unwrap()
}
