//! Views as PDF status reports: a cover, the headline figures, technologies in operation as bars
//! with their numbers; for the nation project status, benefits and money, for a county one row
//! per municipality.

use super::{AreaInsight, Programme};
use crate::web::format;
use crate::web::pdf::{BODY, BOLD, MARGIN, PAGE_H, PAGE_W, PdfError, REGULAR, Writer};
use chrono::NaiveDate;

/// A cover: the title in a grey band, the programme and the date, then the opening paragraph.
fn cover(w: &mut Writer, title: &str, today: NaiveDate, area: &AreaInsight, whose: &str) {
    w.rect(MARGIN, PAGE_H - 300.0, PAGE_W - 2.0 * MARGIN, 170.0, 235);
    w.heading_at(1, MARGIN + 20.0, PAGE_H - 190.0, 24.0, title);
    w.text_at(MARGIN + 20.0, PAGE_H - 220.0, REGULAR, 14.0, "Nasjonalt velferdsteknologiprogram");
    w.text_at(MARGIN + 20.0, PAGE_H - 250.0, REGULAR, 11.0, &format!("Samveis, {}", format::date(today)));
    w.y = PAGE_H - 340.0;
    let (offering, population) = area.offering();
    w.paragraph(
        &format!(
            "Tallene er regnet ut fra hver kommunes siste innsendte teknologistatus da rapporten ble laget. {} {} av {} kommuner{whose} har levert teknologistatus. {} har minst én teknologi i drift; der bor {} innbyggere.",
            area.status_line(),
            area.reported(),
            area.lines.len(),
            format::count(offering as i64, "kommune", "kommuner"),
            format::number(population)
        ),
        REGULAR,
        BODY,
        0.0,
    );
    w.gap(6.0);
    w.paragraph(&area.layout_note(), REGULAR, BODY, 0.0);
    if area.demo() {
        w.gap(6.0);
        w.paragraph("Demodata: svarene i teknologistatusen er syntetiske.", BOLD, BODY, 0.0);
    }
}

/// Technologies in operation as bars, with in operation / in trial written beside.
fn adoption_bars(w: &mut Writer, area: &AreaInsight) {
    w.heading(2, "Teknologier i drift", 14.0);
    w.paragraph("Andel av kommunene som har levert, med antall i drift / i utprøving.", REGULAR, 9.0, 0.0);
    w.gap(6.0);
    for a in &area.adoption {
        let fraction = a.in_operation as f32 / a.reporting().max(1) as f32;
        w.bar(a.technology.label, fraction, &format!("{} / {}", a.in_operation, a.trial));
    }
}

/// The county governor's view as a PDF: cover, technologies, and one row per municipality.
pub fn county(today: NaiveDate, name: &str, area: &AreaInsight) -> Result<Vec<u8>, PdfError> {
    let mut w = Writer::new();
    cover(&mut w, &format!("Statusrapport: {name}"), today, area, &format!(" i {name}"));
    w.new_page();
    adoption_bars(&mut w, area);
    w.gap(16.0);
    w.heading(2, "Kommunene", 14.0);
    w.table();
    let header = [
        (MARGIN, false, "Kommune"),
        (MARGIN + 250.0, true, "I drift"),
        (MARGIN + 330.0, true, "Brukere"),
        (MARGIN + 450.0, true, "Investering"),
    ];
    w.row(&header, true, 9.0);
    for l in &area.lines {
        let (in_operation, users, investment) = match l.statuses {
            Some(_) => (l.in_operation().to_string(), format::number(l.users()), format::kroner(l.investment())),
            None => ("ikke levert".to_string(), String::new(), String::new()),
        };
        let cells = [
            (MARGIN, false, l.name.as_str()),
            (MARGIN + 250.0, true, in_operation.as_str()),
            (MARGIN + 330.0, true, users.as_str()),
            (MARGIN + 450.0, true, investment.as_str()),
        ];
        w.row(&cells, false, 9.0);
    }
    w.finish(&format!("Statusrapport – {name}"), "Samveis")
}

pub fn national(today: NaiveDate, area: &AreaInsight, programme: &Programme) -> Result<Vec<u8>, PdfError> {
    let mut w = Writer::new();
    cover(&mut w, "Statusrapport", today, area, "");
    w.new_page();
    adoption_bars(&mut w, area);
    if let Some(p) = &programme.project_status {
        w.gap(16.0);
        w.heading(2, "Prosjektstatus", 14.0);
        w.paragraph(
            &format!("Hvert prosjekt teller med sin siste innsendte statusrapport. {}", p.line),
            REGULAR,
            9.0,
            0.0,
        );
        w.table();
        for (status, count) in &p.counts {
            w.row(&[(MARGIN, false, status), (MARGIN + 260.0, true, &count.to_string())], false, BODY);
        }
    }
    if let Some(benefits_round) = &programme.benefits_round {
        w.gap(16.0);
        w.heading(2, &format!("Gevinster ({benefits_round})"), 14.0);
        w.table();
        let header = [
            (MARGIN, false, "Teknologi"),
            (MARGIN + 290.0, true, "Unngåtte kostnader"),
            (MARGIN + 380.0, true, "Timer"),
            (MARGIN + 460.0, true, "Brukere"),
        ];
        w.row(&header, true, 9.0);
        for b in &programme.benefits {
            let (kr, hours, users) =
                (format::kroner(b.avoided_kroner), format::hundredths(b.freed_hours), format::number(b.included_users));
            w.row(
                &[
                    (MARGIN, false, b.technology),
                    (MARGIN + 290.0, true, &kr),
                    (MARGIN + 380.0, true, &hours),
                    (MARGIN + 460.0, true, &users),
                ],
                false,
                9.0,
            );
        }
    }
    w.gap(16.0);
    w.heading(2, "Tilskudd", 14.0);
    w.paragraph(
        &format!(
            "Innvilget i alt {}, utbetalt {} (fra regnskapet for alle ordninger).",
            format::kroner(programme.granted),
            format::kroner(programme.paid)
        ),
        REGULAR,
        BODY,
        0.0,
    );
    w.finish("Statusrapport – Nasjonalt velferdsteknologiprogram", "Samveis")
}
