//! The one way this tool writes a CSV file: every field through [`Field`], so that numbers
//! are formatted alike (the shortest text that reads back as the same f64, an empty cell for a
//! missing figure) and every text that came from an input is defused (a spreadsheet would run
//! `=HYPERLINK(…)` or `@SUM(A1)` as a formula).

use std::borrow::Cow;
use std::io::Write;

use chrono::NaiveDate;

use crate::metrics::cell::{Cell, Count};

/// One cell of a CSV row.
#[derive(Debug, Clone, Copy)]
pub enum Field<'a> {
    /// Text from an input or the config: defused.
    Text(&'a str),
    /// A figure; None is an empty cell.
    Num(Option<f64>),
    /// A count; a hidden one (a shareable copy's small cell) is an empty cell.
    Count(Count),
    /// A flag; hidden (with its group, in a shareable copy) is an empty cell.
    Bool(Cell<bool>),
    Date(NaiveDate),
}

impl Field<'_> {
    fn render(&self) -> Cow<'_, str> {
        match *self {
            Field::Text(s) => defuse(s),
            Field::Num(v) => v.map_or(Cow::Borrowed(""), |v| Cow::Owned(format!("{v}"))),
            Field::Count(n) => n
                .shown()
                .map_or(Cow::Borrowed(""), |n| Cow::Owned(n.to_string())),
            Field::Bool(b) => Cow::Borrowed(match b.shown() {
                Some(true) => "true",
                Some(false) => "false",
                None => "",
            }),
            Field::Date(d) => Cow::Owned(d.to_string()),
        }
    }
}

/// Text that a spreadsheet would run as a formula gets a leading `'` (OWASP's advice for CSV
/// injection): it starts with `=`, `+`, `-`, `@`, a tab or a carriage return.
pub fn defuse(value: &str) -> Cow<'_, str> {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}").into(),
        _ => value.into(),
    }
}

/// A CSV being written: the header first, then rows of [`Field`]s.
pub struct CsvOut<'w> {
    out: csv::Writer<&'w mut dyn Write>,
}

impl<'w> CsvOut<'w> {
    pub fn new(w: &'w mut dyn Write, header: &[&str]) -> std::io::Result<CsvOut<'w>> {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(header)?;
        Ok(CsvOut { out })
    }

    pub fn row(&mut self, fields: &[Field<'_>]) -> std::io::Result<()> {
        let cells: Vec<Cow<'_, str>> = fields.iter().map(Field::render).collect();
        self.out.write_record(cells.iter().map(|c| c.as_bytes()))?;
        Ok(())
    }

    pub fn finish(mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Writes a whole CSV into `w`: the header, then `fill` adds the rows.
pub fn write_to(
    w: &mut dyn Write,
    header: &[&str],
    fill: impl FnOnce(&mut CsvOut<'_>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut out = CsvOut::new(w, header)?;
    fill(&mut out)?;
    out.finish()
}

/// A whole CSV in memory: the header, then `fill` adds the rows.
pub fn bytes(
    header: &[&str],
    fill: impl FnOnce(&mut CsvOut<'_>) -> std::io::Result<()>,
) -> Vec<u8> {
    let mut buf = Vec::new();
    // Writing into memory does not fail: the only errors here are the writer's own I/O.
    let _ = write_to(&mut buf, header, fill);
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(fields: &[Field<'_>]) -> String {
        let mut buf = Vec::new();
        write_to(&mut buf, &["a", "b", "c"], |out| out.row(fields)).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn text_is_defused_and_numbers_are_not() {
        assert_eq!(
            render(&[
                Field::Text("@SUM(A1)"),
                Field::Num(Some(-1.5)),
                Field::Num(Some(-2.0))
            ]),
            "a,b,c\n'@SUM(A1),-1.5,-2\n"
        );
        assert_eq!(
            render(&[
                Field::Text("=HYPERLINK(\"x\")"),
                Field::Text("+1"),
                Field::Text("-1")
            ]),
            "a,b,c\n\"'=HYPERLINK(\"\"x\"\")\",'+1,'-1\n"
        );
        assert_eq!(
            render(&[Field::Text("\tx"), Field::Text("a,b"), Field::Text("Ann")]),
            "a,b,c\n'\tx,\"a,b\",Ann\n"
        );
    }

    #[test]
    fn figures_at_full_precision_and_missing_as_empty() {
        assert_eq!(
            render(&[
                Field::Num(None),
                Field::Num(Some(0.1 + 0.2)),
                Field::Bool(true.into())
            ]),
            "a,b,c\n,0.30000000000000004,true\n"
        );
        assert_eq!(
            render(&[
                Field::Count(12.into()),
                Field::Date(NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()),
                Field::Num(Some(2.0))
            ]),
            "a,b,c\n12,2026-03-05,2\n"
        );
    }
}
