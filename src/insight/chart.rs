//! Server-rendered SVG charts: a title and a text summary inside the SVG for screen readers, the
//! numbers written on the bars, and patterns as well as colours so the parts can be told apart
//! without colour. The page puts the data table beside each chart.

use samveis_domain::insight::Adoption;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
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
    let mut svg = format!(
        r#"<svg class="chart" id="{id}" viewBox="0 0 {w} {height}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">
<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>
<defs><pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" class="bar-trial"/><line x1="0" y1="0" x2="0" y2="6" class="hatch"/></pattern></defs>
<g class="legend" font-size="12"><rect x="{label_w}" y="6" width="12" height="12" class="bar-operation"/><text x="{l1}" y="16">I drift</text><rect x="{l2}" y="6" width="12" height="12" fill="url(#{id}-hatch)"/><text x="{l3}" y="16">Utprøving</text><rect x="{l4}" y="6" width="12" height="12" class="bar-none"/><text x="{l5}" y="16">Ikke startet / ikke svart</text></g>
"#,
        w = label_w + bar_w + 60.0,
        title = escape(title),
        desc = escape(&summary.join(". ")),
        l1 = label_w + 16.0,
        l2 = label_w + 80.0,
        l3 = label_w + 96.0,
        l4 = label_w + 180.0,
        l5 = label_w + 196.0,
    );
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
    let mut svg = format!(
        r#"<svg class="chart" id="{id}" viewBox="0 0 {w} {height}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">
<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>
"#,
        w = label_w + bar_w + 140.0,
        title = escape(title),
        desc = escape(&summary.join(". ")),
    );
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

#[cfg(test)]
mod tests {
    use samveis_domain::insight::{TECHNOLOGIES, adoption, technology_status};

    #[test]
    fn a_chart_has_a_title_a_summary_and_a_bar_per_technology() {
        let rows = adoption(&[technology_status(&Default::default())]);
        let svg = super::adoption_bars("c", "Teknologi i Nordland & omegn", &rows);
        assert!(svg.contains("<title id=\"c-title\">Teknologi i Nordland &amp; omegn</title>"));
        assert!(svg.contains("Digitalt tilsyn: 0 i drift"));
        assert_eq!(svg.matches("class=\"bar-operation\"").count(), TECHNOLOGIES.len() + 1);
    }
}
