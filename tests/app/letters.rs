//! PDF documents (issue #13 items 10 and 11): the grant letter is a decision from the authority
//! that decided, to the recipient by full name, with legal basis, payment terms, acceptance
//! deadline and right of appeal; every PDF embeds its font, so Sami names come out intact.

use crate::backends;
use crate::grants::bodo_sent_application;
use crate::helpers::*;
use reqwest::StatusCode;
use samveis::web::format;

/// The text of every page, with runs of white space (line breaks, no-break spaces) as one space.
pub fn pdf_text(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).expect("a PDF");
    let pages = doc.get_pages().len() as u32;
    let text: String = (1..=pages).map(|p| doc.extract_text(&[p]).unwrap_or_default() + " ").collect();
    flat(&text)
}

/// The text of one page, flattened like `pdf_text`.
pub fn page_text(pdf: &[u8], page: u32) -> String {
    let doc = lopdf::Document::load_mem(pdf).expect("a PDF");
    flat(&doc.extract_text(&[page]).unwrap_or_default())
}

pub fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every font has its program embedded (FontFile2/FontFile3), and none is a base font left to
/// the reader.
pub fn fonts_embedded(pdf: &[u8]) -> bool {
    let doc = lopdf::Document::load_mem(pdf).expect("a PDF");
    let mut descriptors = 0;
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict().or_else(|_| object.as_stream().map(|s| &s.dict)) else { continue };
        let is = |name: &[u8]| dict.get(b"Type").and_then(|t| t.as_name()).is_ok_and(|t| t == name);
        if is(b"FontDescriptor") {
            descriptors += 1;
            if !dict.has(b"FontFile2") && !dict.has(b"FontFile3") {
                return false;
            }
        }
        if is(b"Font") && dict.get(b"Subtype").and_then(|t| t.as_name()).is_ok_and(|t| t == b"Type1") {
            return false;
        }
    }
    descriptors > 0
}

/// Claims PDF/UA-1 in its XMP metadata (written only when krilla's validator accepted it).
fn pdf_ua(pdf: &[u8]) -> bool {
    pdf.windows(b"pdfuaid:part".len()).any(|w| w == b"pdfuaid:part")
}

/// A tagged PDF in Norwegian bokmål with its title shown.
fn tagged_nb(pdf: &[u8]) -> bool {
    let doc = lopdf::Document::load_mem(pdf).expect("a PDF");
    let Ok(catalog) = doc.catalog() else { return false };
    let lang = catalog.get(b"Lang").and_then(|l| l.as_str()).is_ok_and(|l| l == b"nb");
    catalog.has(b"StructTreeRoot") && lang
}

