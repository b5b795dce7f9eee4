//! Numbers as people read them (REPORT-STYLE "Numbers"): thousands separated, shares as whole
//! percentages, hours and pain with one decimal, a missing figure as an en dash.

use crate::metrics::cell::{Cell, Count};

/// What a missing figure prints as.
pub const MISSING: &str = "–";

/// The most characters of one input field (a name, a label, a comment) a PDF shows; the
/// rest is cut with "…" (the CSV and JSON keep it whole). It also bounds the layout's work,
/// whatever the input holds.
pub const FIELD_CHARS: usize = 500;

/// An input field as a PDF shows it: at most [`FIELD_CHARS`] characters.
pub fn field(text: &str) -> String {
    match text.char_indices().nth(FIELD_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// `3` → `3rd`, `11` → `11th`.
pub fn ordinal(n: u64) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, r) if r != 11 => "st",
        (2, r) if r != 12 => "nd",
        (3, r) if r != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// `12480` → `12,480`; a hidden sum (of minutes, in a shareable copy) as [`MISSING`].
pub fn thousands(n: impl Into<Cell<i64>>) -> String {
    let n = match n.into() {
        Cell::Shown(n) => n,
        Cell::Hidden { .. } => return MISSING.to_string(),
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('−');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count; a hidden one (a shareable copy's small cell) as `<11`.
pub fn count(n: impl Into<Count>) -> String {
    match n.into() {
        Cell::Shown(n) => thousands(n as i64),
        Cell::Hidden { below } => format!("<{below}"),
    }
}

/// Money: thousands separated, cents only when there are any (`12,480`, `1,234.50`).
pub fn money(v: Option<f64>) -> String {
    match v {
        None => MISSING.to_string(),
        Some(v) => {
            let cents = (v * 100.0).round() as i64;
            if cents % 100 == 0 {
                thousands(cents / 100)
            } else {
                format!("{}.{:02}", thousands(cents / 100), (cents % 100).abs())
            }
        }
    }
}

/// A share as a whole percentage: `0.537` → `54%`.
pub fn percent(v: Option<f64>) -> String {
    v.map_or_else(
        || MISSING.to_string(),
        |v| format!("{}%", (v * 100.0).round() as i64),
    )
}

/// One decimal, `−` for negatives: pain points and the like.
pub fn one_decimal(v: Option<f64>) -> String {
    v.map_or_else(|| MISSING.to_string(), |v| minus(format!("{:.1}", v)))
}

/// Hours with one decimal: `17.5 h`.
pub fn hours(v: Option<f64>) -> String {
    v.map_or_else(
        || MISSING.to_string(),
        |v| format!("{} h", minus(format!("{:.1}", v))),
    )
}

/// An interval for a figure already shown: `(48–61%)`, `(1.6–1.9)`.
pub fn interval(lo: Option<f64>, hi: Option<f64>, f: fn(Option<f64>) -> String) -> Option<String> {
    match (lo, hi) {
        (Some(_), Some(_)) => {
            let (l, h) = (f(lo), f(hi));
            // One % sign at the end reads better than two.
            let l = l.strip_suffix('%').map_or(l.clone(), str::to_string);
            Some(format!("({l}–{h})"))
        }
        _ => None,
    }
}

fn minus(s: String) -> String {
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().any(|c| c.is_ascii_digit() && c != '0') => format!("−{rest}"),
        Some(rest) => rest.to_string(),
        None => s,
    }
}

/// Which way a change went, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    Better,
    Worse,
    Same,
}

/// A change against the previous period (`delta`, from the metrics) as people read it:
/// `▲ 12`, `▼ 3`, `▲ 4 pts`; None for a missing change. Rounded as shown, so a change too
/// small to show reads `= 0`. `higher_is_better` picks the colour.
pub fn change(delta: Option<f64>, unit: Unit, higher_is_better: bool) -> Option<(String, Trend)> {
    let delta = delta?;
    let delta = match unit {
        Unit::Count => delta.round(),
        Unit::Points => (delta * 100.0).round(),
        Unit::Hours | Unit::Money => (delta * 10.0).round() / 10.0,
    };
    if delta == 0.0 {
        return Some(("= 0".to_string(), Trend::Same));
    }
    let arrow = if delta > 0.0 { '▲' } else { '▼' };
    let size = delta.abs();
    let text = match unit {
        Unit::Count => thousands(size as i64),
        Unit::Points if size == 1.0 => "1 pt".to_string(),
        Unit::Points => format!("{} pts", size as i64),
        Unit::Hours => format!("{size:.1} h"),
        Unit::Money => money(Some(size)),
    };
    let trend = if (delta > 0.0) == higher_is_better {
        Trend::Better
    } else {
        Trend::Worse
    };
    Some((format!("{arrow} {text}"), trend))
}

/// The unit of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Count,
    /// Shares, compared in percentage points.
    Points,
    Hours,
    Money,
}

/// A signed figure for a change: `+13`, `−0.7` (a true minus), rounded to `decimals`.
pub fn signed(v: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, v.abs());
    let zero = text.chars().all(|c| c == '0' || c == '.');
    match () {
        _ if zero => text,
        _ if v < 0.0 => format!("−{text}"),
        _ => format!("+{text}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_changes() {
        assert_eq!(signed(13.2, 0), "+13");
        assert_eq!(signed(-0.66, 1), "−0.7");
        assert_eq!(signed(-0.01, 0), "0");
    }

    #[test]
    fn numbers_for_people() {
        assert_eq!(thousands(12480), "12,480");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(-1234), "−1,234");
        assert_eq!(money(Some(12480.0)), "12,480");
        assert_eq!(money(Some(1234.5)), "1,234.50");
        assert_eq!(money(None), "–");
        assert_eq!(percent(Some(0.537)), "54%");
        assert_eq!(percent(None), "–");
        assert_eq!(hours(Some(17.46)), "17.5 h");
        assert_eq!(one_decimal(Some(-0.04)), "0.0");
        assert_eq!(one_decimal(Some(-1.25)), "−1.2");
        assert_eq!(
            interval(Some(0.48), Some(0.61), percent),
            Some("(48–61%)".to_string())
        );
        assert_eq!(
            interval(Some(1.6), Some(1.94), one_decimal),
            Some("(1.6–1.9)".to_string())
        );
        assert_eq!(interval(None, Some(1.0), one_decimal), None);
    }

    #[test]
    fn ordinals() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111]
            .into_iter()
            .map(ordinal)
            .collect();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st",
                "111th"
            ]
        );
    }

    #[test]
    fn long_fields_are_cut() {
        assert_eq!(field("Ann Lee"), "Ann Lee");
        let long = "é".repeat(5 * 1024 * 1024);
        let cut = field(&long);
        assert_eq!(cut.chars().count(), FIELD_CHARS + 1);
        assert!(cut.ends_with("é…"));
        assert_eq!(field(&"x".repeat(FIELD_CHARS)), "x".repeat(FIELD_CHARS));
    }

    #[test]
    fn changes() {
        assert_eq!(
            change(Some(0.45 - 0.46), Unit::Points, true),
            Some(("▼ 1 pt".into(), Trend::Worse))
        );
        assert_eq!(
            change(Some(120.0 - 108.0), Unit::Count, true),
            Some(("▲ 12".into(), Trend::Better))
        );
        assert_eq!(
            change(Some(5.0 - 8.0), Unit::Count, true),
            Some(("▼ 3".into(), Trend::Worse))
        );
        assert_eq!(
            change(Some(0.50 - 0.46), Unit::Points, true),
            Some(("▲ 4 pts".into(), Trend::Better))
        );
        assert_eq!(
            change(Some(30.0 - 24.0), Unit::Hours, false),
            Some(("▲ 6.0 h".into(), Trend::Worse))
        );
        assert_eq!(
            change(Some(3.0 - 3.0), Unit::Count, true),
            Some(("= 0".into(), Trend::Same))
        );
        assert_eq!(change(None, Unit::Count, true), None);
    }
}
