//! DCAT 3 for a published catalog (`dcat.jsonld`): JSON-LD with its context inline, so it
//! expands with no network access.

use serde_json::{Value, json};

use assay_model::index::IndexEntry;
use assay_model::lock::Lock;
use assay_model::manifest::Manifest;

/// The SPDX license page for a license identifier, or the identifier itself for `LicenseRef-`.
pub(crate) fn license_url(name: &str) -> String {
    let name = &assay_model::license_name(name);
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
