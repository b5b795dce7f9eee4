//! Report: typed summaries → files (PDF, JSON, CSV). Nothing here computes a figure. Every
//! file is written to a temporary name beside its target and renamed into place, so an
//! interrupted run never leaves half a file.

pub mod cells;
pub mod clients;
pub mod clients_csv;
pub mod csv_out;
pub mod files;
pub mod format;
pub mod json;
pub mod labels;
pub mod monthly;
pub mod pdf;
pub mod rejects;
pub mod techniques;
pub mod techniques_csv;
pub mod trends;

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A file being written under a temporary name; [`AtomicFile::commit`] renames it into
/// place, and dropping it uncommitted removes the temporary file.
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Creates the temporary file (and the target's directory when missing).
    pub fn create(path: &Path) -> Result<AtomicFile> {
        AtomicFile::create_with(path, false)
    }

    /// Like [`AtomicFile::create`], readable and writable by the owner only (health data).
    pub fn create_private(path: &Path) -> Result<AtomicFile> {
        AtomicFile::create_with(path, true)
    }

    fn create_with(path: &Path, private: bool) -> Result<AtomicFile> {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        if private {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        #[cfg(not(unix))]
        let _ = private;
        let file = fs::create_dir_all(dir)
            .and_then(|()| options.open(&tmp))
            .map_err(|source| Error::Write {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            writer: Some(BufWriter::with_capacity(1 << 16, file)),
        })
    }

    pub fn writer(&mut self) -> &mut dyn Write {
        self.writer
            .as_mut()
            .expect("an uncommitted file has a writer")
    }

    /// Flushes and renames the file into place. The rename is what keeps a half-written file
    /// from ever standing under the real name; no fsync (ten thousand client summaries would
    /// wait on the disk for each).
    pub fn commit(mut self) -> Result<()> {
        let writer = self.writer.take().expect("commit runs once");
        let result = writer
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|_| fs::rename(&self.tmp, &self.path));
        result.map_err(|source| Error::Write {
            path: self.path.clone(),
            source,
        })
    }

    /// Wraps an I/O error that happened while filling the file.
    pub fn error(&self, source: std::io::Error) -> Error {
        Error::Write {
            path: self.path.clone(),
            source,
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Uncommitted (an error, or a panic mid-write): leave no temporary file behind.
        // After a commit the rename has already moved it, and this removes nothing.
        let _ = fs::remove_file(&self.tmp);
    }
}

/// Writes `bytes` to `path` atomically, readable by the owner only.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = AtomicFile::create_private(path)?;
    file.writer().write_all(bytes).map_err(|e| file.error(e))?;
    file.commit()
}

/// Writes `path` through `fill`, atomically.
pub fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    fill(file.writer()).map_err(|e| file.error(e))?;
    file.commit()
}
