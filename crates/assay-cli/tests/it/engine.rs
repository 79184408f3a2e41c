//! Engine behaviours that span row groups and files: exact uniqueness across both, monotonic
//! order at row-group boundaries, and statistics deciding whole row groups.

use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

use crate::support::*;

fn write(path: &std::path::Path, ids: Vec<i64>, seq: Vec<i64>, row_group: usize) {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("seq", DataType::Int64, false),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int64Array::from(ids)) as ArrayRef,
            Arc::new(Int64Array::from(seq)),
        ],
    )
    .unwrap();
    write_batch(path, &batch, row_group);
}

/// Writes `batch` to `path` in row groups of `row_group` rows.
fn write_batch(path: &std::path::Path, batch: &RecordBatch, row_group: usize) {
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(row_group))
        .build();
    let mut w = ArrowWriter::try_new(
        std::fs::File::create(path).unwrap(),
        batch.schema(),
        Some(props),
    )
    .unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
}

#[test]
fn uniqueness_and_order_across_row_groups_and_files() {
    let dir = temp_dir("engine-span");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    // File a: ids 0..1000 in row groups of 100; id 250 repeats at row 950 (another row group).
    let mut ids: Vec<i64> = (0..1000).collect();
    ids[950] = 250;
    // seq increases except at row 500, the first row of a row group, where it steps back.
    let mut seq: Vec<i64> = (0..1000).collect();
    seq[500] = 10;
    write(&dir.join("data/a.parquet"), ids, seq, 100);
    // File b: ids 1000..1100, but row 7 repeats id 3 from file a.
    let mut ids: Vec<i64> = (1000..1100).collect();
    ids[7] = 3;
    write(&dir.join("data/b.parquet"), ids, (0..100).collect(), 100);
    std::fs::write(
        dir.join("dataset.yaml"),
        "assay: 1\nname: span\nversion: 1.0.0\nfield: IF-C341\nlicenses: [{name: MIT}]\nsensitivity: public\nresources:\n  - name: t\n    path: data/*.parquet\n    schema:\n      fields:\n        - {name: id, type: int64, constraints: {unique: true, minimum: 0, maximum: 5000}}\n        - {name: seq, type: int64}\n    checks:\n      - {check: monotonic, column: seq, strict: true}\n      - {check: expression, name: with-functions, sql: \"abs(seq - id) < 2000 AND coalesce(id, 0) >= 0\"}\n",
    )
    .unwrap();
    let (code, doc) = validate_in(&dir, &[]);
    assert_eq!(code, Some(1));
    let get = |name: &str| check_named(&doc, name);
    let unique = get("id: unique");
    assert_eq!(unique["failing"], 2);
    assert_eq!(unique["evaluated"], 1100);
    assert_eq!(unique["samples"][0]["file"], "data/a.parquet");
    assert_eq!(unique["samples"][0]["row"], 950);
    assert_eq!(unique["samples"][0]["values"][0], "250");
    assert_eq!(
        unique["samples"][0]["note"],
        "first seen at data/a.parquet row 250"
    );
    assert_eq!(unique["samples"][1]["file"], "data/b.parquet");
    assert_eq!(unique["samples"][1]["row"], 7);
    assert_eq!(
        unique["samples"][1]["note"],
        "first seen at data/a.parquet row 3"
    );
    // Order is checked within each file; the step back sits on a row-group boundary.
    let mono = get("monotonic(seq)");
    // Row 500 (10 after 499) fails; row 501 (501 after 10) is in order again.
    assert_eq!(mono["failing"], 1);
    assert_eq!(mono["samples"][0]["row"], 500);
    // SQL functions resolve as functions, not as columns.
    let f = get("with-functions");
    assert_eq!(f["status"], "pass", "{f}");
    assert_eq!(f["evaluated"], 1100);
    // Every row group's min/max lies inside [0, 5000]: decided without decoding.
    assert_eq!(get("id: range")["decided_by"], "statistics");
    assert_eq!(get("id: range")["evaluated"], 1100);
}

