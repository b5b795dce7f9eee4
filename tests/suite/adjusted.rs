//! The technique comparison adjusted for starting pain, through the built binary, on a
//! hand-worked fixture (tests/data/adjusted, March 2026). Bands by pain before: mild 3, severe
//! 8 (no moderate session, so that band weighs 0). Responders / eligible:
//!
//! | technique          | mild | severe | crude       |
//! |--------------------|------|--------|-------------|
//! | Deep stroking      | 2/2  | 3/8    | 5/10 = 50%  |
//! | Dry needling       | 6/8  | 0/2    | 6/10 = 60%  |
//! | Myofascial release | 1/1  | 1/2    | 2/3         |
//! | Passive stretching | 1/3  | –      | 1/3         |
//! | practice           | 10/14| 4/12   |             |
//!
//! Weights: mild 14/26, severe 12/26. Standardized: deep stroking 14/26·1 + 12/26·3/8 =
//! 18.5/26; dry needling 14/26·0.75 = 10.5/26 (the textbook reversal: lower crude, higher
//! standardized for the technique given to the severe cases); myofascial release 20/26;
//! passive stretching null (no severe session, and severe weighs 12/26). One session without
//! follow-up and one with pain 0 before are not eligible.

use super::common::*;

/// Runs `techniques` for March 2026 on the fixture; returns the output folder.
fn run_march(dir: &std::path::Path) -> std::path::PathBuf {
    let out = dir.join("out");
    let o = Run::new("techniques")
        .fixture("adjusted")
        .out(&out)
        .args(&["--from", "2026-03-01", "--to", "2026-03-31"])
        .dated()
        .output_in(dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    out
}

fn rows() -> Vec<csv::StringRecord> {
    let dir = tempfile::tempdir().unwrap();
    let out = run_march(dir.path());
    let mut r = csv::Reader::from_path(out.join("techniques-2026-03-01_2026-03-31.csv")).unwrap();
    let header = r.headers().unwrap().clone();
    let start = header.iter().position(|h| h == "mild_eligible").unwrap();
    assert_eq!(start, 23, "appended after the existing columns");
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let mut row = csv::StringRecord::new();
            row.push_field(&rec[0]);
            row.push_field(&rec[13]); // responders_eligible
            row.push_field(&rec[15]); // responder_rate
            for f in rec.iter().skip(start) {
                row.push_field(f);
            }
            row
        })
        .collect()
}

#[test]
fn standardized_rates_reverse_the_crude_ranking() {
    let rows = rows();
    let names: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(
        names,
        vec![
            "deep_stroking",
            "dry_needling",
            "myofascial_release",
            "passive_stretching"
        ]
    );
    let counts =
        |r: &csv::StringRecord| -> Vec<String> { (3..9).map(|i| r[i].to_string()).collect() };
    assert_eq!(counts(&rows[0]), ["2", "2", "0", "0", "8", "3"]);
    assert_eq!(counts(&rows[1]), ["8", "6", "0", "0", "2", "0"]);
    assert_eq!(counts(&rows[2]), ["1", "1", "0", "0", "2", "1"]);
    assert_eq!(counts(&rows[3]), ["3", "1", "0", "0", "0", "0"]);

    // Deep stroking: crude 50% < dry needling's 60%, standardized 71% > 40%.
    close(&rows[0][2], 0.5);
    close(&rows[1][2], 0.6);
    let (w_mild, w_severe) = (14.0 / 26.0, 12.0 / 26.0);
    let z = 1.959963984540054f64;
    let deep = w_mild * 1.0 + w_severe * 0.375;
    close(&rows[0][9], deep);
    // A band with a rate of 1 adds nothing to the variance.
    let half = z * (w_severe * w_severe * 0.375 * 0.625 / 8.0).sqrt();
    close(&rows[0][10], deep - half);
    close(&rows[0][11], deep + half);
    // Dry needling: severe 0/2, a rate of 0, adds nothing either.
    let dry = w_mild * 0.75;
    close(&rows[1][9], dry);
    let half = z * (w_mild * w_mild * 0.75 * 0.25 / 8.0).sqrt();
    close(&rows[1][10], dry - half);
    close(&rows[1][11], dry + half);
    // Myofascial release: the interval's top is clipped to 1.
    let myo = w_mild * 1.0 + w_severe * 0.5;
    close(&rows[2][9], myo);
    let half = z * (w_severe * w_severe * 0.25 / 2.0).sqrt();
    assert!(myo + half > 1.0);
    close(&rows[2][10], myo - half);
    assert_eq!(&rows[2][11], "1");
    // Passive stretching has no severe session while severe weighs 12/26: null.
    assert_eq!((&rows[3][9], &rows[3][10], &rows[3][11]), ("", "", ""));
}

#[test]
fn the_pdf_shows_the_adjusted_section_and_the_ranking_that_changes() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_march(dir.path());
    let text = squeeze(&pdf_text(&out.join("techniques-2026-03-01_2026-03-31.pdf")));
    for want in [
        "Adjusted for starting pain",
        "Who got the severe cases",
        "Crude and standardized, side by side",
        // The practice's mix: 14 of 26 mild, 12 severe.
        "54%",
        "71% (56–87%)",
        "Deep stroking: 3rd by its crude rate (50%), 2nd after adjusting for starting pain (71%).",
        "Dry needling: 2nd by its crude rate (60%), 3rd after adjusting for starting pain (40%).",
        "Standardized: a technique's responder shares within the mild, moderate and severe bands",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    // Myofascial release keeps its place (1st both ways): no sentence.
    assert!(!text.contains("Myofascial release: 1st"), "{text}");
}
