//! Parsing of single field values exactly as SPEC "Values" says: plain decimal numbers,
//! whole numbers, dates with an optional ignored time, labels and header names.

use chrono::NaiveDate;

/// Why a single value was refused; `reason` is the text that goes into rejects.csv.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueError {
    NotANumber,
    NotWhole,
    OutOfRange {
        lo: f64,
        hi: Option<f64>,
    },
    NotADate {
        format: Option<String>,
    },
    /// A real date, but outside [`FIRST_YEAR`] ..= [`LAST_YEAR`].
    DateOutOfRange,
}

/// The years a date may fall in (SPEC "Values"); others are typos, or dates no report can
/// cover (a chrono date can be in the year 262,142).
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 2200;

/// Whether `d` falls in the years dates may have.
pub fn in_date_range(d: NaiveDate) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&chrono::Datelike::year(&d))
}

impl ValueError {
    /// A short category, used to count rejects by cause.
    pub fn kind(&self) -> &'static str {
        match self {
            ValueError::NotANumber => "not a number",
            ValueError::NotWhole => "not a whole number",
            ValueError::OutOfRange { .. } => "out of range",
            ValueError::NotADate { .. } => "not a date",
            ValueError::DateOutOfRange => "date out of range",
        }
    }

    pub fn reason(&self) -> String {
        match self {
            ValueError::NotANumber => {
                "not a plain decimal number (digits with an optional sign and `.`)".to_string()
            }
            ValueError::NotWhole => "not a whole number".to_string(),
            ValueError::OutOfRange { lo, hi: Some(hi) } => {
                format!("out of range: must be from {lo} to {hi}")
            }
            ValueError::OutOfRange { lo, hi: None } => {
                format!("out of range: must be at least {lo}")
            }
            ValueError::NotADate { format: None } => {
                "not a date: expected YYYY-MM-DD (an optional time after it is ignored)".to_string()
            }
            ValueError::NotADate { format: Some(f) } => {
                format!("not a date in the format `{f}`")
            }
            ValueError::DateOutOfRange => {
                format!("date out of range: must be in the years {FIRST_YEAR} to {LAST_YEAR}")
            }
        }
    }
}

/// A plain decimal number: optional sign, digits, optional `.` and digits (at least one digit
/// in all). Exponents, NaN, infinity, separators and decimal commas are refused.
pub fn parse_number(s: &str) -> Result<f64, ValueError> {
    let b = s.as_bytes();
    let body = match b.first() {
        Some(b'+') | Some(b'-') => &b[1..],
        _ => b,
    };
    let mut digits = 0usize;
    let mut dots = 0usize;
    for &c in body {
        match c {
            b'0'..=b'9' => digits += 1,
            b'.' => dots += 1,
            _ => return Err(ValueError::NotANumber),
        }
    }
    if digits == 0 || dots > 1 {
        return Err(ValueError::NotANumber);
    }
    // The grammar is checked above; fast-float2 rounds as `str::parse` does, only faster.
    fast_float2::parse::<f64, _>(s).map_err(|_| ValueError::NotANumber)
}

/// A number within `lo ..= hi` (`hi` None: no upper bound).
pub fn parse_number_in(s: &str, lo: f64, hi: Option<f64>) -> Result<f64, ValueError> {
    let v = parse_number(s)?;
    if v < lo || hi.is_some_and(|hi| v > hi) {
        return Err(ValueError::OutOfRange { lo, hi });
    }
    // `-0` is a valid zero; keep it from printing as "-0" later.
    Ok(if v == 0.0 { 0.0 } else { v })
}

/// A whole number within `lo ..= hi`: `45` and `45.0` are 45, `45.5` is refused.
pub fn parse_integer_in(s: &str, lo: i64, hi: i64) -> Result<i64, ValueError> {
    let v = parse_number(s)?;
    if v.fract() != 0.0 {
        return Err(ValueError::NotWhole);
    }
    if v < lo as f64 || v > hi as f64 {
        return Err(ValueError::OutOfRange {
            lo: lo as f64,
            hi: Some(hi as f64),
        });
    }
    Ok(v as i64)
}

