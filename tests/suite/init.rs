//! `init` on foreign exports, cron-ready months, completions and the man page.

use std::path::Path;

use super::common::{data, run_in, stderr, stdout};

/// Copies a fixture set into `dir` and runs `init` on it there; returns the output.
fn init_in(dir: &Path, set: &str, extra: &[&str]) -> std::process::Output {
    for f in ["sessions.csv", "feedback.csv"] {
        std::fs::copy(data(&format!("init/{set}/{f}")), dir.join(f)).unwrap();
    }
    let mut args = vec![
        "init",
        "--sessions",
        "sessions.csv",
        "--feedback",
        "feedback.csv",
    ];
    args.extend_from_slice(extra);
    run_in(dir, &args)
}

/// `validate` in `dir` with no flags but --out: the files and formats come from the config.
fn validate_in(dir: &Path) -> std::process::Output {
    run_in(dir, &["validate", "--out", "out"])
}

#[test]
fn a_semicolon_export_with_dotted_dates_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let o = init_in(dir.path(), "semicolon", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let said = stdout(&o);
    assert!(said.contains("split by \";\""), "{said}");
    assert!(
        said.contains("duration_min    <- \"Duration (min)\""),
        "{said}"
    );
    assert!(
        said.contains("soreness_hours  <- \"Soreness (h)\""),
        "{said}"
    );
    assert!(said.contains("Dates: %d.%m.%Y"), "{said}");
    assert!(said.contains("Next: practice-report validate"), "{said}");
    let config = std::fs::read_to_string(dir.path().join("practice-report.toml")).unwrap();
    assert!(config.contains("delimiter = \";\""), "{config}");
    assert!(config.contains("date_format = \"%d.%m.%Y\""), "{config}");
    // Both spellings of one technique are listed once, normalised, to alias by hand.
    assert!(
        config.contains("# \"trigger_point_therapy\" = \"trigger_point_therapy\"   # 2 rows"),
        "{config}"
    );

    let v = validate_in(dir.path());
    assert_eq!(v.status.code(), Some(0), "{}", stderr(&v));
    let counts = stdout(&v);
    assert!(
        counts.contains("sessions.csv: 4 rows read, 4 accepted, 0 rejected"),
        "{counts}"
    );
    assert!(
        counts.contains("feedback.csv: 3 rows read, 3 accepted, 0 rejected"),
        "{counts}"
    );

    // Run again: the config is kept unless --force.
    let again = init_in(dir.path(), "semicolon", &[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("pass --force"),
        "{}",
        stderr(&again)
    );
    let forced = init_in(dir.path(), "semicolon", &["--force"]);
    assert_eq!(forced.status.code(), Some(0));
}

#[test]
fn practitioner_service_and_booking_headers_map_by_synonym() {
    let dir = tempfile::tempdir().unwrap();
    let o = init_in(dir.path(), "foreign", &["--config", "clinic.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let said = stdout(&o);
    for line in [
        "session_id      <- \"Booking #\"",
        "client_id       <- \"Patient ID\"",
        "therapist       <- \"Practitioner\"",
        "technique       <- \"Service\"",
        "body_region     <- \"Area treated\"",
        "duration_min    <- \"Length\"",
        "pain_before     <- \"VAS pre\"",
        "fee             <- \"Price\"",
        "location        <- \"Clinic\"",
        "submitted       <- \"Completed at\"",
        "satisfaction    <- \"Rating\"",
        "Dates: %m/%d/%Y",
        "validate --config clinic.toml",
    ] {
        assert!(said.contains(line), "{line}\n{said}");
    }
    let v = run_in(
        dir.path(),
        &["validate", "--config", "clinic.toml", "--out", "out"],
    );
    assert_eq!(v.status.code(), Some(0), "{}", stderr(&v));
    let counts = stdout(&v);
    assert!(
        counts.contains("sessions.csv: 3 rows read, 3 accepted, 0 rejected"),
        "{counts}"
    );
    assert!(
        counts.contains("feedback.csv: 3 rows read, 2 accepted, 0 rejected, 1 superseded"),
        "{counts}"
    );
}

#[test]
fn a_missing_required_column_is_named_with_the_closest_headers() {
    let dir = tempfile::tempdir().unwrap();
    let o = init_in(dir.path(), "missing", &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let said = stdout(&o);
    assert!(
        said.contains("therapist       NOT FOUND (required); closest headers: \"Seen by whom\""),
        "{said}"
    );
    assert!(
        said.contains("Not mapped: therapist in sessions.csv"),
        "{said}"
    );
    let config = std::fs::read_to_string(dir.path().join("practice-report.toml")).unwrap();
    assert!(
        config.contains("# therapist = \"?\"   # REQUIRED"),
        "{config}"
    );
    let v = validate_in(dir.path());
    assert_eq!(v.status.code(), Some(2));
    assert!(
        stderr(&v).contains("missing required column `therapist`"),
        "{}",
        stderr(&v)
    );
}

/// `monthly` on the monthly fixture with SOURCE_DATE_EPOCH at `epoch`.
fn monthly_at(out: &Path, epoch: &str, month: &str) -> std::process::Output {
    let args = super::common::Run::new("monthly")
        .fixture("monthly")
        .out(out)
        .month(month)
        .arg_list();
    std::process::Command::new(env!("CARGO_BIN_EXE_practice-report"))
        .args(&args)
        .current_dir(out)
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .unwrap()
}

#[test]
fn the_previous_month_follows_the_clock() {
    let dir = tempfile::tempdir().unwrap();
    // 2026-04-15T12:00:00Z: the last complete month is March 2026.
    let o = monthly_at(dir.path(), "1776254400", "previous");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.path().join("monthly-2026-03.json").is_file());
    assert_eq!(stderr(&o), "", "March has sessions: no warning");
    // 2026-04-01T00:00:00Z, the first of the month: still March.
    let dir = tempfile::tempdir().unwrap();
    let o = monthly_at(dir.path(), "1775001600", "previous");
    assert!(
        dir.path().join("monthly-2026-03.json").is_file(),
        "{}",
        stderr(&o)
    );
    // `latest` is the latest month with sessions, whatever the clock.
    let o = monthly_at(dir.path(), "1775001600", "latest");
    assert_eq!(o.status.code(), Some(0));
    assert!(dir.path().join("monthly-2026-04.json").is_file());
}

#[test]
fn a_month_without_sessions_is_reported_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let o = monthly_at(dir.path(), "1776254400", "2031-01");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.path().join("monthly-2031-01.pdf").is_file());
    assert_eq!(
        stderr(&o).trim(),
        "practice-report: warning: no session in 2031-01; the latest month with sessions is 2026-04"
    );
    let json = std::fs::read_to_string(dir.path().join("monthly-2031-01.json")).unwrap();
    assert!(json.contains("\"sessions\": 0"), "{json}");
}

#[test]
fn completions_and_the_man_page_cover_every_command() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = run_in(dir.path(), &["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let script = stdout(&o);
        assert!(
            script.contains("trends") && script.contains("each-location"),
            "{shell}"
        );
    }
    let o = run_in(dir.path(), &["man"]);
    assert_eq!(o.status.code(), Some(0));
    let page = stdout(&o);
    assert!(page.starts_with(".ie") || page.contains(".TH"), "{page}");
    assert!(page.contains("practice\\-report trends"), "{page}");
    assert!(page.contains("previous"), "{page}");
}

#[test]
fn answers_to_sessions_past_the_sample_still_name_the_session_column() {
    // 12,000 sessions: init reads the first 5,000; the answers kept are all to later ones.
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(
        dir.path(),
        &[
            "sample",
            "--sessions",
            "12000",
            "--seed",
            "3",
            "--out",
            "data",
            "-q",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let feedback = std::fs::read_to_string(dir.path().join("data/feedback.csv")).unwrap();
    let mut lines = feedback.lines();
    let mut late = format!("{}\n", lines.next().unwrap());
    for l in lines.filter(|l| l.get(..8).is_some_and(|id| id > "S0008000")) {
        late += l;
        late.push('\n');
    }
    std::fs::write(dir.path().join("late.csv"), late).unwrap();
    let o = run_in(
        dir.path(),
        &[
            "init",
            "--sessions",
            "data/sessions.csv",
            "--feedback",
            "late.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("session_id      <- \"session_id\"   (ids of the sessions file"),
        "{}",
        stdout(&o)
    );
}
