//! The crate's one error type: every failure names the file (and, where it has one, the line)
//! it is about, and knows which exit code it maps to.

use std::path::PathBuf;

/// Exit code for bad usage or an input that cannot be read as a whole.
pub const EXIT_INPUT: i32 = 2;
/// Exit code for anything else that went wrong.
pub const EXIT_FAILURE: i32 = 1;
/// Exit code with `--strict` when any row was rejected.
pub const EXIT_STRICT: i32 = 3;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file that could not be opened or read at all.
    #[error("{}: cannot read the file", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A CSV file whose header lacks a required column.
    #[error("{}: missing required column `{column}`; headers found: {found}", path.display())]
    MissingColumn {
        path: PathBuf,
        column: String,
        found: String,
    },

    /// A CSV header that names one column twice.
    #[error("{}: line {line}: column `{column}` appears more than once in the header", path.display())]
    DuplicateColumn {
        path: PathBuf,
        line: u64,
        column: String,
    },

    /// A config alias to a header the file does not have.
    #[error("{}: config key `{key}` names the header `{header}`, which the file does not have; headers found: {found}", path.display())]
    AliasAbsent {
        path: PathBuf,
        key: String,
        header: String,
        found: String,
    },

    /// A spreadsheet that calamine cannot open (damaged, password-protected, not one).
    #[error("{}: cannot be read as a spreadsheet: {why}", path.display())]
    Spreadsheet { path: PathBuf, why: String },

    /// `sheet = "…"` names a sheet the workbook does not have.
    #[error("{}: no sheet named `{sheet}` (config key `{key}`); the sheets are {found}", path.display())]
    NoSuchSheet {
        path: PathBuf,
        sheet: String,
        key: String,
        found: String,
    },

    /// `header_row` past the end of the file.
    #[error("{}: config key `{key}` = {header_row} but the file has only {lines} lines (or rows)", path.display())]
    HeaderRowPastEnd {
        path: PathBuf,
        key: String,
        header_row: u64,
        lines: u64,
    },

    /// A CSV file that breaks mid-way (an I/O error while reading a record).
    #[error("{}: line {line}: cannot read the record", path.display())]
    Csv {
        path: PathBuf,
        line: u64,
        #[source]
        source: csv::Error,
    },

    /// The TOML config file: unreadable, malformed, an unknown key or a bad value.
    // toml quotes the offending line, which can be anything: the message is clipped.
    #[error("{}: {}", path.display(), clip(&problem.to_string(), 3 * ECHO_CHARS))]
    Config { path: PathBuf, problem: ConfigError },

    /// A delimiter that is not one character (or `tab`).
    #[error("{given_in} {value:?}: expected one ASCII character other than a quote or line break, or `tab`")]
    BadDelimiter { given_in: String, value: String },

    /// A date format chrono cannot read, or one without a whole date in it.
    #[error("{given_in} {format:?} {why}")]
    BadDateFormat {
        given_in: String,
        format: String,
        why: &'static str,
    },

    /// `--from` after `--to`.
    #[error("--from {from} is after --to {to}")]
    FromAfterTo {
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    },

    /// `init` would replace a config without `--force`.
    #[error("{} exists; pass --force to replace it", path.display())]
    ConfigExists { path: PathBuf },

    /// `sample --sessions 0`.
    #[error("sample --sessions must be at least 1")]
    EmptySample,

    /// `--client` ids with no session up to the period's end.
    #[error("no session up to {to} for client id {ids}")]
    UnknownClients { to: chrono::NaiveDate, ids: String },

    /// `--location` or `--each-location` on a file without a location column.
    #[error("{flag}: {} has no location column", file.display())]
    NoLocationColumn { flag: String, file: PathBuf },

    /// `--location` naming a location no accepted session has.
    #[error("--location {name:?}: no accepted session of {} is at that location; locations: {known}", file.display())]
    UnknownLocation {
        name: String,
        file: PathBuf,
        known: String,
    },

    /// A font that cannot be read or used.
    #[error(transparent)]
    Font(#[from] crate::report::pdf::FontError),

    /// Nothing to report on: no accepted session at all.
    #[error("no accepted session to report on")]
    NoSessions,

    /// A file that could not be written.
    #[error("{}: cannot write the file", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A run's output could not be written (a full disk, say): nothing of the run reached
    /// `--out`.
    #[error("{}: cannot write the file; none of the run's {outputs} outputs were written, the files in {} are as they were", path.display(), out.display())]
    Unwritten {
        path: PathBuf,
        #[source]
        source: std::io::Error,
        outputs: usize,
        out: PathBuf,
    },

    /// An output would replace an input file.
    #[error("{}: an output of this run would replace the input {}; nothing was written (choose another --out)", output.display(), input.display())]
    OutputIsInput { output: PathBuf, input: PathBuf },

    /// Another run is writing into the same folder.
    #[error("{}: another practice-report run is writing into this folder; try again when it has finished", out.display())]
    Busy { out: PathBuf },

    /// A page layout that failed (a defect): nothing of the run is written.
    #[error("{what} could not be laid out; nothing was written")]
    Layout { what: String },

    /// A failure inside polars while building or aggregating frames.
    #[error("{context}")]
    Polars {
        context: String,
        #[source]
        source: polars::error::PolarsError,
    },
}

