//! One file of a resource: the footer first, schema conformance, then every byte once, in
//! order, hashed, with the row groups evaluated as they arrive.

use arrow::datatypes::Schema;
use assay_model::Resource;
use assay_model::paths::ResolvedFile;
use assay_model::report::{FileReport, Sample};
use parquet::arrow::arrow_reader::ArrowReaderMetadata;
use sha2::{Digest, Sha256};

use super::Options;
use super::cache;
use super::chunk::{ByteReader, Chunk, HashWriter, LocalBytes, describe_parquet_error};
use super::resource::Slot;
use super::schedule::{self, FileRun};
use super::schema_check::SchemaSlot;
use crate::checks::FileCx;
use crate::conformance;

/// Which file of a resource: the dataset's folder (where a `storage.yaml` is found), the
/// resource's files and the index of this one.
pub(crate) struct FileAt<'a> {
    pub dir: &'a std::path::Path,
    pub files: &'a [ResolvedFile],
    pub index: u32,
    /// The resource's planned checks and key, serialised, for the cache.
    pub resource_key: &'a str,
    /// The file's sha256, when the cache had it hashed ahead (`cache::prehash`).
    pub prehashed: Option<&'a cache::Prehashed>,
}

/// Validates one file: its schema into `schema_slot`, its rows into every check.
pub(crate) fn validate_file(
    at: FileAt,
    r: &Resource,
    pk: &[String],
    slots: &mut [Slot],
    schema_slot: &mut SchemaSlot,
    options: &Options,
) -> FileReport {
    let FileAt {
        dir,
        files,
        index: file_index,
        resource_key,
        prehashed,
    } = at;
    let f = &files[file_index as usize];
    let mut report = FileReport {
        path: f.rel.clone(),
        bytes: 0,
        sha256: None,
        etag: None,
        rows: None,
        row_groups: None,
        error: None,
    };
    let mut fail = |report: &mut FileReport, msg: String| {
        schema_slot.unreadable.push(format!("{}: {msg}", f.rel));
        report.error = Some(msg);
    };
    let opened = match &f.remote {
        None => open(f, &mut report).map(|(file, meta)| (Opened::Local(file), meta)),
        Some(info) => open_remote(dir, info, options, &mut report)
            .map(|(object, tail, meta)| (Opened::Remote(object, tail), meta)),
    };
    let (file, mut arrow_meta) = match opened {
        Ok(opened) => opened,
        Err(msg) => {
            fail(&mut report, msg);
            return report;
        }
    };
    // The page index, where a check decides pages: a local file's is read with one more
    // read; an object's is used when the footer's request fetched it.
    if slots.iter().any(|s| s.kernel.page_column().is_some()) {
        let attached = match &file {
            Opened::Local(file) => super::pages::attach(&arrow_meta, file, report.bytes),
            Opened::Remote(_, (base, tail)) if base + tail.len() as u64 == report.bytes => {
                super::pages::attach(&arrow_meta, tail, report.bytes)
            }
            _ => None,
        };
        if let Some(m) = attached {
            arrow_meta = m;
        }
    }
    let metadata = arrow_meta.metadata().clone();
    let schema = arrow_meta.schema().clone();
    conform(f, r, &schema, schema_slot);
    let rows: u64 = metadata
        .row_groups()
        .iter()
        .map(|rg| rg.num_rows().max(0) as u64)
        .sum();
    let cx = FileCx {
        index: file_index,
        schema: &schema,
        rows: metadata.file_metadata().num_rows().max(0) as u64,
        options,
    };
    for s in slots.iter_mut() {
        s.file = match s.kernel.begin_file(&cx) {
            Ok(prepared) => Some(prepared),
            Err(e) => {
                s.tally.fail_error(format!("{}: {e}", f.rel));
                None
            }
        };
    }
    let mut fail = |report: &mut FileReport, msg: String| {
        schema_slot.unreadable.push(format!("{}: {msg}", f.rel));
        report.error = Some(msg);
    };
    let ask = cache::Ask {
        options,
        file: f,
        index: file_index,
        resource_key,
        prehashed,
    };
    let mut cache = cache::prepare(&ask, slots, || match &file {
        Opened::Local(_) => assay_integrity::hash::hash_parquet(&f.path)
            .ok()
            .map(|facts| facts.sha256),
        Opened::Remote(object, _) => object.sha256().ok().map(|(_, sha)| sha),
        Opened::Cached => None,
    });
    // Every check's results from the cache: nothing is read.
    let file = match (&cache, file) {
        (cache::CacheUse::Replay(_), _) if !cache::reads_anyway(slots) => Opened::Cached,
        (_, file) => file,
    };
    // Every byte once, in order, hashed.
    let len = report.bytes;
    let in_order = |stream: Result<Box<dyn std::io::Read>, String>| {
        stream.and_then(|r| {
            LocalBytes::new(r, &metadata, len, options.progress.as_ref()).map(ByteReader::Local)
        })
    };
    let skipped = matches!(file, Opened::Cached);
    let mut bytes = match file {
        Opened::Local(mut file) => {
            use std::io::Seek;
            let stream = file
                .seek(std::io::SeekFrom::Start(0))
                .map(|_| Box::new(file) as Box<dyn std::io::Read>)
                .map_err(|e| format!("cannot read: {e}"));
            match in_order(stream) {
                Ok(b) => b,
                Err(e) => {
                    fail(&mut report, e);
                    return report;
                }
            }
        }
        // Every byte, hashed, as for a local file: with `--hash` (and in what `publish`
        // reads), and when the checks need most of the object anyway: one streaming request
        // then costs less than one per row group, and gives the sha256.
        Opened::Remote(object, tail)
            if options.hash_remote || mostly_needed(&metadata, &schema, slots, pk) =>
        {
            // A small object is whole in the bytes the footer read fetched already.
            let stream = if tail.0 == 0 && tail.1.len() as u64 == object.size() {
                Ok(Box::new(std::io::Cursor::new(tail.1)) as Box<dyn std::io::Read>)
            } else {
                object
                    .reader()
                    .map(|r| Box::new(r) as Box<dyn std::io::Read>)
                    .map_err(|e| e.message)
            };
            match in_order(stream) {
                Ok(b) => b,
                Err(e) => {
                    fail(&mut report, e);
                    return report;
                }
            }
        }
        Opened::Remote(object, tail) => ByteReader::Remote {
            object,
            tail,
            progress: options.progress.as_ref(),
        },
        Opened::Cached => ByteReader::Cached { len },
    };
    let run = FileRun {
        file_index,
        files,
        rel: &f.rel,
        pk,
        options,
        arrow_meta: &arrow_meta,
    };
    if let Some(e) = schedule::row_groups(&run, slots, &mut bytes, &mut cache) {
        fail(&mut report, describe_parquet_error(&e));
        return report;
    }
    match bytes.finish() {
        Ok((read, sha256)) => {
            report.bytes = read;
            report.sha256 = sha256;
        }
        Err(e) => {
            fail(&mut report, e);
            return report;
        }
    }
    for s in slots.iter_mut() {
        s.kernel.end_file(&mut s.tally, rows);
    }
    match cache {
        cache::CacheUse::Off => {}
        cache::CacheUse::Record(r) => r.store(&report),
        cache::CacheUse::Replay(r) => {
            if skipped && let Some(p) = &options.progress {
                p.advance(len);
            }
            r.used();
            // The same file: its hash as the run that kept it computed it.
            report = r.report;
        }
    }
    report
}

