//! Every output of `run --each-location` on `sample_data/`, and of `run` on each fixture set
//! (with `--no-system-fonts`, so that the bytes are the same on every machine), against a
//! committed digest (tests/data/digest.sha256): a change to any output byte fails
//! here, naming the files. When a change is meant to alter outputs, bless the new digest in a
//! commit of its own saying why:
//!
//! ```text
//! PRACTICE_REPORT_BLESS=1 cargo test digest
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::common::*;

/// The runs whose outputs are guarded: a name (the folder in the digest) and the arguments
/// after `run`.
fn runs() -> Vec<(&'static str, Vec<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sample = |f: &str| root.join("sample_data").join(f).display().to_string();
    let mut runs = vec![(
        "sample_data",
        vec![
            "--sessions".to_string(),
            sample("sessions.csv"),
            "--feedback".to_string(),
            sample("feedback.csv"),
            "--each-location".to_string(),
        ],
    )];
    for (set, extra) in [
        ("adjusted", &[][..]),
        ("aliases", &["--config", "aliases/practice-report.toml"][..]),
        ("bom_crlf", &[][..]),
        ("clients", &[][..]),
        ("formulas", &[][..]),
        ("hostile", &[][..]),
        (
            "locations",
            &[
                "--config",
                "locations/practice-report.toml",
                "--each-location",
            ][..],
        ),
        ("monthly", &[][..]),
        ("rules", &[][..]),
        ("semicolon", &["--delimiter", ";"][..]),
        (
            "techniques",
            &["--config", "techniques/practice-report.toml"][..],
        ),
        ("trends", &[][..]),
    ] {
        let mut args = Run::new("run").fixture(set).arg_list();
        args.remove(0);
        for a in extra {
            args.push(if a.ends_with(".toml") {
                data(a).display().to_string()
            } else {
                a.to_string()
            });
        }
        runs.push((set, args));
    }
    runs
}

/// Every file under `dir`, by its path relative to `dir` (with `/`), and its SHA-256.
fn digests(dir: &Path, prefix: &str, into: &mut BTreeMap<String, String>) {
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(dir).unwrap();
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let hash = Sha256::digest(std::fs::read(&path).unwrap());
            let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
            into.insert(format!("{prefix}/{}", rel.join("/")), hex);
        }
    }
}

fn digest_file() -> PathBuf {
    data("digest.sha256")
}

#[test]
fn every_output_matches_the_committed_digest() {
    let dir = tempfile::tempdir().unwrap();
    let mut got = BTreeMap::new();
    for (name, args) in runs() {
        let out = dir.path().join(name);
        let o = Run::new("run")
            .args(&args)
            .out(&out)
            // The same bytes on every machine, whatever fonts it has (CI installs a
            // Hangul font, a developer's machine may not).
            .args(&["-q", "--no-system-fonts"])
            .dated()
            .output_in(dir.path());
        assert!(
            matches!(o.status.code(), Some(0) | Some(3)),
            "{name}: {}",
            stderr(&o)
        );
        digests(&out, name, &mut got);
    }
    let text: String = got
        .iter()
        .map(|(path, hash)| format!("{hash}  {path}\n"))
        .collect();
    if std::env::var_os("PRACTICE_REPORT_BLESS").is_some() {
        std::fs::write(digest_file(), &text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(digest_file()).unwrap_or_default();
    let want: BTreeMap<String, String> = committed
        .lines()
        .filter_map(|l| l.split_once("  "))
        .map(|(h, p)| (p.to_string(), h.to_string()))
        .collect();
    let mut differ = Vec::new();
    for path in got.keys().chain(want.keys()) {
        if got.get(path) != want.get(path) && !differ.contains(path) {
            differ.push(path.clone());
        }
    }
    assert!(
        differ.is_empty(),
        "{} outputs differ from tests/data/digest.sha256 (new, changed or gone): {}\n\
         if meant, bless them: PRACTICE_REPORT_BLESS=1 cargo test digest",
        differ.len(),
        differ.join(", ")
    );
}
