//! Croissant 1.1 for each published dataset (`datasets/<name>/croissant.json`): JSON-LD with its
//! context inline, so it expands with no network access.

use serde_json::{Value, json};

use assay_model::lock::Lock;
use assay_model::manifest::{FieldType, Manifest};

use crate::dcat::license_url;

fn croissant_type(t: FieldType) -> &'static str {
    use assay_model::manifest::TypeFamily;
    match (t, t.family()) {
        (_, TypeFamily::Boolean) => "sc:Boolean",
        (_, TypeFamily::Integer) => "sc:Integer",
        (_, TypeFamily::Float | TypeFamily::Decimal) => "sc:Float",
        (FieldType::Date, _) => "sc:Date",
        (FieldType::Time, _) => "sc:Time",
        (_, TypeFamily::Temporal) => "sc:DateTime",
        _ => "sc:Text",
    }
}

/// Croissant 1.1: the dataset, its files as FileObjects with sha256, and a RecordSet per
/// resource with its fields and types.
pub fn croissant(m: &Manifest, lock: &Lock) -> Value {
    let mut files = Vec::new();
    let mut record_sets = Vec::new();
    for r in &lock.resources {
        for f in &r.files {
            files.push(json!({
                "@type": "cr:FileObject",
                "@id": f.path,
                "name": f.path,
                "contentUrl": f.path,
                "contentSize": format!("{} B", f.bytes),
                "encodingFormat": "application/x-parquet",
                "sha256": f.sha256,
            }));
        }
        let Some(res) = m.resources.iter().find(|x| x.name == r.name) else {
            continue;
        };
        let fields: Vec<Value> = res
            .schema
            .fields
            .iter()
            .map(|f| {
                let mut v = json!({
                    "@type": "cr:Field",
                    "@id": format!("{}/{}", r.name, f.name),
                    "name": f.name,
                    "dataType": croissant_type(f.field_type),
                    "source": {
                        "fileObject": r.files.iter().map(|x| json!({"@id": x.path})).collect::<Vec<_>>(),
                        "extract": {"column": f.name},
                    },
                });
                if let Some(d) = &f.description {
                    v["description"] = json!(d);
                }
                // The label a model learns.
                if m.ml.as_ref().and_then(|ml| ml.label.as_ref()).is_some_and(|l| {
                    l.column == f.name
                        && m.ml
                            .as_ref()
                            .is_some_and(|ml| ml.splits.declared().iter().any(|(_, s)| s.resource() == r.name))
                }) {
                    v["dataType"] = json!([croissant_type(f.field_type), "cr:Label"]);
                }
                v
            })
            .collect();
        let mut fields = fields;
        let mut set = json!({
            "@type": "cr:RecordSet",
            "@id": r.name,
            "name": r.name,
        });
        if let Some(ml) = &m.ml {
            let mine: Vec<_> = ml
                .splits
                .declared()
                .into_iter()
                .filter(|(_, s)| s.resource() == r.name)
                .collect();
            let paths: Vec<&str> = r.files.iter().map(|f| f.path.as_str()).collect();
            match mine.as_slice() {
                [] => {}
                // One split read whole from files whose paths name it: the split field comes
                // from the path.
                [(name, s)]
                    if s.filter().is_none() && paths.iter().all(|p| p.contains(name.as_str())) =>
                {
                    fields.push(json!({
                        "@type": "cr:Field",
                        "@id": format!("{}/split", r.name),
                        "name": "split",
                        "dataType": ["sc:Text", "cr:Split"],
                        "references": {"field": {"@id": "splits/name"}},
                        "source": {
                            "fileObject": paths.iter().map(|p| json!({"@id": p})).collect::<Vec<_>>(),
                            "extract": {"fileProperty": "fullpath"},
                            "transform": {"regex": format!("^.*({}).*$", name.as_str())},
                        },
                    }));
                }
                // Splits chosen by filters: said in words.
                _ => {
                    let said: Vec<String> = mine
                        .iter()
                        .map(|(name, s)| match s.filter() {
                            Some(f) => format!("{}: rows where {f}", name.as_str()),
                            None => format!("{}: every row", name.as_str()),
                        })
                        .collect();
                    set["description"] = json!(format!("Splits: {}.", said.join("; ")));
                }
            }
        }
        set["field"] = json!(fields);
        record_sets.push(set);
    }
    // The splits a training set declares, with their meaning.
    if let Some(ml) = &m.ml {
        let data: Vec<Value> = ml
            .splits
            .declared()
            .into_iter()
            .map(|(name, _)| {
                json!({
                    "splits/name": name.as_str(),
                    "splits/url": match name {
                        assay_model::ml::SplitName::Train => "cr:TrainingSplit",
                        assay_model::ml::SplitName::Validation => "cr:ValidationSplit",
                        assay_model::ml::SplitName::Test => "cr:TestSplit",
                    },
                })
            })
            .collect();
        record_sets.push(json!({
            "@type": "cr:RecordSet",
            "@id": "splits",
            "name": "splits",
            "dataType": "cr:Split",
            "key": {"@id": "splits/name"},
            "field": [
                {"@type": "cr:Field", "@id": "splits/name", "name": "name", "dataType": "sc:Text"},
                {"@type": "cr:Field", "@id": "splits/url", "name": "url", "dataType": "sc:URL"},
            ],
            "data": data,
        }));
    }
    let mut doc = json!({
        "@context": {
            "@language": "en",
            "@vocab": "https://schema.org/",
            "sc": "https://schema.org/",
            "cr": "http://mlcommons.org/croissant/",
            "rai": "http://mlcommons.org/croissant/RAI/",
            "dct": "http://purl.org/dc/terms/",
            "citeAs": "cr:citeAs",
            "column": "cr:column",
            "conformsTo": "dct:conformsTo",
            "data": {"@id": "cr:data", "@type": "@json"},
            "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
            "examples": {"@id": "cr:examples", "@type": "@json"},
            "extract": "cr:extract",
            "field": "cr:field",
            "fileObject": "cr:fileObject",
            "fileProperty": "cr:fileProperty",
            "fileSet": "cr:fileSet",
            "format": "cr:format",
            "includes": "cr:includes",
            "isLiveDataset": "cr:isLiveDataset",
            "jsonPath": "cr:jsonPath",
            "key": "cr:key",
            "md5": "cr:md5",
            "parentField": "cr:parentField",
            "path": "cr:path",
            "recordSet": "cr:recordSet",
            "references": "cr:references",
            "regex": "cr:regex",
            "repeated": "cr:repeated",
            "replace": "cr:replace",
            "separator": "cr:separator",
            "source": "cr:source",
            "subField": "cr:subField",
            "transform": "cr:transform",
        },
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.1",
        "name": m.name,
        "version": m.version,
        "license": m.licenses.iter().map(|l| license_url(&l.name)).collect::<Vec<_>>(),
        "keywords": m.keywords,
        "distribution": files,
        "recordSet": record_sets,
    });
    if let Some(t) = &m.title {
        doc["alternateName"] = json!(t);
    }
    doc["description"] = json!(
        m.description
            .clone()
            .or(m.title.clone())
            .unwrap_or_default()
    );
    if let Some(h) = &m.homepage {
        doc["url"] = json!(h);
    }
    doc
}
