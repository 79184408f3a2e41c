//! Import of resources, paths, schemas and keys.

use super::super::*;
use super::*;

impl Importer {
    pub(crate) fn resource(
        &mut self,
        v: &Value,
        p: &str,
        index: usize,
    ) -> Option<ImportedResource> {
        let Value::Object(obj) = v else {
            self.note(
                p,
                format!(
                    "a resource is an object, not {}; not imported",
                    json_kind(v)
                ),
            );
            return None;
        };
        let original_name = match obj.get("name") {
            Some(Value::String(n)) => Some(n.clone()),
            Some(other) => {
                self.text(other, &pointer(p, "name"));
                None
            }
            None => None,
        };
        let fallback = format!("resource-{}", index + 1);
        let name = match &original_name {
            Some(n) => self.machine_name(n, &pointer(p, "name"), "resource", || fallback),
            None => {
                self.note(p, format!("the resource has no `name`; named `{fallback}`"));
                fallback
            }
        };
        let (mut title, mut description, mut path, mut schema) = (None, None, None, None);
        // Assay's own paths (a glob) when the exporter listed the files it matched.
        let mut assay_path = None;
        let mut checks = Vec::new();
        let mut has_data = false;
        let format_declared = obj.get("format").is_some();
        for (key, value) in obj {
            let kp = pointer(p, key);
            match key.as_str() {
                "name" => {}
                "title" => title = self.text(value, &kp),
                "description" => description = self.text(value, &kp),
                "path" => path = self.paths(value, &kp, format_declared),
                "assay:path" => assay_path = self.paths(value, &kp, true),
                "data" => has_data = true,
                "format" => {
                    if let Some(f) = self.text(value, &kp)
                        && !f.eq_ignore_ascii_case("parquet")
                    {
                        self.note(
                            &kp,
                            format!(
                                "`{f}` files cannot be validated by Assay, which reads Parquet; the path is kept, convert the files to Parquet"
                            ),
                        );
                    }
                }
                "mediatype" | "mediaType" => {
                    if let Some(m) = self.text(value, &kp)
                        && !is_parquet_media_type(&m)
                    {
                        self.note(
                            &kp,
                            format!("media type `{m}` is not Parquet; not imported"),
                        );
                    }
                }
                "encoding" | "dialect" => self.text_only(&kp, key),
                "bytes" | "hash" => self.note(
                    &kp,
                    format!(
                        "`{key}` is not imported; `assay lock` records sizes and digests in `dataset.lock`"
                    ),
                ),
                "sources" | "licenses" | "homepage" => self.note(
                    &kp,
                    format!(
                        "`{key}` of a resource has no manifest equivalent (a dataset has them, a resource does not); not imported"
                    ),
                ),
                "type" => {
                    if value.as_str() != Some("table") {
                        self.note(
                            &kp,
                            format!(
                                "resource type {} is not `table`; not imported",
                                render(value)
                            ),
                        );
                    }
                }
                "$schema" | "profile" => self.profile(key, value, &kp),
                "schema" => schema = self.schema(value, &kp),
                "assay:checks" => {
                    if let Value::Array(items) = value {
                        for (i, c) in items.iter().enumerate() {
                            checks.extend(self.typed::<Check>(c, &format!("{kp}/{i}")));
                        }
                    } else {
                        self.typed::<Vec<Check>>(value, &kp);
                    }
                }
                _ => self.unrecognised(&kp, key),
            }
        }
        let path = assay_path.or(path);
        let Some(path) = path else {
            if has_data {
                self.note(
                    &pointer(p, "data"),
                    format!(
                        "resource `{name}` holds inline `data`; Assay validates Parquet files, so the resource is not imported"
                    ),
                );
            } else if obj.get("path").is_none() {
                self.note(p, format!("resource `{name}` has no `path`; not imported"));
            }
            return None;
        };
        let Some((schema, foreign_keys)) = schema else {
            if obj.get("schema").is_none() {
                self.note(
                    p,
                    format!(
                        "resource `{name}` has no `schema`; Assay needs the columns; not imported"
                    ),
                );
            }
            return None;
        };
        Some(ImportedResource {
            original_name,
            resource: Resource {
                name,
                title,
                description,
                path,
                format: Format::Parquet,
                schema,
                optional: false,
                checks,
            },
            foreign_keys,
        })
    }

