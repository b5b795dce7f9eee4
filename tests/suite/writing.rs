//! A run is all or nothing, through the built binary: an input inside `--out` is never
//! overwritten, a full disk or an interrupted run leaves the previous reports byte for byte,
//! what a killed run left is cleared by the next, a second run into the same folder stops,
//! and a usage error found after reading writes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::common::*;

/// Every file under `dir` (relative path → bytes), `skip` left out.
fn tree(dir: &Path, skip: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let rel = p.strip_prefix(dir).unwrap().display().to_string();
            if skip.contains(&rel.as_str()) {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn names(tree: &BTreeMap<String, Vec<u8>>) -> Vec<&str> {
    tree.keys().map(String::as_str).collect()
}

/// The monthly fixture's `run` for March 2026 into `out`.
fn run_march(cwd: &Path, out: &Path) -> std::process::Output {
    Run::new("run")
        .fixture("monthly")
        .out(out)
        .month("2026-03")
        .dated()
        .output_in(cwd)
}

#[test]
fn an_input_inside_out_is_never_overwritten() {
    // The exports saved under the names of two outputs, one way round and the other.
    for (sessions_as, feedback_as) in [
        ("rejects.csv", "clients-2026-03-01_2026-03-31.csv"),
        ("clients-2026-03-01_2026-03-31.csv", "rejects.csv"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("reports");
        std::fs::create_dir_all(&out).unwrap();
        let (sessions, feedback) = (out.join(sessions_as), out.join(feedback_as));
        std::fs::copy(data("monthly/sessions.csv"), &sessions).unwrap();
        std::fs::copy(data("monthly/feedback.csv"), &feedback).unwrap();
        let before = tree(&out, &[]);
        // `--out` named through a link to the folder: the identity, not the name, counts.
        #[cfg(unix)]
        let out_arg = {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&out, &link).unwrap();
            link
        };
        #[cfg(not(unix))]
        let out_arg = out.clone();
        let o = Run::new("run")
            .files(&sessions, &feedback)
            .out(&out_arg)
            .month("2026-03")
            .output_in(dir.path());
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("would replace the input"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert_eq!(tree(&out, &[]), before, "nothing written, nothing replaced");
    }
}

#[test]
fn a_usage_error_found_after_reading_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for args in [
        &["clients", "--client", "NOPE"][..],
        &["monthly", "--font", "/etc/passwd"][..],
        &["monthly", "--location", "Nowhere"][..],
    ] {
        let o = Run::new(args[0])
            .fixture("monthly")
            .out(&out)
            .args(&args[1..])
            .output_in(dir.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(!out.exists(), "{args:?} left {:?}", names(&tree(&out, &[])));
    }
    // Found before reading: --from after --to.
    let o = Run::new("techniques")
        .fixture("monthly")
        .out(&out)
        .args(&["--from", "2026-03-02", "--to", "2026-03-01"])
        .output_in(dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is after --to"), "{}", stderr(&o));
    assert!(!out.exists());
}

#[test]
fn what_a_killed_run_left_is_cleared_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // An older version's half-written summary, and a staging folder of a run killed before
    // its commit.
    std::fs::create_dir_all(out.join("clients")).unwrap();
    std::fs::write(out.join("clients/.C1.pdf.17046.tmp"), b"%PDF-1.7 half").unwrap();
    let stale = out.join(".practice-report-staging-4000000/new");
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::write(stale.join("monthly-2026-03.pdf"), b"partial").unwrap();
    let o = run_march(dir.path(), &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let files = tree(&out, &[]);
    assert!(
        files
            .keys()
            .all(|k| !k.contains(".tmp") && !k.contains(".practice-report")),
        "{:?}",
        names(&files)
    );
    assert!(files["monthly-2026-03.pdf"].starts_with(b"%PDF"));
}

#[test]
fn a_second_run_into_the_same_folder_stops() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    // Another run's lock, held by this process.
    let lock = std::fs::File::open(&out).unwrap();
    lock.try_lock().unwrap();
    let o = run_march(dir.path(), &out);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("another practice-report run is writing into this folder"),
        "{}",
        stderr(&o)
    );
    assert!(tree(&out, &[]).is_empty());
    drop(lock);
    assert_eq!(run_march(dir.path(), &out).status.code(), Some(0));
}

/// A data set large enough that a run takes a while (its month has hundreds of clients).
fn big_sample(dir: &Path) -> (PathBuf, PathBuf) {
    let data = dir.join("data");
    let o = run_in(
        dir,
        &[
            "sample",
            "--sessions",
            "30000",
            "--out",
            data.to_str().unwrap(),
            "-q",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    (data.join("sessions.csv"), data.join("feedback.csv"))
}

#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_the_previous_set_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert_eq!(run_march(dir.path(), &out).status.code(), Some(0));
    let before = tree(&out, &[]);
    let (sessions, feedback) = big_sample(dir.path());
    for (signal, code) in [("-INT", 130), ("-TERM", 143)] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_practice-report"))
            .args(
                Run::new("run")
                    .files(&sessions, &feedback)
                    .out(&out)
                    .arg_list(),
            )
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Mid-run: once client summaries are being staged.
        let staged = out.join(format!(
            ".practice-report-staging-{}/new/clients",
            child.id()
        ));
        let start = Instant::now();
        while std::fs::read_dir(&staged).map_or(0, |d| d.count()) < 3 {
            assert!(
                start.elapsed() < Duration::from_secs(300),
                "no summary was staged"
            );
            assert!(child.try_wait().unwrap().is_none(), "the run ended first");
            std::thread::sleep(Duration::from_millis(20));
        }
        let killed = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "{signal}");
        assert_eq!(
            tree(&out, &[]),
            before,
            "{signal}: the previous set, and only it"
        );
    }
}

/// A tmpfs of `kib` KiB mounted at `at` for the test's length (Linux, as root).
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, kib: u64) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(at.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_keeps_the_previous_set_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let disk = dir.path().join("disk");
    let Some(_mounted) = Tmpfs::mount(&disk, 2048) else {
        // Mounting needs root (CI runs as root); say so rather than pass silently.
        eprintln!(
            "a_full_disk_keeps_the_previous_set_byte_for_byte: skipped, cannot mount a tmpfs"
        );
        return;
    };
    let out = disk.join("out");
    assert_eq!(run_march(dir.path(), &out).status.code(), Some(0));
    let before = tree(&out, &[]);
    // Leave a few kilobytes free: the next run's staging fills them mid-way.
    let filler = disk.join("filler");
    let free_kib = {
        let o = Command::new("df")
            .args(["-k", "--output=avail"])
            .arg(&disk)
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .nth(1)
            .and_then(|l| l.trim().parse::<u64>().ok())
            .unwrap()
    };
    std::fs::write(
        &filler,
        vec![1u8; ((free_kib.saturating_sub(24)) * 1024) as usize],
    )
    .unwrap();
    let o = run_march(dir.path(), &out);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains("cannot write the file"), "{err}");
    assert!(err.contains("outputs were written"), "{err}");
    assert_eq!(tree(&out, &[]), before, "the previous set, byte for byte");
}

