//! `validate` through the built binary: every rejection rule, rejects.csv, exit codes.

use super::common::*;

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn row(file: &str, line: u64, column: &str, value: &str, reason: &str) -> [String; 5] {
    [
        file.into(),
        line.to_string(),
        column.into(),
        value.into(),
        reason.into(),
    ]
}

#[test]
fn every_rule_rejects_with_file_line_column_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run_in(
        dir.path(),
        &[
            "validate",
            "--sessions",
            data("rules/sessions.csv").to_str().unwrap(),
            "--feedback",
            data("rules/feedback.csv").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = "sessions.csv";
    let f = "feedback.csv";
    let range = |lo: &str, hi: &str| format!("out of range: must be from {lo} to {hi}");
    let nan = "not a plain decimal number (digits with an optional sign and `.`)";
    let empty = "required field is empty";
    let expected = vec![
        row(
            s,
            3,
            "",
            "",
            "wrong number of fields: expected 11, found 10",
        ),
        row(s, 4, "session_id", "", empty),
        row(
            s,
            5,
            "date",
            "2026-02-30",
            "not a date: expected YYYY-MM-DD (an optional time after it is ignored)",
        ),
        row(s, 6, "duration_min", "0", &range("1", "480")),
        row(s, 7, "duration_min", "45.5", "not a whole number"),
        row(s, 8, "pain_before", "1e1", nan),
        row(s, 9, "pain_after", "11", &range("0", "10")),
        row(s, 10, "fee", "'-1", "out of range: must be at least 0"),
        row(
            s,
            11,
            "session_id",
            "S1",
            "duplicate session_id: first accepted at line 2",
        ),
        row(s, 12, "body_region", ";", "no body region in the list"),
        row(s, 13, "therapist", "", empty),
        // A quoted field with a line break: the record starts on line 14.
        row(s, 14, "duration_min", "999", &range("1", "480")),
        row(s, 16, "pain_before", "6,5", nan),
        row(s, 17, "client_name", "Cy \u{FFFD}\u{FFFD}", "invalid UTF-8"),
        row(s, 20, "pain_before", "NaN", nan),
        row(s, 21, "technique", "", empty),
        row(f, 2, "", "", "superseded by line 5"),
        row(
            f,
            3,
            "session_id",
            "S99",
            "unknown session_id: no accepted session has it",
        ),
        row(
            f,
            4,
            "submitted",
            "2026-03-01",
            "submitted before the session's date (2026-03-02)",
        ),
        row(f, 7, "soreness_hours", "721", &range("0", "720")),
        row(f, 8, "mobility", "6", &range("1", "5")),
        row(f, 9, "satisfaction", "4.5", "not a whole number"),
        row(f, 10, "", "", "superseded by line 11"),
        row(
            f,
            12,
            "session_id",
            "S4",
            "unknown session_id: no accepted session has it",
        ),
        row(f, 13, "session_id", "", empty),
        row(f, 14, "submitted", "", empty),
        row(f, 16, "pain_followup", "'-1", &range("0", "10")),
    ];
    let got = rejects(&out.join("rejects.csv"));
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(g, e);
    }
    assert_eq!(got.len(), expected.len());
    // validate writes nothing but rejects.csv.
    let files: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files, vec![std::ffi::OsString::from("rejects.csv")]);

    let text = stdout(&o);
    assert!(
        text.contains("sessions.csv: 19 rows read, 3 accepted, 16 rejected\n"),
        "{text}"
    );
    assert!(
        text.contains("feedback.csv: 14 rows read, 3 accepted, 9 rejected, 2 superseded\n"),
        "{text}"
    );
    // Causes are counted and listed most frequent first.
    let causes: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("  "))
        .map(str::trim)
        .collect();
    assert_eq!(causes[0], "3  pain_before: not a number", "{text}");
    assert_eq!(causes[1], "2  duration_min: out of range", "{text}");
    assert!(causes.contains(&"2  session_id: unknown session"), "{text}");
}

#[test]
fn strict_exits_3_on_rejects_and_0_without() {
    let dir = tempfile::tempdir().unwrap();
    let args = |set: &str| {
        vec![
            "validate".to_string(),
            "--strict".into(),
            "--sessions".into(),
            data(&format!("{set}/sessions.csv")).display().to_string(),
            "--feedback".into(),
            data(&format!("{set}/feedback.csv")).display().to_string(),
            "--out".into(),
            dir.path().join(set).display().to_string(),
        ]
    };
    let o = run_in(dir.path(), &strs(&args("rules")));
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    // The aliases set is clean once its config is read.
    let mut clean = args("aliases");
    clean.extend([
        "--config".into(),
        data("aliases/practice-report.toml").display().to_string(),
    ]);
    let o = run_in(dir.path(), &strs(&clean));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(rejects(&dir.path().join("aliases/rejects.csv")).len(), 0);
}

