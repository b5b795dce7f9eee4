//! Benchmark (not a test): `validate`'s ingest of a 1,000,000-session sample beside polars'
//! own CSV reader on the same two files, in one run. Prints both figures and their ratio.
//!
//! `cargo bench --bench ingest [-- SESSIONS]`

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::ProgressBar;
use polars::prelude::*;
use practice_report::ingest::{self, Options};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ensure_sample(dir: &Path, n: u64) -> (PathBuf, PathBuf) {
    let sessions = dir.join("sessions.csv");
    let feedback = dir.join("feedback.csv");
    if !sessions.exists() || !feedback.exists() {
        std::fs::create_dir_all(dir).unwrap();
        eprintln!("writing a {n}-session sample to {}", dir.display());
        let mut s = std::io::BufWriter::new(std::fs::File::create(&sessions).unwrap());
        let mut f = std::io::BufWriter::new(std::fs::File::create(&feedback).unwrap());
        practice_report::sample::generate(n, 1, &mut s, &mut f, &|_| {}).unwrap();
    }
    (sessions, feedback)
}

fn polars_read(path: &Path) -> DataFrame {
    CsvReadOptions::default()
        .with_has_header(true)
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .unwrap()
        .finish()
        .unwrap()
}

fn main() {
    let n: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/{n}"));
    let (sessions, feedback) = ensure_sample(&dir, n);
    let mb = (std::fs::metadata(&sessions).unwrap().len()
        + std::fs::metadata(&feedback).unwrap().len()) as f64
        / 1e6;
    let runs = 5;
    let mut plain = Vec::new();
    let mut validated = Vec::new();
    let mut rows = (0, 0);
    // Interleaved, so that a noisy neighbour hurts both alike.
    for _ in 0..runs {
        let t = Instant::now();
        let a = polars_read(&sessions);
        let b = polars_read(&feedback);
        plain.push(t.elapsed());
        rows = (a.height(), b.height());

        let t = Instant::now();
        let ing = ingest::ingest(
            &sessions,
            &feedback,
            &Options::default(),
            &ProgressBar::hidden(),
        )
        .unwrap();
        validated.push(t.elapsed());
        assert_eq!(ing.quality.sessions.accepted as usize, rows.0);
    }
    let (p, v) = (median(plain), median(validated));
    println!(
        "input: {n} sessions, {} + {} rows, {mb:.0} MB",
        rows.0, rows.1
    );
    println!(
        "polars CsvReader, both files (no validation): {:>8.3} s (median of {runs})",
        p.as_secs_f64()
    );
    println!(
        "practice-report ingest (csv + validation + frames): {:>8.3} s (median of {runs})",
        v.as_secs_f64()
    );
    println!(
        "ratio ingest / polars: {:.2}x",
        v.as_secs_f64() / p.as_secs_f64()
    );
}
