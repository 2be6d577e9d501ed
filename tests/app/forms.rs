//! Report forms (issue #13 items 5, 7, 8): an upload keeps everything typed; one send names
//! every missing field; numbers have an upper bound named on the field; a finished deliverable
//! needs its file; the error summary links to each field and the title says there are errors;
//! a reviewer accepts a submission with empty required fields only with an audited override.

use crate::backends;
use crate::helpers::*;
use reqwest::StatusCode;

const PDF: &[u8] = b"%PDF-1.7\n% Samveis test: flytskjema for Bod\xc3\xb8\n%%EOF\n";
const EGEN: &str = "Egenerklæringsskjema";
const FLYT: &str = "Flytskjema for kartlegging og tildeling";

/// Opens a round of the shipped form `code` for Nordland's municipalities, reviewed by the
/// county; returns Bodø's submission.
async fn nordland_round(app: &TestApp, code: &'static str) -> i64 {
    crate::files::nordland_round(app, code).await["1804"]
}

/// The shipped form `code`, as stored.
async fn template(app: &TestApp, code: &'static str) -> samveis_domain::reporting::FormTemplate {
    app.db.run(move |conn| samveis::reporting::store::template_by_code(conn, code)).await.unwrap().unwrap().template
}

fn version(page: &Page) -> String {
    page.attr("input[name=_version]", "value").expect("the form's version")
}

fn checked(page: &Page, name: &str, value: &str) -> bool {
    page.attr(&format!("input[name='{name}'][value='{value}']"), "checked").is_some()
}

/// The error summary's links, as (target, text).
fn summary(page: &Page) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(&page.body);
    let sel = scraper::Selector::parse(".ds-error-summary a").unwrap();
    doc.select(&sel)
        .map(|a| (a.value().attr("href").unwrap_or_default().to_string(), a.text().collect::<String>()))
        .collect()
}

fn has_id(page: &Page, id: &str) -> bool {
    let doc = scraper::Html::parse_document(&page.body);
    let sel = scraper::Selector::parse("[id]").unwrap();
    doc.select(&sel).any(|e| e.value().id() == Some(id))
}

fn title(page: &Page) -> String {
    page.select("title").join("")
}

/// Sets a submission's stored answers and state directly, as an older send (before the rules of
/// today) or an import could have left it.
async fn stored_as(app: &TestApp, id: i64, state: samveis_domain::reporting::State, answers: &'static str) -> i64 {
    let now = app.now();
    app.db
        .run(move |conn| {
            let row = samveis::reporting::store::submission(conn, id)?.unwrap();
            let update = samveis::reporting::store::SubmissionUpdate {
                state,
                answers,
                submitted_at: Some(now),
                reviewer_comment: "",
                override_reason: None,
            };
            samveis::reporting::store::update_submission(conn, id, row.version, &update, now)?;
            Ok::<_, samveis::db::StoreError>(row.version + 1)
        })
        .await
        .unwrap()
}

