//! File deliverables: upload to a file field, download by those who may see the submission,
//! refusals that name the file and change nothing.

use crate::backends;
use crate::helpers::*;
use reqwest::StatusCode;

const PDF: &[u8] = b"%PDF-1.7\n% Samveis test: DPIA for Bod\xc3\xb8\n%%EOF\n";

/// Opens a round of the shipped form `code` for Nordland's municipalities, reviewed by the
/// county; returns the submission id of each municipality, by number.
pub async fn nordland_round(app: &TestApp, code: &'static str) -> std::collections::HashMap<String, i64> {
    let now = app.now();
    app.db
        .run(move |conn| {
            use samveis::reporting::{self, Audience, RoundSpec, store};
            let template = store::template_by_code(conn, code)?.unwrap().id;
            let spec = RoundSpec {
                name: format!("{code} Nordland"),
                template_id: template,
                period: "2026".into(),
                deadline: "2026-12-15".into(),
                reviewer: reporting::REVIEWER_COUNTY.into(),
                audience: Audience::County { layout: 2024, county: "18".into() },
                demo: false,
            };
            let round = reporting::open_round(conn, &samveis::context::Ctx::system("test", now), &spec)?;
            let all = store::submissions_of_round(conn, round)?;
            Ok::<_, samveis::error::AppError>(all.into_iter().map(|s| (s.org.id, s.id)).collect())
        })
        .await
        .unwrap()
}

/// A milestone 3 round for Nordland; Bodø's and Fauske's submissions.
async fn m3_round(app: &TestApp) -> (i64, i64) {
    let ids = nordland_round(app, "milepael_m3").await;
    (ids["1804"], ids["1841"])
}

fn version(page: &Page) -> String {
    page.attr("form[action$='/filer'] input[name=_version]", "value").expect("upload form")
}

