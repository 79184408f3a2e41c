//! A column profile (`assay profile`) as terminal text: one line per column, candidate keys.

use std::fmt::Write as _;

use assay_model::profile::Profile;

/// The profile as an aligned table.
pub fn render_text(p: &Profile) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} file(s), {} rows", p.files.len(), p.rows);
    let rows: Vec<[String; 7]> = p
        .columns
        .iter()
        .map(|c| {
            let distinct = c
                .distinct
                .map(|d| format!("{}{}", if d.estimated { "~" } else { "" }, d.count))
                .unwrap_or_default();
            let range = match (&c.min, &c.max) {
                (Some(a), Some(b)) => format!("{a} .. {b}"),
                _ => String::new(),
            };
            let stats = match (c.mean, c.stddev) {
                (Some(m), Some(s)) => format!("mean {m:.4} sd {s:.4}"),
                (Some(m), None) => format!("mean {m:.4}"),
                _ => c
                    .length
                    .map(|(a, b)| format!("length {a}..{b}"))
                    .unwrap_or_default(),
            };
            let notes = c
                .patterns
                .iter()
                .map(|p| format!("{} {:.1}%", p.kind, p.fraction * 100.0))
                .chain(c.monotonic.clone())
                .chain(
                    c.top_values
                        .first()
                        .map(|t| format!("top {} ({})", t.value, t.count)),
                )
                .collect::<Vec<_>>()
                .join("; ");
            [
                c.name.clone(),
                c.data_type.clone(),
                c.null_count
                    .map_or_else(|| "?".to_string(), |n| n.to_string()),
                distinct,
                range,
                stats,
                notes,
            ]
        })
        .collect();
    let header = [
        "COLUMN",
        "TYPE",
        "NULLS",
        "DISTINCT",
        "MIN .. MAX",
        "STATS",
        "NOTES",
    ];
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r.iter()) {
            *w = (*w).max(cell.chars().count().min(48));
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let mut s = String::from(" ");
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            let cell: String = cell.chars().take(48).collect();
            if i + 1 == cells.len() {
                s.push_str(&format!(" {cell}"));
            } else {
                s.push_str(&format!(" {cell:<w$}", w = *w));
            }
        }
        s.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(header.to_vec()));
    for r in &rows {
        let _ = writeln!(out, "{}", line(r.iter().map(String::as_str).collect()));
    }
    if !p.candidate_keys.is_empty() {
        let _ = writeln!(
            out,
            "candidate keys: {}",
            p.candidate_keys
                .iter()
                .map(|k| k.join(" + "))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    for c in &p.columns {
        if let Some(why) = assay_model::redact::personal_reason(c) {
            let _ = writeln!(
                out,
                "personal? {}: {why}; mark it `personal: true` in the manifest so its values are redacted outside your terminal",
                c.name
            );
        }
    }
    let _ = writeln!(
        out,
        "~ marks an estimated distinct count (HyperLogLog); quantiles in --format json are approximate"
    );
    out
}
