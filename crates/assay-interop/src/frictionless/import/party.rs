//! Import of licenses, contributors and sources.

use super::super::*;
use super::*;

impl Importer {
    /// One license (`licenses` item, or v1 `license` as text or object), with the SPDX expression
    /// it was split from by [`export`], if any.
    pub(crate) fn license(&mut self, v: &Value, p: &str) -> Option<(License, Option<String>)> {
        let (mut name, mut path, mut title, mut expression) = (None, None, None, None);
        let mut name_pointer = p.to_string();
        match v {
            Value::String(s) => name = Some(s.clone()),
            Value::Object(obj) => {
                for (key, value) in obj {
                    let kp = pointer(p, key);
                    match key.as_str() {
                        "name" => {
                            name = self.text(value, &kp);
                            name_pointer = kp;
                        }
                        "path" => path = self.text(value, &kp),
                        "title" => title = self.text(value, &kp),
                        "assay:expression" => expression = self.text(value, &kp),
                        _ => self.unrecognised(&kp, key),
                    }
                }
            }
            other => {
                self.note(
                    p,
                    format!(
                        "a license is text or an object, not {}; not imported",
                        json_kind(other)
                    ),
                );
                return None;
            }
        }
        let name = match name {
            Some(n) => self.spdx_name(&n, &name_pointer, &mut title),
            None => {
                let fixed = license_ref(title.as_deref().unwrap_or("Unnamed"));
                self.note(p, format!("the license has no `name`; named `{fixed}`"));
                fixed
            }
        };
        Some((License { name, path, title }, expression))
    }

    /// An SPDX expression for a Frictionless license name.
    pub(crate) fn spdx_name(&mut self, name: &str, p: &str, title: &mut Option<String>) -> String {
        if spdx::Expression::parse(name).is_ok() {
            return name.to_string();
        }
        let lower = name.to_ascii_lowercase();
        let known = OPEN_DEFINITION_TO_SPDX
            .iter()
            .find(|(od, _)| *od == lower)
            .map(|(_, id)| *id)
            .or_else(|| {
                spdx::identifiers::LICENSES
                    .iter()
                    .find(|l| l.name.eq_ignore_ascii_case(name))
                    .map(|l| l.name)
            });
        if let Some(id) = known {
            self.note(p, format!("license `{name}` read as SPDX `{id}`"));
            return id.to_string();
        }
        let fixed = license_ref(name);
        if title.is_none() {
            *title = Some(name.to_string());
        }
        self.note(
            p,
            format!(
                "license `{name}` is not an SPDX identifier; named `{fixed}`, with the original as its title"
            ),
        );
        fixed
    }

    pub(crate) fn contributors(
        &mut self,
        v: &Value,
        p: &str,
        owner: &mut Option<Party>,
        steward: &mut Option<Party>,
    ) {
        let Value::Array(items) = v else {
            self.note(
                p,
                format!("expected a list, found {}; not imported", json_kind(v)),
            );
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let cp = format!("{p}/{i}");
            let Value::Object(obj) = item else {
                self.note(
                    &cp,
                    format!(
                        "a contributor is an object, not {}; not imported",
                        json_kind(item)
                    ),
                );
                continue;
            };
            let mut roles: Vec<String> = Vec::new();
            if let Some(Value::String(r)) = obj.get("role") {
                roles.push(r.clone());
            }
            if let Some(Value::Array(rs)) = obj.get("roles") {
                roles.extend(rs.iter().filter_map(Value::as_str).map(str::to_string));
            }
            let has = |set: &[&str]| {
                roles
                    .iter()
                    .any(|r| set.contains(&r.to_ascii_lowercase().as_str()))
            };
            let label = obj
                .get("title")
                .or_else(|| obj.get("email"))
                .and_then(Value::as_str)
                .map(|s| format!("`{s}`"))
                .unwrap_or_else(|| format!("#{i}"));
            let (is_owner, is_steward) = (has(&OWNER_ROLES), has(&STEWARD_ROLES));
            let slot = if is_owner && owner.is_none() {
                &mut *owner
            } else if is_steward && steward.is_none() {
                &mut *steward
            } else {
                let roles = if roles.is_empty() {
                    "no role".to_string()
                } else {
                    format!("role `{}`", roles.join("`, `"))
                };
                let why = if is_owner || is_steward {
                    "the manifest has one owner and one steward, taken by earlier contributors"
                } else {
                    "only an owner (author, publisher, maintainer, creator, rightsHolder) or a steward (dataCurator, steward) has a place in the manifest"
                };
                self.note(
                    &cp,
                    format!("contributor {label} ({roles}): {why}; not imported"),
                );
                continue;
            };
            let party = self.party(obj, &cp);
            if party == Party::default() {
                self.note(
                    &cp,
                    format!("contributor {label} has no name, organization, e-mail or web page; not imported"),
                );
            } else {
                *slot = Some(party);
            }
        }
    }

