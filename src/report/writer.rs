//! The one writer: every file a command writes under `--out` goes through a [`Staging`] and
//! reaches its place only when all of them are written, so a run is all or nothing.
//!
//! A run stages its outputs in `OUT/.practice-report-staging-PID/new/`, holding a lock on
//! `OUT` (a second run into the same folder stops with one line). At
//! the end, [`Staging::commit`] checks that no output would replace an input (by file
//! identity, not by name), writes a `COMMIT` mark, and renames each staged entry into place:
//! a file replaces its namesake, a folder (`clients/`, `locations/`) replaces the old folder
//! whole, so summaries of two different runs never mix. Renames within one file system are
//! atomic and need no space; a run killed during them is finished by the next run (the
//! mark says the set was complete), a run killed before them is thrown away by the next run.
//! SIGINT and SIGTERM remove the staging folder and exit with 130 / 143.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};

use crate::error::{Error, Result};

/// Who may read a file: one that holds names or row values from the exports (client
/// summaries, the clients CSV, rejects.csv) is its owner's only; aggregate figures may be
/// shared like the PDFs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Private,
    Shared,
}

/// One finished output: its path under `--out`, its bytes and who may read it.
#[derive(Debug)]
pub struct Output {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub access: Access,
}

impl Output {
    pub fn new(path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>, access: Access) -> Output {
        Output {
            path: path.into(),
            bytes: bytes.into(),
            access,
        }
    }
}

const STAGING_PREFIX: &str = ".practice-report-staging-";
const COMMIT_MARK: &str = "COMMIT";

/// The staging folder of this process, for the signal handler; and a lock that every write
/// into it holds for reading, so that the handler (which takes it for writing) never removes
/// the folder while a file is being created in it.
/// (the staging folder, `--out` when this run created it).
static ACTIVE: Mutex<Option<(PathBuf, Option<PathBuf>)>> = Mutex::new(None);
static WRITING: RwLock<()> = RwLock::new(());

/// A run's outputs being written.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    new: PathBuf,
    /// The inputs' identities: no output may replace one.
    inputs: Vec<(PathBuf, FileId)>,
    staged: Mutex<Vec<PathBuf>>,
    planned: std::sync::atomic::AtomicUsize,
    /// `out` did not exist before this run: a run that writes nothing leaves none.
    created_out: bool,
    committed: bool,
    _lock: fs::File,
}

