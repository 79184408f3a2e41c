//! A catalog whose data is in a bucket: publish, pack, profile and init give what they give
//! on disk.

use super::*;
use crate::support::{stderr, stdout, temp_dir};

#[test]
fn the_example_catalog_published_from_a_bucket_is_the_site_published_from_disk() {
    let s3 = S3::start(false);
    let root = temp_dir("s3-publish");
    let local = root.join("local/catalog");
    crate::support::example_catalog(&local);
    // The same catalog with its data in the bucket instead: storage.yaml's root says where.
    let remote = root.join("remote/catalog");
    crate::support::example_catalog(&remote);
    let mut uploads = Vec::new();
    for f in walkdir(&remote) {
        let rel = f
            .strip_prefix(&remote)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with(".parquet") {
            uploads.push((f.clone(), format!("catalog/{rel}")));
        }
    }
    assert!(uploads.len() >= 6, "{uploads:?}");
    s3.upload("lake", &uploads);
    for (f, _) in &uploads {
        std::fs::remove_file(f).unwrap();
    }
    let env = lake_storage_yaml(&s3, &remote, Some("s3://lake/catalog"));
    let args = [
        "publish",
        "catalog",
        "--out",
        "site",
        "--now",
        "2025-08-01T00:00:00Z",
    ];
    let l = assay_s3(&root.join("local"), &args, &[]);
    assert_eq!(l.status.code(), Some(0), "{}", stderr(&l));
    let r = assay_s3(&root.join("remote"), &args, &env);
    assert_eq!(r.status.code(), Some(0), "{}{}", stdout(&r), stderr(&r));
    let (lt, rt) = (
        tree(&root.join("local/site")),
        tree(&root.join("remote/site")),
    );
    assert_eq!(
        lt.keys().collect::<Vec<_>>(),
        rt.keys().collect::<Vec<_>>(),
        "the sites hold different files: {}{}",
        stdout(&r),
        stderr(&r)
    );
    for (k, v) in &lt {
        assert!(rt[k] == *v, "{k} differs between the sites");
        assert!(!String::from_utf8_lossy(v).contains(MARKER));
    }
    // A bag packed from the bucket is the bag packed from disk.
    for side in ["local", "remote"] {
        let ds = root
            .join(side)
            .join("catalog/IF-C341/boiler-sensor-telemetry");
        let bag = root.join(side).join("bag");
        let e: &[(&str, &str)] = if side == "remote" { &env } else { &[] };
        let out = assay_s3(
            &ds,
            &[
                "pack",
                ".",
                "--out",
                bag.to_str().unwrap(),
                "--now",
                "2025-08-01T00:00:00Z",
                "--date",
                "2025-08-01",
            ],
            e,
        );
        assert_eq!(out.status.code(), Some(0), "{side}: {}", stderr(&out));
    }
    let (lb, rb) = (
        tree(&root.join("local/bag")),
        tree(&root.join("remote/bag")),
    );
    assert_eq!(lb.keys().collect::<Vec<_>>(), rb.keys().collect::<Vec<_>>());
    for (k, v) in &lb {
        assert!(rb[k] == *v, "bag file {k} differs");
    }
    assert!(
        lb.keys().any(|k| k.ends_with(".parquet")),
        "{:?}",
        lb.keys()
    );
    // `assay profile` of a prefix in the bucket is the profile of the files on disk.
    // (Run in the catalog folder, where its storage.yaml names the credentials.)
    let steel = "IF-C31/steel-production-batches/data/";
    let lp = assay_s3(&local, &["profile", steel], &[]);
    let rp = assay_s3(
        &remote,
        &["profile", &format!("s3://lake/catalog/{steel}")],
        &env,
    );
    assert_eq!(rp.status.code(), Some(0), "{}", stderr(&rp));
    assert_eq!(stdout(&lp), stdout(&rp).replace("s3://lake/catalog/", ""));
    // `assay init` of a new dataset folder under the root drafts from the objects under it, as
    // from the same files on disk.
    s3.upload(
        "lake",
        &[(
            dataset_file("IF-C31/steel-production-batches", "heats.parquet"),
            "catalog/IF-C31/new-heats/data/heats.parquet".to_string(),
        )],
    );
    let local_new = root.join("local/catalog/IF-C31/new-heats");
    std::fs::create_dir_all(local_new.join("data")).unwrap();
    std::fs::copy(
        dataset_file("IF-C31/steel-production-batches", "heats.parquet"),
        local_new.join("data/heats.parquet"),
    )
    .unwrap();
    let remote_new = remote.join("IF-C31/new-heats");
    std::fs::create_dir_all(&remote_new).unwrap();
    let init = [
        "init",
        ".",
        "--field",
        "IF-C31",
        "--now",
        "2025-08-01T00:00:00Z",
    ];
    let li = assay_s3(&local_new, &init, &[]);
    assert_eq!(li.status.code(), Some(0), "{}", stderr(&li));
    let ri = assay_s3(&remote_new, &init, &env);
    assert_eq!(ri.status.code(), Some(0), "{}", stderr(&ri));
    assert_eq!(
        std::fs::read_to_string(local_new.join("dataset.yaml")).unwrap(),
        std::fs::read_to_string(remote_new.join("dataset.yaml")).unwrap()
    );
    // The locks made on disk verify against the bucket, and the data is nowhere on disk.
    let v = assay_s3(
        &root.join("remote/catalog/IF-C31/steel-production-batches"),
        &["verify", "."],
        &env,
    );
    assert_eq!(v.status.code(), Some(0), "{}{}", stdout(&v), stderr(&v));
    assert!(
        !root
            .join("remote/catalog/IF-C31/steel-production-batches/data")
            .exists()
            || walkdir(&root.join("remote/catalog/IF-C31/steel-production-batches/data"))
                .is_empty()
    );
    std::fs::remove_dir_all(&root).unwrap();
}
