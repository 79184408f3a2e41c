//! Values as a reader wants them: units as symbols (`Cel` → °C), constraints in words, numbers
//! with sensible precision, statuses and severities in the page's language.

use assay_model::manifest::Field;
use assay_model::report::CheckStatus;
use assay_model::{Scalar, check::Severity, manifest::Sensitivity};

use crate::Lang;
use crate::i18n::t;

/// A UCUM code as its printed symbol: `Cel` → `°C`, `m3` → `m³`, `kW.h` → `kW·h`, `um` →
/// `µm`, `[ppm]` → `ppm`; `/min` on a rotation speed → `r/min`, otherwise `min⁻¹`. Codes it
/// does not know are shown as written.
pub fn unit_symbol(ucum: &str, column: &str) -> String {
    let c = column.to_ascii_lowercase();
    let rotation = ["rpm", "speed", "rotation", "spindle", "rev"]
        .iter()
        .any(|w| c.contains(w));
    match ucum {
        "/min" | "{r}/min" | "{rev}/min" if rotation => return "r/min".into(),
        "{r}/min" | "{rev}/min" => return "r/min".into(),
        "/min" => return "min⁻¹".into(),
        "/s" => return "s⁻¹".into(),
        "/h" => return "h⁻¹".into(),
        "Cel" => return "°C".into(),
        "[degF]" => return "°F".into(),
        "deg" => return "°".into(),
        "1" => return String::new(),
        _ => {}
    }
    let mut out = String::with_capacity(ucum.len() + 4);
    let mut prev_letter = false;
    let mut chars = ucum.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '[' | ']' | '{' | '}' => {}
            '.' => out.push('·'),
            'u' if !prev_letter && chars.peek().is_some_and(|n| n.is_ascii_alphabetic()) => {
                out.push('µ')
            }
            '2' | '3' if prev_letter => out.push(if ch == '2' { '²' } else { '³' }),
            '-' if prev_letter && chars.peek().is_some_and(|n| n.is_ascii_digit()) => out.push('⁻'),
            '1' if out.ends_with('⁻') => out.push('¹'),
            _ => out.push(ch),
        }
        prev_letter = ch.is_ascii_alphabetic() || ch == ']';
    }
    out.replace("Cel", "°C").replace("degF", "°F")
}

/// A number with sensible precision: integers as they are, others to four significant digits
/// (`0.000020002000200020003` → `0.00002`), trailing zeros dropped.
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    let magnitude = v.abs().log10().floor() as i32;
    if !(-6..15).contains(&magnitude) {
        return format!("{v:.3e}");
    }
    let decimals = (3 - magnitude).max(0) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A text value that is a number, at sensible precision; other text as it is.
pub fn number_text(s: &str) -> String {
    match s.parse::<f64>() {
        Ok(v) if s.contains('.') || s.contains('e') => number(v),
        _ => s.to_string(),
    }
}

/// A column's constraints in words: `required, unique, one of A, B, C, 0 ≤ x ≤ 200, length 3 to
/// 10, pattern ^…$`.
pub fn constraint_words(f: &Field, lang: Lang) -> String {
    let c = &f.constraints;
    let mut out: Vec<String> = Vec::new();
    if c.required == Some(true) {
        out.push(t(lang, "w_required").into());
    }
    if c.unique == Some(true) {
        out.push(t(lang, "w_unique").into());
    }
    if let Some(v) = &c.enum_values {
        out.push(format!(
            "{} {}",
            t(lang, "w_one_of"),
            v.iter().map(Scalar::plain).collect::<Vec<_>>().join(", ")
        ));
    }
    let lo = c
        .minimum
        .as_ref()
        .map(|x| format!("{} ≤ ", x.plain()))
        .or_else(|| {
            c.exclusive_minimum
                .as_ref()
                .map(|x| format!("{} < ", x.plain()))
        });
    let hi = c
        .maximum
        .as_ref()
        .map(|x| format!(" ≤ {}", x.plain()))
        .or_else(|| {
            c.exclusive_maximum
                .as_ref()
                .map(|x| format!(" < {}", x.plain()))
        });
    if lo.is_some() || hi.is_some() {
        out.push(format!(
            "{}x{}",
            lo.unwrap_or_default(),
            hi.unwrap_or_default()
        ));
    }
    match (c.min_length, c.max_length) {
        (Some(a), Some(b)) if a == b => out.push(format!("{} {a}", t(lang, "w_length"))),
        (Some(a), Some(b)) => out.push(format!("{} {a}–{b}", t(lang, "w_length"))),
        (Some(a), None) => out.push(format!("{} ≥ {a}", t(lang, "w_length"))),
        (None, Some(b)) => out.push(format!("{} ≤ {b}", t(lang, "w_length"))),
        (None, None) => {}
    }
    if let Some(p) = &c.pattern {
        out.push(format!("{} {p}", t(lang, "w_pattern")));
    }
    out.join(if lang == Lang::Zh { "；" } else { "; " })
}