impl Staging {
    /// Takes `out` for this run: creates it when missing, locks it, finishes or removes what a
    /// killed run left there, and starts an empty staging folder. `inputs` are the files the
    /// run reads.
    pub fn begin(out: &Path, inputs: &[&Path]) -> Result<Staging> {
        let write_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Write { path, source }
        };
        let created_out = !out.exists();
        fs::create_dir_all(out).map_err(write_err(out))?;
        let lock = lock(out)?;
        clear_leftovers(out)?;
        let dir = out.join(format!("{STAGING_PREFIX}{}", std::process::id()));
        let new = dir.join("new");
        fs::create_dir_all(&new).map_err(write_err(&dir))?;
        *ACTIVE.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((dir.clone(), created_out.then(|| out.to_path_buf())));
        signals::install();
        let inputs = inputs
            .iter()
            .filter_map(|p| FileId::of(p).map(|id| (p.to_path_buf(), id)))
            .collect();
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            new,
            inputs,
            staged: Mutex::new(Vec::new()),
            // rejects.csv, which every run writes.
            planned: std::sync::atomic::AtomicUsize::new(1),
            created_out,
            committed: false,
            _lock: lock,
        })
    }

    /// Says that `n` more outputs are coming: a failed write names how many of the run's
    /// outputs were not written.
    pub fn plan(&self, n: usize) {
        self.planned
            .fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    }

    /// Writes one output into the staging folder (from any thread).
    pub fn put(&self, output: &Output) -> Result<()> {
        let _writing = WRITING.read().unwrap_or_else(|e| e.into_inner());
        let target = self.new.join(&output.path);
        let result = target
            .parent()
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|()| {
                let mut file = open(&target, output.access)?;
                file.write_all(&output.bytes)
            });
        if let Err(source) = result {
            let planned = self.planned.load(std::sync::atomic::Ordering::Relaxed);
            let staged = self.staged.lock().unwrap_or_else(|e| e.into_inner()).len();
            return Err(Error::Unwritten {
                path: self.out.join(&output.path),
                source,
                outputs: planned.max(staged + 1),
                out: self.out.clone(),
            });
        }
        self.staged
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(output.path.clone());
        Ok(())
    }

    /// Puts every output of `outputs`.
    pub fn put_all(&self, outputs: &[Output]) -> Result<()> {
        self.plan(outputs.len());
        outputs.iter().try_for_each(|o| self.put(o))
    }

    /// Moves every staged output into place; returns their paths (under `--out`) in the
    /// order they were put.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        let _writing = WRITING.read().unwrap_or_else(|e| e.into_inner());
        let staged = std::mem::take(&mut *self.staged.lock().unwrap_or_else(|e| e.into_inner()));
        for rel in &staged {
            let target = self.out.join(rel);
            if let Some(id) = FileId::of(&target) {
                if let Some((input, _)) = self.inputs.iter().find(|(_, i)| *i == id) {
                    return Err(Error::OutputIsInput {
                        output: target,
                        input: input.clone(),
                    });
                }
            }
        }
        // A folder replaced whole must not hold an input either.
        let tops: std::collections::BTreeSet<PathBuf> = staged
            .iter()
            .filter(|rel| rel.components().count() > 1)
            .filter_map(|rel| rel.components().next())
            .map(|first| self.out.join(first))
            .collect();
        for top in tops.into_iter().filter(|t| t.is_dir()) {
            if let Some(input) = self.inputs.iter().find(|(p, _)| within(p, &top)) {
                return Err(Error::OutputIsInput {
                    output: top,
                    input: input.0.clone(),
                });
            }
        }
        fs::write(self.dir.join(COMMIT_MARK), b"")
            .and_then(|()| move_into_place(&self.dir, &self.out))
            .map_err(|source| Error::Write {
                path: self.out.clone(),
                source,
            })?;
        self.committed = true;
        Ok(staged.into_iter().map(|p| self.out.join(p)).collect())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _writing = WRITING.write().unwrap_or_else(|e| e.into_inner());
        // A commit that failed half-way (a rename refused) keeps its folder and mark: the
        // next run finishes it, so the set in place is never half old, half new for long.
        if !self.committed && self.dir.join(COMMIT_MARK).exists() {
            *ACTIVE.lock().unwrap_or_else(|e| e.into_inner()) = None;
            return;
        }
        // Committed: only the emptied folder (and any replaced old folders) is left.
        let _ = fs::remove_dir_all(&self.dir);
        if self.created_out && !self.committed {
            // Only when empty: nothing else was there before this run.
            let _ = fs::remove_dir(&self.out);
        }
        *ACTIVE.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// Opens a new file in the staging folder, owner-only when `access` is private.
fn open(path: &Path, access: Access) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if access == Access::Private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = access;
    options.open(path)
}

/// The lock on `out`, held for the run (the system drops it when the process ends, however
/// it ends). On Unix the folder itself is locked, so no lock file is left in it.
fn lock(out: &Path) -> Result<fs::File> {
    #[cfg(unix)]
    let (path, opened) = (out.to_path_buf(), fs::File::open(out));
    #[cfg(not(unix))]
    let (path, opened) = {
        let path = out.join(".practice-report.lock");
        let opened = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path);
        (path, opened)
    };
    let file = opened.map_err(|source| Error::Write {
        path: path.clone(),
        source,
    })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(Error::Busy {
            out: out.to_path_buf(),
        }),
        Err(fs::TryLockError::Error(source)) => Err(Error::Write { path, source }),
    }
}

/// What a killed run left in `out`: a staging folder with its commit mark is finished (its
/// set was complete), one without is removed; temporary files of older versions
/// (`.NAME.PID.tmp`, in `out` and its folders) are removed.
fn clear_leftovers(out: &Path) -> Result<()> {
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    let entries = fs::read_dir(out).map_err(err(out))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(STAGING_PREFIX) && path.is_dir() {
            if path.join(COMMIT_MARK).exists() {
                move_into_place(&path, out).map_err(err(&path))?;
            }
            fs::remove_dir_all(&path).map_err(err(&path))?;
        }
    }
    // `out`, its folders (clients/, locations/) and theirs (locations/NAME/).
    remove_old_temporaries(out, 2);
    Ok(())
}

