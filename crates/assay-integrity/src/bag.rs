//! BagIt 1.0 (RFC 8493) submission bags: `assay pack`, and verifying a bag.
//!
//! A bag holds the locked resource files under `data/` (at their paths in the dataset folder),
//! the payload manifests `manifest-sha256.txt` and `manifest-sha512.txt`, `bagit.txt`,
//! `bag-info.txt`, the tag files `assay/dataset.yaml` (or `.json`), `assay/dataset.lock` and
//! `assay/report.json`, and `tagmanifest-sha256.txt` and `tagmanifest-sha512.txt` over every tag
//! file. Verifying a bag never reads outside it: every path is checked to be relative, free of
//! `..`, reached without symlinks and a regular file. It is written into a
//! temporary folder beside the destination and renamed into place only when complete.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use assay_model::LoadedManifest;
use assay_model::hex;
use assay_model::lock::{LOCK_FILE_NAME, Lock};
use sha2::{Digest, Sha256, Sha512};

use crate::hash::BUFFER_BYTES;

/// The folder of Assay's tag files inside a bag.
pub const TAG_DIR: &str = "assay";

/// Why a bag could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// The destination exists.
    #[error("{0} already exists; choose another --out or remove it")]
    Exists(PathBuf),
    /// A file changed between locking and packing.
    #[error(
        "{path}: {message}; re-run `assay verify`, then `assay lock` if the change is intended"
    )]
    Changed {
        /// File path.
        path: String,
        /// What changed.
        message: String,
    },
    /// Reading or writing failed.
    #[error("{0}")]
    Io(String),
}

/// sha256 and sha512 of one stream, with its length.
struct Sums {
    bytes: u64,
    sha256: String,
    sha512: String,
}

/// Copies `from` to `to` (or only reads it, when `to` is `None`), hashing as it goes.
fn copy_hashing(from: &Path, to: Option<&Path>) -> std::io::Result<Sums> {
    // An object in a store (under a storage.yaml root) streams from it, read once.
    let mut src: Box<dyn Read> = match assay_storage::object_at(from) {
        Some(object) => Box::new(
            object
                .and_then(|o| o.reader())
                .map_err(|e| std::io::Error::other(e.to_string()))?,
        ),
        None => Box::new(File::open(from)?),
    };
    let mut dst = to.map(File::create).transpose()?;
    let mut buf = vec![0u8; BUFFER_BYTES];
    let (mut h256, mut h512, mut bytes) = (Sha256::new(), Sha512::new(), 0u64);
    loop {
        let n = match src.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        h256.update(&buf[..n]);
        h512.update(&buf[..n]);
        if let Some(d) = dst.as_mut() {
            d.write_all(&buf[..n])?;
        }
        bytes += n as u64;
    }
    if let Some(d) = dst {
        d.sync_all()?;
    }
    Ok(Sums {
        bytes,
        sha256: hex(&h256.finalize()),
        sha512: hex(&h512.finalize()),
    })
}

/// RFC 8493 §2.1.3: CR, LF and `%` in manifest paths are percent-encoded.
fn encode_path(p: &str) -> String {
    p.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn decode_path(p: &str) -> String {
    p.replace("%0D", "\r")
        .replace("%0d", "\r")
        .replace("%0A", "\n")
        .replace("%0a", "\n")
        .replace("%25", "%")
}

/// A size in decimal units with one decimal (`47.1 KB`), as BagIt's Bag-Size and Assay's
/// messages write it.
pub fn human_size(bytes: u64) -> String {
    let units = ["bytes", "KB", "MB", "GB", "TB"];
    let mut v = bytes as f64;
    let mut i = 0;
    while v >= 1000.0 && i + 1 < units.len() {
        v /= 1000.0;
        i += 1;
    }
    if i == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{v:.1} {}", units[i])
    }
}

