//! The registry of the 100 industrial fields that the catalog is organised by.
//!
//! Built from GB/T 4754-2017: the industrial divisions of sections B (mining), C (manufacturing)
//! and D (utilities), with the eight equipment-manufacturing divisions C33–C40 expanded to their
//! 66 groups, plus I65 (software and IT services) — exactly 100 fields. The registry file is
//! `catalog/fields.csv`; it is embedded in the binary so `assay` works outside the repository, and
//! a registry file given by path overrides it.
//!
//! English names and ISIC Rev.4 mappings are working translations. Rows whose `notes` start with
//! `UNCERTAIN` keep that mark; [`IndustrialField::uncertain`] exposes it.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The registry file embedded at build time.
pub const EMBEDDED_REGISTRY_CSV: &str = include_str!("../../../catalog/fields.csv");

/// The number of fields in the official registry.
pub const FIELD_COUNT: usize = 100;

/// One industrial field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndustrialField {
    /// `IF-` followed by the GB/T 4754-2017 code (`IF-C341`).
    pub code: String,
    /// English name (working translation).
    pub name_en: String,
    /// Chinese name, as in GB/T 4754-2017.
    pub name_zh: String,
    /// Sector group (`equipment_manufacturing`, `raw_materials`, …).
    pub sector: String,
    /// GB/T 4754-2017 division or group code (`C341`).
    pub gbt4754: String,
    /// ISIC Rev.4 mapping (approximate).
    pub isic4: String,
    /// Notes; `UNCERTAIN: …` marks a translation, mapping or sector that is not settled.
    pub notes: String,
    /// Chinese for what the English name lists in parentheses (`incl. industrial robots` →
    /// `工业机器人`), so Chinese searches find them. Assay's working translation.
    #[serde(default)]
    pub includes_zh: String,
}

impl IndustrialField {
    /// True when the registry marks this row as uncertain.
    pub fn uncertain(&self) -> bool {
        self.notes.trim_start().starts_with("UNCERTAIN")
    }

    /// True when `text` occurs (case-insensitively) in the code, the English or Chinese name, or
    /// the Chinese inclusions.
    pub fn matches_text(&self, text: &str) -> bool {
        let needle = text.trim().to_lowercase();
        if needle.is_empty() {
            return true;
        }
        [&self.code, &self.name_en, &self.name_zh, &self.includes_zh]
            .iter()
            .any(|h| h.to_lowercase().contains(&needle))
    }
}

/// A sector group and its names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sector {
    /// Registry spelling.
    pub code: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// Chinese name.
    pub name_zh: &'static str,
}

/// The sector groups used by the registry.
pub const SECTORS: [Sector; 7] = [
    Sector {
        code: "raw_materials",
        name_en: "Raw materials",
        name_zh: "原材料工业",
    },
    Sector {
        code: "equipment_manufacturing",
        name_en: "Equipment manufacturing",
        name_zh: "装备制造业",
    },
    Sector {
        code: "consumer_goods",
        name_en: "Consumer goods",
        name_zh: "消费品工业",
    },
    Sector {
        code: "electronic_information",
        name_en: "Electronic information",
        name_zh: "电子信息制造业",
    },
    Sector {
        code: "energy_resources",
        name_en: "Energy resources (mining)",
        name_zh: "能源资源（采矿）",
    },
    Sector {
        code: "energy_utilities",
        name_en: "Energy and utilities",
        name_zh: "电力、燃气及水",
    },
    Sector {
        code: "software_it_services",
        name_en: "Software and IT services",
        name_zh: "软件和信息技术服务业",
    },
];