#[test]
fn unique_spills_to_disk_under_a_small_memory_limit_with_the_same_result() {
    let dir = temp_dir("engine-spill");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    // Ids out of order, so row-group ranges overlap and nothing is isolated, and spread over a
    // range too wide for a bitmap: every key goes through the partitions. Ids 10..20 (times the
    // spread) repeat at the end.
    let mut ids: Vec<i64> = (0..20_000)
        .map(|i| (i * 7919) % 20_000 * 1_000_003)
        .collect();
    for k in 0..10 {
        ids[19_990 + k] = (10 + k as i64) * 1_000_003;
    }
    let seq: Vec<i64> = (0..20_000).collect();
    write(&dir.join("data/a.parquet"), ids, seq, 1_000);
    std::fs::write(
        dir.join("dataset.yaml"),
        "assay: 1\nname: spill\nversion: 1.0.0\nfield: IF-C341\nlicenses: [{name: MIT}]\nsensitivity: public\nresources:\n  - name: t\n    path: data/*.parquet\n    schema:\n      fields:\n        - {name: id, type: int64, constraints: {unique: true}}\n        - {name: seq, type: int64}\n",
    )
    .unwrap();
    let run = |limit: &str| {
        check_named(
            &validate_in(&dir, &["--memory-limit", limit]).1,
            "id: unique",
        )
    };
    // 64 KiB: half holds 2,048 keys (as allocated), so 20,000 keys go to the partitions' files
    // on disk several times.
    let spilled = run("64KiB");
    let in_memory = run("1GiB");
    assert_eq!(spilled, in_memory);
    assert_eq!(in_memory["failing"], 10);
    assert_eq!(in_memory["samples"][0]["row"], 19_990);
    let out = assay(&dir, &["validate", ".", "--memory-limit", "lots"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn unique_on_strings_spills_past_the_memory_limit_with_the_same_result() {
    use arrow::array::StringArray;
    let dir = temp_dir("engine-spill-strings");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let mut codes: Vec<String> = (0..20_000)
        .map(|i| format!("B-{:06}", (i * 7919) % 20_000))
        .collect();
    for k in 0..10 {
        codes[15_000 + k * 100] = format!("B-{:06}", (k * 7919) % 20_000);
    }
    let schema = Arc::new(Schema::new(vec![Field::new("code", DataType::Utf8, false)]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![Arc::new(StringArray::from(codes)) as ArrayRef],
    )
    .unwrap();
    write_batch(&dir.join("data/a.parquet"), &batch, 1_000);
    std::fs::write(
        dir.join("dataset.yaml"),
        "assay: 1\nname: spill\nversion: 1.0.0\nfield: IF-C341\nlicenses: [{name: MIT}]\nsensitivity: public\nresources:\n  - name: t\n    path: data/*.parquet\n    schema:\n      fields:\n        - {name: code, type: string, constraints: {unique: true}}\n      primaryKey: code\n",
    )
    .unwrap();
    let run = |limit: &str| {
        let (_, doc) = validate_in(&dir, &["--memory-limit", limit]);
        doc["resources"][0]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["kind"] == "unique" || c["kind"] == "unique_key")
            .cloned()
            .collect::<Vec<_>>()
    };
    // 256 KiB: a quarter holds about a thousand keys, so the map spills after the first row
    // groups and the rest goes through sorted runs on disk.
    let spilled = run("256KiB");
    let in_memory = run("1GiB");
    assert_eq!(spilled, in_memory);
    assert_eq!(in_memory[0]["failing"], 10);
    assert_eq!(in_memory[0]["samples"][0]["row"], 15_000);
    assert_eq!(in_memory[0]["samples"][0]["values"][0], "B-000000");
    assert_eq!(
        in_memory[0]["samples"][0]["note"],
        "first seen at data/a.parquet row 0"
    );
}

#[test]
fn range_counts_nan_as_evaluated_but_leaves_it_to_finite() {
    use arrow::array::Float64Array;
    let dir = temp_dir("engine-nan");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let schema = Arc::new(Schema::new(vec![Field::new("v", DataType::Float64, true)]));
    let values = Float64Array::from(vec![Some(1.0), Some(f64::NAN), Some(500.0), None]);
    let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(values) as ArrayRef]).unwrap();
    let mut w = ArrowWriter::try_new(
        std::fs::File::create(dir.join("data/a.parquet")).unwrap(),
        schema,
        None,
    )
    .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    std::fs::write(
        dir.join("dataset.yaml"),
        "assay: 1\nname: nan\nversion: 1.0.0\nfield: IF-C341\nlicenses: [{name: MIT}]\nsensitivity: public\nresources:\n  - name: t\n    path: data/*.parquet\n    schema:\n      fields:\n        - {name: v, type: float64, constraints: {maximum: 100}}\n    checks:\n      - {check: finite, column: v}\n",
    )
    .unwrap();
    let (_, doc) = validate_in(&dir, &[]);
    let get = |name: &str| check_named(&doc, name);
    // 500 fails the range; NaN is evaluated (as statistics would count it) but does not fail.
    assert_eq!(get("v: range")["failing"], 1);
    assert_eq!(get("v: range")["evaluated"], 3);
    assert_eq!(get("v: range")["samples"][0]["row"], 2);
    assert_eq!(get("finite(v)")["failing"], 1);
    assert_eq!(get("finite(v)")["samples"][0]["row"], 1);
}

#[test]
fn foreign_key_joins_on_disk_when_the_target_does_not_fit() {
    let dir = temp_dir("engine-fk-spill");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    // Parents 0..5000; children refer to (i * 37) % 5100, so ids 5000..5099 are missing.
    write(
        &dir.join("data/parents.parquet"),
        (0..5_000).collect(),
        (0..5_000).collect(),
        500,
    );
    let refs: Vec<i64> = (0..20_000).map(|i| (i * 37) % 5_100).collect();
    write(
        &dir.join("data/children.parquet"),
        refs,
        (0..20_000).collect(),
        1_000,
    );
    std::fs::write(
        dir.join("dataset.yaml"),
        "assay: 1\nname: fk\nversion: 1.0.0\nfield: IF-C341\nlicenses: [{name: MIT}]\nsensitivity: public\nresources:\n  - name: parents\n    path: data/parents.parquet\n    schema:\n      fields:\n        - {name: id, type: int64}\n        - {name: seq, type: int64}\n  - name: children\n    path: data/children.parquet\n    schema:\n      fields:\n        - {name: id, type: int64}\n        - {name: seq, type: int64}\n      foreignKeys:\n        - {fields: id, reference: {resource: parents, fields: id}}\n",
    )
    .unwrap();
    let run = |limit: &str| {
        let (code, doc) = validate_in(&dir, &["--memory-limit", limit, "--resource", "children"]);
        let fk = doc["resources"][0]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == "foreign_key")
            .unwrap()
            .clone();
        (code, fk)
    };
    let (code, in_memory) = run("1GiB");
    assert_eq!(code, Some(1));
    // 64 KiB: a quarter holds a few hundred keys, so the 5,000 target keys go to disk.
    let (_, on_disk) = run("64KiB");
    let missing = (0..20_000i64).filter(|i| (i * 37) % 5_100 >= 5_000).count();
    assert_eq!(in_memory["failing"], missing);
    assert_eq!(on_disk["failing"], in_memory["failing"]);
    assert_eq!(on_disk["evaluated"], in_memory["evaluated"]);
    let rows = |c: &serde_json::Value| -> Vec<u64> {
        c["samples"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["row"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(rows(&on_disk), rows(&in_memory), "same rows, lowest first");
    assert_eq!(
        on_disk["samples"][0]["values"],
        in_memory["samples"][0]["values"]
    );
}

/// Issue 18's benchmark variants, small: keys in random order, several files, values sorted.
/// Each must give the same report, byte for byte, on one thread and two, in memory and spilled.
#[test]
fn reports_are_byte_identical_across_jobs_and_memory_limits_on_every_variant() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("value", DataType::Float64, true),
        Field::new("code", DataType::Utf8, false),
    ]));
    let rows = 60_000usize;
    // "sparse": random keys over a range too wide for a bitmap, so they go through the
    // partitions (and, at 1 MiB, to disk).
    for variant in ["random", "files", "sorted", "sparse"] {
        let dir = temp_dir(&format!("engine-variant-{variant}"));
        std::fs::create_dir_all(dir.join("data")).unwrap();
        let files = if variant == "files" { 3 } else { 1 };
        for f in 0..files {
            let mut ids: Vec<i64> = (0..rows as i64).map(|i| i + (f * rows) as i64).collect();
            if variant == "random" || variant == "sparse" {
                for i in (1..ids.len()).rev() {
                    ids.swap(i, (next() % (i as u64 + 1)) as usize);
                }
            }
            if variant == "sparse" {
                ids.iter_mut().for_each(|v| *v *= 1_000_000_007);
            }
            // 0.1% of ids repeat an earlier row's; in several files, some repeat another file's.
            for i in (1..rows).filter(|i| i % 1000 == 999) {
                ids[i] = if f > 0 && i % 2000 == 1999 {
                    (i - 1) as i64
                } else {
                    ids[i - 1]
                };
            }
            let mut values: Vec<Option<f64>> = (0..rows)
                .map(|_| match next() % 1000 {
                    0..=4 => None,
                    5 => Some(5_000.0),
                    _ => Some((next() % 100_000) as f64 / 100.0),
                })
                .collect();
            if variant == "sorted" {
                values.sort_by(|a, b| match (a, b) {
                    (Some(x), Some(y)) => x.total_cmp(y),
                    (a, b) => a.is_some().cmp(&b.is_some()),
                });
            }
            let codes: Vec<String> = (0..rows)
                .map(|i| match next() % 5000 {
                    0 => format!("bad-{i}"),
                    n => format!("C-{:04}", n % 200),
                })
                .collect();
            let batch = RecordBatch::try_new(
                schema.clone(),
                vec![
                    Arc::new(Int64Array::from(ids)) as ArrayRef,
                    Arc::new(Float64Array::from(values)),
                    Arc::new(StringArray::from(codes)),
                ],
            )
            .unwrap();
            write_batch(&dir.join(format!("data/t-{f}.parquet")), &batch, 7_000);
        }
        std::fs::write(
            dir.join("dataset.yaml"),
            "assay: 1\nname: variant\nversion: 1.0.0\nfield: IF-C341\nlicenses: [{name: MIT}]\nsensitivity: public\nresources:\n  - name: t\n    path: data/*.parquet\n    schema:\n      fields:\n        - {name: id, type: int64, constraints: {unique: true}}\n        - {name: value, type: float64, constraints: {minimum: 0, maximum: 1000}}\n        - {name: code, type: string, constraints: {pattern: '^C-[0-9]{4}$'}}\n    checks:\n      - {check: not_null, column: value, mostly: 0.99}\n      - {check: aggregate, column: value, stat: mean, min: 0, max: 1000}\n",
        )
        .unwrap();
        let run = |extra: &[&str]| {
            let out = validate_json(&dir, &[&["--no-history", "--no-cache"], extra].concat());
            assert_eq!(out.status.code(), Some(1), "{variant}: {}", stderr(&out));
            out.stdout
        };
        let default = run(&[]);
        let doc: serde_json::Value = serde_json::from_slice(&default).unwrap();
        let unique = check_named(&doc, "id: unique");
        assert!(
            unique["failing"].as_u64().unwrap() >= 59,
            "{variant}: {unique}"
        );
        assert_eq!(check_named(&doc, "value: range")["status"], "fail");
        for extra in [
            &["--jobs", "1"][..],
            &["--jobs", "2"],
            &["--memory-limit", "64MiB"],
            // Half of 1 MiB holds 32,768 keys: the random and several-file keys go to disk.
            &["--memory-limit", "1MiB", "--jobs", "2"],
            // No room for a bitmap per row group in flight: sorted keys are checked row group
            // by row group, random ones in partitions (spilled).
            &["--memory-limit", "256KiB", "--jobs", "8"],
        ] {
            assert!(
                run(extra) == default,
                "{variant}: the report with {extra:?} differs from the default one"
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// A dense integer key (checked with bitmaps by the workers) taken from the cache of per-file
/// results gives the cold report, whether its keys were kept (a small file) or not (past a
/// quarter of `--memory-limit`: the check then reads the file again).
#[test]
fn a_dense_key_gives_the_cold_report_from_the_cache() {
    let dir = temp_dir("engine-dense-cache");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    for (f, name) in ["a", "b"].iter().enumerate() {
        let mut ids: Vec<i64> = (0..20_000)
            .map(|i| (i * 7919) % 20_000 + f as i64 * 20_000)
            .collect();
        // Repeats within the file and across files.
        ids[19_990] = ids[5];
        ids[19_991] = 3;
        write(
            &dir.join(format!("data/{name}.parquet")),
            ids,
            (0..20_000).collect(),
            2_000,
        );
    }
    std::fs::write(
        dir.join("dataset.yaml"),
        "assay: 1\nname: dense\nversion: 1.0.0\nfield: IF-C341\nlicenses: [{name: MIT}]\nsensitivity: public\nresources:\n  - name: t\n    path: data/*.parquet\n    schema:\n      fields:\n        - {name: id, type: int64, constraints: {unique: true}}\n        - {name: seq, type: int64}\n",
    )
    .unwrap();
    let cache = dir.join("cache");
    let cache = cache.to_str().unwrap();
    // 256 KiB: the bitmaps fit in half of it, the 320 KB of each file's keys not in a quarter.
    for limit in ["1GiB", "256KiB"] {
        let run = |extra: &[&str]| {
            let out = validate_json(
                &dir,
                &[&["--no-history", "--memory-limit", limit], extra].concat(),
            );
            assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
            let err = stderr(&out);
            (out.stdout, err)
        };
        let (cold, _) = run(&["--no-cache"]);
        let (first, _) = run(&["--cache-dir", cache]);
        let (second, err) = run(&["--cache-dir", cache]);
        assert!(err.contains("2 of 2 file(s)"), "{limit}: {err}");
        assert_eq!(cold, first, "{limit}");
        assert_eq!(cold, second, "{limit}");
        let doc: serde_json::Value = serde_json::from_slice(&cold).unwrap();
        let unique = check_named(&doc, "id: unique");
        assert_eq!(unique["failing"], 4, "{limit}: {unique}");
        assert_eq!(
            unique["samples"][0]["note"], "first seen at data/a.parquet row 5",
            "{limit}: {unique}"
        );
    }
}

/// Issue 18, page statistics: a file written with a page index settles most pages of `range`,
/// `not_null` and `in_set` from it, and decodes only the others; the results are those of the
/// same rows written without a page index, and of a copy whose page index is damaged (which is
/// then not used).
#[test]
fn page_statistics_settle_pages_and_change_no_result() {
    use parquet::file::properties::EnabledStatistics;
    let rows = 50_000usize;
    // Sorted values: 1% nulls first, 0.1% out of range at the end.
    let values: Vec<Option<f64>> = (0..rows)
        .map(|i| match i {
            i if i < rows / 100 => None,
            i if i >= rows - rows / 1000 => Some(5_000.0 + i as f64),
            i => Some(i as f64 / 100.0),
        })
        .collect();
    // Long runs of one status, and three rows outside the set in the middle.
    let status: Vec<&str> = (0..rows)
        .map(|i| match i {
            30_001..=30_003 => "BROKEN",
            i if i < 20_000 => "IDLE",
            _ => "RUN",
        })
        .collect();
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("value", DataType::Float64, true),
        Field::new("status", DataType::Utf8, false),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int64Array::from_iter_values(0..rows as i64)) as ArrayRef,
            Arc::new(Float64Array::from(values)),
            Arc::new(StringArray::from(status)),
        ],
    )
    .unwrap();
    let manifest = "assay: 1\nname: pages\nversion: 1.0.0\nfield: IF-C341\nlicenses: [{name: MIT}]\nsensitivity: public\nresources:\n  - name: t\n    path: data/t.parquet\n    schema:\n      primaryKey: [id]\n      fields:\n        - {name: id, type: int64}\n        - {name: value, type: float64, constraints: {minimum: 0, maximum: 1000}}\n        - {name: status, type: string, constraints: {enum: [IDLE, RUN, STOP]}}\n    checks:\n      - {check: not_null, column: value, mostly: 0.95}\n";
    let write = |name: &str, stats: EnabledStatistics| {
        let dir = temp_dir(&format!("engine-pages-{name}"));
        std::fs::create_dir_all(dir.join("data")).unwrap();
        std::fs::write(dir.join("dataset.yaml"), manifest).unwrap();
        let props = WriterProperties::builder()
            .set_max_row_group_row_count(Some(20_000))
            .set_data_page_row_count_limit(500)
            .set_write_batch_size(500)
            .set_statistics_enabled(stats)
            .build();
        let path = dir.join("data/t.parquet");
        let mut w = ArrowWriter::try_new(
            std::fs::File::create(&path).unwrap(),
            schema.clone(),
            Some(props),
        )
        .unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        (dir, path)
    };
    let (indexed, _) = write("indexed", EnabledStatistics::Page);
    let (plain, _) = write("plain", EnabledStatistics::Chunk);
    let (damaged, damaged_file) = write("damaged", EnabledStatistics::Page);
    // Overwrite the page index (between the last column chunk and the footer) with garbage.
    let meta = parquet::file::reader::SerializedFileReader::new(
        std::fs::File::open(&damaged_file).unwrap(),
    )
    .map(|r| parquet::file::reader::FileReader::metadata(&r).clone())
    .unwrap();
    let chunks_end = meta
        .row_groups()
        .iter()
        .flat_map(|g| g.columns())
        .map(|c| {
            let (start, len) = c.byte_range();
            start + len
        })
        .max()
        .unwrap() as usize;
    let footer_start = {
        let bytes = std::fs::read(&damaged_file).unwrap();
        let n = bytes.len();
        n - 8 - u32::from_le_bytes(bytes[n - 8..n - 4].try_into().unwrap()) as usize
    };
    let mut bytes = std::fs::read(&damaged_file).unwrap();
    assert!(footer_start > chunks_end, "the file has a page index");
    for (k, b) in bytes[chunks_end..footer_start].iter_mut().enumerate() {
        *b = (k as u8).wrapping_mul(31) ^ 0xA5;
    }
    std::fs::write(&damaged_file, bytes).unwrap();

    let checks = |dir: &std::path::Path, extra: &[&str]| {
        let (code, doc) = validate_in(dir, &[&["--no-history", "--no-cache"], extra].concat());
        assert_eq!(code, Some(1), "{}", dir.display());
        doc["resources"][0]["checks"].clone()
    };
    let without_pages = |mut checks: serde_json::Value| {
        for c in checks.as_array_mut().unwrap() {
            c.as_object_mut().unwrap().remove("pages");
        }
        checks
    };
    let reference = checks(&plain, &[]);
    assert!(
        reference
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c.get("pages").is_none()),
        "no page index, no page counts: {reference}"
    );
    for extra in [&[][..], &["--jobs", "1"], &["--memory-limit", "1MiB"]] {
        let with_index = checks(&indexed, extra);
        assert_eq!(
            without_pages(with_index.clone()),
            reference,
            "the page index changed a result ({extra:?})"
        );
        let pages = |name: &str| {
            let c = with_index
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["name"] == name)
                .unwrap_or_else(|| panic!("no check {name}"));
            let p = &c["pages"];
            (
                p["by_statistics"].as_u64().unwrap(),
                p["by_data"].as_u64().unwrap(),
            )
        };
        // 100 pages of `value`; its out-of-range rows are in the last one.
        let (settled, decoded) = pages("value: range");
        assert_eq!(settled + decoded, 100, "pages of `value`");
        assert!(
            (1..=5).contains(&decoded),
            "range decoded {decoded} of 100 pages"
        );
        // The nulls are in the first ten pages.
        let (_, decoded) = pages("not_null(value)");
        assert!((1..=11).contains(&decoded), "not_null decoded {decoded}");
        // Every page but the one holding BROKEN holds one status.
        let (settled, decoded) = pages("status: enum");
        assert!(
            settled >= 90 && decoded >= 1,
            "in_set: {settled} settled, {decoded} decoded"
        );
    }
    assert_eq!(
        checks(&damaged, &[]),
        reference,
        "a damaged page index is not used"
    );
    for dir in [indexed, plain, damaged] {
        std::fs::remove_dir_all(dir).unwrap();
    }
}