/// What goes into a bag besides the data.
pub struct PackInput<'a> {
    /// The dataset.
    pub loaded: &'a LoadedManifest,
    /// Its lock (already checked to match the manifest).
    pub lock: &'a Lock,
    /// The lock's bytes, as on disk.
    pub lock_text: &'a str,
    /// The validation report's JSON.
    pub report_json: &'a str,
    /// Bagging-Date, `YYYY-MM-DD`.
    pub date: &'a str,
    /// `assay diff` against the catalog's current version (`assay submit`), as JSON.
    pub diff_json: Option<&'a str>,
}

/// Summary of a written bag.
#[derive(Debug, Clone)]
pub struct Packed {
    /// Payload files.
    pub files: u64,
    /// Payload bytes.
    pub bytes: u64,
}

/// Writes the bag to `out`. Every payload file is read once: copied and hashed (sha256 and
/// sha512) together, and its sha256 compared with the lock, so the bag holds exactly the locked
/// bytes. On any error the partial bag is removed and `out` is untouched.
pub fn pack(input: &PackInput<'_>, out: &Path) -> Result<Packed, PackError> {
    if out.exists() {
        return Err(PackError::Exists(out.to_path_buf()));
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .map_err(|e| PackError::Io(format!("{}: {e}", parent.display())))?;
    let tmp = tempfile::Builder::new()
        .prefix(".assay-bag-")
        .tempdir_in(parent)
        .map_err(|e| PackError::Io(format!("{}: {e}", parent.display())))?;
    let packed = write_bag(input, tmp.path())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755))
            .map_err(|e| PackError::Io(format!("{}: {e}", tmp.path().display())))?;
    }
    let tmp_path = tmp.keep();
    std::fs::rename(&tmp_path, out).map_err(|e| {
        let _ = std::fs::remove_dir_all(&tmp_path);
        PackError::Io(format!("moving the bag to {}: {e}", out.display()))
    })?;
    Ok(packed)
}

