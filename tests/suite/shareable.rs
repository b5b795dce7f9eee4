//! Reports that leave the clinic (SPEC "Reports that leave the clinic"): `--shareable` on the
//! fixture `tests/data/shareable/` (see its make.py: June has a technique of 7 sessions, a
//! therapist of 11 and one of 10, the trends window a month of 3 sessions and cohorts of 3
//! and 4 new clients), on `sample_data/`, and on random small practices: no count from 1 to 10
//! in `shareable/`, never exactly one hidden member in a list, every figure kept equal to the
//! full report's, nothing private there.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::Value;

use super::common::{csv_rows, json, pdf_text, run_in, squeeze, stderr, stdout, Run};

const MONTH: &str = "2026-06";
const SPAN: &str = "2025-07-01_2026-06-30";

/// `command` on the fixture's June into `out`.
fn on_fixture(command: &str, out: &Path) -> Run {
    Run::new(command).fixture("shareable").out(out).month(MONTH)
}

/// `run --shareable` on the fixture into `dir/out`.
fn shared_run(dir: &Path) -> PathBuf {
    let out = dir.join("out");
    let o = on_fixture("run", &out)
        .args(&["--shareable"])
        .output_in(dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    out
}

fn names(list: &Value, key: &str) -> Vec<(String, Value)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|g| (g[key].as_str().unwrap().to_string(), g["sessions"].clone()))
        .collect()
}

#[test]
fn the_fixture_hides_what_the_rule_says_and_nothing_more() {
    let dir = tempfile::tempdir().unwrap();
    let out = shared_run(dir.path());
    let full = json(&out.join(format!("monthly-{MONTH}.json")));
    let shared = json(&out.join(format!("shareable/monthly-{MONTH}.json")));
    assert_eq!(shared["suppressed_below"], 11);
    assert!(full.get("suppressed_below").is_none());
    // Dry needling's 7 sessions are hidden, and passive stretching's 14 with them (else 41 −
    // 20 − 14 would give the 7); the full report keeps them.
    let n = |v: u64| Value::from(v);
    assert_eq!(
        names(&full["by_technique"], "technique"),
        [
            ("spray_and_stretch".into(), n(20)),
            ("passive_stretching".into(), n(14)),
            ("dry_needling".into(), n(7))
        ]
    );
    assert_eq!(
        names(&shared["by_technique"], "technique"),
        [
            ("spray_and_stretch".into(), n(20)),
            ("passive_stretching".into(), Value::Null),
            ("dry_needling".into(), Value::Null)
        ]
    );
    // Bo's 10 and Di's 3 hide each other: Ann's 11 is shown.
    assert_eq!(
        names(&shared["by_therapist"], "therapist"),
        [
            ("Cy".into(), n(17)),
            ("Ann".into(), n(11)),
            ("Bo".into(), Value::Null),
            ("Di".into(), Value::Null)
        ]
    );
    let bo = &shared["by_therapist"][2];
    for key in ["clients", "minutes", "revenue", "feedback_responses"] {
        assert_eq!(bo[key], Value::Null, "{key}");
    }
    assert_eq!(bo["responders"]["rate"], Value::Null);
    assert_eq!(bo["low_sample"], Value::Null);
    assert_eq!(bo["pain_reduction"]["mean"], Value::Null);
    // The month's total stays (41 ≥ 11).
    assert_eq!((&full["sessions"], &shared["sessions"]), (&n(41), &n(41)));

    let trends = json(&out.join(format!("shareable/trends-{MONTH}.json")));
    let months: Vec<(String, Value, Value)> = trends["months"]
        .as_array()
        .unwrap()
        .iter()
        .skip(6)
        .map(|m| {
            (
                m["month"].as_str().unwrap().to_string(),
                m["sessions"].clone(),
                m["new_clients"].clone(),
            )
        })
        .collect();
    // February's 3 sessions are hidden and April's 22 with them (the next smallest); new
    // clients: February's 3 and March's 4, and April's with its month.
    assert_eq!(
        months,
        [
            ("2026-01".into(), n(25), n(14)),
            ("2026-02".into(), Value::Null, Value::Null),
            ("2026-03".into(), n(30), Value::Null),
            ("2026-04".into(), Value::Null, Value::Null),
            ("2026-05".into(), n(28), n(15)),
            ("2026-06".into(), n(41), n(20)),
        ]
    );
    // The months before January have no session: zeros are shown.
    assert_eq!(trends["months"][0]["sessions"], 0);
    let cohorts: Vec<Value> = trends["retention"]
        .as_array()
        .unwrap()
        .iter()
        .skip(6)
        .map(|c| c["new_clients"].clone())
        .collect();
    assert_eq!(
        cohorts,
        [n(14), Value::Null, Value::Null, Value::Null, n(15), n(20)]
    );
    let february = &trends["retention"][7];
    assert_eq!(february["returned_30"], Value::Null);
    assert_eq!(february["returned_30_rate"], Value::Null);

    // The CSVs: a hidden count is an empty cell.
    let therapists = csv_rows(&out.join(format!("shareable/therapists-{SPAN}.csv")));
    let full_therapists = csv_rows(&out.join(format!("therapists-{SPAN}.csv")));
    let di = |rows: &[Vec<String>]| rows.iter().find(|r| r[0] == "Di").unwrap().clone();
    assert_eq!(di(&full_therapists)[1], "3");
    assert_eq!(di(&therapists)[1], "");
    check(&out, 11);
}

