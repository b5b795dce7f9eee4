//! Types every stage shares, so that data flows one way (ingest → metrics → report) and no
//! stage reaches back into another for them: the account of the rows read, a rejected row,
//! and how a label is normalised (ingest and config) and shown (report).

/// Which of the two exports a row came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Sessions,
    Feedback,
}

/// A row that broke a rule, or a superseded feedback row.
#[derive(Debug, Clone, PartialEq)]
pub struct Reject {
    pub input: Input,
    /// The input's file name.
    pub file: String,
    /// The 1-based physical line where the record starts (the header is line 1).
    pub line: u64,
    /// The first failing column (canonical name); empty when the reason is about the row.
    pub column: String,
    /// The offending value as it was in the file.
    pub value: String,
    /// The full reason, as written to rejects.csv.
    pub reason: String,
    /// A short category for counting ("duration_min: out of range").
    pub kind: String,
    /// A superseded feedback row: valid, but not the one that counts.
    pub superseded: bool,
}

/// The account of one input file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileQuality {
    pub file: String,
    /// Records read (blank lines and the header are not rows).
    pub rows: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub superseded: u64,
    /// Bookings that were not treatments (a status column says so): neither accepted nor
    /// rejected.
    pub not_attended: u64,
    /// The footer (a `Total` row) and every row after it: not rows.
    pub footer_rows: u64,
    /// Headers present in the file that the contract does not use (as written in the file).
    pub extra_columns: Vec<String>,
    /// Optional columns the file does not have (their values are all missing).
    pub absent_columns: Vec<String>,
}

/// Both files' accounts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DataQuality {
    pub sessions: FileQuality,
    pub feedback: FileQuality,
    /// Whether the sessions file has a status column (not-attended bookings are then
    /// counted, zero or not).
    pub sessions_status: bool,
}

/// Trims, lower-cases and turns every run of separators into one `_`.
fn collapse(s: &str, is_sep: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_run = false;
    for c in s.trim().chars() {
        if is_sep(c) {
            if !in_run {
                out.push('_');
            }
            in_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_run = false;
        }
    }
    out
}

/// A label (technique, body region) before aliases: trimmed, lower-cased, runs of
/// spaces/hyphens/underscores as one `_` (`Ischemic  Compression` → `ischemic_compression`).
pub fn normalise_label(s: &str) -> String {
    collapse(s, |c| c.is_whitespace() || c == '-' || c == '_')
}

/// How a label is shown in a report: `_` as spaces, first letter capitalised.
pub fn display_label(label: &str) -> String {
    let spaced = label.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
