//! `assay fields`.

use std::io::Write;

use anyhow::Result;
use assay_model::registry::{self, FieldRegistry, IndustrialField};
use assay_model::standards::{self, Summary};
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
            ListFormat::Json => {
                let mut j = json(field);
                if let Some(s) = standards::get(&field.code) {
                    j["standard"] =
                        serde_json::to_value(standards::summarize(s).map_err(anyhow::Error::msg)?)?;
                }
                writeln!(out, "{}", serde_json::to_string_pretty(&j)?)?
            }
            ListFormat::Text => {
                show(&mut out, field)?;
                if let Some(s) = standards::get(&field.code) {
                    show_standard(
                        &mut out,
                        &standards::summarize(s).map_err(anyhow::Error::msg)?,
                    )?;
                }
            }
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

/// The field's standard: scenario, the standards drawn on, every resource's columns and checks
/// with their reasons.
fn show_standard(out: &mut impl Write, s: &Summary) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(out, "Standard v{}: {}", s.version, s.name)?;
    writeln!(out, "  {}", s.title)?;
    writeln!(out, "  {}", s.title_zh)?;
    writeln!(out, "  manifest        {}", s.path)?;
    if let Some(sc) = &s.scenario {
        writeln!(
            out,
            "  scenario        {} ({}): {}",
            s.scenario_kind, s.task, sc.title
        )?;
        if let Some(zh) = &sc.title_zh {
            writeln!(out, "                  {zh}")?;
        }
        writeln!(
            out,
            "  label           {}.{}",
            sc.label.resource, sc.label.column
        )?;
    }
    for (i, std) in s.standards.iter().enumerate() {
        writeln!(
            out,
            "  {}{}: {}",
            if i == 0 {
                "draws on        "
            } else {
                "                "
            },
            std.id,
            std.used_for.as_deref().unwrap_or_default()
        )?;
    }
    for r in &s.resources {
        writeln!(out)?;
        write!(out, "  resource {} ({} columns", r.name, r.columns.len())?;
        if !r.primary_key.is_empty() {
            write!(out, "; primary key {}", r.primary_key.join(", "))?;
        }
        writeln!(out, ")")?;
        let w_name = r.columns.iter().map(|c| c.name.width()).max().unwrap_or(4);
        let w_type = r
            .columns
            .iter()
            .map(|c| c.field_type.width())
            .max()
            .unwrap_or(4);
        let w_unit = r.columns.iter().map(|c| c.unit.width()).max().unwrap_or(0);
        for c in &r.columns {
            let line = format!(
                "    {} {} {} {}{}",
                pad(&c.name, w_name),
                pad(&c.field_type, w_type),
                pad(&c.unit, w_unit),
                c.rules,
                if c.label { "  ← label" } else { "" }
            );
            writeln!(out, "{}", line.trim_end())?;
        }
        writeln!(out, "  checks of {}", r.name)?;
        for c in &r.checks {
            writeln!(out, "    {}", c.check)?;
            if !c.reason.is_empty() {
                writeln!(out, "      why: {}", c.reason)?;
            }
        }
    }
    writeln!(out)?;
    writeln!(out, "Start a dataset from it: assay new {} <DIR>", s.code)
}