#[test]
fn the_shareable_pdfs_show_the_small_cells_as_under_11_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let out = shared_run(dir.path());
    let text = squeeze(&pdf_text(
        &out.join(format!("shareable/monthly-{MONTH}.pdf")),
    ));
    assert!(
        text.contains(
            "Counts from 1 to 10 are hidden, and so is one more where it would let them be worked out"
        ),
        "{text}"
    );
    // Bo's row: his sessions, clients, minutes and revenue.
    assert!(text.contains("Bo <11 <11 – –"), "{text}");
    assert!(text.contains("Ann 11 "), "{text}");
    assert!(text.contains("Dry needling <11"), "{text}");
    let full = squeeze(&pdf_text(&out.join(format!("monthly-{MONTH}.pdf"))));
    assert!(!full.contains("Shareable copy") && !full.contains("<11"));
    assert!(full.contains("Dry needling 7 "), "{full}");
    for pdf in [
        format!("shareable/trends-{MONTH}.pdf"),
        format!("shareable/techniques-{SPAN}.pdf"),
        "shareable/therapists/Di.pdf".to_string(),
    ] {
        let text = squeeze(&pdf_text(&out.join(&pdf)));
        assert!(
            text.contains("Shareable copy. Counts from 1 to 10"),
            "{pdf}"
        );
        assert!(text.contains("<11"), "{pdf}: {text}");
    }
    // Di's own review: her 3 sessions are hidden, the practice's 149 shown.
    let di = squeeze(&pdf_text(&out.join("shareable/therapists/Di.pdf")));
    assert!(di.contains("<11 of the practice's 149 sessions"), "{di}");
}

