//! Long charts and tables run on to the next page: with 30 and 300 techniques, no word of the
//! technique comparison or the monthly report is drawn into the footer or off the page, every
//! technique has all its bars, and a chart that runs on says "(continued)".

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::common::*;

/// March 2026 with `n` techniques, 12 sessions each (none a low sample), all followed up.
fn practice(dir: &Path, n: usize) -> (PathBuf, PathBuf) {
    let (mut s, mut f) = (
        String::from("session_id,client_id,therapist,date,technique,body_region,duration_min,pain_before,fee\n"),
        String::from("session_id,submitted,soreness_hours,pain_followup\n"),
    );
    for t in 0..n {
        for k in 0..12 {
            let id = format!("S{t:03}-{k:02}");
            let before = 3 + (t + k) % 7;
            let _ = writeln!(
                s,
                "{id},C{:04},Therapist {},2026-03-{:02},Technique {t:03},Neck;Upper back,45,{before},80",
                (t * 12 + k) % 400,
                k % 3,
                1 + k * 2
            );
            let after = if k % 3 == 0 { before } else { before / 2 };
            let _ = writeln!(f, "{id},2026-03-28,{},{after}", k % 50);
        }
    }
    let (sessions, feedback) = (dir.join("sessions.csv"), dir.join("feedback.csv"));
    std::fs::write(&sessions, s).unwrap();
    std::fs::write(&feedback, f).unwrap();
    (sessions, feedback)
}

fn report(dir: &Path, n: usize) -> (PathBuf, PathBuf) {
    let (sessions, feedback) = practice(dir, n);
    let out = dir.join("out");
    let o = Run::new("run")
        .files(&sessions, &feedback)
        .out(&out)
        .month("2026-03")
        .args(&["-q"])
        .dated()
        .output_in(dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    (
        out.join("techniques-2025-04-01_2026-03-31.pdf"),
        out.join("monthly-2026-03.pdf"),
    )
}

fn check(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let (techniques, monthly) = report(dir.path(), n);
    for pdf in [&techniques, &monthly] {
        let bad = overflowing_words(pdf);
        assert!(bad.is_empty(), "{n} techniques, {}: {bad:?}", pdf.display());
    }
    // Every technique is drawn as often as every other: no bar is dropped.
    let (_, words) = word_boxes(&techniques);
    let count = |t: usize| {
        let name = format!("{t:03}");
        words
            .windows(2)
            .filter(|w| w[0].text == "Technique" && w[1].text == name)
            .count()
    };
    let first = count(0);
    assert!(first >= 5, "Technique 000 is shown {first} times");
    for t in 1..n {
        assert_eq!(count(t), first, "Technique {t:03} against Technique 000");
    }
    let continued = words.iter().filter(|w| w.text == "(continued)").count();
    assert!(continued >= 1, "{n} techniques: no chart ran on");
}

#[test]
fn thirty_techniques_stay_inside_the_pages() {
    check(30);
}

#[test]
fn three_hundred_techniques_stay_inside_the_pages() {
    check(300);
}

#[test]
fn subset_fonts_carry_the_six_letter_subset_tag() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = Run::new("monthly")
        .fixture("monthly")
        .out(&out)
        .month("2026-03")
        .output_in(dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = lopdf::Document::load(out.join("monthly-2026-03.pdf")).unwrap();
    let mut names = Vec::new();
    for object in doc.objects.values() {
        if let Ok(dict) = object.as_dict() {
            if dict.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"Font".as_slice()) {
                if let Ok(name) = dict.get(b"BaseFont").and_then(|n| n.as_name()) {
                    names.push(String::from_utf8_lossy(name).into_owned());
                }
            }
        }
    }
    assert!(!names.is_empty());
    for name in &names {
        let (tag, rest) = name.split_once('+').unwrap_or(("", name));
        assert!(
            tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()) && !rest.is_empty(),
            "{name}"
        );
    }
}