fn write_bag(input: &PackInput<'_>, root: &Path) -> Result<Packed, PackError> {
    let io = |p: &Path, e: std::io::Error| PackError::Io(format!("{}: {e}", p.display()));
    let mut files: BTreeMap<&str, &assay_model::lock::LockedFile> = BTreeMap::new();
    for r in &input.lock.resources {
        for f in &r.files {
            files.insert(&f.path, f);
        }
    }
    let mut m256 = String::new();
    let mut m512 = String::new();
    let mut total = 0u64;
    for (rel, locked) in &files {
        if assay_model::paths::is_remote(rel) {
            return Err(PackError::Io(format!(
                "{rel}: a bag holds files under data/ by their path in the dataset; name objects in a store through a storage.yaml `root:` to pack them (docs/storage.md)"
            )));
        }
        let dest = root.join("data").join(rel);
        if let Some(d) = dest.parent() {
            std::fs::create_dir_all(d).map_err(|e| io(d, e))?;
        }
        let src = input.loaded.dir.join(rel);
        let sums = copy_hashing(&src, Some(&dest)).map_err(|e| io(&src, e))?;
        if sums.sha256 != locked.sha256 || sums.bytes != locked.bytes {
            return Err(PackError::Changed {
                path: rel.to_string(),
                message: format!(
                    "differs from the lock ({} bytes, sha256 {}; locked {} bytes, sha256 {})",
                    sums.bytes, sums.sha256, locked.bytes, locked.sha256
                ),
            });
        }
        total += sums.bytes;
        let p = encode_path(&format!("data/{rel}"));
        m256.push_str(&format!("{}  {p}\n", sums.sha256));
        m512.push_str(&format!("{}  {p}\n", sums.sha512));
    }
    let m = &input.loaded.manifest;
    let owner = m.owner.clone().unwrap_or_default();
    let mut info = Vec::new();
    if let Some(org) = &owner.organization {
        info.push(("Source-Organization", org.clone()));
    }
    if let Some(name) = &owner.name {
        info.push(("Contact-Name", name.clone()));
    }
    if let Some(email) = owner
        .email
        .or(m.steward.as_ref().and_then(|s| s.email.clone()))
    {
        info.push(("Contact-Email", email));
    }
    info.push(("External-Identifier", format!("{}@{}", m.name, m.version)));
    if let Some(t) = &m.title {
        info.push(("External-Description", t.clone()));
    }
    info.push(("Bag-Group-Identifier", m.field.clone()));
    info.push(("Bagging-Date", input.date.to_string()));
    info.push(("Payload-Oxum", format!("{total}.{}", files.len())));
    info.push(("Bag-Size", human_size(total)));
    info.push(("Assay-Dataset-Digest", input.lock.digest.clone()));
    let bag_info: String = info
        .iter()
        .map(|(k, v)| format!("{k}: {}\n", v.replace(['\r', '\n'], " ")))
        .collect();
    let manifest_name = crate::lock::manifest_file_name(input.loaded);
    let manifest_bytes =
        std::fs::read(&input.loaded.path).map_err(|e| io(&input.loaded.path, e))?;
    let tags: Vec<(String, Vec<u8>)> = vec![
        (
            "bagit.txt".into(),
            b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_vec(),
        ),
        ("bag-info.txt".into(), bag_info.into_bytes()),
        ("manifest-sha256.txt".into(), m256.into_bytes()),
        ("manifest-sha512.txt".into(), m512.into_bytes()),
        (format!("{TAG_DIR}/{manifest_name}"), manifest_bytes),
        (
            format!("{TAG_DIR}/{LOCK_FILE_NAME}"),
            input.lock_text.as_bytes().to_vec(),
        ),
        (
            format!("{TAG_DIR}/report.json"),
            input.report_json.as_bytes().to_vec(),
        ),
    ];
    let mut tags = tags;
    if let Some(d) = input.diff_json {
        tags.push((format!("{TAG_DIR}/diff.json"), d.as_bytes().to_vec()));
    }
    let mut tagmanifest = String::new();
    let mut tagmanifest512 = String::new();
    for (name, bytes) in &tags {
        let path = root.join(name);
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d).map_err(|e| io(d, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| io(&path, e))?;
        tagmanifest.push_str(&format!(
            "{}  {}\n",
            hex(&Sha256::digest(bytes)),
            encode_path(name)
        ));
        tagmanifest512.push_str(&format!(
            "{}  {}\n",
            hex(&Sha512::digest(bytes)),
            encode_path(name)
        ));
    }
    // RFC 8493 §2.2.1: tag manifests use the payload manifests' algorithms.
    for (file, text) in [
        ("tagmanifest-sha256.txt", tagmanifest),
        ("tagmanifest-sha512.txt", tagmanifest512),
    ] {
        let tm = root.join(file);
        std::fs::write(&tm, text).map_err(|e| io(&tm, e))?;
    }
    Ok(Packed {
        files: files.len() as u64,
        bytes: total,
    })
}

/// True when `dir` looks like a bag (has `bagit.txt`).
pub fn is_bag(dir: &Path) -> bool {
    dir.join("bagit.txt").is_file()
}

/// The outcome of verifying a bag.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct BagVerification {
    /// The dataset named in the bag's lock, when readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset: Option<String>,
    /// Payload files checked.
    pub files: u64,
    /// Payload bytes hashed.
    pub bytes: u64,
    /// Every problem, sorted; empty for a valid bag.
    pub problems: Vec<String>,
    /// True when a problem is that a file could not be read (exit 3).
    pub unreadable: bool,
}

/// Verifies a bag: RFC 8493 validity (structure, completeness, every checksum of every
/// manifest, Payload-Oxum, tag manifests) and that the payload is exactly the bytes of the
/// enclosed `dataset.lock`, whose manifest hash must match the enclosed manifest.
pub fn verify_bag(root: &Path) -> BagVerification {
    let mut v = BagVerification::default();
    let mut problems = Vec::new();
    declaration(root, &mut problems);
    let (on_disk, disk_bytes) = payload_on_disk(root, &mut problems);
    let computed = payload_manifests(root, &on_disk, &mut problems, &mut v.unreadable);
    payload_oxum(root, &on_disk, disk_bytes, &mut problems);
    tag_manifests(root, &mut problems, &mut v.unreadable);
    v.files = on_disk.len() as u64;
    v.bytes = computed.values().flatten().map(|s| s.bytes).sum();
    enclosed_lock(root, &computed, &on_disk, &mut problems, &mut v);
    problems.sort();
    problems.dedup();
    v.problems = problems;
    v
}