backends! {
    async fn the_grant_letter_is_a_decision_from_the_county_governor(app) {
        let (_, id) = bodo_sent_application(&app).await;
        let path = format!("/tilskudd/soknader/{id}");
        app.login(NORDLAND).await;
        let version = app.get(&path).await.attr("form[action$='/vedtak'] input[name=version]", "value").unwrap();
        let decided = app.post_form(&format!("{path}/vedtak"), &[("version", &version), ("outcome", "innvilg"), ("granted", "2 000 000"),
            ("aid_type", "not_state_aid"), ("conditions", "Rapporter i statusrapportene."), ("reference", "2027/123"),
            ("sub_allocations", "5610;100000\n5622;50000")]).await;
        assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.text());
        let pdf = app.get_bytes(&format!("{path}/tilskuddsbrev.pdf")).await;
        let text = pdf_text(&pdf);
        let accept_by = app.now().date() + chrono::Duration::weeks(3);
        for needle in [
            "Statsforvalteren i Nordland".to_string(),
            "Postboks 1405, 8002 Bodø".into(),
            "Org.nr. 974 762 994".into(),
            "Vår referanse: 2027/123".into(),
            "Bodø kommune".into(),
            format!("Statsforvalteren i Nordland innvilger Bodø kommune et tilskudd på {} til «Innføre digitalt tilsyn».", format::kroner(2_000_000)),
            "Tilskuddet gis etter regelverket for eksempelordningen «Velferdsteknologi i kommunene 2027» (demodata), kap. 761, post 68 i statsbudsjettet.".into(),
            "Rapporter i statusrapportene.".into(),
            "Tilskuddet utbetales etter anmodning om utbetaling i Samveis".into(),
            "Tilskuddet følges opp i rapporteringsrundene i Samveis".into(),
            format!("innen {}.", format::date(accept_by)),
            "forvaltningsloven §§ 28 og 29".into(),
            "Klagefristen er tre uker".into(),
            "sender Statsforvalteren i Nordland klagen til Helsedirektoratet som klageinstans".into(),
            "Saksbehandler, Statsforvalteren i Nordland".into(),
            format!("Kárášjohka-Karasjok: {}", format::kroner(100_000)),
            format!("Porsanger-Porsáŋgu-Porsanki: {}", format::kroner(50_000)),
        ] {
            assert!(text.contains(&flat(&needle)), "{needle} in the letter: {text}");
        }
        for wrong in ["Helsedirektoratet (programkontoret)", "v/ prosjektleder", "innføre digitalt", "Demodata: en eksempelordning", "?"] {
            assert!(!text.contains(wrong), "no «{wrong}» in the letter: {text}");
        }
        assert!(fonts_embedded(&pdf), "the font is embedded");
        assert!(tagged_nb(&pdf), "tagged, in bokmål");
        assert!(pdf_ua(&pdf), "PDF/UA-1");
    }

    async fn the_ks_2023_letter_reproduces_the_source(app) {
        let id = app
            .db
            .run(|conn| {
                let schemes = samveis::grants::store::schemes(conn)?;
                let ks = schemes.iter().find(|s| s.name.starts_with("KS:")).unwrap().id;
                let all = samveis::grants::store::applications_of(conn, ks)?;
                Ok::<_, samveis::db::StoreError>(all.into_iter().find(|a| a.applicant_name == "Kommunenettverket i Nordland").unwrap().id)
            })
            .await
            .unwrap();
        app.login(ADMIN).await;
        let ks = app.db.run(samveis::grants::store::schemes).await.unwrap();
        let ks = ks.iter().find(|s| s.name.starts_with("KS:")).unwrap().id;
        let scheme_page = app.get(&format!("/tilskudd/{ks}")).await.text();
        for shown in ["15. mai 2023", "Faktura merkes med prosjektnummer 102265.", "midlene KS er tildelt"] {
            assert!(scheme_page.contains(shown), "{shown} on the scheme page: {scheme_page}");
        }
        let pdf = app.get_bytes(&format!("/tilskudd/soknader/{id}/tilskuddsbrev.pdf")).await;
        let text = pdf_text(&pdf);
        for needle in [
            "KS Postboks 1378 Vika, 0114 Oslo".to_string(),
            "Org.nr. 971 032 146".into(),
            "Vår referanse: KS 23/02307-5".into(),
            "Dato: 8. mai 2023".into(),
            format!("KS innvilger Kommunenettverket i Nordland et tilskudd på {}", format::kroner(1_995_000)),
            "Tilskuddet gis etter midlene KS er tildelt i statsbudsjettet for 2022–2023".into(),
            "innen 15. mai 2023.".into(),
            "Faktura merkes med prosjektnummer 102265.".into(),
            "Nettverkskoordinator rapporterer til KS på oppdraget: elektronisk innrapportering på fremdrift to ganger i året".into(),
            "KS er ikke et forvaltningsorgan".into(),
            "Saksbehandler, KS".into(),
        ] {
            assert!(text.contains(&flat(&needle)), "{needle} in the KS letter: {text}");
        }
        assert!(!text.contains("Frikjøp av nettverkskoordinatorer i hvert fylke"), "payment terms, not the rules text: {text}");
        assert!(fonts_embedded(&pdf) && pdf_ua(&pdf));
    }

    async fn status_reports_keep_sami_letters_and_embed_their_font(app) {
        app.login(ADMIN).await;
        let county = app.get_bytes("/innsikt/fylker/56/statusrapport.pdf").await;
        let text = pdf_text(&county);
        for name in ["Statusrapport: Finnmark", "Kárášjohka-Karasjok", "Porsanger-Porsáŋgu-Porsanki", "Unjárga-Nesseby", "Guovdageaidnu-Kautokeino"] {
            assert!(text.contains(name), "{name} in the county report: {text}");
        }
        assert!(!text.contains('?'), "nothing replaced: {text}");
        assert!(fonts_embedded(&county) && tagged_nb(&county) && pdf_ua(&county));
        let national = app.get_bytes("/innsikt/statusrapport.pdf").await;
        assert!(fonts_embedded(&national) && tagged_nb(&national) && pdf_ua(&national));
        assert!(pdf_text(&national).contains("Teknologier i drift"));
        assert_ne!(app.other_browser().get("/innsikt/fylker/56/statusrapport.pdf").await.status, StatusCode::OK);
    }
}