/// How dates are written in the input files.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum DateFormat {
    /// `YYYY-MM-DD`, optionally followed by `T` or a space and a time that is ignored.
    #[default]
    Iso,
    /// A chrono strftime format given with `--date-format`.
    Custom(String),
}

impl DateFormat {
    /// Parses a date; the time part (after `T` or a space) is ignored in either form.
    pub fn parse(&self, s: &str) -> Result<NaiveDate, ValueError> {
        let parsed = match self {
            DateFormat::Iso => parse_iso_date(s),
            DateFormat::Custom(f) => NaiveDate::parse_from_str(s, f).ok().or_else(|| {
                let (d, rest) = NaiveDate::parse_and_remainder(s, f).ok()?;
                (rest.starts_with('T') || rest.starts_with(' ')).then_some(d)
            }),
        };
        let date = parsed.ok_or_else(|| ValueError::NotADate {
            format: match self {
                DateFormat::Iso => None,
                DateFormat::Custom(f) => Some(f.clone()),
            },
        })?;
        if in_date_range(date) {
            Ok(date)
        } else {
            Err(ValueError::DateOutOfRange)
        }
    }
}

fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() < 10 || (b.len() > 10 && b[10] != b'T' && b[10] != b' ') {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)
}

/// Days since 1970-01-01, polars' physical representation of a Date.
pub fn epoch_days(d: NaiveDate) -> i32 {
    const EPOCH_CE_DAYS: i32 = 719_163;
    chrono::Datelike::num_days_from_ce(&d) - EPOCH_CE_DAYS
}

/// `str::trim`, with a shortcut for the usual field that starts and ends with a visible
/// ASCII character (Unicode white space is never one of those bytes).
pub fn trim(text: &str) -> &str {
    let visible = |b: &u8| (0x21..0x7f).contains(b);
    let b = text.as_bytes();
    if b.first().is_some_and(visible) && b.last().is_some_and(visible) {
        text
    } else {
        text.trim()
    }
}

