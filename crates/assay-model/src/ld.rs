//! Linked-data exports of a published catalog: DCAT 3 for the catalog (`dcat.jsonld`) and
//! Croissant 1.1 for each dataset (`datasets/<name>/croissant.json`). Both are JSON-LD with their
//! context inline, so they expand with no network access.

use serde_json::{Value, json};

use crate::index::IndexEntry;
use crate::lock::Lock;
use crate::manifest::{FieldType, Manifest};

/// The SPDX license page for a license identifier, or the identifier itself for `LicenseRef-`.
fn license_url(name: &str) -> String {
    if name.starts_with("LicenseRef-") || name.contains(' ') {
        name.to_string()
    } else {
        format!("https://spdx.org/licenses/{name}.html")
    }
}

/// DCAT 3: Catalog → Dataset → Distribution (one per file, with its SPDX sha256 checksum).
pub fn dcat(title: &str, datasets: &[(&Manifest, &Lock, &IndexEntry)]) -> Value {
    let ds: Vec<Value> = datasets
        .iter()
        .map(|(m, lock, e)| {
            let mut distributions = Vec::new();
            for r in &lock.resources {
                for f in &r.files {
                    distributions.push(json!({
                        "@type": "dcat:Distribution",
                        "dct:title": format!("{} / {}", r.name, f.path),
                        "dcat:mediaType": "application/vnd.apache.parquet",
                        "dcat:byteSize": {"@value": f.bytes.to_string(), "@type": "xsd:nonNegativeInteger"},
                        "spdx:checksum": {
                            "@type": "spdx:Checksum",
                            "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
                            "spdx:checksumValue": {"@value": f.sha256, "@type": "xsd:hexBinary"},
                        },
                    }));
                }
            }
            let mut d = json!({
                "@id": format!("{}", e.path),
                "@type": "dcat:Dataset",
                "dct:identifier": m.name,
                "dct:title": m.title.clone().unwrap_or_else(|| m.name.clone()),
                "dcat:version": m.version,
                "dcat:keyword": m.keywords,
                "dcat:theme": {"@id": format!("https://assay.dev/fields/{}", m.field), "skos:prefLabel": [
                    {"@value": e.field_name_en, "@language": "en"},
                    {"@value": e.field_name_zh, "@language": "zh"},
                ]},
                "dct:license": m.licenses.iter().map(|l| json!({"@id": license_url(&l.name)})).collect::<Vec<_>>(),
                "dcat:distribution": distributions,
                "dct:modified": {"@value": e.last_validated, "@type": "xsd:dateTime"},
            });
            if let Some(desc) = &m.description {
                d["dct:description"] = json!(desc);
            }
            if let Some(o) = m.owner.as_ref().and_then(|o| o.organization.clone().or(o.name.clone())) {
                d["dct:publisher"] = json!({"@type": "foaf:Agent", "foaf:name": o});
            }
            d
        })
        .collect();
    json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "skos": "http://www.w3.org/2004/02/skos/core#",
            "spdx": "http://spdx.org/rdf/terms#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": "./",
        "@type": "dcat:Catalog",
        "dct:title": title,
        "dcat:dataset": ds,
    })
}

fn croissant_type(t: FieldType) -> &'static str {
    use crate::manifest::TypeFamily;
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
                v
            })
            .collect();
        record_sets.push(json!({
            "@type": "cr:RecordSet",
            "@id": r.name,
            "name": r.name,
            "field": fields,
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