#[test]
fn nothing_private_goes_into_shareable_and_run_says_where_the_copies_are() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = on_fixture("run", &out)
        .args(&["--shareable"])
        .output_in(dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let said = stdout(&o);
    assert!(
        said.contains("wrote the same 4 staff reviews with counts below 11 hidden into"),
        "{said}"
    );
    assert!(
        said.contains(&format!("shareable/monthly-{MONTH}.json")),
        "{said}"
    );
    let files: BTreeSet<String> = walk(&out.join("shareable"))
        .into_iter()
        .map(|p| {
            p.strip_prefix(out.join("shareable"))
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    let want: BTreeSet<String> = [
        format!("monthly-{MONTH}.pdf"),
        format!("monthly-{MONTH}.json"),
        format!("trends-{MONTH}.pdf"),
        format!("trends-{MONTH}.json"),
        format!("techniques-{SPAN}.pdf"),
        format!("techniques-{SPAN}.csv"),
        format!("therapists-{SPAN}.csv"),
        "therapists/Ann.pdf".into(),
        "therapists/Bo.pdf".into(),
        "therapists/Cy.pdf".into(),
        "therapists/Di.pdf".into(),
    ]
    .into();
    assert_eq!(files, want);
    // Without the flag: no shareable folder.
    let plain = dir.path().join("plain");
    let o = on_fixture("monthly", &plain).output_in(dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!plain.join("shareable").exists());
}

#[test]
fn min_cell_comes_from_the_config_and_must_be_at_least_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("practice-report.toml"),
        "[privacy]\nmin_cell = 5\n",
    )
    .unwrap();
    let out = shared_run(dir.path());
    let shared = json(&out.join(format!("shareable/monthly-{MONTH}.json")));
    assert_eq!(shared["suppressed_below"], 5);
    // Di's 3 is the one small therapist: Bo's 10, the next smallest, goes with it.
    let sessions: Vec<Value> = shared["by_therapist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["sessions"].clone())
        .collect();
    assert_eq!(sessions, [17.into(), 11.into(), Value::Null, Value::Null]);
    let text = squeeze(&pdf_text(
        &out.join(format!("shareable/monthly-{MONTH}.pdf")),
    ));
    assert!(text.contains("Counts from 1 to 4 are hidden"), "{text}");
    assert!(text.contains("Bo <5"), "{text}");
    check(&out, 5);

    std::fs::write(
        dir.path().join("practice-report.toml"),
        "[privacy]\nmin_cell = 1\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &["monthly", "--shareable"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("privacy.min_cell") && err.contains("at least 2"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn sample_data_and_its_sites_pass_the_shareable_checks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = run_in(
        root,
        &[
            "run",
            "--shareable",
            "--each-location",
            "--out",
            &out.display().to_string(),
            "-q",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Each site's copies too (Harbour Street is small: much of it is hidden).
    assert!(out
        .join("shareable/locations/Harbour_Street/monthly-2026-10.json")
        .is_file());
    check(&out, 11);
}

/// One random small practice: (month index 0..3, day, client, therapist, technique, region,
/// pain before, follow-up) per session.
type Practice = Vec<(u8, u8, u8, u8, u8, u8, u8, Option<u8>)>;

fn practice() -> impl Strategy<Value = Practice> {
    prop::collection::vec(
        (
            0u8..3,
            1u8..29,
            0u8..30,
            0u8..5,
            0u8..4,
            0u8..3,
            0u8..11,
            prop::option::weighted(0.8, 0u8..11),
        ),
        1..120,
    )
}

fn write_practice(dir: &Path, p: &Practice) -> (PathBuf, PathBuf) {
    const THERAPISTS: [&str; 5] = ["Ann", "Bo", "Cy", "Di", "Ed"];
    const TECHNIQUES: [&str; 4] = [
        "Cupping",
        "Dry needling",
        "Deep stroking",
        "Spray and stretch",
    ];
    const REGIONS: [&str; 3] = ["Neck", "Lower back", "Shoulder"];
    let mut sessions =
        String::from("session_id,client_id,client_name,therapist,date,technique,body_region,duration_min,pain_before,pain_after,fee\n");
    let mut feedback = String::from(
        "session_id,submitted,soreness_hours,pain_followup,mobility,satisfaction,comment\n",
    );
    for (i, &(m, day, client, therapist, technique, region, before, followup)) in
        p.iter().enumerate()
    {
        let date = format!("2026-{:02}-{day:02}", 4 + m);
        sessions.push_str(&format!(
            "S{i},C{client},Client {client},{},{date},{},{},{},{before},{},70\n",
            THERAPISTS[usize::from(therapist)],
            TECHNIQUES[usize::from(technique)],
            REGIONS[usize::from(region)],
            30 + 15 * (i % 3),
            before.saturating_sub(1),
        ));
        if let Some(f) = followup {
            feedback.push_str(&format!(
                "S{i},{date} 20:00,{},{f},{},{},\n",
                (i * 7) % 72,
                1 + i % 5,
                1 + (i / 2) % 5
            ));
        }
    }
    let (s, f) = (dir.join("sessions.csv"), dir.join("feedback.csv"));
    std::fs::write(&s, sessions).unwrap();
    std::fs::write(&f, feedback).unwrap();
    (s, f)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    #[test]
    fn random_small_practices_pass_the_shareable_checks(p in practice()) {
        let dir = tempfile::tempdir().unwrap();
        let (s, f) = write_practice(dir.path(), &p);
        let out = dir.path().join("out");
        let o = run_in(
            dir.path(),
            &[
                "run", "--shareable", "--month", "2026-06", "--sessions", &s.display().to_string(),
                "--feedback", &f.display().to_string(), "--out", &out.display().to_string(), "-q",
            ],
        );
        prop_assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        check(&out, 11);
    }
}

/// Every file under `dir`, sorted.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// JSON keys whose numbers are not counts of people or sessions (or are differences of two
/// shown counts).
const NOT_COUNTS: [&str; 8] = [
    "thresholds",
    "suppressed_below",
    "visit",
    "days",
    "crude_rank",
    "standardized_rank",
    "changes",
    "difference",
];

/// CSV columns that hold counts.
fn is_count_column(header: &str) -> bool {
    matches!(
        header,
        "sessions"
            | "clients"
            | "feedback_responses"
            | "not_attended"
            | "new_clients"
            | "responders"
            | "responders_eligible"
    ) || header.ends_with("_n")
        || header.ends_with("_eligible")
        || header.ends_with("_responders")
}

/// The checks of SPEC "Reports that leave the clinic" on one `--out` with a `shareable/`.
fn check(out: &Path, min_cell: u64) {
    let shared_root = out.join("shareable");
    let files = walk(&shared_root);
    assert!(!files.is_empty());
    for file in &files {
        let rel = file.strip_prefix(&shared_root).unwrap();
        let name = rel.display().to_string();
        assert!(
            !name.starts_with("clients") && name != "rejects.csv",
            "{name} must not be shareable"
        );
        let full = out.join(rel);
        assert!(full.exists(), "{name} has no full report beside it");
        match file.extension().and_then(|e| e.to_str()) {
            Some("json") => {
                let (shared, full) = (json(file), json(&full));
                assert_eq!(shared["suppressed_below"], min_cell, "{name}");
                no_small_count(&shared, min_cell, &name, "");
                kept_equal(&shared, &full, &name, "");
                for list in [
                    "by_technique",
                    "by_therapist",
                    "by_location",
                    "by_region",
                    "by_day",
                    "months",
                ] {
                    let what = format!("{name} {list}");
                    one_hidden_never(&shared[list], &full[list], "sessions", &what);
                }
                one_hidden_never(
                    &shared["retention"],
                    &full["retention"],
                    "new_clients",
                    &name,
                );
            }
            Some("csv") => {
                let (shared, full) = (csv_rows(file), csv_rows(&full));
                assert_eq!(shared[0], full[0], "{name}");
                assert_eq!(shared.len(), full.len(), "{name}");
                for (r, (s_row, f_row)) in shared.iter().zip(&full).enumerate().skip(1) {
                    for (c, (s, f)) in s_row.iter().zip(f_row).enumerate() {
                        let header = &shared[0][c];
                        if !s.is_empty() {
                            assert_eq!(s, f, "{name} row {r} {header}");
                        }
                        if is_count_column(header) {
                            if let Ok(n) = s.parse::<u64>() {
                                assert!(n == 0 || n >= min_cell, "{name} row {r} {header}: {n}");
                            }
                        }
                    }
                }
                let hidden = shared
                    .iter()
                    .skip(1)
                    .filter(|row| row[1].is_empty())
                    .count();
                let groups = full.iter().skip(1).filter(|row| row[1] != "0").count();
                assert!(hidden != 1 || groups == 1, "{name}: one hidden row alone");
            }
            _ => {
                let text = pdf_text(file);
                assert!(text.contains("Shareable copy"), "{name}");
            }
        }
    }
}

fn no_small_count(v: &Value, min_cell: u64, file: &str, path: &str) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                if !NOT_COUNTS.contains(&k.as_str()) {
                    no_small_count(x, min_cell, file, &format!("{path}/{k}"));
                }
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                no_small_count(x, min_cell, file, &format!("{path}/{i}"));
            }
        }
        Value::Number(n) => {
            if let Some(n) = n.as_u64() {
                assert!(n == 0 || n >= min_cell, "{file}{path}: {n}");
            }
        }
        _ => {}
    }
}