/// A header name: trimmed, lower-cased, runs of spaces/hyphens as `_` (`Session ID` →
/// `session_id`). Underscores join the run too, so `Session _ ID` still matches.
pub fn normalise_header(s: &str) -> String {
    crate::model::normalise_label(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{display_label, normalise_label};

    #[test]
    fn numbers_in_plain_decimal_notation() {
        for (s, v) in [
            ("6", 6.0),
            ("6.5", 6.5),
            ("+6", 6.0),
            ("-0.5", -0.5),
            (".5", 0.5),
            ("7.", 7.0),
        ] {
            assert_eq!(parse_number(s), Ok(v), "{s}");
        }
        for s in [
            "", "1e3", "NaN", "inf", "1,000", "6,5", "1 000", "--1", "+", ".", "1.2.3", "0x10", "١",
        ] {
            assert_eq!(parse_number(s), Err(ValueError::NotANumber), "{s}");
        }
    }

    #[test]
    fn numbers_round_like_the_standard_library() {
        for s in [
            "0.1",
            "0.30000000000000004",
            "7.000000000000001",
            "123456789.123456789",
            "+.5",
            "-0.0",
        ] {
            assert_eq!(
                parse_number(s).unwrap().to_bits(),
                s.parse::<f64>().unwrap().to_bits(),
                "{s}"
            );
        }
    }

    #[test]
    fn ranges_and_integers() {
        assert_eq!(parse_number_in("10", 0.0, Some(10.0)), Ok(10.0));
        assert!(matches!(
            parse_number_in("10.01", 0.0, Some(10.0)),
            Err(ValueError::OutOfRange { .. })
        ));
        assert!(matches!(
            parse_number_in("-0.5", 0.0, None),
            Err(ValueError::OutOfRange { .. })
        ));
        assert_eq!(
            parse_number_in("-0", 0.0, None).map(|v| v.to_string()),
            Ok("0".to_string())
        );
        assert_eq!(parse_integer_in("45", 1, 480), Ok(45));
        assert_eq!(parse_integer_in("45.0", 1, 480), Ok(45));
        assert_eq!(parse_integer_in("45.5", 1, 480), Err(ValueError::NotWhole));
        assert!(matches!(
            parse_integer_in("0", 1, 480),
            Err(ValueError::OutOfRange { .. })
        ));
        assert!(matches!(
            parse_integer_in("481", 1, 480),
            Err(ValueError::OutOfRange { .. })
        ));
    }

    #[test]
    fn iso_dates_with_optional_time() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        let iso = DateFormat::Iso;
        for s in [
            "2026-03-05",
            "2026-03-05T10:30",
            "2026-03-05 10:30:00",
            "2026-03-05T",
        ] {
            assert_eq!(iso.parse(s), Ok(d), "{s}");
        }
        for s in [
            "2026-3-5",
            "2026-02-30",
            "05/03/2026",
            "2026-03-05x",
            "20260305",
            "2026-03-0",
        ] {
            assert!(iso.parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn custom_date_format() {
        let f = DateFormat::Custom("%d/%m/%Y".into());
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(f.parse("05/03/2026"), Ok(d));
        assert_eq!(f.parse("05/03/2026 10:30"), Ok(d));
        assert!(f.parse("2026-03-05").is_err());
        assert!(f.parse("31/02/2026").is_err());
    }

    #[test]
    fn dates_outside_the_years_1900_to_2200_are_refused() {
        let iso = DateFormat::Iso;
        assert!(iso.parse("1900-01-01").is_ok());
        assert!(iso.parse("2200-12-31").is_ok());
        assert_eq!(iso.parse("1899-12-31"), Err(ValueError::DateOutOfRange));
        assert_eq!(iso.parse("2201-01-01"), Err(ValueError::DateOutOfRange));
        assert_eq!(iso.parse("0000-01-01"), Err(ValueError::DateOutOfRange));
        let f = DateFormat::Custom("%Y-%m-%d".into());
        // chrono reads a signed year of any size with %Y.
        assert_eq!(f.parse("+262142-12-01"), Err(ValueError::DateOutOfRange));
        assert_eq!(f.parse("-0044-03-15"), Err(ValueError::DateOutOfRange));
        assert_eq!(
            ValueError::DateOutOfRange.reason(),
            "date out of range: must be in the years 1900 to 2200"
        );
    }

    #[test]
    fn epoch_days_match_polars() {
        assert_eq!(epoch_days(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()), 0);
        assert_eq!(
            epoch_days(NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()),
            20517
        );
    }

    #[test]
    fn trimming_takes_unicode_white_space_too() {
        assert_eq!(trim("Neck"), "Neck");
        assert_eq!(trim("  Neck\t"), "Neck");
        assert_eq!(trim("\u{a0}Ann Lee\u{3000}"), "Ann Lee");
        assert_eq!(trim("é "), "é");
        assert_eq!(trim(""), "");
    }

    #[test]
    fn labels_and_headers() {
        assert_eq!(
            normalise_label("  Ischemic  Compression "),
            "ischemic_compression"
        );
        assert_eq!(normalise_label("Dry-Needling"), "dry_needling");
        assert_eq!(
            normalise_label("spray _ and - stretch"),
            "spray_and_stretch"
        );
        assert_eq!(normalise_label("ÉPAULE"), "épaule");
        assert_eq!(normalise_header(" Session ID "), "session_id");
        assert_eq!(normalise_header("Pain-Before"), "pain_before");
        assert_eq!(
            display_label("ischemic_compression"),
            "Ischemic compression"
        );
        assert_eq!(display_label("épaule"), "Épaule");
    }
}