/// Errors reading a registry file.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The file could not be read.
    #[error("cannot read field registry {path}: {source}")]
    Io {
        /// The registry path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A row is malformed.
    #[error("field registry {path}, line {line}: {message}")]
    Invalid {
        /// The registry path.
        path: String,
        /// 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
}

/// The field registry: fields in registry order.
#[derive(Debug, Clone)]
pub struct FieldRegistry {
    fields: Vec<IndustrialField>,
}

impl FieldRegistry {
    /// The registry embedded in the binary.
    pub fn embedded() -> Self {
        // The embedded file is checked by tests; failing here is a build defect.
        Self::parse(EMBEDDED_REGISTRY_CSV, "<embedded catalog/fields.csv>")
            .expect("embedded field registry is valid (checked by tests)")
    }

    /// Reads a registry CSV file (same columns as `catalog/fields.csv`).
    pub fn from_path(path: &Path) -> Result<Self, RegistryError> {
        let text = std::fs::read_to_string(path).map_err(|source| RegistryError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses registry CSV text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, RegistryError> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut fields = Vec::new();
        let mut seen = BTreeSet::new();
        for row in reader.deserialize::<IndustrialField>() {
            let field = row.map_err(|e| RegistryError::Invalid {
                path: origin.to_string(),
                line: e.position().map(|p| p.line()).unwrap_or(0),
                message: e.to_string(),
            })?;
            let line = fields.len() as u64 + 2;
            if !crate::is_field_code(&field.code) {
                return Err(RegistryError::Invalid {
                    path: origin.to_string(),
                    line,
                    message: format!("`{}` is not a field code like IF-C341", field.code),
                });
            }
            if !seen.insert(field.code.clone()) {
                return Err(RegistryError::Invalid {
                    path: origin.to_string(),
                    line,
                    message: format!("duplicate field code `{}`", field.code),
                });
            }
            fields.push(field);
        }
        Ok(FieldRegistry { fields })
    }

    /// All fields, in registry order.
    pub fn fields(&self) -> &[IndustrialField] {
        &self.fields
    }

    /// The field with this code (case-insensitive).
    pub fn get(&self, code: &str) -> Option<&IndustrialField> {
        self.fields
            .iter()
            .find(|f| f.code.eq_ignore_ascii_case(code.trim()))
    }

    /// Fields whose code or names contain `text`, optionally only in one sector.
    pub fn search<'a>(
        &'a self,
        text: Option<&'a str>,
        sector: Option<&'a str>,
    ) -> impl Iterator<Item = &'a IndustrialField> + 'a {
        self.fields.iter().filter(move |f| {
            sector.is_none_or(|s| f.sector.eq_ignore_ascii_case(s))
                && text.is_none_or(|t| f.matches_text(t))
        })
    }

    /// The known sector codes present in this registry, in [`SECTORS`] order.
    pub fn sectors(&self) -> Vec<&'static Sector> {
        SECTORS
            .iter()
            .filter(|s| self.fields.iter().any(|f| f.sector == s.code))
            .collect()
    }

    /// Codes close to `code`, for "did you mean" hints.
    pub fn suggest(&self, code: &str) -> Vec<&str> {
        let code = code.to_ascii_uppercase();
        let digits: String = code.chars().filter(|c| c.is_ascii_digit()).collect();
        let mut out: Vec<&str> = self
            .fields
            .iter()
            .filter(|f| {
                let fd: String = f.code.chars().filter(|c| c.is_ascii_digit()).collect();
                !digits.is_empty() && (fd.starts_with(&digits) || digits.starts_with(&fd))
            })
            .map(|f| f.code.as_str())
            .collect();
        out.truncate(5);
        out
    }
}

/// The sector with this code.
pub fn sector(code: &str) -> Option<&'static Sector> {
    SECTORS.iter().find(|s| s.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_registry_has_exactly_100_unique_fields() {
        let r = FieldRegistry::embedded();
        assert_eq!(r.fields().len(), FIELD_COUNT);
        let codes: BTreeSet<_> = r.fields().iter().map(|f| &f.code).collect();
        assert_eq!(codes.len(), FIELD_COUNT);
        for f in r.fields() {
            assert!(sector(&f.sector).is_some(), "unknown sector {}", f.sector);
        }
    }

    #[test]
    fn chinese_and_english_filters() {
        let r = FieldRegistry::embedded();
        let robots: Vec<_> = r.search(Some("机器人"), None).map(|f| &f.code).collect();
        assert!(robots.iter().any(|c| *c == "IF-C349"), "{robots:?}");
        let bearings: Vec<_> = r.search(Some("bearing"), None).map(|f| &f.code).collect();
        assert_eq!(bearings, ["IF-C345"]);
        let boilers: Vec<_> = r.search(Some("锅炉"), None).map(|f| &f.code).collect();
        assert_eq!(boilers, ["IF-C341"]);
        assert!(r.get("if-c341").is_some());
        assert_eq!(
            r.search(None, Some("software_it_services")).count(),
            1,
            "I65 is the one software field"
        );
    }

    #[test]
    fn malformed_registry_is_located() {
        let err = FieldRegistry::parse(
            "code,name_en,name_zh,sector,gbt4754,isic4,notes,includes_zh\nC341,x,y,z,C341,1,,\n",
            "r.csv",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("r.csv, line 2"), "{err}");
    }
}