/// Bounds on what a file may declare before it is decoded (`docs/security.md`).
pub mod limits {
    /// Footer (file metadata) bytes.
    pub const MAX_FOOTER_BYTES: u64 = 64 * 1024 * 1024;
    /// Row groups in one file.
    pub const MAX_ROW_GROUPS: usize = 1_000_000;
    /// Leaf columns in one file.
    pub const MAX_COLUMNS: usize = 100_000;
}

/// The metadata length a Parquet file's last eight bytes declare, when they end in `PAR1`.
fn declared_footer(file: &std::fs::File, len: u64) -> Option<u64> {
    use std::io::{Read, Seek};
    if len < 12 {
        return None;
    }
    let mut tail = [0u8; 8];
    let mut f = file;
    f.seek(std::io::SeekFrom::Start(len - 8)).ok()?;
    f.read_exact(&mut tail).ok()?;
    (&tail[4..] == b"PAR1").then(|| u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]) as u64)
}

/// Opens a file and reads its footer. A file whose footer cannot be read is still hashed, so
/// the report says exactly what was refused; an encrypted file is refused by name.
fn open(
    f: &ResolvedFile,
    report: &mut FileReport,
) -> Result<(std::fs::File, ArrowReaderMetadata), String> {
    use std::io::Seek;
    let file = std::fs::File::open(&f.path).map_err(|e| format!("cannot read: {e}"))?;
    report.bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    let refuse = |report: &mut FileReport, why: String| {
        let mut hasher = Sha256::new();
        let _ = (&file)
            .seek(std::io::SeekFrom::Start(0))
            .and_then(|_| std::io::copy(&mut (&file), &mut HashWriter(&mut hasher)));
        report.sha256 = Some(assay_model::hex(&hasher.finalize()));
        Err(why)
    };
    if let Some(n) = declared_footer(&file, report.bytes)
        && n > limits::MAX_FOOTER_BYTES
    {
        return refuse(
            report,
            format!(
                "the footer declares {n} bytes of metadata; the limit is {} (docs/security.md)",
                limits::MAX_FOOTER_BYTES
            ),
        );
    }
    let arrow_meta = match crate::footer::load(&file, report.bytes) {
        Ok(m) => m,
        Err(e) if e.starts_with("corrupt footer") => return refuse(report, e),
        Err(e) => return refuse(report, describe_parquet_error(&e)),
    };
    if let Err(why) = check_footer(&arrow_meta, report) {
        return if why.starts_with("the file is encrypted") {
            Err(why)
        } else {
            refuse(report, why)
        };
    }
    Ok((file, arrow_meta))
}