/// `bagit.txt`: the version and the tag file encoding.
fn declaration(root: &Path, problems: &mut Vec<String>) {
    match std::fs::read_to_string(root.join("bagit.txt")) {
        Ok(t) => {
            let fields = parse_tag_file(&t);
            match fields.get("BagIt-Version").map(String::as_str) {
                Some("1.0") | Some("0.97") => {}
                other => problems.push(format!(
                    "bagit.txt: BagIt-Version is {other:?}; expected 1.0"
                )),
            }
            if fields
                .get("Tag-File-Character-Encoding")
                .map(String::as_str)
                != Some("UTF-8")
            {
                problems.push("bagit.txt: Tag-File-Character-Encoding must be UTF-8".into());
            }
        }
        Err(e) => problems.push(format!("bagit.txt: {e}")),
    }
}

/// The payload files under `data/` (paths relative to the bag) and their bytes; symlinks and
/// special files are problems, never followed.
fn payload_on_disk(root: &Path, problems: &mut Vec<String>) -> (BTreeSet<String>, u64) {
    let data = root.join("data");
    let mut on_disk = BTreeSet::new();
    let mut disk_bytes = 0u64;
    let data_meta = std::fs::symlink_metadata(&data);
    if data_meta.as_ref().is_ok_and(|m| m.file_type().is_symlink()) {
        problems.push(
            "data/: the payload folder is a symlink; bags hold files, links are not followed"
                .into(),
        );
    } else if !data_meta.is_ok_and(|m| m.is_dir()) {
        problems.push("data/: missing payload folder".into());
    } else {
        for entry in walkdir::WalkDir::new(&data)
            .follow_links(false)
            .sort_by_file_name()
        {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    if let Ok(rel) = e.path().strip_prefix(root) {
                        on_disk.insert(rel.to_string_lossy().replace('\\', "/"));
                        disk_bytes += e.metadata().map(|m| m.len()).unwrap_or(0);
                    }
                }
                Ok(e) if e.file_type().is_symlink() => problems.push(format!(
                    "{}: a symlink in the payload; bags hold files, links are not followed",
                    e.path().strip_prefix(root).unwrap_or(e.path()).display()
                )),
                Ok(e) if e.file_type().is_dir() => {}
                Ok(e) => problems.push(format!(
                    "{}: not a regular file (a device, FIFO or socket) in the payload",
                    e.path().strip_prefix(root).unwrap_or(e.path()).display()
                )),
                Err(e) => problems.push(format!("data/: {e}")),
            }
        }
    }
    (on_disk, disk_bytes)
}

/// Every payload manifest's checksums against the files, each file hashed once (sha256 and
/// sha512 together); files on disk that a manifest does not list.
fn payload_manifests(
    root: &Path,
    on_disk: &BTreeSet<String>,
    problems: &mut Vec<String>,
    unreadable: &mut bool,
) -> BTreeMap<String, Option<Sums>> {
    let mut computed: BTreeMap<String, Option<Sums>> = BTreeMap::new();
    let mut algorithms = 0;
    for alg in ["sha256", "sha512"] {
        let name = format!("manifest-{alg}.txt");
        let Ok(text) = std::fs::read_to_string(root.join(&name)) else {
            continue;
        };
        algorithms += 1;
        let mut listed = BTreeSet::new();
        for (n, line) in text.lines().enumerate() {
            let Some((sum, path)) = split_manifest_line(line) else {
                problems.push(format!("{name}:{}: not `<checksum>  <path>`", n + 1));
                continue;
            };
            let path = decode_path(path);
            if !path.starts_with("data/") || path.split('/').any(|c| c == ".." || c.is_empty()) {
                problems.push(format!(
                    "{name}:{}: `{path}` is not a path under data/",
                    n + 1
                ));
                continue;
            }
            listed.insert(path.clone());
            let sums = computed.entry(path.clone()).or_insert_with(|| {
                match copy_hashing(&root.join(&path), None) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        if e.kind() != std::io::ErrorKind::NotFound {
                            *unreadable = true;
                        }
                        None
                    }
                }
            });
            match sums {
                None => problems.push(format!(
                    "{path}: listed in {name} but missing or unreadable"
                )),
                Some(s) => {
                    let actual = if alg == "sha256" {
                        &s.sha256
                    } else {
                        &s.sha512
                    };
                    if !actual.eq_ignore_ascii_case(sum) {
                        problems.push(format!("{path}: {alg} is {actual}, {name} says {sum}"));
                    }
                }
            }
        }
        for p in on_disk.difference(&listed) {
            problems.push(format!("{p}: in the payload but not in {name}"));
        }
    }
    if algorithms == 0 {
        problems.push("no payload manifest (manifest-sha256.txt or manifest-sha512.txt)".into());
    }
    computed
}

