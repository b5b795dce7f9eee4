//! Hostile input through the built binary: formulas in every CSV written, dates no report can
//! cover, headers of garbage, a 5 MiB name, a reader that goes away, owner-only row data.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::common::*;

/// The column `name` of a CSV, header left out.
fn column(rows: &[Vec<String>], name: &str) -> Vec<String> {
    let i = rows[0].iter().position(|h| h == name).expect("the column");
    rows[1..].iter().map(|r| r[i].clone()).collect()
}

fn live_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Writes `sessions` and `feedback` into `dir` and returns their paths.
fn inputs(dir: &Path, sessions: &[u8], feedback: &[u8]) -> (PathBuf, PathBuf) {
    let (s, f) = (dir.join("sessions.csv"), dir.join("feedback.csv"));
    std::fs::write(&s, sessions).unwrap();
    std::fs::write(&f, feedback).unwrap();
    (s, f)
}

fn run_on(
    dir: &Path,
    cmd: &str,
    files: &(PathBuf, PathBuf),
    extra: &[&str],
) -> std::process::Output {
    let out = dir.join("out");
    let mut args = vec![
        cmd,
        "--sessions",
        files.0.to_str().unwrap(),
        "--feedback",
        files.1.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run_in(dir, &args)
}

const FEEDBACK_HEADER: &[u8] =
    b"session_id,submitted,soreness_hours,pain_followup,mobility,satisfaction,comment\n";
const SESSIONS_HEADER: &str = "session_id,client_id,client_name,therapist,date,technique,\
body_region,duration_min,pain_before,pain_after,fee\n";

#[test]
fn no_csv_written_holds_a_live_formula() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = Run::new("run")
        .fixture("formulas")
        .out(&out)
        .month("2026-03")
        .dated()
        .output_in(dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let clients = csv_rows(&out.join("clients-2026-03-01_2026-03-31.csv"));
    assert_eq!(column(&clients, "client_id"), vec!["'+C2", "'=1+1"]);
    assert_eq!(
        column(&clients, "client_name"),
        vec!["'=cmd|' /C calc'!A0", "'@SUM(A1)"]
    );
    // Figures stay numbers: a formula guard must not touch them.
    assert_eq!(column(&clients, "first_pain_before"), vec!["5", "8"]);

    let techniques = csv_rows(&out.join("techniques-2025-04-01_2026-03-31.csv"));
    let names = column(&techniques, "technique");
    assert!(
        names.contains(&"'=hyperlink(\"http://x\",\"y\")".to_string()),
        "{names:?}"
    );
    assert!(names.contains(&"dry_needling".to_string()), "{names:?}");

    let rejects = csv_rows(&out.join("rejects.csv"));
    assert_eq!(
        rejects[1],
        vec![
            "sessions.csv",
            "4",
            "pain_after",
            "'+11",
            "out of range: must be from 0 to 10"
        ]
    );

    for (name, rows, text_columns) in [
        ("clients", &clients, &["client_id", "client_name"][..]),
        ("techniques", &techniques, &["technique"][..]),
        (
            "rejects",
            &rejects,
            &["file", "column", "value", "reason"][..],
        ),
    ] {
        for c in text_columns {
            for cell in column(rows, c) {
                assert!(!live_formula(&cell), "{name}.csv {c}: {cell:?}");
            }
        }
    }
}

#[test]
fn rejects_csv_is_readable_by_its_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = Run::new("validate")
        .fixture("formulas")
        .out(&out)
        .output_in(dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(out.join("rejects.csv"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
}

#[test]
fn a_date_no_report_can_cover_is_a_rejected_row_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let sessions = format!(
        "{SESSIONS_HEADER}\
S1,C1,Ann,Tom,2026-03-02,Dry needling,Neck,30,5,4,40\n\
S2,C2,Bo,Tom,+262142-12-01,Dry needling,Neck,30,5,4,40\n\
S3,C3,Cy,Tom,1899-12-31,Dry needling,Neck,30,5,4,40\n\
S4,C4,Di,Tom,2201-01-01,Dry needling,Neck,30,5,4,40\n"
    );
    let files = inputs(dir.path(), sessions.as_bytes(), FEEDBACK_HEADER);
    let o = run_on(
        dir.path(),
        "monthly",
        &files,
        &["--date-format", "%Y-%m-%d"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    let rejects = rejects(&dir.path().join("out/rejects.csv"));
    let reason = "date out of range: must be in the years 1900 to 2200";
    let got: Vec<(&str, &str, &str)> = rejects
        .iter()
        .map(|r| (r[1].as_str(), r[3].as_str(), r[4].as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("3", "'+262142-12-01", reason),
            ("4", "1899-12-31", reason),
            ("5", "2201-01-01", reason),
        ]
    );
    assert!(dir.path().join("out/monthly-2026-03.json").exists());

    // Nor can a month outside those years be asked for.
    let o = run_on(dir.path(), "monthly", &files, &["--month", "9999-12"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("outside the years 1900 to 2200"),
        "{}",
        stderr(&o)
    );
}

/// Exactly one line on stderr, short, with no control character in it.
fn one_clear_line(o: &std::process::Output) -> String {
    let err = stderr(o);
    assert_eq!(err.matches('\n').count(), 1, "{err:?}");
    let line = err.trim_end_matches('\n');
    assert!(line.starts_with("practice-report: error: "), "{line:?}");
    assert!(
        line.chars().count() <= 1_000,
        "{} characters",
        line.chars().count()
    );
    assert!(!line.chars().any(char::is_control), "{line:?}");
    line.to_string()
}

#[test]
fn a_header_of_garbage_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    // Every byte but those that end a field or a record, then a terminal escape sequence.
    let mut garbage: Vec<u8> = (0u8..=255).filter(|b| !b",\n\r\"".contains(b)).collect();
    garbage.extend_from_slice(b",\x1b[31mred\x1b[0m,\x07bell\n");
    let files = inputs(dir.path(), &garbage, FEEDBACK_HEADER);
    let o = run_on(dir.path(), "validate", &files, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let line = one_clear_line(&o);
    assert!(
        line.contains("sessions.csv: missing required column `session_id`"),
        "{line}"
    );
    assert!(line.contains("\\u{1b}[31mred"), "{line}");
}

#[test]
fn a_five_megabyte_header_is_echoed_short() {
    let dir = tempfile::tempdir().unwrap();
    let mut header = "x".repeat(5 * 1024 * 1024);
    header.push_str(",client_id\n");
    let files = inputs(dir.path(), header.as_bytes(), FEEDBACK_HEADER);
    let o = run_on(dir.path(), "validate", &files, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let line = one_clear_line(&o);
    assert!(
        line.contains("missing required column `session_id`"),
        "{line}"
    );
    assert!(line.contains("`client_id`"), "{line}");
}

/// Runs the binary, killing it after `limit`: a run that hangs fails instead of stalling CI.
fn run_with_limit(dir: &Path, args: &[&str], limit: Duration) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_practice-report"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            child.kill().unwrap();
            panic!("still running after {limit:?}: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_five_megabyte_name_goes_through_run_whole_in_the_csv_cut_in_the_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let name = format!("Ann{}", "é".repeat(5 * 1024 * 1024 / 2));
    let sessions = format!(
        "{SESSIONS_HEADER}\
S1,C1,{name},Tom,2026-03-02,Dry needling,Neck,30,5,4,40\n\
S2,C1,,Tom,2026-03-09,Dry needling,Neck,30,4,3,40\n"
    );
    let files = inputs(dir.path(), sessions.as_bytes(), FEEDBACK_HEADER);
    let out = dir.path().join("out");
    let args = [
        "run",
        "--sessions",
        files.0.to_str().unwrap(),
        "--feedback",
        files.1.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ];
    // Rendering is linear in the text: a debug build does this in seconds; the quadratic
    // text fitting it replaces was still busy after five minutes.
    let o = run_with_limit(dir.path(), &args, Duration::from_secs(120));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let clients = csv_rows(&out.join("clients-2026-03-01_2026-03-31.csv"));
    assert_eq!(column(&clients, "client_name"), vec![name.clone()]);
    let text = pdf_text(&out.join("clients/C1.pdf"));
    assert!(text.contains("Annééé"), "the name is shown");
    assert!(text.contains('…'), "and cut");
    assert!(text.len() < 100_000, "{} bytes of text", text.len());
}

#[test]
fn a_reader_that_goes_away_ends_the_printing_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let args = Run::new("validate")
        .fixture("formulas")
        .out(&out)
        .arg_list();
    let mut child = Command::new(env!("CARGO_BIN_EXE_practice-report"))
        .args(&args)
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the read end of the pipe before the child prints anything (it reads both
    // files first), as `| head -0` would.
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
    assert!(out.join("rejects.csv").exists());

    // And through a shell pipeline, as a user types it.
    let bin = env!("CARGO_BIN_EXE_practice-report");
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let o = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{bin}' {} | head -1; exit ${{PIPESTATUS[0]}}",
            quoted.join(" ")
        ))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 1);
}

#[test]
fn a_missing_soreness_never_looks_like_none() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = Run::new("clients")
        .fixture("clients")
        .out(&out)
        .args(&["--to", "2026-03-31"])
        .dated()
        .output_in(dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = |id: &str| squeeze(&pdf_text(&out.join("clients").join(format!("{id}.pdf"))));
    // C3's last visit (S11) has no feedback: marked, and said under the chart.
    let c3 = text("C3");
    assert!(c3.contains("– no soreness answer for that visit"), "{c3}");
    // C2 answered both times, once with no soreness at all (0 h): nothing is missing.
    let c2 = text("C2");
    assert!(!c2.contains("no soreness answer"), "{c2}");
    assert!(c2.contains("0.0 h"), "{c2}");
    // C4 gave no feedback: the chart says so instead of drawing zeros.
    let c4 = text("C4");
    assert!(
        c4.contains("No soreness answers were given for these visits"),
        "{c4}"
    );
}