/// Every figure the shareable copy keeps is the full report's.
fn kept_equal(shared: &Value, full: &Value, file: &str, path: &str) {
    match (shared, full) {
        (Value::Null, _) => {}
        (Value::Object(s), Value::Object(f)) => {
            for (k, x) in s {
                if k == "suppressed_below" {
                    continue;
                }
                let y = f
                    .get(k)
                    .unwrap_or_else(|| panic!("{file}{path}/{k} not in full"));
                kept_equal(x, y, file, &format!("{path}/{k}"));
            }
        }
        (Value::Array(s), Value::Array(f)) => {
            assert_eq!(s.len(), f.len(), "{file}{path}");
            for (i, (x, y)) in s.iter().zip(f).enumerate() {
                kept_equal(x, y, file, &format!("{path}/{i}"));
            }
        }
        (s, f) => assert_eq!(s, f, "{file}{path}"),
    }
}

/// In a list of groups, never exactly one member with its count hidden, unless it is the
/// list's only member with any (then the total is it, small, and hidden too).
fn one_hidden_never(list: &Value, full: &Value, key: &str, what: &str) {
    let (Some(items), Some(full)) = (list.as_array(), full.as_array()) else {
        return;
    };
    let hidden = items.iter().filter(|g| g[key].is_null()).count();
    let groups = full.iter().filter(|g| g[key] != 0).count();
    assert!(
        hidden != 1 || groups == 1,
        "{what}: exactly one hidden of {groups}"
    );
}