/// `bag-info.txt`'s Payload-Oxum against the payload.
fn payload_oxum(
    root: &Path,
    on_disk: &BTreeSet<String>,
    disk_bytes: u64,
    problems: &mut Vec<String>,
) {
    let info = std::fs::read_to_string(root.join("bag-info.txt")).unwrap_or_default();
    let info = parse_tag_file(&info);
    if let Some(oxum) = info.get("Payload-Oxum") {
        let expected = format!("{disk_bytes}.{}", on_disk.len());
        if *oxum != expected {
            problems.push(format!(
                "bag-info.txt: Payload-Oxum is {oxum}, the payload is {expected}"
            ));
        }
    }
}

/// The tag manifests' checksums against the tag files.
fn tag_manifests(root: &Path, problems: &mut Vec<String>, unreadable: &mut bool) {
    for alg in ["sha256", "sha512"] {
        let name = format!("tagmanifest-{alg}.txt");
        let Ok(text) = std::fs::read_to_string(root.join(&name)) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            let Some((sum, path)) = split_manifest_line(line) else {
                problems.push(format!("{name}:{}: not `<checksum>  <path>`", n + 1));
                continue;
            };
            let path = decode_path(path);
            let file = match bag_file(root, &path) {
                Ok(f) => f,
                Err(why) => {
                    problems.push(format!("{name}:{}: {why}", n + 1));
                    continue;
                }
            };
            match copy_hashing(&file, None) {
                Ok(s) => {
                    let actual = if alg == "sha256" {
                        &s.sha256
                    } else {
                        &s.sha512
                    };
                    if !actual.eq_ignore_ascii_case(sum) {
                        problems.push(format!("{path}: {alg} differs from {name}"));
                    }
                }
                Err(e) => {
                    *unreadable = true;
                    problems.push(format!("{path}: listed in {name}: {e}"));
                }
            }
        }
    }
}

/// The enclosed lock: its manifest hash against the enclosed manifest, its files against the
/// payload.
fn enclosed_lock(
    root: &Path,
    computed: &BTreeMap<String, Option<Sums>>,
    on_disk: &BTreeSet<String>,
    problems: &mut Vec<String>,
    v: &mut BagVerification,
) {
    let lock_text = bag_file(root, &format!("{TAG_DIR}/{LOCK_FILE_NAME}")).and_then(|p| {
        std::fs::read_to_string(&p).map_err(|e| {
            v.unreadable = true;
            format!("`{TAG_DIR}/{LOCK_FILE_NAME}`: {e}")
        })
    });
    match lock_text {
        Err(e) => problems.push(e),
        Ok(text) => match Lock::parse(&text) {
            Err(e) => problems.push(format!("{TAG_DIR}/{LOCK_FILE_NAME}: malformed: {e}")),
            Ok(lock) => {
                v.dataset = Some(lock.dataset.clone());
                match bag_file(root, &format!("{TAG_DIR}/{}", lock.manifest.path))
                    .and_then(|p| std::fs::read(&p).map_err(|e| e.to_string()))
                {
                    Ok(b) if hex(&Sha256::digest(&b)) == lock.manifest.sha256 => {}
                    Ok(_) => problems.push(format!(
                        "{TAG_DIR}/{}: differs from the manifest the lock was made from",
                        lock.manifest.path
                    )),
                    Err(e) => problems.push(format!("{TAG_DIR}/{}: {e}", lock.manifest.path)),
                }
                let mut locked = BTreeSet::new();
                for f in lock.resources.iter().flat_map(|r| r.files.iter()) {
                    let p = format!("data/{}", f.path);
                    locked.insert(p.clone());
                    match computed.get(&p) {
                        Some(Some(s)) if s.sha256 == f.sha256 && s.bytes == f.bytes => {}
                        Some(Some(s)) => problems.push(format!(
                            "{p}: differs from the lock ({} bytes, sha256 {}; locked {} bytes, sha256 {})",
                            s.bytes, s.sha256, f.bytes, f.sha256
                        )),
                        _ if !on_disk.contains(&p) => {
                            problems.push(format!("{p}: locked but not in the payload"))
                        }
                        _ => {}
                    }
                }
                for p in on_disk.difference(&locked) {
                    problems.push(format!("{p}: in the payload but not in the lock"));
                }
            }
        },
    }
}

