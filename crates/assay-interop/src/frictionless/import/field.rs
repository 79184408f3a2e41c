//! Import of fields, types and constraints.

use super::super::*;
use super::*;

impl Importer {
    pub(crate) fn field(&mut self, v: &Value, p: &str) -> Option<Field> {
        let Value::Object(obj) = v else {
            self.note(
                p,
                format!("a field is an object, not {}; not imported", json_kind(v)),
            );
            return None;
        };
        let name = match obj.get("name") {
            Some(Value::String(n)) if !n.is_empty() => n.clone(),
            _ => {
                self.note(p, "the field has no `name`; not imported");
                return None;
            }
        };
        let raw_type = obj.get("type").and_then(Value::as_str);
        let format = obj.get("format").and_then(Value::as_str);
        let mut mapping = map_type(raw_type, format, obj.get("itemType"), self.v2);
        if let Some(exact) = obj.get("assay:type") {
            let ap = pointer(p, "assay:type");
            if let Some(t) = self.typed::<FieldType>(exact, &ap) {
                let (ft, fmt) = frictionless_type(t);
                if Some(ft) == raw_type && fmt.is_none_or(|f| Some(f) == format) {
                    mapping.field_type = t;
                    mapping.items = None;
                    mapping.fields = None;
                    mapping.type_note = None;
                    mapping.format_note = None;
                } else {
                    self.note(
                        &ap,
                        format!(
                            "`{}` does not agree with Frictionless type {}; not imported",
                            t.as_str(),
                            raw_type.map_or("(none)".to_string(), |t| format!("`{t}`"))
                        ),
                    );
                }
            }
        }
        let mut field = plain_field(name, mapping.field_type);
        field.items = mapping.items;
        field.fields = mapping.fields;
        for (key, value) in obj {
            let kp = pointer(p, key);
            match key.as_str() {
                "name" => {}
                "type" => {
                    if !value.is_string() {
                        self.note(
                            &kp,
                            format!(
                                "a type is text, not {}; read as `{}`",
                                json_kind(value),
                                field.field_type.as_str()
                            ),
                        );
                    } else if let Some(n) = mapping.type_note.take() {
                        self.note(&kp, n);
                    }
                }
                "format" => {
                    if let Some(n) = mapping.format_note.take() {
                        self.note(&kp, n);
                    }
                }
                "itemType" => {
                    if raw_type != Some("list") {
                        self.note(&kp, "`itemType` applies to `list` fields only; not imported");
                    }
                }
                "title" => field.title = self.text(value, &kp),
                "description" => field.description = self.text(value, &kp),
                "constraints" => {
                    let mut c = self.constraints(value, &kp, field.field_type);
                    merge_constraints(&mut c, std::mem::take(&mut field.constraints));
                    field.constraints = c;
                }
                "example" | "rdfType" => self.no_equivalent(&kp, key),
                "categories" | "categoriesOrdered" => self.note(
                    &kp,
                    format!(
                        "`{key}` has no manifest equivalent (an `enum` constraint can list the allowed values); not imported"
                    ),
                ),
                "missingValues" | "trueValues" | "falseValues" | "bareNumber" | "decimalChar"
                | "groupChar" | "delimiter" => self.text_only(&kp, key),
                "assay:type" => {}
                "assay:unit" => field.unit = self.typed::<TimeUnit>(value, &kp),
                "assay:timezone" => field.timezone = self.text(value, &kp),
                "assay:precision" => field.precision = self.typed::<u8>(value, &kp),
                "assay:scale" => field.scale = self.typed::<i8>(value, &kp),
                "assay:items" => {
                    field.items = self.typed::<Field>(value, &kp).map(Box::new);
                }
                "assay:fields" => field.fields = self.typed::<Vec<Field>>(value, &kp),
                "assay:unitOfMeasure" => field.unit_of_measure = self.text(value, &kp),
                "assay:classification" => field.classification = self.typed(value, &kp),
                "assay:personal" => field.personal = self.typed(value, &kp).unwrap_or(false),
                "assay:constraints" => {
                    if let Some(c) = self.typed::<Constraints>(value, &kp) {
                        merge_constraints(&mut field.constraints, c);
                    }
                }
                _ => self.unrecognised(&kp, key),
            }
        }
        Some(field)
    }