/// Writes a config into `dir` and validates the monthly fixture with it.
fn validate_with(dir: &Path, config: &str) -> std::process::Output {
    let path = dir.join("practice-report.toml");
    std::fs::write(&path, config).unwrap();
    Run::new("validate")
        .fixture("monthly")
        .out(dir.join("out"))
        .args(&["--config", path.to_str().unwrap()])
        .output_in(dir)
}

#[test]
fn config_mistakes_are_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    for (config, want) in [
        (
            "[techniques.aliases]\n\"deep_stroking\" = \"dry_needling\"\n\"dry_needling\" = \"deep_stroking\"\n",
            "the aliases go round in a circle: \"deep_stroking\" → \"dry_needling\" → \"deep_stroking\"",
        ),
        (
            "[columns.sessions]\ntherapist = \"Staff\"\n",
            "config key `columns.sessions.therapist` names the header `Staff`, which the file does not have; headers found: `session_id`",
        ),
        (
            "[input.sessions]\nencoding = \"klingon\"\n",
            "key `input.sessions.encoding`: \"klingon\" is no encoding label",
        ),
        (
            "[columns.sessions]\nclient_name = []\n",
            "key `columns.sessions.client_name`: a list of headers needs one or more",
        ),
        (
            "[techniques.names]\ndeep_stroking = \"\"\n",
            "key `techniques.names.\"deep_stroking\"`: the display name is empty",
        ),
        (
            "[input]\ndate_format = \"%H:%M\"\n",
            "config key `input.date_format` \"%H:%M\" does not name a day, a month and a year",
        ),
    ] {
        let o = validate_with(dir.path(), config);
        assert_eq!(o.status.code(), Some(2), "{config}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(want), "{config}:\n{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(!dir.path().join("out").exists());
    }
    let o = Run::new("validate")
        .fixture("monthly")
        .out(dir.path().join("out"))
        .args(&["--date-format", "%H:%M"])
        .output_in(dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--date-format \"%H:%M\" does not name a day, a month and a year"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_header_that_is_another_columns_name_can_be_mapped() {
    // `therapist = "client_name"`: the config says what the header holds; the column of that
    // name is then simply absent (it is optional).
    let dir = tempfile::tempdir().unwrap();
    let o = validate_with(
        dir.path(),
        "[columns.sessions]\ntherapist = \"client_name\"\n",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
