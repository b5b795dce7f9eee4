//! rejects.csv: one row per rejected or superseded input row, `file,line,column,value,reason`.

use std::io::Write;
use std::path::Path;

use crate::error::Result;
use crate::ingest::Reject;

/// Text that a spreadsheet would run as a formula gets a leading `'`.
fn defuse(value: &str) -> std::borrow::Cow<'_, str> {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}").into(),
        _ => value.into(),
    }
}

/// Writes the rows in the order given (the ingest order: sessions, then feedback, by line).
pub fn write_rejects(w: &mut dyn Write, rejects: &[Reject]) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["file", "line", "column", "value", "reason"])?;
    for r in rejects {
        out.write_record([
            defuse(&r.file).as_ref(),
            &r.line.to_string(),
            &r.column,
            &defuse(&r.value),
            &r.reason,
        ])?;
    }
    out.flush()
}

/// Writes `rejects.csv` at `path`, atomically.
pub fn write(path: &Path, rejects: &[Reject]) -> Result<()> {
    super::write_atomic(path, |w| write_rejects(w, rejects))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reject(value: &str) -> Reject {
        Reject {
            input: crate::ingest::Input::Sessions,
            file: "sessions.csv".into(),
            line: 7,
            column: "fee".into(),
            value: value.into(),
            reason: "out of range: must be at least 0".into(),
            kind: "fee: out of range".into(),
            superseded: false,
        }
    }

    #[test]
    fn quoted_and_defused() {
        let mut buf = Vec::new();
        write_rejects(
            &mut buf,
            &[reject("-5"), reject("=HYPERLINK(\"x\")"), reject("a,b")],
        )
        .unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(
            text,
            "file,line,column,value,reason\n\
             sessions.csv,7,fee,'-5,out of range: must be at least 0\n\
             sessions.csv,7,fee,\"'=HYPERLINK(\"\"x\"\")\",out of range: must be at least 0\n\
             sessions.csv,7,fee,\"a,b\",out of range: must be at least 0\n"
        );
    }
}