/// The limits on row groups and columns, and the refusal of an encrypted file, from the footer;
/// fills the rows and row groups of `report`.
fn check_footer(arrow_meta: &ArrowReaderMetadata, report: &mut FileReport) -> Result<(), String> {
    let metadata = arrow_meta.metadata();
    let (groups, columns) = (
        metadata.num_row_groups(),
        metadata.file_metadata().schema_descr().num_columns(),
    );
    if groups > limits::MAX_ROW_GROUPS || columns > limits::MAX_COLUMNS {
        return Err(format!(
            "the footer declares {groups} row groups of {columns} columns; the limits are {} row groups and {} columns (docs/security.md)",
            limits::MAX_ROW_GROUPS,
            limits::MAX_COLUMNS
        ));
    }
    report.rows = Some(metadata.file_metadata().num_rows().max(0) as u64);
    report.row_groups = Some(metadata.num_row_groups() as u64);
    // Plaintext-footer encryption: the footer parses, the column chunks do not.
    let encrypted = metadata
        .row_groups()
        .iter()
        .flat_map(|rg| rg.columns())
        .filter(|c| c.crypto_metadata().is_some())
        .count();
    if encrypted > 0 {
        return Err(format!(
            "the file is encrypted (Parquet modular encryption, plaintext footer: {encrypted} column chunk(s) encrypted) and no key was given"
        ));
    }
    Ok(())
}

/// True when the column chunks the checks could need (every column a check reads, and the
/// primary key, in every row group, before statistics decide any) are at least half of the
/// object's bytes.
fn mostly_needed(
    metadata: &parquet::file::metadata::ParquetMetaData,
    schema: &Schema,
    slots: &[Slot],
    pk: &[String],
) -> bool {
    let mut roots: Vec<usize> = slots
        .iter()
        .filter_map(|s| s.file.as_ref())
        .flat_map(|f| f.columns().to_vec())
        .chain(pk.iter().cloned())
        .filter_map(|c| schema.index_of(&c).ok())
        .collect();
    roots.sort_unstable();
    roots.dedup();
    let descr = metadata.file_metadata().schema_descr();
    let (mut needed, mut all) = (0u64, 0u64);
    for rg in metadata.row_groups() {
        for (leaf, c) in rg.columns().iter().enumerate() {
            let (_, len) = c.byte_range();
            all = all.saturating_add(len);
            if roots
                .binary_search(&descr.get_column_root_idx(leaf))
                .is_ok()
            {
                needed = needed.saturating_add(len);
            }
        }
    }
    all > 0 && needed.saturating_mul(2) >= all
}