backends! {
    async fn an_upload_keeps_every_tick_and_comment_typed_on_the_form(app) {
        let id = nordland_round(&app, "milepael_m4").await;
        app.login(BODO).await;
        let path = format!("/rapportering/innleveringer/{id}");
        let page = app.get(&path).await;
        // One form: the file inputs and «Last opp» sit in the form with the ticks and the comment.
        let form = "form[enctype='multipart/form-data'][action$='/filer']";
        assert!(page.attr(&format!("{form} input[type=file][name='_fil.fil_flytskjema']"), "id").is_some(), "{}", page.body);
        assert!(page.attr(&format!("{form} input[name=leveranser]"), "value").is_some());
        assert_eq!(page.attr(&format!("{form} button[value='last_opp:fil_flytskjema']"), "name").as_deref(), Some("_handling"));
        assert_eq!(page.attr(&format!("{form} button[type=submit]"), "value").as_deref(), Some("lagre"), "Enter in a field keeps a draft");
        let v = version(&page);
        let typed = [("_version", v.as_str()), ("_handling", "last_opp:fil_flytskjema"), ("leveranser", EGEN), ("leveranser", FLYT),
            ("kommentar", "Egenerklæringen venter på signatur"), ("ferdig_dato", "2026-11-30")];
        let files: [(&str, &str, &[u8]); 1] = [("_fil.fil_flytskjema", "Flytskjema Bodø.pdf", PDF)];
        let (stored, references) = (app.count("stored_files").await, app.count("file_references").await);

        // A stale version is refused, keeps what was typed, and stores no file.
        let stale = [("_version", "0"), ("_handling", "last_opp:fil_flytskjema"), ("leveranser", EGEN), ("kommentar", "Gammel")];
        let refused = app.post_multipart(&format!("{path}/filer"), &stale, &files).await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text());
        assert!(checked(&refused, "leveranser", EGEN), "the tick is kept");
        assert_eq!(refused.select("textarea[name=kommentar]").join(""), "Gammel");
        assert_eq!((app.count("stored_files").await, app.count("file_references").await), (stored, references));

        let uploaded = app.post_multipart(&format!("{path}/filer"), &typed, &files).await;
        assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.text());
        let page = app.get(uploaded.location.as_deref().unwrap()).await;
        assert!(page.text().contains("Filen er lagret, og utkastet med den."), "{}", page.text());
        assert!(checked(&page, "leveranser", EGEN) && checked(&page, "leveranser", FLYT), "both ticks read back");
        assert!(!checked(&page, "leveranser", "Organisering av responstjenestene"));
        assert_eq!(page.select("textarea[name=kommentar]").join(""), "Egenerklæringen venter på signatur");
        assert_eq!(page.attr("#ferdig_dato", "value").as_deref(), Some("2026-11-30"));
        assert!(page.text().contains("Lagret fil: Flytskjema Bodø.pdf ("), "{}", page.text());
        assert_eq!(version(&page), (v.parse::<i64>().unwrap() + 1).to_string(), "one save");

        // The audit row is the draft save with the file: the ticks, the comment and the file after.
        app.login(ADMIN).await;
        let log = app.get(&format!("/admin/logg?type=innlevering&id={id}")).await.text();
        assert!(log.contains("lastet opp fil") && log.contains("Egenerklæringen venter på signatur") && log.contains(FLYT), "{log}");
    }

    async fn one_send_lists_every_missing_required_field_with_links_and_the_title_says_so(app) {
        let id = nordland_round(&app, "milepael_m5").await;
        let form = template(&app, "milepael_m5").await;
        let required: Vec<_> = form.fields().filter(|f| f.required).collect();
        assert_eq!(required.len(), 20, "ten tasks, each with a responsibility and a status");
        app.login(BODO).await;
        let path = format!("/rapportering/innleveringer/{id}");
        let v = version(&app.get(&path).await);
        // One status has a comment but no light: named for that; every other required field as missing.
        let fields = [("_version", v.as_str()), ("_handling", "send"), ("oppgave3_status.kommentar", "Avtalen fornyes i vår")];
        let page = app.post_multipart(&format!("{path}/filer"), &fields, &[]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.text());
        let links = summary(&page);
        assert_eq!(links.len(), required.len(), "all at once: {links:#?}");
        assert!(links.iter().any(|(_, t)| t == "3. Anskaffelse og forvaltning av avtaler: Status: velg grønn, gul eller rød for kommentaren"), "{links:#?}");
        assert!(links.iter().any(|(_, t)| t == "10. Evaluering, gevinstoppfølging og avslutning: Rolle og ansvarsfordeling må fylles ut"), "{links:#?}");
        for ((href, _), field) in links.iter().zip(&required) {
            let target = href.strip_prefix('#').unwrap();
            assert!(target.starts_with(&field.code) && has_id(&page, target), "{href} links to an input of {}", field.code);
            let described = page.attr(&format!("[id='{target}']"), "aria-describedby").unwrap_or_default();
            assert!(described.split(' ').any(|d| d == format!("{}-feil", field.code) && has_id(&page, d)), "{target}: «{described}»");
            assert_eq!(page.attr(&format!("[id='{target}']"), "aria-invalid").as_deref(), Some("true"), "{target}");
        }
        assert_eq!(page.select("textarea[name='oppgave3_status.kommentar']").join(""), "Avtalen fornyes i vår", "kept");
        assert!(title(&page).starts_with("Feil: "), "{}", title(&page));
        let box_ = ".ds-error-summary[tabindex='-1'][autofocus]";
        assert!(page.attr(box_, "aria-labelledby").is_some_and(|h| has_id(&page, &h)), "the summary takes focus and has a heading");
        assert!(page.text().contains("Rett opp disse 20 feilene"), "{}", page.text());
        assert!(!title(&app.get(&path).await).starts_with("Feil"), "the page itself is not marked");
    }

    async fn a_number_beyond_the_cap_is_refused_and_named_by_its_row_and_column(app) {
        let id = nordland_round(&app, "milepael_m1").await;
        app.login(BODO).await;
        let path = format!("/rapportering/innleveringer/{id}");
        let v = version(&app.get(&path).await);
        let fields = [("_version", v.as_str()), ("_handling", "lagre"), ("inkluderte_brukere.1.0", "99 999 999 999"),
            ("trygghetsalarm_realisert", "99999999999"), ("trygghetsalarm_unngatte_kostnader", "100 000 000 001")];
        let page = app.post_form(&path, &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.text());
        let text = page.text();
        for needle in [
            "Inkluderte brukere per teknologi, Digitalt tilsyn, Inkluderte brukere: «99 999 999 999» er større enn høyeste tillatte verdi 1 000 000 000",
            "«99999999999» er større enn høyeste tillatte verdi 1 000 000 000",
            "«100 000 000 001» er større enn høyeste tillatte verdi 100 000 000 000",
        ] {
            assert!(text.contains(needle), "{needle} in {text}");
        }
        assert_eq!(page.attr("[id='inkluderte_brukere.1.0']", "aria-invalid").as_deref(), Some("true"));
        assert_eq!(page.attr("[id='inkluderte_brukere.1.0']", "value").as_deref(), Some("99 999 999 999"), "kept as typed");
        assert!(summary(&page).iter().any(|(href, _)| href == "#inkluderte_brukere.1.0"), "{:?}", summary(&page));
        assert_eq!(version(&app.get(&path).await), v, "nothing saved");
    }

    async fn a_deliverable_ticked_as_finished_needs_its_file(app) {
        let id = nordland_round(&app, "milepael_m4").await;
        app.login(BODO).await;
        let path = format!("/rapportering/innleveringer/{id}");
        let v = version(&app.get(&path).await);
        let fields = [("_version", v.as_str()), ("_handling", "send"), ("leveranser", FLYT), ("ferdig_dato", "2026-11-30")];
        let refused = app.post_multipart(&format!("{path}/filer"), &fields, &[]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text());
        let links = summary(&refused);
        assert_eq!(links, [("#fil_flytskjema-fil".to_string(),
            format!("{FLYT} er krysset av som ferdig, men filen mangler: last opp {FLYT} (fil)"))]);
        assert!(checked(&refused, "leveranser", FLYT));
        // Sent with its file in the same post: delivered.
        let sent = app.post_multipart(&format!("{path}/filer"), &fields, &[("_fil.fil_flytskjema", "flyt.pdf", PDF)]).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
        assert!(app.get(sent.location.as_deref().unwrap()).await.text().contains("Besvarelsen er sendt inn"));
    }

    async fn a_refused_post_says_the_chosen_file_was_not_stored(app) {
        let id = nordland_round(&app, "milepael_m4").await;
        app.login(BODO).await;
        let path = format!("/rapportering/innleveringer/{id}");
        let v = version(&app.get(&path).await);
        let references = app.count("file_references").await;
        let fields = [("_version", v.as_str()), ("_handling", "last_opp:fil_flytskjema"), ("ferdig_dato", "31.02.2026")];
        let page = app.post_multipart(&format!("{path}/filer"), &fields, &[("_fil.fil_flytskjema", "flyt.pdf", PDF)]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = page.text();
        assert!(text.contains("«flyt.pdf» ble ikke lagret fordi skjemaet har feil; velg filen på nytt"), "{text}");
        assert!(text.contains("«31.02.2026» er ikke en gyldig dato"), "{text}");
        assert_eq!(app.count("file_references").await, references, "no file stored");
        assert!(app.get(&path).await.attr("a[href*='/filer/']", "href").is_none(), "no file stored");
    }

    async fn files_chosen_in_two_fields_are_stored_together_with_the_answers(app) {
        let id = nordland_round(&app, "milepael_m3").await;
        app.login(BODO).await;
        let path = format!("/rapportering/innleveringer/{id}");
        let v = version(&app.get(&path).await);
        // Six megabytes each: together more than one file's limit, each within it.
        let (dpia, ros) = ([PDF, &vec![b' '; 6 * 1024 * 1024]].concat(), [PDF, &vec![b'\n'; 6 * 1024 * 1024]].concat());
        let fields = [("_version", v.as_str()), ("_handling", "lagre"), ("kommentar", "Begge er klare")];
        let files: [(&str, &str, &[u8]); 2] = [("_fil.fil_dpia", "dpia.pdf", &dpia), ("_fil.fil_ros", "ros.pdf", &ros)];
        let saved = app.post_multipart(&format!("{path}/filer"), &fields, &files).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
        let page = app.get(&path).await;
        let text = page.text();
        assert!(text.contains("dpia.pdf (") && text.contains("ros.pdf ("), "{text}");
        assert_eq!(page.select("textarea[name=kommentar]").join(""), "Begge er klare");
    }

    async fn accepting_with_an_empty_required_field_needs_an_audited_override(app) {
        use samveis_domain::reporting::State;
        let id = nordland_round(&app, "milepael_m4").await;
        // Sent in before the rules of today: nothing ticked, only a comment.
        let v = stored_as(&app, id, State::Submitted, r#"{"kommentar":{"type":"text","value":"Kommer"}}"#).await.to_string();
        app.login(NORDLAND).await;
        let path = format!("/rapportering/innleveringer/{id}");
        let review = format!("{path}/vurdering");
        let page = app.get(&path).await;
        assert!(page.text().contains("Ett påkrevd felt mangler: «Hvilke leveranser er ferdige?»"), "{}", page.text());
        assert!(page.attr("input[type=checkbox][name=overstyr]", "id").is_some());

        let refused = app.post_form(&review, &[("handling", "godkjenn"), ("version", &v)]).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.text().contains("Besvarelsen kan ikke godkjennes: ett påkrevd felt mangler («Hvilke leveranser er ferdige?»)"), "{}", refused.text());
        assert!(title(&refused).starts_with("Feil: "));
        let no_reason = app.post_form(&review, &[("handling", "godkjenn"), ("version", &v), ("overstyr", "ja"), ("begrunnelse", "  ")]).await;
        assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
        assert!(no_reason.text().contains("Skriv en begrunnelse for å godkjenne likevel"), "{}", no_reason.text());
        assert!(no_reason.attr("#overstyr", "checked").is_some(), "the tick is kept");
        assert_eq!(app.get(&path).await.select("dd").get(2).map(String::as_str), Some("Sendt inn"), "still sent in");

        let stale = app.post_form(&review, &[("handling", "godkjenn"), ("version", "1"), ("overstyr", "ja"), ("begrunnelse", "Avtalt på telefon")]).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        let reason = "Leveransene er godkjent i styringsgruppen 12. november";
        let accepted = app.post_form(&review, &[("handling", "godkjenn"), ("version", &v), ("overstyr", "ja"), ("begrunnelse", reason)]).await;
        assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.text());
        let shown = app.get(&path).await.text();
        assert!(shown.contains(&format!("Godkjent likevel – dette mangler: «Hvilke leveranser er ferdige?». Begrunnelse: {reason}")), "{shown}");
        app.login(ADMIN).await;
        let log = app.get(&format!("/admin/logg?type=innlevering&id={id}")).await.text();
        assert!(log.contains("godkjent med overstyring") && log.contains(reason) && log.contains("Hvilke leveranser er ferdige?"), "{log}");

        // Reopened, the override goes with the acceptance.
        app.login(NORDLAND).await;
        let next = (v.parse::<i64>().unwrap() + 1).to_string();
        let reopened = app.post_form(&review, &[("handling", "gjenapne"), ("kommentar", "Feil runde"), ("version", &next)]).await;
        assert_eq!(reopened.status, StatusCode::SEE_OTHER, "{}", reopened.text());
        assert!(!app.get(&path).await.text().contains("Godkjent likevel"));
    }
}