/// `rel` inside the bag as a regular file reached without symlinks, or why not. A hostile bag
/// cannot make verification read outside it, follow a link, or block on a FIFO.
fn bag_file(root: &Path, rel: &str) -> Result<PathBuf, String> {
    if rel.starts_with('/')
        || rel.contains('\\')
        || rel
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return Err(format!("`{rel}` is not a relative path inside the bag"));
    }
    let mut path = root.to_path_buf();
    for part in rel.split('/') {
        path.push(part);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(format!(
                    "`{rel}` goes through a symlink; bags hold files, links are not followed"
                ));
            }
            Ok(_) => {}
            Err(e) => return Err(format!("`{rel}`: {e}")),
        }
    }
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.is_file() => Ok(path),
        Ok(_) => Err(format!("`{rel}` is not a regular file")),
        Err(e) => Err(format!("`{rel}`: {e}")),
    }
}

fn split_manifest_line(line: &str) -> Option<(&str, &str)> {
    let line = line.trim_end_matches('\r');
    let i = line.find([' ', '\t'])?;
    let (sum, rest) = line.split_at(i);
    let path = rest.trim_start_matches([' ', '\t']);
    (!sum.is_empty() && !path.is_empty()).then_some((sum, path))
}

/// `Label: value` lines; continuation lines (leading whitespace) join the previous value.
fn parse_tag_file(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut last: Option<String> = None;
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(k) = &last
                && let Some(v) = out.get_mut(k)
            {
                let v: &mut String = v;
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            out.insert(k.trim().to_string(), v.trim().to_string());
            last = Some(k.trim().to_string());
        }
    }
    out
}

/// `SOURCE_DATE_EPOCH` as an RFC 3339 time, when set.
pub fn source_date_time() -> Option<String> {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()?
        .trim()
        .parse::<i64>()
        .ok()?;
    let rem = secs.rem_euclid(86_400);
    Some(format!(
        "{}T{:02}:{:02}:{:02}Z",
        civil_date(secs.div_euclid(86_400)),
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    ))
}

/// Today's date (UTC) as `YYYY-MM-DD`, or the date of `SOURCE_DATE_EPOCH` when set, so that
/// reproducible builds get reproducible bags.
pub fn bagging_date() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    civil_date(secs.div_euclid(86_400))
}

/// Days since 1970-01-01 to `YYYY-MM-DD` (H. Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_419), "2025-11-27");
        assert_eq!(civil_date(-1), "1969-12-31");
        assert_eq!(civil_date(11_016), "2000-02-29");
    }

    #[test]
    fn paths_and_sizes() {
        assert_eq!(encode_path("data/a%b\nc"), "data/a%25b%0Ac");
        assert_eq!(decode_path(&encode_path("data/a%0Ab\r")), "data/a%0Ab\r");
        assert_eq!(human_size(999), "999 bytes");
        assert_eq!(human_size(1_234_567), "1.2 MB");
        assert_eq!(
            split_manifest_line("abc  data/x y.parquet"),
            Some(("abc", "data/x y.parquet"))
        );
    }
}
