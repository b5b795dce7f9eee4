//! Parsing of single field values exactly as SPEC "Values" says: plain decimal numbers,
//! whole numbers, dates with an optional ignored time, labels and header names; and the
//! forms a file may be declared to use instead (SPEC "Per-file value forms"): a decimal
//! comma, amounts of money, `1h 30m` durations, times of day.

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
    /// Not a number written with a decimal comma (the file is declared `decimal = ","`).
    NotACommaNumber,
    /// Not an amount (`money = true`).
    NotMoney,
    /// Not a duration (`duration = "clock"`).
    NotADuration,
    /// Not a time of day (`start`, `end`).
    NotATime,
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
            ValueError::NotACommaNumber | ValueError::NotMoney => "not a number",
            ValueError::NotADuration => "not a duration",
            ValueError::NotATime => "not a time",
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
            ValueError::NotACommaNumber => {
                "not a decimal number with a decimal comma (digits with an optional sign and `,`)"
                    .to_string()
            }
            ValueError::NotMoney => {
                "not an amount (digits, an optional currency and thousands separators)".to_string()
            }
            ValueError::NotADuration => {
                "not a duration (minutes, `1h 30m`, `1 hr 30 min`, `90 min` or `1:30`)".to_string()
            }
            ValueError::NotATime => {
                "not a time of day (`10:00am`, `1:23 PM`, `14:05`, `14:05:33`)".to_string()
            }
        }
    }
}

/// A plain decimal number: optional sign, digits, optional `.` and digits (at least one digit
/// in all). Exponents, NaN, infinity, separators and decimal commas are refused.
pub fn parse_number(s: &str) -> Result<f64, ValueError> {
    let b = s.as_bytes();
    let (negative, body) = match b.first() {
        Some(b'+') => (false, &b[1..]),
        Some(b'-') => (true, &b[1..]),
        _ => (false, b),
    };
    let mut digits = 0usize;
    let mut dots = 0usize;
    // The digits as one integer and how many of them follow the dot (while it is exact).
    let (mut mantissa, mut decimals) = (0u64, 0i32);
    for &c in body {
        match c {
            b'0'..=b'9' => {
                digits += 1;
                mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
                decimals += i32::from(dots == 1);
            }
            b'.' => dots += 1,
            _ => return Err(ValueError::NotANumber),
        }
    }
    if digits == 0 || dots > 1 {
        return Err(ValueError::NotANumber);
    }
    // Clinger's fast path, as fast-float2 takes it too: up to 15 digits the integer is an
    // exact double, and so is 10^k for k up to 22, so one division (rounded correctly by
    // IEEE 754) gives the correctly rounded value, the same bits `str::parse` gives. The
    // exports' scores, minutes and fees nearly all take it (a tenth of `validate`'s
    // instructions went to the general parse).
    if digits <= 15 {
        const POWERS: [f64; 16] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        ];
        let v = mantissa as f64 / POWERS[decimals as usize];
        return Ok(if negative { -v } else { v });
    }
    // The grammar is checked above; fast-float2 rounds as `str::parse` does, only faster.
    fast_float2::parse::<f64, _>(s).map_err(|_| ValueError::NotANumber)
}

/// A number within `lo ..= hi` (`hi` None: no upper bound).
pub fn parse_number_in(s: &str, lo: f64, hi: Option<f64>) -> Result<f64, ValueError> {
    in_range(parse_number(s)?, lo, hi)
}

