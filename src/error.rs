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

    /// A CSV file that breaks mid-way (an I/O error while reading a record).
    #[error("{}: line {line}: cannot read the record", path.display())]
    Csv {
        path: PathBuf,
        line: u64,
        #[source]
        source: csv::Error,
    },

    /// The TOML config file: unreadable, malformed, an unknown key or a bad value.
    #[error("{}: {message}", path.display())]
    Config { path: PathBuf, message: String },

    /// Command-line arguments that parse but make no sense together.
    #[error("{0}")]
    Usage(String),

    /// Nothing to report on: no accepted session (in the period asked for).
    #[error("{0}")]
    NoData(String),

    /// A file that could not be written.
    #[error("{}: cannot write the file", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

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
            | Error::Csv { .. }
            | Error::Config { .. }
            | Error::Usage(_) => EXIT_INPUT,
            Error::Write { .. } | Error::Polars { .. } | Error::NoData(_) => EXIT_FAILURE,
        }
    }

    /// The error and its causes on one line, outermost first.
    pub fn chain(&self) -> String {
        let mut out = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            out.push_str(": ");
            out.push_str(&c.to_string());
            cause = c.source();
        }
        out
    }

    pub(crate) fn polars(
        context: impl Into<String>,
    ) -> impl FnOnce(polars::error::PolarsError) -> Error {
        let context = context.into();
        move |source| Error::Polars { context, source }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
