//! Writing a site: files into a temporary build folder as they are made, the content digest
//! that names the build, the publish lock, and the swap of `--out` (a symlink) by one rename.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Writes the site's files into a temporary folder as they are made (the site is never held in
/// memory), remembering each file's sha256 for the content digest.
pub(crate) struct SiteWriter {
    tmp: tempfile::TempDir,
    hashes: BTreeMap<String, Vec<u8>>,
    error: Option<std::io::Error>,
    /// Values no file may contain, and the first file found to contain one.
    pub(crate) audit: Option<super::audit::Audit>,
    pub(crate) leak: Option<super::audit::Finding>,
}

impl SiteWriter {
    pub(crate) fn new(parent: &Path, name: &str) -> std::io::Result<SiteWriter> {
        Ok(SiteWriter {
            tmp: tempfile::Builder::new()
                .prefix(&format!(".{name}-building-"))
                .tempdir_in(parent)?,
            hashes: BTreeMap::new(),
            error: None,
            audit: None,
            leak: None,
        })
    }

    pub(crate) fn insert(&mut self, rel: String, bytes: Vec<u8>) {
        if self.error.is_some() || self.leak.is_some() {
            return;
        }
        if let Some(a) = &self.audit
            && let Some(found) = a.scan(&rel, &bytes)
        {
            self.leak = Some(found);
            return;
        }
        let path = self.tmp.path().join(&rel);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|_| std::fs::write(&path, &bytes));
        match written {
            Ok(()) => {
                self.hashes.insert(rel, Sha256::digest(&bytes).to_vec());
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// The digest over every path and content hash, and the folder holding the files.
    pub(crate) fn finish(self) -> std::io::Result<(String, tempfile::TempDir)> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let mut h = Sha256::new();
        for (p, b) in &self.hashes {
            h.update(p.as_bytes());
            h.update([0]);
            h.update(b);
        }
        Ok((assay_model::hex(&h.finalize()), self.tmp))
    }
}

/// Removes the publish lock when the publish ends, however it ends.
pub(crate) struct PublishLock(pub(crate) PathBuf);

impl Drop for PublishLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Moves the finished build into place as `.<name>-<digest>` beside `out`, points `out` at it
/// with one rename of a fresh symlink, and removes every other build of this site (the previous
/// one, and any left by a publish killed before its swap). Returns the build's folder name.
pub(crate) fn swap_in(
    parent: &Path,
    name: &str,
    out: &Path,
    digest: &str,
    tmp: tempfile::TempDir,
) -> std::io::Result<String> {
    let build = parent.join(format!(".{name}-{}", &digest[..16]));
    if build.is_dir() {
        drop(tmp);
    } else {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755))?;
        }
        let kept = tmp.keep();
        std::fs::rename(&kept, &build)?;
    }
    // Swap the symlink: a new link under a temporary name, renamed over the old one.
    let link_tmp = parent.join(format!(".{name}.link-{}", std::process::id()));
    let _ = std::fs::remove_file(&link_tmp);
    #[cfg(unix)]
    std::os::unix::fs::symlink(build.file_name().unwrap_or_default(), &link_tmp)?;
    std::fs::rename(&link_tmp, out)?;
    // Under the lock, remove every other build of this site.
    let keep = build.file_name().map(|n| n.to_string_lossy().into_owned());
    if let Ok(list) = std::fs::read_dir(parent) {
        for e in list.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            let ours =
                n.starts_with(&format!(".{name}-")) && e.path().is_dir() && !e.path().is_symlink();
            if ours && Some(&n) != keep.as_ref() {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    Ok(keep.unwrap_or_default())
}