impl Error {
    /// The process exit code for this error (SPEC "Command line").
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Read { .. }
            | Error::MissingColumn { .. }
            | Error::DuplicateColumn { .. }
            | Error::AliasAbsent { .. }
            | Error::Spreadsheet { .. }
            | Error::NoSuchSheet { .. }
            | Error::HeaderRowPastEnd { .. }
            | Error::Csv { .. }
            | Error::Config { .. }
            | Error::BadDelimiter { .. }
            | Error::BadDateFormat { .. }
            | Error::FromAfterTo { .. }
            | Error::ConfigExists { .. }
            | Error::EmptySample
            | Error::UnknownClients { .. }
            | Error::NoLocationColumn { .. }
            | Error::UnknownLocation { .. }
            | Error::Font(_)
            | Error::OutputIsInput { .. } => EXIT_INPUT,
            Error::Write { .. }
            | Error::Unwritten { .. }
            | Error::Busy { .. }
            | Error::Layout { .. }
            | Error::Polars { .. }
            | Error::NoSessions => EXIT_FAILURE,
        }
    }

    /// The error and its causes on one line, outermost first. Whatever input a message
    /// echoes, the line stays one line (control characters escaped) of bounded length.
    pub fn chain(&self) -> String {
        let mut out = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            out.push_str(": ");
            out.push_str(&c.to_string());
            cause = c.source();
        }
        clip(&out, MESSAGE_CHARS)
    }

    pub(crate) fn polars(
        context: impl Into<String>,
    ) -> impl FnOnce(polars::error::PolarsError) -> Error {
        let context = context.into();
        move |source| Error::Polars { context, source }
    }
}

/// What is wrong with a config's text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// Not TOML, an unknown key or a value of the wrong type (toml's own message).
    #[error("{0}")]
    Syntax(String),
    /// A value out of its range, or empty where it must not be.
    #[error("key `{key}`: {why}")]
    BadValue { key: String, why: String },
    /// A `[columns.*]` key that is no column of its file.
    #[error("key `{key}`: no such column; the columns are {columns}")]
    UnknownColumn { key: String, columns: String },
    /// Label aliases that come back to a label they passed.
    #[error("key `{section}.aliases`: the aliases go round in a circle: {circle}")]
    AliasCircle { section: String, circle: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How many characters of one input value (a header, an id, a config line) a message echoes.
pub const ECHO_CHARS: usize = 100;
/// The longest error line, whatever it is made of.
const MESSAGE_CHARS: usize = 1_000;
/// How many characters a list of echoed values takes at most.
const LIST_CHARS: usize = 300;

/// `text` as one line of at most `max` characters: control characters escaped (`\n`,
/// `\u{1b}`), the rest shortened with "…".
pub fn clip(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 4));
    let mut chars = 0;
    for c in text.chars() {
        let piece: String = if c.is_control() {
            c.escape_default().collect()
        } else {
            c.to_string()
        };
        if chars + piece.chars().count() > max {
            out.push('…');
            return out;
        }
        chars += piece.chars().count();
        out.push_str(&piece);
    }
    out
}

/// One input value as a message echoes it: at most [`ECHO_CHARS`] characters, one line.
pub fn echo(text: &str) -> String {
    clip(text, ECHO_CHARS)
}

/// Input values as a message lists them: each cut to 40 characters and shown by `quote`
/// (in backticks, say), the list cut after about [`LIST_CHARS`] characters with how many were
/// left out.
pub fn echo_list<'a>(
    values: impl ExactSizeIterator<Item = &'a str>,
    quote: impl Fn(&str) -> String,
) -> String {
    let total = values.len();
    let mut out = String::new();
    for (i, v) in values.enumerate() {
        if i > 0 && out.chars().count() >= LIST_CHARS {
            out.push_str(&format!(", … ({} more)", total - i));
            break;
        }
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&quote(&clip(v, 40)));
    }
    out
}

/// A header as error messages show it.
pub fn backticks(s: &str) -> String {
    format!("`{s}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_input_is_one_short_line() {
        assert_eq!(echo("Session ID"), "Session ID");
        assert_eq!(echo("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
        let long = "x".repeat(5_000_000);
        let e = echo(&long);
        assert_eq!(e.chars().count(), ECHO_CHARS + 1);
        assert!(e.ends_with('…'));
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abcd", 3), "abc…");
        // An escape is never cut in half.
        assert_eq!(clip("ab\n", 3), "ab…");
    }

    #[test]
    fn lists_are_cut() {
        let names: Vec<String> = (0..1000).map(|i| format!("h{i}")).collect();
        let l = echo_list(names.iter().map(String::as_str), backticks);
        assert!(l.starts_with("`h0`, `h1`, "), "{l}");
        assert!(l.ends_with(" more)"), "{l}");
        assert!(l.chars().count() < LIST_CHARS + 60, "{l}");
        assert_eq!(echo_list(["a", "b"].into_iter(), backticks), "`a`, `b`");
        assert_eq!(
            echo_list(["a\"b"].into_iter(), |s| format!("{s:?}")),
            "\"a\\\"b\""
        );
    }

    #[test]
    fn a_chain_is_one_line() {
        let e = Error::MissingColumn {
            path: "s.csv".into(),
            column: "session_id".into(),
            found: "`a\nb`".into(),
        };
        let line = e.chain();
        assert!(!line.contains('\n'), "{line}");
        assert_eq!(
            line,
            "s.csv: missing required column `session_id`; headers found: `a\\nb`"
        );
    }
}