    pub(crate) fn paths(&mut self, v: &Value, p: &str, format_declared: bool) -> Option<PathSpec> {
        match v {
            Value::String(s) => {
                self.path(s, p, format_declared);
                Some(PathSpec::One(s.clone()))
            }
            Value::Array(items) if !items.is_empty() => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let ip = format!("{p}/{i}");
                    if let Some(s) = self.text(item, &ip) {
                        self.path(&s, &ip, format_declared);
                        out.push(s);
                    }
                }
                (!out.is_empty()).then_some(PathSpec::Many(out))
            }
            other => {
                self.note(
                    p,
                    format!(
                        "a path is text or a non-empty list of text, not {}; the resource is not imported",
                        render(other)
                    ),
                );
                None
            }
        }
    }

    pub(crate) fn path(&mut self, path: &str, p: &str, format_declared: bool) {
        if path.contains("://") {
            self.note(
                p,
                format!(
                    "`{path}` is a URL; Assay reads files inside the dataset folder, so it cannot validate it: download the file beside the manifest"
                ),
            );
            return;
        }
        if let Err(problem) = assay_model::paths::check_pattern(path) {
            self.note(p, format!("{problem}; kept, fix it before `assay lint`"));
            return;
        }
        if path.contains(['*', '?', '[', '{']) {
            self.note(
                p,
                format!("`{path}` contains glob characters (`*`, `?`, `[`, `{{`); Assay reads it as a glob"),
            );
        }
        let lower = path.to_ascii_lowercase();
        if !format_declared
            && ![".parquet", ".parq", ".pq"]
                .iter()
                .any(|e| lower.ends_with(e))
        {
            self.note(
                p,
                format!(
                    "`{path}` does not look like a Parquet file; Assay validates Parquet only: convert it"
                ),
            );
        }
    }

    pub(crate) fn schema(
        &mut self,
        v: &Value,
        p: &str,
    ) -> Option<(TableSchema, Vec<ForeignKeyTarget>)> {
        let obj = match v {
            Value::Object(obj) => obj,
            Value::String(s) => {
                self.note(
                    p,
                    format!(
                        "the schema is a reference (`{s}`) that Assay does not fetch; put the Table Schema inline; the resource is not imported"
                    ),
                );
                return None;
            }
            other => {
                self.note(
                    p,
                    format!(
                        "a schema is an object, not {}; the resource is not imported",
                        json_kind(other)
                    ),
                );
                return None;
            }
        };
        let mut fields = Vec::new();
        let mut fields_match = FieldsMatch::Exact;
        let mut primary_key = None;
        let mut unique_keys = Vec::new();
        let mut foreign_keys = Vec::new();
        let mut pending = Vec::new();
        for (key, value) in obj {
            let kp = pointer(p, key);
            match key.as_str() {
                "fields" => {
                    if let Value::Array(items) = value {
                        for (i, f) in items.iter().enumerate() {
                            fields.extend(self.field(f, &format!("{kp}/{i}")));
                        }
                    } else {
                        self.note(
                            &kp,
                            format!("expected a list, found {}; not imported", json_kind(value)),
                        );
                    }
                }
                "fieldsMatch" | "assay:fieldsMatch" => {
                    if let Some(m) = self.fields_match(value, &kp) {
                        fields_match = m;
                    }
                }
                "primaryKey" => primary_key = self.key_columns(value, &kp),
                "uniqueKeys" => match value {
                    Value::Array(items) => {
                        for (i, k) in items.iter().enumerate() {
                            unique_keys.extend(self.key_columns(k, &format!("{kp}/{i}")));
                        }
                    }
                    other => self.note(
                        &kp,
                        format!("expected a list, found {}; not imported", json_kind(other)),
                    ),
                },
                "foreignKeys" => match value {
                    Value::Array(items) => {
                        for (i, k) in items.iter().enumerate() {
                            let fp = format!("{kp}/{i}");
                            if let Some((fk, target)) = self.foreign_key(k, &fp) {
                                foreign_keys.push(fk);
                                pending.push(ForeignKeyTarget {
                                    pointer: fp,
                                    resource: target,
                                });
                            }
                        }
                    }
                    other => self.note(
                        &kp,
                        format!("expected a list, found {}; not imported", json_kind(other)),
                    ),
                },
                "missingValues" => self.text_only(&kp, key),
                "$schema" | "profile" => self.profile(key, value, &kp),
                _ => self.unrecognised(&kp, key),
            }
        }
        if fields.is_empty() {
            self.note(
                p,
                "the schema declares no usable field; the resource is not imported",
            );
            return None;
        }
        Some((
            TableSchema {
                fields,
                fields_match,
                primary_key,
                unique_keys,
                foreign_keys,
            },
            pending,
        ))
    }

    pub(crate) fn fields_match(&mut self, v: &Value, p: &str) -> Option<FieldsMatch> {
        let text = match v {
            Value::String(s) => s.clone(),
            // The v2 profile (wrongly) types `fieldsMatch` as an array; accept its one item.
            Value::Array(items) if items.len() == 1 && items[0].is_string() => {
                items[0].as_str().unwrap_or_default().to_string()
            }
            other => {
                self.note(
                    p,
                    format!(
                        "`fieldsMatch` is one of exact, equal, subset, superset, partial, not {}; `exact` is used",
                        render(other)
                    ),
                );
                return None;
            }
        };
        let parsed = self.typed::<FieldsMatch>(&Value::String(text), p);
        if v.is_array()
            && let Some(m) = parsed
        {
            self.note(
                p,
                format!(
                    "`fieldsMatch` written as a list (the v2 profile's typing); read as `{}`",
                    m.as_str()
                ),
            );
        }
        parsed
    }

    pub(crate) fn key_columns(&mut self, v: &Value, p: &str) -> Option<KeyColumns> {
        match v {
            Value::String(s) => Some(KeyColumns::One(s.clone())),
            Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_string) => {
                Some(KeyColumns::Many(
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect(),
                ))
            }
            other => {
                self.note(
                    p,
                    format!(
                        "a key is a column name or a non-empty list of them, not {}; not imported",
                        render(other)
                    ),
                );
                None
            }
        }
    }

    /// A foreign key and the resource it names as written (`None`: this resource).
    pub(crate) fn foreign_key(
        &mut self,
        v: &Value,
        p: &str,
    ) -> Option<(ForeignKey, Option<String>)> {
        let Value::Object(obj) = v else {
            self.note(
                p,
                format!(
                    "a foreign key is an object, not {}; not imported",
                    json_kind(v)
                ),
            );
            return None;
        };
        let mut fields = None;
        let mut reference = None;
        let mut ok = true;
        for (key, value) in obj {
            let kp = pointer(p, key);
            match key.as_str() {
                "fields" => fields = self.key_columns(value, &kp),
                "reference" => {
                    let Value::Object(r) = value else {
                        self.note(
                            &kp,
                            "a reference is an object; the foreign key is not imported",
                        );
                        return None;
                    };
                    let (mut resource, mut ref_fields) = (None, None);
                    for (rk, rv) in r {
                        let rp = pointer(&kp, rk);
                        match rk.as_str() {
                            "resource" => resource = self.text(rv, &rp),
                            "fields" => ref_fields = self.key_columns(rv, &rp),
                            "package" | "datapackage" => {
                                self.note(
                                    &rp,
                                    "a reference into another package has no manifest equivalent; the foreign key is not imported",
                                );
                                ok = false;
                            }
                            _ => self.unrecognised(&rp, rk),
                        }
                    }
                    reference = Some((resource.filter(|r| !r.is_empty()), ref_fields));
                }
                _ => self.unrecognised(&kp, key),
            }
        }
        let (Some(fields), Some((target, Some(ref_fields)))) = (fields, reference) else {
            if ok {
                self.note(
                    p,
                    "the foreign key lacks `fields` or `reference.fields`; not imported",
                );
            }
            return None;
        };
        ok.then(|| {
            (
                ForeignKey {
                    fields,
                    reference: ForeignKeyReference {
                        resource: target.clone(),
                        fields: ref_fields,
                    },
                },
                target,
            )
        })
    }

    /// Points foreign keys at the final resource names; drops those whose resource is gone.
    pub(crate) fn resolve_foreign_keys(
        &mut self,
        resources: Vec<ImportedResource>,
    ) -> Vec<Resource> {
        let renamed: BTreeMap<String, String> = resources
            .iter()
            .filter_map(|r| {
                r.original_name
                    .clone()
                    .map(|o| (o, r.resource.name.clone()))
            })
            .collect();
        let mut out = Vec::new();
        for ImportedResource {
            mut resource,
            foreign_keys: targets,
            ..
        } in resources
        {
            let keys = std::mem::take(&mut resource.schema.foreign_keys);
            for (mut key, target) in keys.into_iter().zip(targets) {
                if let Some(name) = &target.resource {
                    let Some(new) = renamed.get(name) else {
                        self.note(
                            &target.pointer,
                            format!(
                                "the foreign key refers to resource `{name}`, which was not imported; not imported"
                            ),
                        );
                        continue;
                    };
                    key.reference.resource = Some(new.clone());
                }
                resource.schema.foreign_keys.push(key);
            }
            out.push(resource);
        }
        out
    }
}