fn remove_old_temporaries(dir: &Path, depth: usize) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if depth > 0 {
                remove_old_temporaries(&path, depth - 1);
            }
        } else if old_temporary(&entry.file_name().to_string_lossy()) {
            let _ = fs::remove_file(&path);
        }
    }
}

/// `.NAME.PID.tmp`: how earlier versions named a file being written.
fn old_temporary(name: &str) -> bool {
    let Some(stem) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    match stem.rsplit_once('.') {
        Some((file, pid)) => {
            !file.is_empty() && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// Renames every entry of `staging/new` into `out`; a folder replaces the folder of its name
/// whole (the old one goes to `staging/old`). Each step can be repeated after a crash: an
/// entry already moved is no longer in `new`.
fn move_into_place(staging: &Path, out: &Path) -> std::io::Result<()> {
    let new = staging.join("new");
    let old = staging.join("old");
    let Ok(entries) = fs::read_dir(&new) else {
        return Ok(());
    };
    let mut names: Vec<_> = entries.flatten().map(|e| e.file_name()).collect();
    names.sort();
    for name in names {
        let from = new.join(&name);
        let to = out.join(&name);
        if from.is_dir() {
            if to.exists() {
                fs::create_dir_all(&old)?;
                let aside = old.join(&name);
                if aside.exists() {
                    fs::remove_dir_all(&aside)?;
                }
                fs::rename(&to, &aside)?;
            }
            fs::rename(&from, &to)?;
        } else {
            fs::rename(&from, &to)?;
        }
    }
    Ok(())
}

/// Whether `path` lies inside the folder `dir` (both resolved).
fn within(path: &Path, dir: &Path) -> bool {
    match (fs::canonicalize(path), fs::canonicalize(dir)) {
        (Ok(p), Ok(d)) => p.starts_with(d),
        _ => false,
    }
}

/// A file's identity: the same file under any name (a link, `./x`, a hard link).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId {
    #[cfg(unix)]
    dev: u64,
    #[cfg(unix)]
    ino: u64,
    #[cfg(not(unix))]
    len: u64,
}

impl FileId {
    fn of(path: &Path) -> Option<FileId> {
        let meta = fs::metadata(path).ok()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(FileId {
                dev: meta.dev(),
                ino: meta.ino(),
            })
        }
        #[cfg(not(unix))]
        {
            // No inode here: a canonical-path comparison in `within` covers the rest.
            let _ = &meta;
            None
        }
    }
}

/// One file outside a run's set (the config `init` proposes, the data `sample` writes),
/// written under a temporary name; [`AtomicFile::commit`] renames it into
/// place, and dropping it uncommitted removes the temporary file.
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    writer: Option<BufWriter<fs::File>>,
}

impl AtomicFile {
    /// Creates the temporary file (and the target's directory when missing).
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let file = fs::create_dir_all(dir)
            .and_then(|()| open(&tmp, Access::Shared))
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

/// Writes `path` through `fill`, atomically.
pub fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    fill(file.writer()).map_err(|e| file.error(e))?;
    file.commit()
}

mod signals {
    //! SIGINT and SIGTERM during a run: the staging folder goes, then the process, with the
    //! shell's codes for them (130, 143).

