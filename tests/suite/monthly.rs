//! `monthly` and `run` through the built binary on a small hand-worked fixture.

use std::path::Path;

use super::common::*;
use serde_json::{json, Value};

fn run_monthly(out: &Path, extra: &[&str]) -> std::process::Output {
    let o = Run::new("monthly")
        .fixture("monthly")
        .out(out)
        .args(extra)
        .output_in(out.parent().unwrap());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    o
}

#[test]
fn march_figures_match_the_hand_worked_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_monthly(&out, &["--month", "2026-03"]);
    let j = json(&out.join("monthly-2026-03.json"));

    assert_eq!(
        j["period"],
        json!({"from": "2026-03-01", "to": "2026-03-31"})
    );
    assert_eq!(j["sessions"], 5);
    assert_eq!(j["clients"], 4);
    // C3 and C4 first came in March; C1 (January) and C2 (February) return.
    assert_eq!(
        (j["new_clients"].as_u64(), j["returning_clients"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(j["clients_multi_session"], 1);
    assert_eq!(j["minutes"], 240);
    // S05 has no fee: the sum of the fees given.
    close(&j["revenue"], 300.0);
    assert_eq!(j["feedback_responses"], 4);
    close(&j["feedback_response_rate"], 0.8);
    assert_eq!(j["previous_period"]["from"], "2026-02-01");
    assert_eq!(
        (
            j["previous_period"]["sessions"].as_u64(),
            j["previous_period"]["clients"].as_u64()
        ),
        (Some(1), Some(1))
    );
    // Against February: S02 alone (C2's first visit, 30 min, fee 45, answered, soreness 2 h,
    // pain 5 → 4 is a 20% fall: eligible, no responder).
    let c = &j["changes"];
    assert_eq!(
        (
            &c["sessions"],
            &c["clients"],
            &c["new_clients"],
            &c["minutes"]
        ),
        (&json!(4), &json!(3), &json!(1), &json!(210))
    );
    close(&c["revenue"], 255.0);
    close(&c["feedback_response_rate"], 0.8 - 1.0);
    close(&c["soreness_median"], 22.0);
    close(&c["responder_rate"], 0.75);

    let o = &j["overall"];
    // Soreness 0, 12, 36, 60: median 24; p90 at h = 2.7 → 36 + 0.7·24 = 52.8.
    assert_eq!(o["soreness"]["n"], 4);
    close(&o["soreness"]["mean"], 27.0);
    close(&o["soreness"]["median"], 24.0);
    close(&o["soreness"]["p90"], 52.8);
    close(&o["soreness"]["over_48h_share"], 0.25);
    // Reductions 3, 3, 0, 3: mean 2.25, s = 1.5, t(0.975, 3) = 3.182446305284263.
    assert_eq!(o["pain_reduction"]["n"], 4);
    close(&o["pain_reduction"]["mean"], 2.25);
    close(&o["pain_reduction"]["ci95_low"], -0.13683472896319726);
    close(&o["pain_reduction"]["ci95_high"], 4.636834728963198);
    // Responders: 3/6, 3/7 and 3/5 fell by 30% or more, 0/4 did not.
    assert_eq!(
        (
            o["responders"]["eligible"].as_u64(),
            o["responders"]["responders"].as_u64()
        ),
        (Some(4), Some(3))
    );
    close(&o["responders"]["rate"], 0.75);
    close(&o["responders"]["ci95_low"], 0.30064184258240184);
    close(&o["responders"]["ci95_high"], 0.9544127391902995);
    assert_eq!(o["immediate_change"]["n"], 3);
    close(&o["immediate_change"]["mean"], 4.0 / 3.0);
    close(&o["satisfaction_mean"], 4.25);
    close(&o["mobility_improved_share"], 0.5);
    assert_eq!(o["low_sample"], true);

    let t = j["by_technique"].as_array().unwrap();
    let names: Vec<&str> = t.iter().map(|g| g["technique"].as_str().unwrap()).collect();
    // Two sessions each for the first two (a tie, by name), then one.
    assert_eq!(
        names,
        vec!["dry_needling", "ischemic_compression", "passive_stretching"]
    );
    assert_eq!(
        (
            t[0]["sessions"].as_u64(),
            t[0]["clients"].as_u64(),
            t[0]["minutes"].as_u64()
        ),
        (Some(2), Some(2), Some(120))
    );
    close(&t[0]["revenue"], 170.0);
    close(&t[0]["soreness"]["median"], 48.0);
    close(&t[0]["soreness"]["p90"], 57.6);
    close(&t[0]["pain_reduction"]["mean"], 3.0);
    close(&t[0]["pain_reduction"]["ci95_low"], 3.0);
    close(&t[0]["responders"]["rate"], 1.0);
    // One session with a reduction: a mean, but no interval.
    assert_eq!(t[1]["pain_reduction"]["n"], 1);
    assert_eq!(t[1]["pain_reduction"]["ci95_low"], Value::Null);
    assert_eq!(t[1]["feedback_responses"], 1);
    // A group whose only session has no fee: revenue 0, not null.
    close(&t[2]["revenue"], 0.0);
    close(&t[2]["responders"]["rate"], 0.0);
    close(&t[2]["responders"]["ci95_high"], 0.7934506856227626);

    let th = j["by_therapist"].as_array().unwrap();
    assert_eq!(th[0]["therapist"], "Maria Lopez");
    assert_eq!(
        (th[0]["sessions"].as_u64(), th[0]["clients"].as_u64()),
        (Some(3), Some(3))
    );
    close(&th[0]["revenue"], 215.0);
    assert_eq!(th[1]["therapist"], "Tom Becker");
    close(&th[1]["revenue"], 85.0);

    // A session with two regions counts in both.
    assert_eq!(
        j["by_region"],
        json!([
            {"region": "neck", "sessions": 2},
            {"region": "shoulder", "sessions": 2},
            {"region": "upper_back", "sessions": 2},
            {"region": "lower_back", "sessions": 1},
        ])
    );
    let days = j["by_day"].as_array().unwrap();
    assert_eq!(days.len(), 31);
    assert_eq!(days[1], json!({"date": "2026-03-02", "sessions": 2}));
    assert_eq!(days[2], json!({"date": "2026-03-03", "sessions": 0}));
    assert_eq!(days[30], json!({"date": "2026-03-31", "sessions": 1}));
    let total: u64 = days.iter().map(|d| d["sessions"].as_u64().unwrap()).sum();
    assert_eq!(total, 5);

    assert_eq!(
        j["data_quality"]["sessions_rows"]
            .as_u64()
            .zip(j["data_quality"]["feedback_superseded"].as_u64()),
        Some((8, 0))
    );
    assert!(!std::fs::read_to_string(out.join("monthly-2026-03.json"))
        .unwrap()
        .contains("NaN"));
}

#[test]
fn without_a_month_the_latest_month_with_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run_monthly(&out, &[]);
    assert!(
        stdout(&o).contains("monthly-2026-04.json"),
        "{}",
        stdout(&o)
    );
    let j = json(&out.join("monthly-2026-04.json"));
    assert_eq!(j["sessions"], 1);
    assert_eq!(j["new_clients"], 0);
    // A month without feedback: figures that cannot be computed are null.
    assert_eq!(j["feedback_response_rate"], 0.0);
    assert_eq!(j["overall"]["soreness"]["median"], Value::Null);
    assert_eq!(j["previous_period"]["sessions"], 5);
    assert!(out.join("rejects.csv").exists());
}

#[test]
fn run_writes_the_monthly_report_and_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = Run::new("run")
        .fixture("monthly")
        .out(&out)
        .month("2026-03")
        .output_in(dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("month: 2026-03-01 to 2026-03-31"), "{text}");
    assert!(out.join("monthly-2026-03.json").exists());
    assert!(out.join("rejects.csv").exists());
    // Same input, same bytes.
    let first = std::fs::read(out.join("monthly-2026-03.json")).unwrap();
    let o = Run::new("monthly")
        .fixture("monthly")
        .out(&out)
        .month("2026-03")
        .output_in(dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        first,
        std::fs::read(out.join("monthly-2026-03.json")).unwrap()
    );
}

