//! `assay diff OLD NEW`: what changed between two versions of a dataset's manifest, each change
//! breaking, compatible or informational, with the rule that decided it
//! (`assay_model::diff`).

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::Result;
use assay_model::diff::{Bump, Class, Diff, diff};

use crate::cli::{DiffArgs, DiffFormat, FailOn};
use crate::exit::Status;

fn load(path: &std::path::Path) -> Result<assay_model::LoadedManifest, Status> {
    let manifest = super::manifest_path(path)?;
    // The manifest's own rules only: the old version's data need not be at hand.
    assay_model::lint::load(&manifest).map_err(|diagnostics| {
        for d in diagnostics.iter().filter(|d| d.is_error()) {
            eprintln!("{d}");
        }
        eprintln!("error: {} is not a valid manifest", manifest.display());
        Status::Invalid
    })
}

fn bump_word(b: Bump) -> &'static str {
    match b {
        Bump::None => "none",
        Bump::Patch => "patch",
        Bump::Minor => "minor",
        Bump::Major => "major",
    }
}

/// The version verdict in one sentence.
fn verdict(d: &Diff) -> String {
    if d.version_ok {
        format!(
            "version {} → {}: enough for the changes (they need {})",
            d.old_version,
            d.new_version,
            bump_word(d.required_bump)
        )
    } else {
        format!(
            "version {} → {}: the changes need a new {} version{}",
            d.old_version,
            d.new_version,
            bump_word(d.required_bump),
            if d.old_version.starts_with("0.") && d.required_bump == Bump::Major {
                " (below 1.0.0, a new minor one)"
            } else {
                ""
            }
        )
    }
}

fn summary(d: &Diff) -> String {
    let versions = if d.old_name == d.new_name {
        format!("{} {} → {}", d.old_name, d.old_version, d.new_version)
    } else {
        format!(
            "{} {} → {} {}",
            d.old_name, d.old_version, d.new_name, d.new_version
        )
    };
    format!(
        "{versions}: {} breaking, {} compatible, {} informational",
        d.count(Class::Breaking),
        d.count(Class::Compatible),
        d.count(Class::Informational)
    )
}

fn text(d: &Diff) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}", summary(d));
    let rule_width = d.changes.iter().map(|c| c.rule.len()).max().unwrap_or(0);
    for c in &d.changes {
        let _ = writeln!(
            s,
            "  {:<13} {:<rule_width$}  {}: {}",
            c.class.as_str().to_uppercase(),
            c.rule,
            c.at,
            c.message
        );
    }
    let _ = writeln!(s, "{}", verdict(d));
    s
}

fn markdown(d: &Diff) -> String {
    let esc = |t: &str| t.replace('|', "\\|");
    let mut s = String::new();
    let _ = writeln!(s, "### Manifest changes: {}\n", esc(&summary(d)));
    if !d.changes.is_empty() {
        let _ = writeln!(s, "| class | rule | where | what |\n|---|---|---|---|");
        for c in &d.changes {
            let _ = writeln!(
                s,
                "| {} | `{}` | `{}` | {} |",
                if c.class == Class::Breaking {
                    "**breaking**"
                } else {
                    c.class.as_str()
                },
                c.rule,
                esc(&c.at),
                esc(&c.message)
            );
        }
        s.push('\n');
    }
    let _ = writeln!(s, "{}", esc(&verdict(d)));
    s
}

pub fn run(args: DiffArgs) -> Result<Status> {
    let old = match load(&args.old) {
        Ok(l) => l,
        Err(s) => return Ok(s),
    };
    let new = match load(&args.new) {
        Ok(l) => l,
        Err(s) => return Ok(s),
    };
    let d = diff(&old.manifest, &new.manifest);
    let out = match args.format {
        DiffFormat::Text => text(&d),
        DiffFormat::Json => {
            let mut v = serde_json::to_value(&d)?;
            if let Some(o) = v.as_object_mut() {
                o.insert("schema_version".into(), 1.into());
            }
            format!("{}\n", serde_json::to_string_pretty(&v)?)
        }
        DiffFormat::Md => markdown(&d),
    };
    std::io::stdout().lock().write_all(out.as_bytes())?;
    let failed = match args.fail_on {
        Some(FailOn::Breaking) => d.count(Class::Breaking) > 0,
        Some(FailOn::Compatible) => d.count(Class::Breaking) + d.count(Class::Compatible) > 0,
        None => false,
    };
    let version_failed = args.check_version && !d.version_ok;
    Ok(if failed || version_failed {
        Status::Failure
    } else {
        Status::Success
    })
}
