//! rejects.csv: one row per rejected or superseded input row, `file,line,column,value,reason`.

use super::csv_out::{self, Field};
use super::writer::{Access, Output};
use crate::model::Reject;
/// Its name under `--out`.
pub const FILE: &str = "rejects.csv";

const HEADER: [&str; 5] = ["file", "line", "column", "value", "reason"];

fn fields(r: &Reject) -> [Field<'_>; 5] {
    [
        Field::Text(&r.file),
        Field::Count(r.line.into()),
        Field::Text(&r.column),
        Field::Text(&r.value),
        Field::Text(&r.reason),
    ]
}

/// `rejects.csv`, readable by its owner only: it holds row values (client names,
/// comments).
pub fn output(rejects: &[Reject]) -> Output {
    let bytes = csv_out::bytes(&HEADER, |out| {
        rejects.iter().try_for_each(|r| out.row(&fields(r)))
    });
    Output::new(FILE, bytes, Access::Private)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reject(value: &str) -> Reject {
        Reject {
            input: crate::model::Input::Sessions,
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
        let out = output(&[reject("-5"), reject("=HYPERLINK(\"x\")"), reject("a,b")]);
        let text = String::from_utf8(out.bytes).unwrap();
        assert_eq!(
            text,
            "file,line,column,value,reason\n\
             sessions.csv,7,fee,'-5,out of range: must be at least 0\n\
             sessions.csv,7,fee,\"'=HYPERLINK(\"\"x\"\")\",out of range: must be at least 0\n\
             sessions.csv,7,fee,\"a,b\",out of range: must be at least 0\n"
        );
    }
}