#[test]
fn the_pdf_names_the_figures_and_no_client() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = || {
        Run::new("monthly")
            .fixture("monthly")
            .out(&out)
            .month("2026-03")
            .dated()
            .output_in(dir.path())
    };
    let o = run();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let pdf = out.join("monthly-2026-03.pdf");
    let text = pdf_text(&pdf);
    let flat = squeeze(&text);
    for want in [
        "Monthly report",
        "March 2026",
        "Dry needling",
        "Ischemic compression",
        "Passive stretching",
        "Maria Lopez",
        "Tom Becker",
        "Upper back",
        "How to read this report",
        "Generated 2026-01-01",
        "Page 1 of",
        "rejects.csv",
        // The headline figures: 240 minutes, revenue 300, response rate 80%, soreness
        // median 24.0 h, 75% responders.
        "240",
        "300",
        "80%",
        "24.0 h",
        "75%",
    ] {
        assert!(flat.contains(want), "{want:?} not in the PDF text:\n{flat}");
    }
    // Aggregate reports never show a client's name.
    for name in ["김민준", "Олег", "José", "Ann Lee"] {
        assert!(!text.contains(name), "{name} is in the monthly PDF");
    }
    // Same input, same bytes.
    let first = std::fs::read(&pdf).unwrap();
    let o = run();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        first,
        std::fs::read(&pdf).unwrap(),
        "a rerun changed the PDF"
    );
}