/// A file opened for the main pass.
enum Opened {
    Local(std::fs::File),
    Remote(assay_storage::RemoteObject, (u64, bytes::Bytes)),
    /// Every check's results come from the cache.
    Cached,
}

/// Opens an object in a store and reads its footer: one ranged request for the last 64 KiB
/// (two for a larger footer). The size and ETag come from the listing; every later read is
/// conditional on that ETag.
fn open_remote(
    dir: &std::path::Path,
    info: &assay_model::paths::RemoteObjectInfo,
    options: &Options,
    report: &mut FileReport,
) -> Result<
    (
        assay_storage::RemoteObject,
        (u64, bytes::Bytes),
        ArrowReaderMetadata,
    ),
    String,
> {
    report.bytes = info.size;
    report.etag = info.etag.clone();
    let stores = assay_storage::Stores::for_dir(dir).map_err(|e| e.message)?;
    let object = assay_storage::RemoteObject::open(&stores, info).map_err(|e| e.message)?;
    let (base, tail) = object
        .footer(limits::MAX_FOOTER_BYTES)
        .map_err(|e| e.message)?;
    if let Some(p) = &options.progress {
        p.advance(tail.len() as u64);
    }
    let chunk = Chunk::one(base, tail.clone(), info.size);
    let arrow_meta = match crate::footer::load(&chunk, info.size) {
        Ok(m) => m,
        Err(e) if e.starts_with("corrupt footer") => return Err(e),
        Err(e) => return Err(describe_parquet_error(&e)),
    };
    check_footer(&arrow_meta, report)?;
    Ok((object, (base, tail), arrow_meta))
}

/// Schema conformance of one file, and drift from the resource's first file.
pub(crate) fn conform(
    f: &ResolvedFile,
    r: &Resource,
    schema: &Schema,
    schema_slot: &mut SchemaSlot,
) {
    let sample = |values: Vec<String>, note: String| Sample {
        file: f.rel.clone(),
        row_group: None,
        row: None,
        values,
        key: vec![],
        note: Some(note),
    };
    for field in &r.schema.fields {
        if field.field_type == assay_model::manifest::FieldType::String
            && let Ok(af) = schema.field_with_name(&field.name)
            && matches!(
                conformance::value_type(af.data_type()),
                arrow::datatypes::DataType::LargeUtf8
            )
        {
            schema_slot.notes.insert(format!(
                "column `{}` is large_string in the files (as pandas and pyarrow write it); `type: string` accepts it",
                field.name
            ));
        }
    }
    for p in conformance::check(schema, &r.schema.fields, r.schema.fields_match) {
        let values = if p.column.is_empty() {
            vec![]
        } else {
            vec![p.column]
        };
        schema_slot.problems.push(sample(values, p.message));
    }
    let fingerprint = |s: &Schema| {
        s.fields()
            .iter()
            .map(|f| format!("{}:{}", f.name(), conformance::describe(f.data_type())))
            .collect::<Vec<_>>()
    };
    match &schema_slot.first_schema {
        None => {
            schema_slot.first_schema = Some((f.rel.clone(), std::sync::Arc::new(schema.clone())))
        }
        Some((first, s0)) => {
            if fingerprint(s0) != fingerprint(schema) {
                let note = format!(
                    "schema drift: differs from `{first}`: [{}] vs [{}]",
                    fingerprint(schema).join(", "),
                    fingerprint(s0).join(", ")
                );
                schema_slot.problems.push(sample(vec![], note));
            }
        }
    }
}