#[test]
fn unreadable_inputs_exit_2_with_one_line_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.csv");
    let o = run_in(
        dir.path(),
        &[
            "validate",
            "--sessions",
            missing.to_str().unwrap(),
            "--feedback",
            data("rules/feedback.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("practice-report: error: "), "{err}");
    assert!(err.contains("nope.csv"), "{err}");

    // A missing required column names the file, the column and the headers found.
    let bad = dir.path().join("sessions.csv");
    std::fs::write(
        &bad,
        "Session ID,client_id,therapist,date,technique,duration_min\nS1,C1,M,2026-01-01,x,30\n",
    )
    .unwrap();
    let o = run_in(
        dir.path(),
        &[
            "validate",
            "--sessions",
            bad.to_str().unwrap(),
            "--feedback",
            data("rules/feedback.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("sessions.csv: missing required column `body_region`"),
        "{err}"
    );
    assert!(
        err.contains("`Session ID`, `client_id`, `therapist`, `date`, `technique`, `duration_min`"),
        "{err}"
    );

    // An empty file has no header at all.
    std::fs::write(&bad, "").unwrap();
    let o = run_in(
        dir.path(),
        &[
            "validate",
            "--sessions",
            bad.to_str().unwrap(),
            "--feedback",
            data("rules/feedback.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing required column `session_id`"));
}

#[test]
fn bad_config_and_bad_usage_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("practice-report.toml");
    std::fs::write(&cfg, "[thresholds]\nresponders = 0.3\n").unwrap();
    // Read by default from the working directory.
    let o = run_in(
        dir.path(),
        &[
            "validate",
            "--sessions",
            data("rules/sessions.csv").to_str().unwrap(),
            "--feedback",
            data("rules/feedback.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("practice-report.toml") && err.contains("responders"),
        "{err}"
    );

    let o = run_in(dir.path(), &["validate", "--delimiter", ";;"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run_in(dir.path(), &["validate", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn bom_crlf_and_quoted_line_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(
        dir.path(),
        &[
            "validate",
            "--sessions",
            data("bom_crlf/sessions.csv").to_str().unwrap(),
            "--feedback",
            data("bom_crlf/feedback.csv").to_str().unwrap(),
            "--out",
            dir.path().to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Line 2 holds a quoted CRLF, the blank line 5 is skipped: the bad record is on line 6.
    assert_eq!(
        rejects(&dir.path().join("rejects.csv")),
        vec![
            row(
                "sessions.csv",
                6,
                "duration_min",
                "600",
                "out of range: must be from 1 to 480"
            ),
            row(
                "feedback.csv",
                3,
                "session_id",
                "S3",
                "unknown session_id: no accepted session has it"
            ),
        ]
    );
    assert!(stdout(&o).contains("sessions.csv: 3 rows read, 2 accepted, 1 rejected"));
}

#[test]
fn delimiter_and_date_format() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(
        dir.path(),
        &[
            "validate",
            "--sessions",
            data("semicolon/sessions.csv").to_str().unwrap(),
            "--feedback",
            data("semicolon/feedback.csv").to_str().unwrap(),
            "--out",
            dir.path().to_str().unwrap(),
            "--delimiter",
            ";",
            "--date-format",
            "%d/%m/%Y",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        rejects(&dir.path().join("rejects.csv")),
        vec![
            row(
                "sessions.csv",
                3,
                "date",
                "2026-03-12",
                "not a date in the format `%d/%m/%Y`"
            ),
            row(
                "feedback.csv",
                2,
                "",
                "",
                "wrong number of fields: expected 3, found 4"
            ),
        ]
    );
}

#[test]
fn sample_is_deterministic_and_passes_validate() {
    let dir = tempfile::tempdir().unwrap();
    let gen = |name: &str, seed: &str| {
        let out = dir.path().join(name);
        let o = run_in(
            dir.path(),
            &[
                "sample",
                "--sessions",
                "3000",
                "--seed",
                seed,
                "--out",
                out.to_str().unwrap(),
                "-q",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        out
    };
    let a = gen("a", "7");
    let b = gen("b", "7");
    let c = gen("c", "8");
    for f in ["sessions.csv", "feedback.csv"] {
        let x = std::fs::read(a.join(f)).unwrap();
        assert_eq!(
            x,
            std::fs::read(b.join(f)).unwrap(),
            "{f} differs for one seed"
        );
        assert_ne!(
            x,
            std::fs::read(c.join(f)).unwrap(),
            "{f} is the same for two seeds"
        );
    }
    let o = run_in(
        dir.path(),
        &[
            "validate",
            "--strict",
            "--sessions",
            a.join("sessions.csv").to_str().unwrap(),
            "--feedback",
            a.join("feedback.csv").to_str().unwrap(),
            "--out",
            a.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let text = stdout(&o);
    assert!(
        text.contains("sessions.csv: 3000 rows read, 3000 accepted, 0 rejected"),
        "{text}"
    );
    // Some sessions are answered twice: superseded rows, but no rejects.
    assert!(!text.contains(", 0 superseded"), "{text}");
    assert_eq!(
        rejects(&a.join("rejects.csv"))
            .iter()
            .filter(|r| !r[4].starts_with("superseded"))
            .count(),
        0
    );
}