/// A whole number within `lo ..= hi`: `45` and `45.0` are 45, `45.5` is refused.
pub fn parse_integer_in(s: &str, lo: i64, hi: i64) -> Result<i64, ValueError> {
    whole_in(parse_number(s)?, lo, hi)
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
    /// Parses a date; the time part (after `T` or a space) is ignored in either form, and
    /// with a chrono format whatever follows after `,` too (`October 31, 2026, 10:00`).
    pub fn parse(&self, s: &str) -> Result<NaiveDate, ValueError> {
        let parsed = match self {
            DateFormat::Iso => parse_iso_date(s),
            DateFormat::Custom(f) => NaiveDate::parse_from_str(s, f).ok().or_else(|| {
                let (d, rest) = NaiveDate::parse_and_remainder(s, f).ok()?;
                rest.starts_with(['T', ' ', ',']).then_some(d)
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

impl DateFormat {
    /// The date at the start of `s` and what follows it (after the separator), for times
    /// written after a date (`Start Time` = `September 2, 2025 9:00am`).
    pub fn split<'s>(&self, s: &'s str) -> Option<(NaiveDate, &'s str)> {
        let (date, rest) = match self {
            DateFormat::Iso => (parse_iso_date(s.get(..10)?)?, &s[10..]),
            DateFormat::Custom(f) => NaiveDate::parse_and_remainder(s, f).ok()?,
        };
        if rest.is_empty() {
            return Some((date, rest));
        }
        rest.starts_with(['T', ' ', ','])
            .then(|| (date, rest.trim_start_matches(['T', ' ', ','])))
    }
}

/// How one file writes its values (SPEC "Per-file value forms"); the default is the
/// contract's.
#[derive(Debug, Clone, PartialEq)]
pub struct Forms {
    pub date: DateFormat,
    /// Numbers are written `6,5`.
    pub decimal_comma: bool,
    /// `fee` may carry a currency and thousands separators.
    pub money: bool,
    /// `duration_min` may be `1h 30m`, `90 min`, `1:30`.
    pub clock: bool,
    /// Between body regions.
    pub list_separator: char,
}

impl Default for Forms {
    fn default() -> Self {
        Forms {
            date: DateFormat::Iso,
            decimal_comma: false,
            money: false,
            clock: false,
            list_separator: ';',
        }
    }
}

impl Forms {
    /// A number in this file's notation.
    pub fn number(&self, s: &str) -> Result<f64, ValueError> {
        if !self.decimal_comma {
            return parse_number(s);
        }
        if s.contains('.') {
            return Err(ValueError::NotACommaNumber);
        }
        parse_number(&s.replacen(',', ".", 1)).map_err(|_| ValueError::NotACommaNumber)
    }

    /// A number within `lo ..= hi`.
    #[inline]
    pub fn number_in(&self, s: &str, lo: f64, hi: Option<f64>) -> Result<f64, ValueError> {
        if !self.decimal_comma {
            return parse_number_in(s, lo, hi);
        }
        in_range(self.number(s)?, lo, hi)
    }

    /// A whole number within `lo ..= hi`.
    #[inline]
    pub fn integer_in(&self, s: &str, lo: i64, hi: i64) -> Result<i64, ValueError> {
        if !self.decimal_comma {
            return parse_integer_in(s, lo, hi);
        }
        whole_in(self.number(s)?, lo, hi)
    }

    /// A fee: a number, or with `money` an amount (`$1,234.50`, `1.234,50 €`, `CHF 80`).
    #[inline]
    pub fn fee(&self, s: &str) -> Result<f64, ValueError> {
        if !self.money {
            return self.number_in(s, 0.0, None);
        }
        in_range(parse_money(s, self.decimal_comma)?, 0.0, None)
    }

    /// A session's length in minutes, 1 ..= 480; with `clock` also `1h 30m` and `1:30`.
    #[inline]
    pub fn duration(&self, s: &str) -> Result<i64, ValueError> {
        if !self.clock || self.number(s).is_ok() {
            return self.integer_in(s, 1, 480);
        }
        let minutes = parse_clock(s, self.decimal_comma).ok_or(ValueError::NotADuration)?;
        whole_in(minutes, 1, 480)
    }
}

fn in_range(v: f64, lo: f64, hi: Option<f64>) -> Result<f64, ValueError> {
    if v < lo || hi.is_some_and(|hi| v > hi) {
        return Err(ValueError::OutOfRange { lo, hi });
    }
    // `-0` is a valid zero; keep it from printing as "-0" later.
    Ok(if v == 0.0 { 0.0 } else { v })
}

fn whole_in(v: f64, lo: i64, hi: i64) -> Result<i64, ValueError> {
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

/// A currency sign or code: any run of letters or currency symbols.
fn is_currency(c: char) -> bool {
    c.is_alphabetic() || "$€£¥₩₹₽₺₪₫฿₱₴₦¢₡₲₵₸₼₾₣₤₧₨₭₮₯₰₳₶₷₻₿".contains(c)
}

/// An amount of money: a currency before or after (with or without a space), thousands
/// separators in their places (`,` with a decimal point; `.`, a space or a (narrow)
/// no-break space with a decimal comma). A minus or parentheses make it negative (and so out
/// of range for a fee).
pub fn parse_money(s: &str, decimal_comma: bool) -> Result<f64, ValueError> {
    let mut t = s.trim();
    let mut negative = false;
    if let Some(inner) = t.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        negative = true;
        t = inner.trim();
    }
    let strip_sign = |t: &mut &str, negative: &mut bool| {
        if let Some(rest) = t.strip_prefix('-').or_else(|| t.strip_prefix('\u{2212}')) {
            *negative = true;
            *t = rest.trim_start();
        } else if let Some(rest) = t.strip_prefix('+') {
            *t = rest.trim_start();
        }
    };
    strip_sign(&mut t, &mut negative);
    t = t.trim_start_matches(is_currency).trim_start();
    strip_sign(&mut t, &mut negative);
    t = t.trim_end_matches(is_currency).trim_end();
    let (decimal, groups): (char, &[char]) = if decimal_comma {
        (',', &['.', ' ', '\u{a0}', '\u{202f}'])
    } else {
        ('.', &[','])
    };
    let (int, frac) = match t.split_once(decimal) {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    let mut digits = String::with_capacity(t.len());
    let parts: Vec<&str> = int.split(|c| groups.contains(&c)).collect();
    let grouped = parts.len() > 1;
    for (k, part) in parts.iter().enumerate() {
        let ok = !part.is_empty()
            && part.bytes().all(|b| b.is_ascii_digit())
            && (!grouped
                || if k == 0 {
                    part.len() <= 3
                } else {
                    part.len() == 3
                });
        if !(ok || parts.len() == 1 && part.is_empty() && frac.is_some()) {
            return Err(ValueError::NotMoney);
        }
        digits += part;
    }
    if let Some(f) = frac {
        if f.is_empty() && digits.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValueError::NotMoney);
        }
        digits.push('.');
        digits += f;
    }
    let v = parse_number(&digits).map_err(|_| ValueError::NotMoney)?;
    if negative && v != 0.0 {
        return Ok(-v);
    }
    Ok(v)
}

/// A duration as a clock or in words: `1:30`, `1h 30m`, `1h30`, `1 hr 30 min`, `1.5 h`,
/// `90 min`, `2 hours`; minutes (not yet checked to be whole).
fn parse_clock(s: &str, decimal_comma: bool) -> Option<f64> {
    let t = s.trim().to_lowercase();
    if let Some((h, m)) = t.split_once(':') {
        let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
        if digits(h) && m.len() == 2 && digits(m) {
            let (h, m): (f64, f64) = (h.parse().ok()?, m.parse().ok()?);
            return (m < 60.0).then_some(h * 60.0 + m);
        }
        return None;
    }
    let number_end = |x: &str| {
        x.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
            .unwrap_or(x.len())
    };
    let number = |x: &str| -> Option<f64> {
        let x = if decimal_comma {
            if x.contains('.') {
                return None;
            }
            x.replacen(',', ".", 1)
        } else {
            x.to_string()
        };
        parse_number(&x).ok()
    };
    let mut rest = t.as_str();
    let mut total = 0.0;
    let mut seen_hours = false;
    let mut seen_any = false;
    while !rest.is_empty() {
        let end = number_end(rest);
        if end == 0 {
            return None;
        }
        let value = number(&rest[..end])?;
        rest = rest[end..].trim_start();
        let unit_end = rest
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_end];
        rest = rest[unit_end..].trim_start();
        match unit {
            "h" | "hr" | "hrs" | "hour" | "hours" if !seen_hours && !seen_any => {
                total += value * 60.0;
                seen_hours = true;
            }
            "m" | "min" | "mins" | "minute" | "minutes" => {
                total += value;
                seen_any = true;
                if !rest.is_empty() {
                    return None;
                }
            }
            // `1h30`: the minutes of an hours part need no unit.
            "" if seen_hours && rest.is_empty() => {
                total += value;
                seen_any = true;
            }
            _ => return None,
        }
        seen_any |= seen_hours;
    }
    seen_any.then_some(total)
}

/// A time of day: `10:00am`, `1:23 PM`, `14:05`, `14:05:33`, alone or before a zone
/// (`GMT+1`); seconds since midnight.
pub fn parse_time(s: &str) -> Result<u32, ValueError> {
    let t = s.trim();
    let bad = || ValueError::NotATime;
    let mut parts = t.splitn(2, ':');
    let h: u32 = parts
        .next()
        .filter(|h| (1..=2).contains(&h.len()))
        .ok_or_else(bad)?
        .parse()
        .map_err(|_| bad())?;
    let rest = parts.next().ok_or_else(bad)?;
    if rest.len() < 2 || !rest.as_bytes()[..2].iter().all(u8::is_ascii_digit) {
        return Err(bad());
    }
    let m: u32 = rest[..2].parse().map_err(|_| bad())?;
    let mut rest = &rest[2..];
    let mut sec = 0;
    if let Some(r) = rest.strip_prefix(':') {
        if r.len() < 2 || !r.as_bytes()[..2].iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        sec = r[..2].parse().map_err(|_| bad())?;
        rest = &r[2..];
        // Fractions of a second.
        if let Some(r) = rest.strip_prefix('.') {
            rest = r.trim_start_matches(|c: char| c.is_ascii_digit());
        }
    }
    let lower = rest.trim_start().to_ascii_lowercase();
    let (h, rest) = if let Some(r) = lower
        .strip_prefix("am")
        .or_else(|| lower.strip_prefix("a.m."))
    {
        if !(1..=12).contains(&h) {
            return Err(bad());
        }
        (h % 12, r.to_string())
    } else if let Some(r) = lower
        .strip_prefix("pm")
        .or_else(|| lower.strip_prefix("p.m."))
    {
        if !(1..=12).contains(&h) {
            return Err(bad());
        }
        (h % 12 + 12, r.to_string())
    } else {
        (h, lower.clone())
    };
    // A zone or offset may follow after a space (`GMT+1`, `+02:00`, `Z`).
    if !(rest.is_empty() || rest.starts_with([' ', '+', '-', 'z'])) {
        return Err(bad());
    }
    if h > 23 || m > 59 || sec > 59 {
        return Err(bad());
    }
    Ok(h * 3600 + m * 60 + sec)
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

    proptest::proptest! {
        #[test]
        fn numbers_have_the_standard_librarys_bits(
            sign in "[+-]?",
            int in "[0-9]{0,20}",
            frac in proptest::option::of("[0-9]{0,20}"),
        ) {
            let s = format!("{sign}{int}{}", frac.as_ref().map_or(String::new(), |f| format!(".{f}")));
            let digits = int.len() + frac.as_ref().map_or(0, String::len);
            match parse_number(&s) {
                Ok(v) => proptest::prop_assert_eq!(v.to_bits(), s.parse::<f64>().unwrap().to_bits(), "{}", s),
                Err(_) => proptest::prop_assert_eq!(digits, 0, "{}", s),
            }
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
    fn decimal_commas_money_and_clocks() {
        let comma = Forms {
            decimal_comma: true,
            ..Forms::default()
        };
        assert_eq!(comma.number_in("6,5", 0.0, Some(10.0)), Ok(6.5));
        assert_eq!(comma.number("6.5"), Err(ValueError::NotACommaNumber));
        assert_eq!(comma.integer_in("45", 1, 480), Ok(45));
        for (s, comma, v) in [
            ("$164.00", false, 164.0),
            ("$1,234.50", false, 1234.5),
            ("CHF 80", false, 80.0),
            ("80 CHF", false, 80.0),
            ("USD85", false, 85.0),
            ("£.5", false, 0.5),
            ("1.234,50 €", true, 1234.5),
            ("1 234,50 kr", true, 1234.5),
            ("1\u{202f}234,5", true, 1234.5),
            ("85", true, 85.0),
            ("R$ 85,00", true, 85.0),
        ] {
            assert_eq!(parse_money(s, comma), Ok(v), "{s}");
        }
        for (s, comma) in [
            ("$1,23.50", false),
            ("1.234,50", false),
            ("$", false),
            ("12 34", false),
            ("1,234.50", true),
            ("$8 5", false),
        ] {
            assert_eq!(parse_money(s, comma), Err(ValueError::NotMoney), "{s}");
        }
        let money = Forms {
            money: true,
            ..Forms::default()
        };
        assert!(matches!(
            money.fee("($80.00)"),
            Err(ValueError::OutOfRange { .. })
        ));
        assert!(matches!(
            money.fee("-$80"),
            Err(ValueError::OutOfRange { .. })
        ));
        assert_eq!(money.fee("$0.00"), Ok(0.0));
        let clock = Forms {
            clock: true,
            ..Forms::default()
        };
        for (s, v) in [
            ("90", 90),
            ("1h 30m", 90),
            ("1h30", 90),
            ("1 hr 30 min", 90),
            ("1 hour 30 minutes", 90),
            ("90 min", 90),
            ("2 hours", 120),
            ("1.5 h", 90),
            ("1:30", 90),
            ("0:45", 45),
            ("1 hrs", 60),
            ("45 mins", 45),
        ] {
            assert_eq!(clock.duration(s), Ok(v), "{s}");
        }
        assert_eq!(clock.duration("1.01h"), Err(ValueError::NotWhole));
        for s in ["1m 1h", "1:3", "1:75", "h", "30 sec", "1h 30m 5"] {
            assert_eq!(clock.duration(s), Err(ValueError::NotADuration), "{s}");
        }
        assert!(matches!(
            clock.duration("9h"),
            Err(ValueError::OutOfRange { .. })
        ));
        assert_eq!(Forms::default().duration("1h"), Err(ValueError::NotANumber));
    }

    #[test]
    fn times_of_day() {
        for (s, v) in [
            ("10:00am", 36000),
            ("1:23 PM", 13 * 3600 + 23 * 60),
            ("12:00am", 0),
            ("12:30pm", 12 * 3600 + 1800),
            ("14:05", 14 * 3600 + 300),
            ("14:05:33", 14 * 3600 + 333),
            ("7:10:03 PM GMT+1", 19 * 3600 + 603),
            ("09:00:00.000", 9 * 3600),
        ] {
            assert_eq!(parse_time(s), Ok(v), "{s}");
        }
        for s in ["13:00pm", "25:00", "10", "10:0", "10:00x", "0:00am"] {
            assert_eq!(parse_time(s), Err(ValueError::NotATime), "{s}");
        }
        let f = DateFormat::Custom("%B %d, %Y".into());
        let d = NaiveDate::from_ymd_opt(2025, 9, 2).unwrap();
        assert_eq!(f.split("September 2, 2025 9:00am"), Some((d, "9:00am")));
        assert_eq!(f.parse("September 2, 2025 9:00am"), Ok(d));
        assert_eq!(
            DateFormat::Iso.split("2025-09-02T09:00"),
            Some((d, "09:00"))
        );
        let f = DateFormat::Custom("%Y/%m/%d".into());
        let d = NaiveDate::from_ymd_opt(2025, 9, 5).unwrap();
        assert_eq!(f.parse("2025/09/05 7:10:03 PM GMT+1"), Ok(d));
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