#[test]
fn without_a_fee_column_revenue_is_null_not_zero() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let config = data("aliases/practice-report.toml");
    let o = Run::new("monthly")
        .fixture("aliases")
        .out(&out)
        .args(&["--config", config.to_str().unwrap()])
        .dated()
        .output_in(dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j = json(&out.join("monthly-2026-05.json"));
    assert_eq!(j["sessions"], 2);
    assert_eq!(j["revenue"], Value::Null);
    assert_eq!(j["by_technique"][0]["technique"], "ischemic_compression");
    assert_eq!(j["by_technique"][0]["revenue"], Value::Null);
    // No revenue either month: its change is null too, the counts' changes are not.
    assert_eq!(j["changes"]["revenue"], Value::Null);
    assert!(j["changes"]["sessions"].is_i64(), "{}", j["changes"]);
    // The practice name from the config is on every page; a missing revenue is an en dash.
    let text = pdf_text(&out.join("monthly-2026-05.pdf"));
    assert!(text.contains("Harbour Street Massage"), "{text}");
    let pages = pdf_pages(&out.join("monthly-2026-05.pdf"));
    assert_eq!(text.matches("Harbour Street Massage").count(), pages);
}

#[test]
fn strict_and_empty_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let feedback = data("rules/feedback.csv");
    let o = Run::new("run")
        .fixture("rules")
        .out(&out)
        .args(&["--strict"])
        .output_in(dir.path());
    // Reports are written all the same; the exit code says rows were rejected.
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(out.join("monthly-2026-03.pdf").exists());
    assert_eq!(
        json(&out.join("monthly-2026-03.json"))["data_quality"]["sessions_rejected"],
        16
    );

    let empty = dir.path().join("empty.csv");
    std::fs::write(
        &empty,
        "session_id,client_id,therapist,date,technique,body_region,duration_min\n",
    )
    .unwrap();
    let o = run_in(
        dir.path(),
        &[
            "monthly",
            "--sessions",
            empty.to_str().unwrap(),
            "--feedback",
            feedback.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "practice-report: error: no accepted session to report on\n"
    );
}