    #[cfg(unix)]
    pub(super) fn install() {
        use signal_hook::consts::{SIGINT, SIGTERM};
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
                return;
            };
            std::thread::spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    // Waits for a file being written (or a commit) to finish, and keeps any
                    // other from starting.
                    let _writing = super::WRITING.write().unwrap_or_else(|e| e.into_inner());
                    if let Some((dir, created_out)) = super::ACTIVE
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .take()
                    {
                        let _ = std::fs::remove_dir_all(dir);
                        if let Some(out) = created_out {
                            let _ = std::fs::remove_dir(out);
                        }
                    }
                    std::process::exit(128 + signal);
                }
            });
        });
    }

    #[cfg(not(unix))]
    pub(super) fn install() {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_temporaries_are_known_by_their_shape() {
        assert!(old_temporary(".C033851.pdf.17046.tmp"));
        assert!(old_temporary(".rejects.csv.1.tmp"));
        assert!(!old_temporary("C033851.pdf"));
        assert!(!old_temporary(".C1.pdf.tmp"));
        assert!(!old_temporary(".x.12a.tmp"));
        assert!(!old_temporary("..1.tmp"));
    }

    fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let rel = p.strip_prefix(dir).unwrap().display().to_string();
                    out.push((rel, fs::read(&p).unwrap()));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn nothing_reaches_out_before_the_commit_and_folders_are_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir_all(out.join("clients")).unwrap();
        fs::write(out.join("clients/OLD.pdf"), b"old").unwrap();
        fs::write(out.join("monthly-2026-01.pdf"), b"january").unwrap();
        let s = Staging::begin(&out, &[]).unwrap();
        s.put(&Output::new("rejects.csv", "r", Access::Private))
            .unwrap();
        s.put(&Output::new("clients/C1.pdf", "c1", Access::Private))
            .unwrap();
        assert_eq!(
            tree(&out)
                .into_iter()
                .filter(|(p, _)| !p.starts_with('.'))
                .collect::<Vec<_>>(),
            vec![
                ("clients/OLD.pdf".to_string(), b"old".to_vec()),
                ("monthly-2026-01.pdf".to_string(), b"january".to_vec()),
            ]
        );
        let written = s.commit().unwrap();
        assert_eq!(
            written,
            vec![out.join("rejects.csv"), out.join("clients/C1.pdf")]
        );
        assert_eq!(
            tree(&out),
            vec![
                ("clients/C1.pdf".to_string(), b"c1".to_vec()),
                ("monthly-2026-01.pdf".to_string(), b"january".to_vec()),
                ("rejects.csv".to_string(), b"r".to_vec()),
            ]
        );
    }

    #[test]
    fn a_dropped_staging_leaves_the_previous_set() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("rejects.csv"), b"before").unwrap();
        let s = Staging::begin(&out, &[]).unwrap();
        s.put(&Output::new("rejects.csv", "after", Access::Private))
            .unwrap();
        drop(s);
        assert_eq!(
            tree(&out),
            vec![("rejects.csv".to_string(), b"before".to_vec()),]
        );
    }

    #[test]
    fn an_output_that_is_an_input_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir_all(&out).unwrap();
        let input = out.join("rejects.csv");
        fs::write(&input, b"session_id\n").unwrap();
        // Named another way: the identity, not the name, is what counts.
        let other_name = dir.path().join("out/../out/./rejects.csv");
        let s = Staging::begin(&out, &[&other_name]).unwrap();
        s.put(&Output::new("rejects.csv", "x", Access::Private))
            .unwrap();
        let e = s.commit().unwrap_err();
        assert!(matches!(e, Error::OutputIsInput { .. }), "{e}");
        assert_eq!(fs::read(&input).unwrap(), b"session_id\n");
    }

    #[test]
    fn a_killed_run_is_finished_or_thrown_away_by_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        // Killed before its commit: thrown away.
        let before = out.join(format!("{STAGING_PREFIX}99999991/new/clients"));
        fs::create_dir_all(&before).unwrap();
        fs::write(before.join("C1.pdf"), b"partial").unwrap();
        // Killed during its commit: finished.
        let during = out.join(format!("{STAGING_PREFIX}99999992"));
        fs::create_dir_all(during.join("new")).unwrap();
        fs::write(during.join(COMMIT_MARK), b"").unwrap();
        fs::write(during.join("new/monthly-2026-02.json"), b"{}").unwrap();
        fs::create_dir_all(out.join("clients")).unwrap();
        fs::write(out.join("clients/.C2.pdf.17046.tmp"), b"half").unwrap();
        drop(Staging::begin(&out, &[]).unwrap());
        assert_eq!(
            tree(&out),
            vec![("monthly-2026-02.json".to_string(), b"{}".to_vec()),]
        );
    }

    #[test]
    fn a_second_run_into_the_same_folder_stops() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let first = Staging::begin(&out, &[]).unwrap();
        // The lock is per open file, so a second open in this process sees it as another run.
        let e = Staging::begin(&out, &[]).err().expect("the folder is busy");
        assert!(matches!(e, Error::Busy { .. }), "{e}");
        drop(first);
        assert!(Staging::begin(&out, &[]).is_ok());
    }
}