/// Why the grade is capped, in the page's language, from the report itself (the report's
/// `capped_by` is English): `6 项错误级检查未通过`, or that data could not be read.
pub fn cap_sentence(report: &assay_model::report::Report, lang: Lang) -> Option<String> {
    let q = report.quality.as_ref()?;
    q.capped_by.as_ref()?;
    let unreadable = report
        .resources
        .iter()
        .any(|r| r.files.iter().any(|f| f.error.is_some()));
    Some(if unreadable {
        t(lang, "cap_unreadable").to_string()
    } else {
        let n = report
            .checks()
            .filter(|c| c.status == CheckStatus::Fail && c.severity == Severity::Error)
            .count();
        t(lang, "cap_error_n").replace("{}", &n.to_string())
    })
}

/// A check status in the page's language.
pub fn status(lang: Lang, s: CheckStatus) -> &'static str {
    t(
        lang,
        match s {
            CheckStatus::Pass => "s_pass",
            CheckStatus::Warn => "s_warn",
            CheckStatus::Fail => "s_fail",
            CheckStatus::Error => "s_error",
        },
    )
}

/// A severity in the page's language.
pub fn severity(lang: Lang, s: Severity) -> &'static str {
    t(
        lang,
        match s {
            Severity::Error => "sev_error",
            Severity::Warn => "sev_warn",
        },
    )
}

/// A sensitivity level in the page's language.
pub fn sensitivity(lang: Lang, s: Sensitivity) -> &'static str {
    t(
        lang,
        match s {
            Sensitivity::Public => "sens_public",
            Sensitivity::Internal => "sens_internal",
            Sensitivity::Confidential => "sens_confidential",
            Sensitivity::Restricted => "sens_restricted",
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_numbers_read_well() {
        assert_eq!(unit_symbol("Cel", "temperature"), "°C");
        assert_eq!(unit_symbol("/min", "spindle_speed"), "r/min");
        assert_eq!(unit_symbol("/min", "strokes"), "min⁻¹");
        assert_eq!(unit_symbol("m3", "volume"), "m³");
        assert_eq!(unit_symbol("kW.h", "energy"), "kW·h");
        assert_eq!(unit_symbol("um", "thickness"), "µm");
        assert_eq!(unit_symbol("mm/s", "rms"), "mm/s");
        assert_eq!(unit_symbol("m/s2", "acc"), "m/s²");
        assert_eq!(unit_symbol("kg/m3", "density"), "kg/m³");
        assert_eq!(unit_symbol("[ppm]", "ch4"), "ppm");
        assert_eq!(unit_symbol("%", "share"), "%");
        assert_eq!(number(0.000020002000200020003), "0.00002");
        assert_eq!(number(99.95123), "99.95");
        assert_eq!(number(12345.678), "12346");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number_text("0.30000000000000004"), "0.3");
        assert_eq!(number_text("PCB-001"), "PCB-001");
    }
}
