//! `assay fields`.

use std::io::Write;

use anyhow::Result;
use assay_model::registry::{self, FieldRegistry, IndustrialField};
use unicode_width::UnicodeWidthStr;

use crate::cli::ListFormat;
use crate::exit::Status;

pub fn run(
    registry: &FieldRegistry,
    query: Option<&str>,
    sector: Option<&str>,
    format: ListFormat,
) -> Result<Status> {
    if let Some(s) = sector
        && registry::sector(s).is_none()
    {
        let known: Vec<&str> = registry.sectors().iter().map(|s| s.code).collect();
        eprintln!(
            "error: unknown sector `{s}`\n  hint: sectors are {}",
            known.join(", ")
        );
        return Ok(Status::Invalid);
    }
    let mut out = std::io::stdout().lock();
    // An exact code shows that one field in full.
    if let Some(field) = query.and_then(|q| registry.get(q)) {
        match format {
            ListFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&json(field))?)?,
            ListFormat::Text => show(&mut out, field)?,
        }
        return Ok(Status::Success);
    }
    let fields: Vec<&IndustrialField> = registry.search(query, sector).collect();
    match format {
        ListFormat::Json => {
            let list: Vec<_> = fields.iter().map(|f| json(f)).collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
        }
        ListFormat::Text => table(&mut out, &fields)?,
    }
    if fields.is_empty() {
        eprintln!(
            "no field matches{}{}",
            query.map(|q| format!(" `{q}`")).unwrap_or_default(),
            sector
                .map(|s| format!(" in sector `{s}`"))
                .unwrap_or_default()
        );
        return Ok(Status::Failure);
    }
    Ok(Status::Success)
}

fn json(f: &IndustrialField) -> serde_json::Value {
    serde_json::json!({
        "code": f.code,
        "name_en": f.name_en,
        "name_zh": f.name_zh,
        "sector": f.sector,
        "gbt4754": f.gbt4754,
        "isic4": f.isic4,
        "notes": f.notes,
        "uncertain": f.uncertain(),
        "includes_zh": f.includes_zh,
    })
}

fn pad(s: &str, width: usize) -> String {
    let w = s.width();
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

fn table(out: &mut impl Write, fields: &[&IndustrialField]) -> std::io::Result<()> {
    let w_sector = fields
        .iter()
        .map(|f| f.sector.width())
        .max()
        .unwrap_or(6)
        .max(6);
    let w_zh = fields
        .iter()
        .map(|f| f.name_zh.width())
        .max()
        .unwrap_or(4)
        .max(4);
    writeln!(
        out,
        "{} {} {} {} NAME",
        pad("CODE", 8),
        pad("SECTOR", w_sector),
        pad("GB/T", 5),
        pad("名称", w_zh)
    )?;
    for f in fields {
        writeln!(
            out,
            "{} {} {} {} {}{}",
            pad(&f.code, 8),
            pad(&f.sector, w_sector),
            pad(&f.gbt4754, 5),
            pad(&f.name_zh, w_zh),
            f.name_en,
            if f.uncertain() { " (?)" } else { "" }
        )?;
    }
    writeln!(
        out,
        "\n{} field(s); (?) marks rows the registry notes as UNCERTAIN (see `assay fields <CODE>`)",
        fields.len()
    )
}

fn show(out: &mut impl Write, f: &IndustrialField) -> std::io::Result<()> {
    let sector = registry::sector(&f.sector);
    writeln!(out, "{}  {}", f.code, f.name_en)?;
    writeln!(out, "{}  {}", " ".repeat(f.code.len()), f.name_zh)?;
    writeln!(out)?;
    writeln!(
        out,
        "  sector          {}{}",
        f.sector,
        sector
            .map(|s| format!(" ({} / {})", s.name_en, s.name_zh))
            .unwrap_or_default()
    )?;
    writeln!(out, "  GB/T 4754-2017  {}", f.gbt4754)?;
    writeln!(out, "  ISIC Rev.4      {} (approximate)", f.isic4)?;
    if !f.includes_zh.is_empty() {
        writeln!(out, "  includes        {}", f.includes_zh)?;
    }
    if !f.notes.is_empty() {
        writeln!(out, "  notes           {}", f.notes)?;
    }
    Ok(())
}
