//! Inline SVG charts (no script, no external asset). Every text they contain is escaped here,
//! so the templates may print them as safe values.

use std::fmt::Write as _;

use assay_model::profile::ColumnProfile;
use assay_model::report::Report;

use crate::Lang;
use crate::escape::html as esc;
use crate::i18n::{dimension_label, t};

/// The six dimensions as an inline SVG bar chart (no script, no external asset).
pub fn dimension_chart(report: &Report, lang: Lang) -> String {
    let Some(q) = &report.quality else {
        return String::new();
    };
    let (w, row_h, label_w) = (640, 34, 230);
    let h = row_h * q.dimensions.len() + 10;
    let mut svg = format!(
        "<svg id=\"dimension-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\">",
        esc(t(lang, "dimensions"))
    );
    for (i, d) in q.dimensions.iter().enumerate() {
        let y = 5 + i * row_h;
        let bar_max = (w - label_w - 70) as f64;
        let width = d.score.map_or(0.0, |s| bar_max * s / 100.0);
        let colour = match d.score {
            Some(s) if s >= 90.0 => "#2e7d32",
            Some(s) if s >= 75.0 => "#9e9d24",
            Some(s) if s >= 60.0 => "#ef6c00",
            Some(_) => "#c62828",
            None => "#9e9e9e",
        };
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" font-size=\"14\">{}</text><rect class=\"track\" x=\"{label_w}\" y=\"{y}\" width=\"{bar_max}\" height=\"22\" fill=\"#eeeeee\"/><rect class=\"bar\" data-dimension=\"{}\" x=\"{label_w}\" y=\"{y}\" width=\"{width:.1}\" height=\"22\" fill=\"{colour}\"/><text x=\"{}\" y=\"{}\" font-size=\"14\">{}</text>",
            y + 16,
            esc(&dimension_label(lang, d.dimension)),
            esc(&dimension_label(Lang::En, d.dimension)),
            label_w as f64 + bar_max + 8.0,
            y + 16,
            d.score.map_or("—".to_string(), |s| format!("{s:.1}"))
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The label's distribution in each split as an inline SVG: per label, one bar per split, the
/// share of the split's rows.
pub fn label_chart(t: &assay_model::report::Training) -> String {
    let colours = ["#1565c0", "#ef6c00", "#2e7d32"];
    let mut labels: Vec<&str> = Vec::new();
    for s in &t.splits {
        for l in &s.labels {
            if !labels.contains(&l.label.as_str()) {
                labels.push(&l.label);
            }
        }
    }
    if labels.is_empty() {
        return String::new();
    }
    let bars = t.splits.len().max(1);
    let (w, label_w, bar_h) = (640usize, 160usize, 12usize);
    let group_h = bars * bar_h + 10;
    let h = group_h * labels.len() + 24;
    let mut svg = format!(
        "<svg id=\"label-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\">"
    );
    let bar_max = (w - label_w - 70) as f64;
    for (si, s) in t.splits.iter().enumerate() {
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"2\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"11\" font-size=\"11\">{}</text>",
            label_w + si * 110,
            colours[si % 3],
            label_w + si * 110 + 14,
            esc(&s.name)
        );
    }
    for (li, label) in labels.iter().enumerate() {
        let y0 = 20 + li * group_h;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" font-size=\"13\">{}</text>",
            y0 + group_h / 2,
            esc(label)
        );
        for (si, s) in t.splits.iter().enumerate() {
            let n = s
                .labels
                .iter()
                .find(|l| l.label == *label)
                .map_or(0, |l| l.rows);
            let share = if s.rows == 0 {
                0.0
            } else {
                n as f64 / s.rows as f64
            };
            let y = y0 + si * bar_h;
            let _ = write!(
                svg,
                "<rect class=\"label-bar\" data-split=\"{}\" data-label=\"{}\" x=\"{label_w}\" y=\"{y}\" width=\"{:.1}\" height=\"{}\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{}\" font-size=\"10\">{:.1}%</text>",
                esc(&s.name),
                esc(label),
                bar_max * share,
                bar_h - 2,
                colours[si % 3],
                label_w as f64 + bar_max * share + 4.0,
                y + bar_h - 3,
                share * 100.0
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A series as a small inline SVG line.
pub fn sparkline(values: &[f64]) -> String {
    let values: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    let span = if hi > lo { hi - lo } else { 1.0 };
    let step = 160.0 / (values.len().max(2) - 1) as f64;
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * step,
                22.0 - 20.0 * (v - lo) / span
            )
        })
        .collect();
    format!(
        "<svg class=\"trend\" xmlns=\"http://www.w3.org/2000/svg\" width=\"160\" height=\"24\" viewBox=\"0 0 160 24\"><polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\" points=\"{}\"/></svg>",
        points.join(" ")
    )
}

/// A numeric column's histogram as a small inline SVG.
pub fn histogram_svg(c: &ColumnProfile, lang: crate::Lang) -> String {
    let Some(h) = &c.histogram else {
        return String::new();
    };
    let top = h.counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    // Bars over 10..110, an x axis with the bin range under them, and the outliers left out
    // of the bins counted at each end in red.
    let mut svg = String::from(
        "<svg class=\"histogram\" xmlns=\"http://www.w3.org/2000/svg\" width=\"160\" height=\"40\" viewBox=\"0 0 160 40\">",
    );
    for (i, n) in h.counts.iter().enumerate() {
        let bh = 24.0 * *n as f64 / top;
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"{:.1}\" width=\"9\" height=\"{bh:.1}\" fill=\"#1565c0\"><title>{}</title></rect>",
            30 + i * 10,
            26.0 - bh,
            n
        );
    }
    let _ = write!(
        svg,
        "<line x1=\"30\" y1=\"26.5\" x2=\"130\" y2=\"26.5\" stroke=\"#616161\" stroke-width=\"0.5\"/>\
         <text x=\"30\" y=\"37\" font-size=\"8\" fill=\"#424242\">{}</text>\
         <text x=\"130\" y=\"37\" font-size=\"8\" fill=\"#424242\" text-anchor=\"end\">{}</text>",
        esc(&super::words::number(h.min)),
        esc(&super::words::number(h.max))
    );
    let outliers = crate::i18n::t(lang, "outliers");
    if h.below > 0 {
        let _ = write!(
            svg,
            "<text class=\"outliers\" x=\"27\" y=\"22\" font-size=\"8\" fill=\"#c62828\" text-anchor=\"end\">\u{25c2}{}<title>{} {}</title></text>",
            h.below,
            h.below,
            esc(outliers)
        );
    }
    if h.above > 0 {
        let _ = write!(
            svg,
            "<text class=\"outliers\" x=\"133\" y=\"22\" font-size=\"8\" fill=\"#c62828\">{}\u{25b8}<title>{} {}</title></text>",
            h.above,
            h.above,
            esc(outliers)
        );
    }
    svg.push_str("</svg>");
    svg
}
