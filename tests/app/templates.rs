//! The template builder: the programme office builds a form in the browser, a round freezes
//! it, and changing it then means a new version.

use crate::backends;
use crate::helpers::*;
use reqwest::StatusCode;

/// Posts one builder action with the page's current revision.
async fn edit(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Page {
    let rev = app.get(path).await.attr("input[name=_rev]", "value").expect("builder form");
    let mut all = vec![("_rev", rev.as_str())];
    all.extend_from_slice(fields);
    app.post_form(path, &all).await
}

fn field<'a>(section: &'a str, code: &'a str, label: &'a str, kind: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("handling", "nytt_felt"),
        ("seksjon", section),
        ("kode", code),
        ("ledetekst", label),
        ("felttype", kind),
        ("min", "0"),
    ]
}

backends! {
    async fn the_programme_office_builds_a_form_and_versions_it(app) {
        app.login(ADMIN).await;
        let bad = app.post_form("/rapportering/maler/ny", &[("name", "Velferdsteknologi 2027"), ("code", "Velferd 2027")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().contains("Koden «Velferd 2027» er ugyldig"), "{}", bad.text());
        assert_eq!(bad.attr("#name", "value").as_deref(), Some("Velferdsteknologi 2027"));
        let taken = app.post_form("/rapportering/maler/ny", &[("name", "Kopi"), ("code", "statusrapport")]).await;
        assert!(taken.text().contains("«statusrapport» er allerede i bruk"));
        let created = app.post_form("/rapportering/maler/ny", &[("name", "Velferdsteknologi 2027"), ("code", "velferd_2027")]).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
        let path = created.location.unwrap();
        assert!(app.get(&path).await.text().contains("Skjemaet har ingen felt ennå."));

        assert_eq!(edit(&app, &path, &[("handling", "ny_seksjon"), ("tittel", "Trygghetsalarmer")]).await.status, StatusCode::SEE_OTHER);
        let mut alarms = field("0", "alarmer", "Antall trygghetsalarmer", "integer");
        alarms.push(("obligatorisk", "ja"));
        assert_eq!(edit(&app, &path, &alarms).await.status, StatusCode::SEE_OTHER);
        assert_eq!(edit(&app, &path, &field("0", "mobile", "Herav mobile", "integer")).await.status, StatusCode::SEE_OTHER);
        let mut choice = field("0", "status", "Status", "single_choice");
        choice.retain(|(k, _)| *k != "min");
        choice.push(("alternativer", "I drift\nUtprøving\n"));
        assert_eq!(edit(&app, &path, &choice).await.status, StatusCode::SEE_OTHER);

        // A duplicate code is named, and what was typed stays in the form.
        let dup = edit(&app, &path, &field("0", "mobile", "Mobile igjen", "integer")).await;
        assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(dup.text().contains("Feltkoden «mobile» står flere ganger."), "{}", dup.text());
        assert_eq!(dup.attr("#b-ledetekst", "value").as_deref(), Some("Mobile igjen"));
        let no_options = edit(&app, &path, &[("handling", "nytt_felt"), ("seksjon", "0"), ("kode", "valg"), ("ledetekst", "Valg"), ("felttype", "multiple_choice")]).await;
        assert!(no_options.text().contains("«valg» må ha minst ett svaralternativ"));
        let bad_min = edit(&app, &path, &[("handling", "nytt_felt"), ("seksjon", "0"), ("kode", "x"), ("ledetekst", "X"), ("felttype", "integer"), ("min", "ti")]).await;
        assert!(bad_min.text().contains("Minimum «ti» er ikke et heltall."));

        // Rule, reorder, change a field; the preview follows.
        assert_eq!(edit(&app, &path, &[("handling", "ny_regel"), ("venstre", "mobile"), ("hoyre", "alarmer")]).await.status, StatusCode::SEE_OTHER);
        assert_eq!(edit(&app, &path, &[("handling", "felt_opp"), ("felt", "status")]).await.status, StatusCode::SEE_OTHER);
        let change = app.get(&format!("{path}?felt=alarmer")).await;
        assert_eq!(change.attr("#b-ledetekst", "value").as_deref(), Some("Antall trygghetsalarmer"));
        let renamed = edit(&app, &path, &[("handling", "lagre_felt"), ("felt", "alarmer"), ("kode", "alarmer"), ("ledetekst", "Trygghetsalarmer i alt"), ("felttype", "integer"), ("obligatorisk", "ja"), ("min", "0")]).await;
        assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.text());
        let page = app.get(&path).await;
        let preview = page.select(".preview label");
        let order: Vec<&str> = ["Trygghetsalarmer i alt", "Status", "Herav mobile"].into_iter().collect();
        let positions: Vec<usize> = order.iter().map(|l| preview.iter().position(|p| p.contains(l)).unwrap_or_else(|| panic!("{l} in {preview:?}"))).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{preview:?}");
        assert!(page.text().contains("«Herav mobile» kan ikke være større enn «Trygghetsalarmer i alt»"));

        // Someone else's change first: a stale revision is refused.
        let stale = app.post_form(&path, &[("_rev", "0000000000000000"), ("handling", "ny_seksjon"), ("tittel", "Sent")]).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);

        // Others may not build.
        let bodo = app.other_browser();
        bodo.login(BODO).await;
        assert_eq!(edit(&app, &path, &[]).await.status, StatusCode::UNPROCESSABLE_ENTITY, "no action named");
        assert_eq!(bodo.post_form(&path, &[("handling", "ny_seksjon"), ("tittel", "x")]).await.status, StatusCode::FORBIDDEN);

        // A round freezes it; a new version is open for edits again.
        let id = path.rsplit('/').next().unwrap().to_string();
        let round = app.post_form("/rapportering/runder/ny", &[("name", "Velferd 2027"), ("template_id", &id), ("period", "2027"),
            ("deadline", "2027-03-01"), ("reviewer", "county"), ("audience", "fylke"), ("county", "18")]).await;
        assert_eq!(round.status, StatusCode::SEE_OTHER, "{}", round.text());
        let frozen = app.get(&path).await;
        assert!(frozen.text().contains("låst fordi en runde bruker den") && frozen.attr("input[name=_rev]", "value").is_none());
        let locked = app.post_form(&path, &[("_rev", "x"), ("handling", "ny_seksjon"), ("tittel", "Sent")]).await;
        assert!(locked.text().contains("er låst. Lag en ny versjon"), "{}", locked.text());
        let v2 = app.post_form(&format!("{path}/ny-versjon"), &[]).await;
        assert_eq!(v2.status, StatusCode::SEE_OTHER);
        let v2_path = v2.location.unwrap();
        let v2_page = app.get(&v2_path).await;
        assert!(v2_page.text().contains("Versjon 2") && v2_page.text().contains("Trygghetsalarmer i alt"));
        assert_eq!(edit(&app, &v2_path, &[("handling", "fjern_felt"), ("felt", "status")]).await.status, StatusCode::SEE_OTHER);
        let labels = |page: Page| page.select(".preview label").join(" | ");
        assert!(labels(app.get(&path).await).contains("Status"), "version 1 keeps its fields");
        assert!(!labels(app.get(&v2_path).await).contains("Status"), "version 2 changed");
        let log = app.get("/admin/logg").await.text();
        assert!(log.contains("ny versjon") && log.contains("skjema"), "{log}");
    }

    async fn an_empty_template_cannot_open_a_round(app) {
        app.login(ADMIN).await;
        let created = app.post_form("/rapportering/maler/ny", &[("name", "Tomt"), ("code", "tomt")]).await;
        let id = created.location.unwrap().rsplit('/').next().unwrap().to_string();
        let round = app.post_form("/rapportering/runder/ny", &[("name", "Tom runde"), ("template_id", &id), ("period", "2027"),
            ("deadline", "2027-03-01"), ("reviewer", "county"), ("audience", "fylke"), ("county", "18")]).await;
        assert_eq!(round.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(round.text().contains("Skjemaet kan ikke brukes ennå: skjemaet har ingen felt."), "{}", round.text());
    }
}
