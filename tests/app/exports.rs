//! The XLSX exports read back as a spreadsheet program reads them: dates are date cells
//! (dd.mm.åååå), kroner are numbers with a kroner format (thousands separated), and every header
//! says what its column is.

use crate::backends;
use crate::grants::scheme_id;
use crate::helpers::*;
use calamine::{Data, Reader};

/// Row 0 as text and the cells below it, of a workbook's first sheet.
fn sheet(xlsx: &[u8]) -> (Vec<String>, calamine::Range<Data>) {
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let header = (0..range.width()).map(|c| range.get_value((0, c as u32)).unwrap().to_string()).collect();
    (header, range)
}

/// The number formats a workbook's styles hold, as Excel stores them (`#,##0 "kr"`).
fn number_formats(xlsx: &[u8]) -> Vec<String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut styles = String::new();
    zip.by_name("xl/styles.xml").unwrap().read_to_string(&mut styles).unwrap();
    styles
        .split("formatCode=\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').map(|(code, _)| code.replace("&quot;", "\"")))
        .collect()
}

fn column(header: &[String], name: &str) -> u32 {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("«{name}» in {header:?}")) as u32
}

/// Every value of a column below the header.
fn values(range: &calamine::Range<Data>, col: u32) -> Vec<Data> {
    (1..range.height() as u32)
        .filter_map(|r| range.get_value((r, col)).cloned())
        .filter(|v| *v != Data::Empty)
        .collect()
}

fn all_dates(values: &[Data]) -> bool {
    !values.is_empty() && values.iter().all(|v| matches!(v, Data::DateTime(_)))
}

fn all_numbers(values: &[Data]) -> bool {
    !values.is_empty() && values.iter().all(|v| matches!(v, Data::Float(_)))
}

backends! {
    async fn the_benefits_export_names_the_technology_in_every_header_with_dates_and_kroner_typed(app) {
        app.login(ADMIN).await;
        let rounds = app.get("/api/v1/rounds").await.json();
        let round = rounds.as_array().unwrap().iter().find(|r| r["name"] == "Gevinstrapport 2021").unwrap()["id"].as_i64().unwrap();
        let xlsx = app.get_bytes(&format!("/rapportering/runder/{round}/eksport.xlsx")).await;
        let (header, range) = sheet(&xlsx);
        let mut distinct = header.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), header.len(), "no header twice: {header:?}");
        assert!(!header.iter().any(|h| h == "Gevinstkategori"), "{header:?}");
        for technology in ["Trygghetsalarm", "Digitalt tilsyn", "Videokonsultasjon", "Annen velferdsteknologi"] {
            assert!(header.contains(&format!("{technology}: Gevinstkategori")), "{technology} in {header:?}");
        }
        assert!(header.contains(&"Kommentar".to_string()), "a label used once stays as it is");
        assert!(all_dates(&values(&range, column(&header, "Sendt inn"))), "submitted on a date");
        assert!(all_dates(&values(&range, column(&header, "Trygghetsalarm: Dato for nullpunktsmåling"))));
        let kroner = values(&range, column(&header, "Digitalt tilsyn: Unngåtte kostnader i perioden (kr)"));
        assert!(all_numbers(&kroner), "{kroner:?}");
        let formats = number_formats(&xlsx);
        assert!(formats.contains(&"dd.mm.yyyy".to_string()) && formats.contains(&"#,##0 \"kr\"".to_string()), "{formats:?}");
        let csv = app.get(&format!("/rapportering/runder/{round}/eksport.csv")).await.body;
        assert!(csv.lines().next().unwrap().contains(";Trygghetsalarm: Gevinstkategori;"), "CSV has the same headers");
    }

    async fn the_grants_export_has_decision_dates_and_kroner(app) {
        let id = scheme_id(&app, "KS: frikjøp").await;
        let xlsx = app.get_bytes(&format!("/tilskudd/{id}/tilsagn.xlsx")).await;
        let (header, range) = sheet(&xlsx);
        assert!(all_dates(&values(&range, column(&header, "Vedtaksdato"))));
        for money in ["Innvilget (kr)", "Utbetalt (kr)", "Gjenstår (kr)"] {
            assert!(all_numbers(&values(&range, column(&header, money))), "{money}");
        }
        assert!(values(&range, column(&header, "Innvilget (kr)")).contains(&Data::Float(1_526_000.0)));
        assert!(number_formats(&xlsx).contains(&"#,##0 \"kr\"".to_string()));
        let csv = app.get(&format!("/tilskudd/{id}/tilsagn.csv")).await.body;
        assert!(csv.contains("Kommunenettverket i Agder;Innvilget;1526000;1526000"), "CSV keeps plain numbers: {csv}");
    }

    async fn the_indicator_export_says_kroner_for_every_kroner_column(app) {
        let q = "niva=fylke&periode=2025";
        let xlsx = app.get_bytes(&format!("/innsikt/indikatorer/digitalt_tilsyn_investering/indikator.xlsx?{q}")).await;
        let (header, range) = sheet(&xlsx);
        assert_eq!(header[2..5], ["Verdi (kroner)", "Teller: sum (kroner)", "Nevner"], "{header:?}");
        let nordland = (1..range.height() as u32).find(|r| range.get_value((*r, 0)) == Some(&Data::String("18".into()))).unwrap();
        let (value, numerator) = (range.get_value((nordland, 2)).cloned(), range.get_value((nordland, 3)).cloned());
        assert!(matches!(value, Some(Data::Float(v)) if v > 0.0), "{value:?}");
        assert_eq!(numerator, value, "the sum in kroner, not øre");
        assert!(number_formats(&xlsx).contains(&"#,##0.00 \"kr\"".to_string()));
        let share = app.get_bytes(&format!("/innsikt/indikatorer/digitalt_tilsyn_i_drift/indikator.xlsx?{q}")).await;
        let (header, _) = sheet(&share);
        assert_eq!(header[2..5], ["Verdi (prosent)", "Teller: antall enheter", "Nevner: enheter som svarte"], "{header:?}");
    }

    async fn the_county_export_has_delivery_dates_and_kroner(app) {
        app.login(NORDLAND).await;
        let xlsx = app.get_bytes("/innsikt/fylker/18/kommuner.xlsx").await;
        let (header, range) = sheet(&xlsx);
        let delivered = values(&range, column(&header, "Levert"));
        assert!(all_dates(&delivered), "{delivered:?}");
        assert!(all_numbers(&values(&range, column(&header, "Investering i alt (kr)"))));
        assert!(number_formats(&xlsx).contains(&"#,##0 \"kr\"".to_string()));
    }
}
