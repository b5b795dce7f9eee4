//! `trends` through the built binary on a hand-worked fixture (tests/data/trends, the twelve
//! months April 2025 – March 2026): each month's figures, new-client retention with open
//! windows, and the course of treatment.
//!
//! The clients: H first came in March 2025 (before the window) and again in April 2025.
//! F: November 2025, back after 10 days; pain 7, 6, (no score), 4. A: 1 December, back on
//! day 30 (31 December); pain 8, 5, 6, then a visit in April 2026, after the window. B: 1
//! December, back on day 31; pain 5 then 3.5 (exactly 30% less). C: two sessions on 10
//! January, S99 then S11 in the file (pain 6 then 3), never again. D: February, first pain 0.
//! E: February, first pain missing. G: 20 March, back only in April 2026 (after the window).

use std::path::Path;

use super::common::*;
use serde_json::{json, Value};

fn run_trends(dir: &Path) -> (Value, std::path::PathBuf) {
    let out = dir.join("out");
    let o = Run::new("trends")
        .fixture("trends")
        .out(&out)
        .month("2026-03")
        .dated()
        .output_in(dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(out.join("trends-2026-03.json")).unwrap();
    (serde_json::from_str(&text).unwrap(), out)
}

#[test]
fn twelve_months_by_the_monthly_definitions() {
    let dir = tempfile::tempdir().unwrap();
    let (j, _) = run_trends(dir.path());
    assert_eq!(
        j["period"],
        json!({"from": "2025-04-01", "to": "2026-03-31"})
    );
    let months = j["months"].as_array().unwrap();
    let names: Vec<&str> = months
        .iter()
        .map(|m| m["month"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec![
            "2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11",
            "2025-12", "2026-01", "2026-02", "2026-03"
        ]
    );
    // (sessions, clients, new clients, minutes, revenue) per month; S18 and S19 (April
    // 2026) are after the window.
    let counts: Vec<(u64, u64, u64, i64, f64)> = months
        .iter()
        .map(|m| {
            (
                m["sessions"].as_u64().unwrap(),
                m["clients"].as_u64().unwrap(),
                m["new_clients"].as_u64().unwrap(),
                m["minutes"].as_i64().unwrap(),
                m["revenue"].as_f64().unwrap(),
            )
        })
        .collect();
    let empty = (0, 0, 0, 0, 0.0);
    assert_eq!(
        counts,
        vec![
            (1, 1, 0, 30, 50.0),
            empty,
            empty,
            empty,
            empty,
            empty,
            empty,
            (2, 1, 1, 60, 100.0),
            (5, 3, 2, 150, 250.0),
            (3, 2, 1, 90, 150.0),
            (4, 3, 2, 120, 200.0),
            (2, 2, 1, 60, 100.0),
        ]
    );
    // A month without sessions has no rate to show, not a zero.
    let may = &months[1];
    assert_eq!(may["feedback_response_rate"], Value::Null);
    assert_eq!(may["soreness_median"], Value::Null);
    assert_eq!(may["pain_reduction_mean"], Value::Null);
    assert_eq!(
        may["responders"],
        json!({"eligible": 0, "responders": 0, "rate": null, "ci95_low": null, "ci95_high": null})
    );
    assert_eq!(months[0]["feedback_response_rate"], 0.0);
    // December: S06 (8 → 4 at follow-up, soreness 10 h) and S07 (5 → 4, 30 h) answered.
    let dec = &months[8];
    close(&dec["feedback_response_rate"], 0.4);
    close(&dec["soreness_median"], 20.0);
    close(&dec["pain_reduction_mean"], 2.5);
    let r = &dec["responders"];
    assert_eq!((&r["eligible"], &r["responders"]), (&json!(2), &json!(1)));
    close(&r["rate"], 0.5);
    close(&r["ci95_low"], 0.09453120573423074);
    close(&r["ci95_high"], 0.9054687942657693);

    assert_eq!(
        j["thresholds"],
        json!({"responder": 0.3, "soreness_hours": 48.0, "low_sample": 10})
    );
    assert_eq!(j["data_quality"]["sessions_rows"], 20);
    assert_eq!(j["data_quality"]["feedback_accepted"], 3);
}

#[test]
fn new_clients_come_back_within_30_60_90_days_or_not_yet_known() {
    let dir = tempfile::tempdir().unwrap();
    let (j, _) = run_trends(dir.path());
    let retention = j["retention"].as_array().unwrap();
    assert_eq!(retention.len(), 12);
    // No new client from April to October (H's first visit was in March 2025): counts of 0,
    // no rates.
    assert_eq!(
        retention[0],
        json!({"cohort": "2025-04", "new_clients": 0,
               "returned_30": 0, "returned_30_rate": null,
               "returned_60": 0, "returned_60_rate": null,
               "returned_90": 0, "returned_90_rate": null})
    );
    // F came back after 10 days.
    assert_eq!(
        retention[7],
        json!({"cohort": "2025-11", "new_clients": 1,
               "returned_30": 1, "returned_30_rate": 1.0,
               "returned_60": 1, "returned_60_rate": 1.0,
               "returned_90": 1, "returned_90_rate": 1.0})
    );
    // A on day 30 counts for 30 days, B on day 31 does not; 31 December + 90 days is the
    // window's last day, so even the 90-day figure is known.
    assert_eq!(
        retention[8],
        json!({"cohort": "2025-12", "new_clients": 2,
               "returned_30": 1, "returned_30_rate": 0.5,
               "returned_60": 2, "returned_60_rate": 1.0,
               "returned_90": 2, "returned_90_rate": 1.0})
    );
    // C's second session on the first day is no return; 60 and 90 days are still open.
    assert_eq!(
        retention[9],
        json!({"cohort": "2026-01", "new_clients": 1,
               "returned_30": 0, "returned_30_rate": 0.0,
               "returned_60": null, "returned_60_rate": null,
               "returned_90": null, "returned_90_rate": null})
    );
    assert_eq!(
        retention[10],
        json!({"cohort": "2026-02", "new_clients": 2,
               "returned_30": 2, "returned_30_rate": 1.0,
               "returned_60": null, "returned_60_rate": null,
               "returned_90": null, "returned_90_rate": null})
    );
    // G came back only after the window's end: ignored, and every window is still open.
    assert_eq!(
        retention[11],
        json!({"cohort": "2026-03", "new_clients": 1,
               "returned_30": null, "returned_30_rate": null,
               "returned_60": null, "returned_60_rate": null,
               "returned_90": null, "returned_90_rate": null})
    );
}

#[test]
fn the_course_of_treatment_visit_by_visit() {
    let dir = tempfile::tempdir().unwrap();
    let (j, _) = run_trends(dir.path());
    let course = j["course"].as_array().unwrap();
    let visits: Vec<u64> = course
        .iter()
        .map(|c| c["visit"].as_u64().unwrap())
        .collect();
    assert_eq!(visits, vec![2, 3, 4, 5, 6, 7, 8]);
    // Visit 2: H (6 → 6), F (7 → 6), A (8 → 5), B (5 → 3.5, exactly 30%), C (6 → 3: S99 is
    // first in the file). D (first pain 0) and E (none) take no part; G came once.
    let v2 = &course[0];
    assert_eq!((&v2["clients"], &v2["improved"]), (&json!(5), &json!(3)));
    close(&v2["rate"], 0.6);
    close(&v2["ci95_low"], 0.2307242812760128);
    close(&v2["ci95_high"], 0.882379225767352);
    assert_eq!(v2["low_sample"], true);
    // Visit 3: A (8 → 6, 25%); F gave no score there and is left out of this row only.
    assert_eq!(
        (&course[1]["clients"], &course[1]["improved"]),
        (&json!(1), &json!(0))
    );
    close(&course[1]["rate"], 0.0);
    close(&course[1]["ci95_high"], 0.7934506856227626);
    // Visit 4: F (7 → 4). A's fourth visit is after the window.
    assert_eq!(
        (&course[2]["clients"], &course[2]["improved"]),
        (&json!(1), &json!(1))
    );
    close(&course[2]["ci95_low"], 0.20654931437723745);
    close(&course[2]["ci95_high"], 1.0);
    for c in &course[3..] {
        assert_eq!(
            (&c["clients"], &c["rate"], &c["ci95_low"], &c["low_sample"]),
            (&json!(0), &Value::Null, &Value::Null, &json!(true)),
            "{c}"
        );
    }
}

#[test]
fn the_pdf_answers_the_two_questions_and_run_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = Run::new("run")
        .fixture("trends")
        .out(&out)
        .month("2026-03")
        .dated()
        .output_in(dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let pdf = out.join("trends-2026-03.pdf");
    assert!(
        stdout(&o).contains(&format!("wrote {}", pdf.display())),
        "{}",
        stdout(&o)
    );
    let text = squeeze(&pdf_text(&pdf));
    for heading in [
        "The practice over time",
        "How many visits until pain eases",
        "Do new clients come back?",
        "The twelve months in figures",
        "How to read this report",
    ] {
        assert!(text.contains(heading), "{heading}: {text}");
    }
    // No visit reaches half on enough clients: the sentence reads the visit most reached.
    assert!(
        text.contains(
            "Of clients who came back for a 2nd visit, 60% arrived with at least 30% less pain \
             than at their first (95% CI 23–88%) — only 5 clients, so read it with care."
        ),
        "{text}"
    );
    assert!(text.contains("not yet known"), "{text}");
    assert!(text.contains("Dec 2025"), "{text}");
    // Same input, same bytes.
    let first = std::fs::read(&pdf).unwrap();
    let o = Run::new("trends")
        .fixture("trends")
        .out(&out)
        .month("2026-03")
        .dated()
        .output_in(dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(first, std::fs::read(&pdf).unwrap());
}