backends! {
    async fn a_municipality_uploads_and_downloads_a_deliverable(app) {
        let (bodo, _) = m3_round(&app).await;
        app.login(BODO).await;
        let path = format!("/rapportering/innleveringer/{bodo}");
        let page = app.get(&path).await;
        assert!(page.body.contains("id=\"fil_dpia-fil\""), "a file input per file field");
        let upload = app.post_multipart(&format!("{path}/filer"), &[("_version", &version(&page)), ("_handling", "last_opp:fil_dpia")], &[("_fil.fil_dpia", "DPIA Bodø.pdf", PDF)]).await;
        assert_eq!(upload.status, StatusCode::SEE_OTHER, "{}", upload.text());
        let page = app.get(upload.location.as_deref().unwrap()).await;
        assert!(page.text().contains("Filen er lagret, og utkastet med den.") && page.text().contains("DPIA Bodø.pdf ("), "{}", page.text());
        let href = page.attr("a[href*='/filer/']", "href").unwrap();
        let file = app.get(&href).await;
        assert_eq!(file.status, StatusCode::OK);
        assert_eq!(file.headers["content-type"], "application/pdf");
        assert!(file.headers["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''DPIA%20Bod%C3%B8.pdf"));
        assert_eq!(file.body.as_bytes(), PDF);
        let audit = app.other_browser();
        audit.login(ADMIN).await;
        assert!(audit.get(&format!("/admin/logg?post={bodo}")).await.text().contains("lastet opp fil"));

        // Saving the rest of the form keeps the file, and a typed-in file key is ignored.
        let v = version(&page);
        let foreign = "a".repeat(64);
        let saved = app.post_form(&path, &[("_version", &v), ("_handling", "lagre"), ("fil_dpia", &foreign), ("kommentar", "Klar")]).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
        let page = app.get(&path).await;
        assert_eq!(page.attr("a[href*='/filer/']", "href").as_deref(), Some(href.as_str()));
        assert_eq!(app.get(&format!("{path}/filer/{foreign}")).await.status, StatusCode::NOT_FOUND);

        // Removing it.
        let removed = app.post_multipart(&format!("{path}/filer"), &[("_version", &version(&page)), ("_handling", "fjern:fil_dpia")], &[]).await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.text());
        assert!(app.get(&path).await.attr("a[href*='/filer/']", "href").is_none());
    }

    async fn a_refused_file_is_named_and_changes_nothing(app) {
        let (bodo, _) = m3_round(&app).await;
        app.login(BODO).await;
        let path = format!("/rapportering/innleveringer/{bodo}");
        let v = version(&app.get(&path).await);
        let fields = [("_version", v.as_str()), ("_handling", "last_opp:fil_ros")];
        let exe = app.post_multipart(&format!("{path}/filer"), &fields, &[("_fil.fil_ros", "ros.exe", b"MZ\x90\x00")]).await;
        assert_eq!(exe.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(exe.text().contains("«ros.exe» har en filtype som ikke tas imot"), "{}", exe.text());
        let renamed = app.post_multipart(&format!("{path}/filer"), &fields, &[("_fil.fil_ros", "ros.pdf", b"MZ\x90\x00")]).await;
        assert!(renamed.text().contains("Innholdet i «ros.pdf» stemmer ikke med filtypen .pdf"), "{}", renamed.text());
        let big = vec![b'x'; samveis_domain::reporting::MAX_FILE_BYTES + 1];
        let too_big = app.post_multipart(&format!("{path}/filer"), &fields, &[("_fil.fil_ros", "ros.txt", &big)]).await;
        assert_eq!(too_big.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(too_big.text().contains("«ros.txt» er 10485761 byte"), "{}", too_big.text());
        let none = app.post_multipart(&format!("{path}/filer"), &fields, &[("_fil.fil_ros", "", b"")]).await;
        assert!(none.text().contains("Ingen fil er valgt"), "{}", none.text());
        assert_eq!(version(&app.get(&path).await), v, "nothing was saved");
        let stale = app.post_multipart(&format!("{path}/filer"), &[("_version", "0"), ("_handling", "last_opp:fil_ros")], &[("_fil.fil_ros", "ros.pdf", PDF)]).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        let unknown = app.post_multipart(&format!("{path}/filer"), &[("_version", v.as_str()), ("_handling", "last_opp:kommentar")], &[("_fil.kommentar", "ros.pdf", PDF)]).await;
        assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
        assert!(unknown.text().contains("ikke filfeltet «kommentar»"));
    }

    async fn only_those_who_may_see_the_submission_get_its_files(app) {
        let (bodo, fauske) = m3_round(&app).await;
        app.login(BODO).await;
        let path = format!("/rapportering/innleveringer/{bodo}");
        let v = version(&app.get(&path).await);
        let up = app.post_multipart(&format!("{path}/filer"), &[("_version", &v), ("_handling", "last_opp:fil_dpia")], &[("_fil.fil_dpia", "dpia.pdf", PDF)]).await;
        assert_eq!(up.status, StatusCode::SEE_OTHER);
        let href = app.get(&path).await.attr("a[href*='/filer/']", "href").unwrap();
        let sha = href.rsplit('/').next().unwrap().to_string();
        // The same file through Fauske's submission, which does not refer to it, is not there.
        let officer = app.other_browser();
        officer.login(NORDLAND).await;
        assert_eq!(officer.get(&href).await.status, StatusCode::FORBIDDEN, "a draft's files are the municipality's own");
        assert_eq!(app.get(&format!("/rapportering/innleveringer/{fauske}/filer/{sha}")).await.status, StatusCode::FORBIDDEN);
        let agder = app.other_browser();
        agder.login(AGDER).await;
        assert_eq!(agder.get(&href).await.status, StatusCode::FORBIDDEN);
        let anonymous = app.other_browser();
        assert_ne!(anonymous.get(&href).await.status, StatusCode::OK);
        // The same bytes uploaded for Fauske keep Fauske's own file name; Bodø's keeps Bodø's.
        let admin = app.other_browser();
        admin.login(ADMIN).await;
        let fauske_path = format!("/rapportering/innleveringer/{fauske}");
        let fv = version(&admin.get(&fauske_path).await);
        let up = admin.post_multipart(&format!("{fauske_path}/filer"), &[("_version", &fv), ("_handling", "last_opp:fil_dpia")], &[("_fil.fil_dpia", "fauske-dpia.pdf", PDF)]).await;
        assert_eq!(up.status, StatusCode::SEE_OTHER, "{}", up.text());
        assert!(admin.get(&fauske_path).await.text().contains("fauske-dpia.pdf"));
        let bodo_page = app.get(&path).await.text();
        assert!(bodo_page.contains("dpia.pdf (") && !bodo_page.contains("fauske-dpia.pdf"), "{bodo_page}");
        let theirs = admin.get(&format!("{fauske_path}/filer/{sha}")).await;
        assert!(theirs.headers["content-disposition"].to_str().unwrap().contains("fauske-dpia.pdf"));

        // Bodø cannot upload into Fauske's submission.
        let into_fauske = app.post_multipart(&format!("/rapportering/innleveringer/{fauske}/filer"), &[("_version", "1"), ("_handling", "last_opp:fil_dpia")], &[("_fil.fil_dpia", "dpia.pdf", PDF)]).await;
        assert_eq!(into_fauske.status, StatusCode::FORBIDDEN);
    }
}
