//! Server-rendered SVG charts: a title and a text summary inside the SVG for screen readers, the
//! numbers written on the bars, and patterns as well as colours so the parts can be told apart
//! without colour. The page puts the data table beside each chart.

use samveis_domain::insight::Adoption;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The opening of every chart: its size, and the title and text summary screen readers read.
fn open(class: &str, id: &str, (width, height): (f64, f64), title: &str, desc: &str) -> String {
    format!(
        r#"<svg class="{class}" id="{id}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">
<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>
"#,
        title = escape(title),
        desc = escape(desc),
    )
}

/// A stacked bar per technology: in operation, trial, not started, not answered.
pub fn adoption_bars(id: &str, title: &str, rows: &[Adoption]) -> String {
    let (label_w, bar_w, row_h, top) = (230.0, 420.0, 28.0, 34.0);
    let height = top + row_h * rows.len() as f64 + 10.0;
    let summary: Vec<String> = rows
        .iter()
        .map(|a| {
            format!(
                "{}: {} i drift, {} i utprøving, {} ikke startet av {}",
                a.technology.label,
                a.in_operation,
                a.trial,
                a.not_started,
                a.reporting()
            )
        })
        .collect();
    let mut svg = open("chart", id, (label_w + bar_w + 60.0, height), title, &summary.join(". "));
    svg.push_str(&format!(
        r#"<defs><pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" class="bar-trial"/><line x1="0" y1="0" x2="0" y2="6" class="hatch"/></pattern></defs>
<g class="legend" font-size="12"><rect x="{label_w}" y="6" width="12" height="12" class="bar-operation"/><text x="{l1}" y="16">I drift</text><rect x="{l2}" y="6" width="12" height="12" fill="url(#{id}-hatch)"/><text x="{l3}" y="16">Utprøving</text><rect x="{l4}" y="6" width="12" height="12" class="bar-none"/><text x="{l5}" y="16">Ikke startet / ikke svart</text></g>
"#,
        l1 = label_w + 16.0,
        l2 = label_w + 80.0,
        l3 = label_w + 96.0,
        l4 = label_w + 180.0,
        l5 = label_w + 196.0,
    ));
    for (i, a) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let total = f64::from(a.reporting().max(1));
        let w_op = bar_w * f64::from(a.in_operation) / total;
        let w_trial = bar_w * f64::from(a.trial) / total;
        let w_rest = bar_w - w_op - w_trial;
        svg.push_str(&format!(
            r#"<g font-size="12"><text x="{tx}" y="{ty}" text-anchor="end">{label}</text><rect x="{label_w}" y="{y}" width="{w_op:.1}" height="18" class="bar-operation"/><rect x="{x2:.1}" y="{y}" width="{w_trial:.1}" height="18" fill="url(#{id}-hatch)"/><rect x="{x3:.1}" y="{y}" width="{w_rest:.1}" height="18" class="bar-none"/><text x="{nx}" y="{ty}">{op} / {trial}</text></g>
"#,
            tx = label_w - 8.0,
            ty = y + 13.0,
            label = escape(a.technology.label),
            x2 = label_w + w_op,
            x3 = label_w + w_op + w_trial,
            nx = label_w + bar_w + 6.0,
            op = a.in_operation,
            trial = a.trial,
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// One bar per row with its figure written beside it; negative values are drawn as empty bars.
pub fn value_bars(id: &str, title: &str, rows: &[(String, i64, String)]) -> String {
    let (label_w, bar_w, row_h, top) = (230.0, 380.0, 24.0, 8.0);
    let height = top + row_h * rows.len() as f64 + 8.0;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f64;
    let summary: Vec<String> = rows.iter().map(|(label, _, figure)| format!("{label}: {figure}")).collect();
    let mut svg = open("chart", id, (label_w + bar_w + 140.0, height), title, &summary.join(". "));
    for (i, (label, value, figure)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let w = bar_w * (*value).max(0) as f64 / max;
        svg.push_str(&format!(
            r#"<g font-size="12"><text x="{tx}" y="{ty}" text-anchor="end">{label}</text><rect x="{label_w}" y="{y}" width="{w:.1}" height="16" class="bar-operation"/><text x="{nx:.1}" y="{ty}">{figure}</text></g>
"#,
            tx = label_w - 8.0,
            ty = y + 12.0,
            label = escape(label),
            nx = label_w + w + 6.0,
            figure = escape(figure),
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// A line over time: one point per period with its figure written above it; periods without a
/// value break the line.
pub fn line(id: &str, title: &str, points: &[(String, Option<i64>, String)]) -> String {
    let (left, width, top, height) = (20.0, 600.0, 24.0, 160.0);
    let max = points.iter().filter_map(|p| p.1).max().unwrap_or(0).max(1) as f64;
    let step = if points.len() > 1 { width / (points.len() - 1) as f64 } else { 0.0 };
    let xy = |i: usize, v: i64| (left + step * i as f64, top + height - height * v.max(0) as f64 / max);
    let summary: Vec<String> = points.iter().map(|(label, _, figure)| format!("{label}: {figure}")).collect();
    let mut svg = open("chart", id, (left * 2.0 + width, top + height + 30.0), title, &summary.join(". "));
    svg.push_str(&format!(
        r#"<line class="axis" x1="{left}" y1="{base}" x2="{right}" y2="{base}"/>
"#,
        base = top + height,
        right = left + width,
    ));
    let mut path = String::new();
    for (i, (label, value, figure)) in points.iter().enumerate() {
        let x = left + step * i as f64;
        svg.push_str(&format!(
            r#"<text x="{x:.1}" y="{ly}" font-size="12" text-anchor="middle">{label}</text>"#,
            ly = top + height + 18.0,
            label = escape(label)
        ));
        let Some(v) = value else { continue };
        let (x, y) = xy(i, *v);
        let pen = if path.is_empty() || points[i - 1].1.is_none() { "M" } else { "L" };
        path.push_str(&format!("{pen}{x:.1},{y:.1} "));
        svg.push_str(&format!(
            r#"<circle class="point" cx="{x:.1}" cy="{y:.1}" r="4"/><text x="{x:.1}" y="{ty:.1}" font-size="11" text-anchor="middle">{f}</text>"#,
            ty = y - 8.0,
            f = escape(figure)
        ));
    }
    svg.push_str(&format!(r#"<path class="line" d="{}"/></svg>"#, path.trim_end()));
    svg
}

/// A share as a ring: the part drawn solid, the rest light, the percentage in the middle.
pub fn donut(id: &str, title: &str, part: i64, whole: i64, figure: &str) -> String {
    let r = 60.0_f64;
    let circumference = 2.0 * std::f64::consts::PI * r;
    let filled = if whole > 0 { circumference * part.clamp(0, whole) as f64 / whole as f64 } else { 0.0 };
    let mut svg = open("chart donut", id, (180.0, 180.0), title, &format!("{figure}: {part} av {whole}"));
    svg.push_str(&format!(
        r#"<circle class="donut-rest" cx="90" cy="90" r="{r}"/><circle class="donut-part" cx="90" cy="90" r="{r}" stroke-dasharray="{filled:.1} {circumference:.1}" transform="rotate(-90 90 90)"/>
<text x="90" y="96" font-size="20" text-anchor="middle">{figure}</text></svg>"#,
        figure = escape(figure),
    ));
    svg
}

#[cfg(test)]
mod tests {
    use samveis_domain::insight::{TECHNOLOGIES, adoption, technology_status};

    #[test]
    fn a_chart_has_a_title_a_summary_and_a_bar_per_technology() {
        let rows = adoption(&[Some(&technology_status(&Default::default()))]);
        let svg = super::adoption_bars("c", "Teknologi i Nordland & omegn", &rows);
        assert!(svg.contains("<title id=\"c-title\">Teknologi i Nordland &amp; omegn</title>"));
        assert!(svg.contains("Digitalt tilsyn: 0 i drift"));
        assert_eq!(svg.matches("class=\"bar-operation\"").count(), TECHNOLOGIES.len() + 1);
    }

    #[test]
    fn a_line_breaks_where_a_period_has_no_value_and_says_every_point() {
        let points = [
            ("2023".to_string(), Some(100), "1".to_string()),
            ("2024".into(), None, "–".into()),
            ("2025".into(), Some(300), "3".into()),
        ];
        let svg = super::line("l", "Brukere", &points);
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("2024: –") && svg.contains(r#"d="M20.0,"#), "{svg}");
        let path = svg.split("class=\"line\" d=\"").nth(1).unwrap_or_default();
        assert_eq!(path.matches('M').count(), 2, "two pieces: {path}");
    }
}