    pub(crate) fn constraints(&mut self, v: &Value, p: &str, t: FieldType) -> Constraints {
        let mut c = Constraints::default();
        let Value::Object(obj) = v else {
            self.note(
                p,
                format!(
                    "constraints are an object, not {}; not imported",
                    json_kind(v)
                ),
            );
            return c;
        };
        let family = t.family();
        for (key, value) in obj {
            let kp = pointer(p, key);
            match key.as_str() {
                "required" | "unique" => match value {
                    Value::Bool(b) => {
                        if key == "required" {
                            c.required = Some(*b);
                        } else {
                            c.unique = Some(*b);
                        }
                    }
                    other => self.note(
                        &kp,
                        format!(
                            "`{key}` is true or false, not {}; not imported",
                            render(other)
                        ),
                    ),
                },
                "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => {
                    let bound = match bound_for(t, value) {
                        Ok(b) => Some(b),
                        Err(why) => {
                            self.note(&kp, format!("`{key}` {why}; not imported"));
                            None
                        }
                    };
                    match key.as_str() {
                        "minimum" => c.minimum = bound,
                        "maximum" => c.maximum = bound,
                        "exclusiveMinimum" => c.exclusive_minimum = bound,
                        _ => c.exclusive_maximum = bound,
                    }
                }
                "minLength" | "maxLength" => {
                    let length = match value.as_u64() {
                        None => {
                            self.note(
                                &kp,
                                format!(
                                    "`{key}` is a non-negative integer, not {}; not imported",
                                    render(value)
                                ),
                            );
                            None
                        }
                        Some(_)
                            if !matches!(
                                family,
                                TypeFamily::String
                                    | TypeFamily::Binary
                                    | TypeFamily::List
                                    | TypeFamily::Any
                            ) =>
                        {
                            self.note(
                                &kp,
                                format!(
                                    "`{key}` applies to strings, binary and lists in Assay, not `{}`; not imported",
                                    t.as_str()
                                ),
                            );
                            None
                        }
                        n => n,
                    };
                    if key == "minLength" {
                        c.min_length = length;
                    } else {
                        c.max_length = length;
                    }
                }
                "pattern" => {
                    let Some(pattern) = self.text(value, &kp) else {
                        continue;
                    };
                    if !matches!(family, TypeFamily::String | TypeFamily::Any) {
                        self.note(
                            &kp,
                            format!(
                                "`pattern` applies to strings in Assay, not `{}`; not imported",
                                t.as_str()
                            ),
                        );
                    } else if let Err(e) = regex::RegexBuilder::new(&pattern)
                        .size_limit(1 << 20)
                        .build()
                    {
                        let detail = e.to_string();
                        let last = detail.lines().last().unwrap_or("").trim().to_string();
                        self.note(
                            &kp,
                            format!(
                                "pattern `{pattern}` is not a Rust regular expression ({last}); not imported"
                            ),
                        );
                    } else {
                        c.pattern = Some(pattern);
                    }
                }
                "enum" => c.enum_values = self.enum_values(value, &kp, t),
                "jsonSchema" => self.no_equivalent(&kp, key),
                _ => self.unrecognised(&kp, key),
            }
        }
        c
    }

    pub(crate) fn enum_values(&mut self, v: &Value, p: &str, t: FieldType) -> Option<Vec<Scalar>> {
        let Value::Array(items) = v else {
            self.note(
                p,
                format!("`enum` is a list, not {}; not imported", json_kind(v)),
            );
            return None;
        };
        if items.is_empty() {
            self.note(p, "`enum` is empty; not imported");
            return None;
        }
        let mut out = Vec::new();
        for item in items {
            match value_for(t, item) {
                Ok(s) => out.push(s),
                Err(why) => {
                    // Dropping single values would reject valid data; drop the whole list.
                    self.note(p, format!("`enum` value {why}; the enum is not imported"));
                    return None;
                }
            }
        }
        Some(out)
    }
}