    pub(crate) fn party(&mut self, obj: &Map<String, Value>, p: &str) -> Party {
        let mut party = Party::default();
        let (mut title, mut given, mut family) = (None, None, None);
        for (key, value) in obj {
            let kp = pointer(p, key);
            match key.as_str() {
                "title" => title = self.text(value, &kp),
                "givenName" => given = self.text(value, &kp),
                "familyName" => family = self.text(value, &kp),
                "organization" => party.organization = self.text(value, &kp),
                "email" => party.email = self.text(value, &kp),
                "path" => {
                    if let Some(url) = self.text(value, &kp) {
                        if url.starts_with("http://") || url.starts_with("https://") {
                            party.url = Some(url);
                        } else {
                            self.note(&kp, format!("`{url}` is not a web address; not imported"));
                        }
                    }
                }
                "role" | "roles" => {}
                "assay:role" => party.role = self.text(value, &kp),
                _ => self.unrecognised(&kp, key),
            }
        }
        let full_name = match (given, family) {
            (Some(g), Some(f)) => Some(format!("{g} {f}")),
            (g, f) => g.or(f),
        };
        party.name = match (title, full_name) {
            (Some(t), Some(n)) => {
                if t != n {
                    self.note(
                        p,
                        format!("`givenName`/`familyName` `{n}` differ from `title` `{t}`; the title is used"),
                    );
                }
                Some(t)
            }
            (t, n) => t.or(n),
        };
        if party.name.is_some() && party.name == party.organization {
            party.name = None;
        }
        party
    }

    pub(crate) fn sources(&mut self, v: &Value, p: &str) -> Vec<Source> {
        let Value::Array(items) = v else {
            self.note(
                p,
                format!("expected a list, found {}; not imported", json_kind(v)),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let sp = format!("{p}/{i}");
            let Value::Object(obj) = item else {
                self.note(
                    &sp,
                    format!(
                        "a source is an object, not {}; not imported",
                        json_kind(item)
                    ),
                );
                continue;
            };
            let (mut title, mut path, mut email) = (None, None, None);
            for (key, value) in obj {
                let kp = pointer(&sp, key);
                match key.as_str() {
                    "title" => title = self.text(value, &kp),
                    "path" => path = self.text(value, &kp),
                    "email" => email = self.text(value, &kp),
                    "version" => self.no_equivalent(&kp, key),
                    _ => self.unrecognised(&kp, key),
                }
            }
            let title = match title {
                Some(t) => t,
                None => match path.clone().or_else(|| email.clone()) {
                    Some(t) => {
                        self.note(&sp, format!("the source has no `title`; titled `{t}`"));
                        t
                    }
                    None => {
                        self.note(&sp, "the source has no title, path or e-mail; not imported");
                        continue;
                    }
                },
            };
            out.push(Source { title, path, email });
        }
        out
    }
}
