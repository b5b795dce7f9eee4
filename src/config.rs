//! The optional TOML config file: practice name, header and label aliases, display names and
//! the outcome thresholds. Unknown keys and bad values are errors naming the file and the key.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{ConfigError, Error, Result};

fn bad(key: impl Into<String>, why: impl Into<String>) -> ConfigError {
    ConfigError::BadValue {
        key: key.into(),
        why: why.into(),
    }
}

/// The config as read from TOML; every field has the contract's default.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Shown on every page of every report.
    pub practice_name: String,
    /// How the files are written (what `init` detected); `--delimiter` and `--date-format`
    /// override it.
    pub input: InputFormat,
    pub columns: Columns,
    pub techniques: Labels,
    pub regions: Labels,
    pub thresholds: Thresholds,
    pub status: Status,
    pub feedback: FeedbackLink,
    pub privacy: Privacy,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            practice_name: "Practice report".to_string(),
            input: InputFormat::default(),
            columns: Columns::default(),
            techniques: Labels::default(),
            regions: Labels::default(),
            thresholds: Thresholds::default(),
            status: Status::default(),
            feedback: FeedbackLink::default(),
            privacy: Privacy::default(),
        }
    }
}

/// The `[input]` table: for each export, where it is (used when `--sessions`/`--feedback`
/// are not given; a relative path is relative to the config file) and how it is written
/// (SPEC "Exports as they come"). `[input]`'s own keys set both files; `[input.sessions]` and
/// `[input.feedback]` set one, and win; `--delimiter` and `--date-format` win over both.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InputFormat {
    /// What `[input]` itself says, for both files (its `path` is always None).
    pub both: FileInput,
    pub sessions: FileInput,
    pub feedback: FileInput,
}

/// How one export is written; every key is optional, the contract's form is the default.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FileInput {
    pub path: Option<std::path::PathBuf>,
    /// One character, or `tab`.
    pub delimiter: Option<String>,
    /// A chrono strftime format, e.g. `%d.%m.%Y`, read from the start of the field.
    pub date_format: Option<String>,
    /// A WHATWG encoding label (`windows-1252`, `utf-16` …).
    pub encoding: Option<String>,
    /// `.` (default) or `,`.
    pub decimal: Option<String>,
    /// `fee` may carry a currency and thousands separators.
    pub money: Option<bool>,
    /// `minutes` (default) or `clock` (`1h 30m`, `1:30`).
    pub duration: Option<String>,
    /// What separates body regions: `;` by default.
    pub list_separator: Option<String>,
    /// The 1-based line (or sheet row) of the header.
    pub header_row: Option<u64>,
    /// A spreadsheet's sheet, by name (default: the first).
    pub sheet: Option<String>,
}

impl FileInput {
    /// This file's own keys, then `[input]`'s for the keys it does not set.
    pub fn or(&self, both: &FileInput) -> FileInput {
        FileInput {
            path: self.path.clone(),
            delimiter: self.delimiter.clone().or_else(|| both.delimiter.clone()),
            date_format: self
                .date_format
                .clone()
                .or_else(|| both.date_format.clone()),
            encoding: self.encoding.clone().or_else(|| both.encoding.clone()),
            decimal: self.decimal.clone().or_else(|| both.decimal.clone()),
            money: self.money.or(both.money),
            duration: self.duration.clone().or_else(|| both.duration.clone()),
            list_separator: self
                .list_separator
                .clone()
                .or_else(|| both.list_separator.clone()),
            header_row: self.header_row.or(both.header_row),
            sheet: self.sheet.clone().or_else(|| both.sheet.clone()),
        }
    }

    fn check(&self, section: &str) -> std::result::Result<(), ConfigError> {
        if let Some(e) = &self.encoding {
            if encoding_rs::Encoding::for_label(e.trim().as_bytes()).is_none() {
                return Err(bad(
                    format!("{section}.encoding"),
                    format!(
                        "{} is no encoding label of the WHATWG Encoding Standard \
                         (e.g. \"windows-1252\", \"iso-8859-15\", \"utf-16\")",
                        quoted(e)
                    ),
                ));
            }
        }
        if let Some(d) = &self.decimal {
            if d != "." && d != "," {
                return Err(bad(
                    format!("{section}.decimal"),
                    format!("{} is neither \".\" nor \",\"", quoted(d)),
                ));
            }
        }
        if let Some(d) = &self.duration {
            if d != "minutes" && d != "clock" {
                return Err(bad(
                    format!("{section}.duration"),
                    format!("{} is neither \"minutes\" nor \"clock\"", quoted(d)),
                ));
            }
        }
        if let Some(l) = &self.list_separator {
            if l.chars().count() != 1 || l.trim().is_empty() || l == "\"" {
                return Err(bad(
                    format!("{section}.list_separator"),
                    format!("{} is not one visible character", quoted(l)),
                ));
            }
        }
        if self.header_row == Some(0) {
            return Err(bad(
                format!("{section}.header_row"),
                "lines are counted from 1",
            ));
        }
        if self.sheet.as_deref().is_some_and(|s| s.trim().is_empty()) {
            return Err(bad(format!("{section}.sheet"), "the sheet name is empty"));
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for InputFormat {
    /// `[input]` holds both files' keys beside the two file tables; `sessions = "path"` (the
    /// form earlier versions wrote) is the table with only its path.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        let mut table = toml::Table::deserialize(d)?;
        let mut file = |key: &str| -> std::result::Result<FileInput, D::Error> {
            match table.remove(key) {
                None => Ok(FileInput::default()),
                Some(toml::Value::String(p)) => Ok(FileInput {
                    path: Some(p.into()),
                    ..FileInput::default()
                }),
                Some(toml::Value::Table(t)) => t
                    .try_into()
                    .map_err(|e| D::Error::custom(format!("in [input.{key}]: {e}"))),
                Some(_) => Err(D::Error::custom(format!(
                    "input.{key}: expected a path or a table"
                ))),
            }
        };
        let sessions = file("sessions")?;
        let feedback = file("feedback")?;
        let both: FileInput = table
            .try_into()
            .map_err(|e| D::Error::custom(format!("in [input]: {e}")))?;
        if both.path.is_some() {
            return Err(D::Error::custom(
                "input.path: name each file under [input.sessions] or [input.feedback]",
            ));
        }
        Ok(InputFormat {
            both,
            sessions,
            feedback,
        })
    }
}

/// `[status]`: which values of a status column are bookings that were not treatments.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Status {
    pub not_attended: Vec<String>,
}

/// The SPEC's default not-attended values (normalised labels).
pub const NOT_ATTENDED: &[&str] = &[
    "cancelled",
    "canceled",
    "late_cancel",
    "late_cancellation",
    "late_cancelled",
    "late_canceled",
    "no_show",
    "noshow",
    "did_not_arrive",
    "dna",
    "rescheduled",
    "deleted",
];

impl Default for Status {
    fn default() -> Self {
        Status {
            not_attended: NOT_ATTENDED.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// `[feedback]`: how survey answers are linked to sessions.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FeedbackLink {
    /// How many days before a survey answer its session may be.
    pub link_days: u32,
}

impl Default for FeedbackLink {
    fn default() -> Self {
        FeedbackLink { link_days: 14 }
    }
}

/// `[privacy]`: the shareable copies' rule (SPEC "Reports that leave the clinic").
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Privacy {
    /// The smallest count a shareable copy shows (11: the CMS rule, no cell of 1 to 10).
    pub min_cell: u64,
}

impl Default for Privacy {
    fn default() -> Self {
        Privacy { min_cell: 11 }
    }
}

/// Header aliases: canonical column name → the header the export uses instead.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Columns {
    pub sessions: ColumnMap,
    pub feedback: ColumnMap,
}

/// What the config names for one contract column: a header, several headers joined with a
/// space (`["First Name", "Last Name"]`), or `""`: not in this export, on purpose.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum HeaderName {
    One(String),
    Joined(Vec<String>),
}

impl HeaderName {
    /// The headers it names (none for `""`).
    pub fn headers(&self) -> Vec<&str> {
        match self {
            HeaderName::One(h) if h.trim().is_empty() => Vec::new(),
            HeaderName::One(h) => vec![h.as_str()],
            HeaderName::Joined(hs) => hs.iter().map(String::as_str).collect(),
        }
    }
}

/// One file's header aliases: contract column → the header(s) the export uses. Its keys are
/// the column table's names (`ingest::columns`), checked when the config is read.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(transparent)]
pub struct ColumnMap(BTreeMap<String, HeaderName>);

impl ColumnMap {
    /// What the config names for `column`, if anything.
    pub fn alias(&self, column: &str) -> Option<&HeaderName> {
        self.0.get(column)
    }

    /// A map from (column, header) pairs (tests, `init`).
    pub fn of<'a>(pairs: impl IntoIterator<Item = (&'a str, HeaderName)>) -> ColumnMap {
        ColumnMap(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    /// A key that is no column of `specs`, or an empty list, as an error naming `section`.
    fn check(
        &self,
        section: &str,
        specs: &[crate::ingest::columns::ColumnSpec],
    ) -> std::result::Result<(), ConfigError> {
        if let Some((key, _)) = self
            .0
            .iter()
            .find(|(_, v)| matches!(v, HeaderName::Joined(hs) if hs.is_empty() || hs.iter().any(|h| h.trim().is_empty())))
        {
            return Err(bad(
                format!("{section}.{}", crate::error::echo(key)),
                "a list of headers needs one or more, none of them empty",
            ));
        }
        match self
            .0
            .keys()
            .find(|k| !specs.iter().any(|c| c.name == k.as_str()))
        {
            None => Ok(()),
            Some(key) => Err(ConfigError::UnknownColumn {
                key: format!("{section}.{}", crate::error::echo(key)),
                columns: crate::error::echo_list(
                    specs.iter().map(|c| c.name),
                    crate::error::backticks,
                ),
            }),
        }
    }
}

/// Label aliases (raw label → canonical label) and display names (canonical label → text).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Labels {
    pub aliases: BTreeMap<String, String>,
    pub names: BTreeMap<String, String>,
}

impl Labels {
    /// The aliases normalised and each followed to the end of its chain (a circle was refused
    /// when the config was read).
    pub fn resolved_aliases(&self) -> BTreeMap<String, String> {
        resolve_aliases("", &self.aliases).unwrap_or_default()
    }
}

/// The outcome thresholds of SPEC "Metrics".
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// Relative pain fall that makes a responder (0.30 = 30%).
    pub responder: f64,
    /// Soreness longer than this many hours counts in over_48h_share.
    pub soreness_hours: f64,
    /// Groups with fewer responder-eligible sessions are flagged low_sample.
    pub low_sample: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            responder: 0.30,
            soreness_hours: 48.0,
            low_sample: 10,
        }
    }
}

/// What `init` proposes for one column: the header(s) (`Some(vec![])`: not in this export on
/// purpose, `""`; None: not found) and the values that made the choice.
#[derive(Debug, Clone, Default)]
pub struct ColumnProposal {
    pub name: &'static str,
    pub required: bool,
    /// A column of the contract's own files (the others are listed only when found).
    pub contract: bool,
    pub headers: Option<Vec<String>>,
    pub why: String,
}

/// What `init` proposes for one export: where it is, how it is written, and its columns;
/// each form with the values that made it.
#[derive(Debug, Clone, Default)]
pub struct FileProposal {
    pub path: std::path::PathBuf,
    /// As written in the config: one character, or `tab`; None for a spreadsheet.
    pub delimiter: Option<String>,
    pub encoding: Option<(String, String)>,
    pub header_row: Option<(u64, String)>,
    pub date_format: Option<(String, String)>,
    pub decimal_comma: Option<String>,
    pub money: Option<String>,
    pub clock: Option<String>,
    pub list_separator: Option<(String, String)>,
    pub columns: Vec<ColumnProposal>,
}

/// What `init` proposes for a clinic's exports.
#[derive(Debug, Clone, Default)]
pub struct Proposal {
    pub sessions: FileProposal,
    pub feedback: FileProposal,
    /// A status column's not-attended values (normalised), with why.
    pub not_attended: Option<(Vec<String>, String)>,
    /// Technique labels found (normalised), with how many sampled rows have each.
    pub techniques: Vec<(String, usize)>,
    /// Said at the top of the file (what was read, when).
    pub written_from: String,
}

/// A TOML string (quoted and escaped).
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A comment after a value: one line, as short as a config line can bear.
fn because(why: &str) -> String {
    if why.is_empty() {
        String::new()
    } else {
        format!("   # {}", crate::error::clip(&why.replace('\n', " "), 110))
    }
}

impl FileProposal {
    fn to_toml(&self, table: &str, t: &mut String) {
        *t += &format!("[input.{table}]\n");
        *t += &format!("path = {}\n", quoted(&self.path.to_string_lossy()));
        match &self.delimiter {
            Some(d) => *t += &format!("delimiter = {}\n", quoted(d)),
            None => {
                *t += "# a spreadsheet: its first sheet is read (sheet = \"…\" names another)\n"
            }
        }
        if let Some((e, why)) = &self.encoding {
            *t += &format!("encoding = {}{}\n", quoted(e), because(why));
        }
        if let Some((n, why)) = &self.header_row {
            *t += &format!("header_row = {n}{}\n", because(why));
        }
        match &self.date_format {
            Some((f, why)) => *t += &format!("date_format = {}{}\n", quoted(f), because(why)),
            None => *t += "# date_format: the dates are YYYY-MM-DD (or date cells), the default\n",
        }
        if let Some(why) = &self.decimal_comma {
            *t += &format!("decimal = \",\"{}\n", because(why));
        }
        if let Some(why) = &self.money {
            *t += &format!("money = true{}\n", because(why));
        }
        if let Some(why) = &self.clock {
            *t += &format!("duration = \"clock\"{}\n", because(why));
        }
        if let Some((sep, why)) = &self.list_separator {
            *t += &format!("list_separator = {}{}\n", quoted(sep), because(why));
        }
        *t += &format!("\n# contract column = the header in your {table} export\n");
        *t += &format!("[columns.{table}]\n");
        for c in &self.columns {
            match &c.headers {
                Some(hs) if hs.len() > 1 => {
                    let list: Vec<String> = hs.iter().map(|h| quoted(h)).collect();
                    *t += &format!("{} = [{}]{}\n", c.name, list.join(", "), because(&c.why));
                }
                Some(hs) => {
                    let h = hs.first().map_or("", String::as_str);
                    *t += &format!("{} = {}{}\n", c.name, quoted(h), because(&c.why));
                }
                None if c.required => {
                    *t += &format!(
                        "# {} = \"?\"   # REQUIRED: no header found, name it here\n",
                        c.name
                    )
                }
                None if !c.why.is_empty() => *t += &format!("# {}: {}\n", c.name, c.why),
                None if c.contract => {
                    *t += &format!("# {} = \"\"   # optional: not found\n", c.name)
                }
                None => {}
            }
        }
        t.push('\n');
    }
}

impl Proposal {
    /// The config file's text. Every contract column is listed: found ones mapped with the
    /// values that made the choice, the others as comments to fill in; the technique labels
    /// as commented alias lines to edit.
    pub fn to_toml(&self) -> String {
        let mut t = String::new();
        t += &format!(
            "# Written by `practice-report init` {}.\n",
            self.written_from
        );
        t += "# Check each line; `practice-report validate` reads the files with it.\n\n";
        t += "practice_name = \"Practice report\"\n\n";
        self.sessions.to_toml("sessions", &mut t);
        self.feedback.to_toml("feedback", &mut t);
        if let Some((values, why)) = &self.not_attended {
            t += "# Bookings with these statuses were not treatments: counted as not attended.\n";
            t += "[status]\n";
            let list: Vec<String> = values.iter().map(|v| quoted(v)).collect();
            t += &format!("not_attended = [{}]{}\n\n", list.join(", "), because(why));
        }
        t += "# The technique labels found (normalised), with how many of the rows read have\n";
        t += "# each. To count two spellings as one technique, uncomment a line and name the\n";
        t += "# label it is the same as, e.g. \"dry_needle\" = \"dry_needling\".\n";
        t += "[techniques.aliases]\n";
        for (label, n) in &self.techniques {
            t += &format!(
                "# {} = {}   # {n} {}\n",
                quoted(label),
                quoted(label),
                if *n == 1 { "row" } else { "rows" }
            );
        }
        t += "\n[thresholds]\nresponder = 0.30\nsoreness_hours = 48\nlow_sample = 10\n";
        t
    }
}

impl Settings {
    /// Reads and checks a config file.
    pub fn load(path: &Path) -> Result<Settings> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut settings = Settings::parse(&text).map_err(|problem| Error::Config {
            path: path.to_path_buf(),
            problem,
        })?;
        // The exports' paths are relative to the config file, wherever the run starts (cron
        // starts in the home folder).
        let dir = path.parent().unwrap_or(Path::new(""));
        for p in [
            &mut settings.input.sessions.path,
            &mut settings.input.feedback.path,
        ]
        .into_iter()
        .flatten()
        {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        }
        Ok(settings)
    }

    /// Parses config text; the error message names the offending key.
    pub fn parse(text: &str) -> std::result::Result<Settings, ConfigError> {
        let settings: Settings = toml::from_str(text)
            .map_err(|e| ConfigError::Syntax(e.to_string().trim_end().replace('\n', " ")))?;
        settings.check()?;
        for (section, labels) in [
            ("techniques", &settings.techniques),
            ("regions", &settings.regions),
        ] {
            resolve_aliases(section, &labels.aliases)?;
        }
        Ok(settings)
    }

    fn check(&self) -> std::result::Result<(), ConfigError> {
        let t = &self.thresholds;
        if !(t.responder.is_finite() && t.responder > 0.0 && t.responder <= 1.0) {
            return Err(bad(
                "thresholds.responder",
                format!("{} is not a share between 0 (excluded) and 1", t.responder),
            ));
        }
        if !(t.soreness_hours.is_finite() && t.soreness_hours >= 0.0) {
            return Err(bad(
                "thresholds.soreness_hours",
                format!("{} is not a number of hours >= 0", t.soreness_hours),
            ));
        }
        if t.low_sample == 0 {
            return Err(bad("thresholds.low_sample", "must be at least 1"));
        }
        self.columns
            .sessions
            .check("columns.sessions", crate::ingest::columns::SESSIONS)?;
        self.columns
            .feedback
            .check("columns.feedback", crate::ingest::columns::FEEDBACK)?;
        self.input.both.check("input")?;
        self.input.sessions.check("input.sessions")?;
        self.input.feedback.check("input.feedback")?;
        if self.privacy.min_cell < 2 {
            return Err(bad(
                "privacy.min_cell",
                "must be at least 2 (1 would hide nothing)",
            ));
        }
        if self.feedback.link_days > 3660 {
            return Err(bad("feedback.link_days", "at most 3660 days"));
        }
        if let Some(v) = self
            .status
            .not_attended
            .iter()
            .find(|v| crate::model::normalise_label(v).is_empty())
        {
            return Err(bad(
                "status.not_attended",
                format!("{} is no value once normalised", quoted(v)),
            ));
        }
        if self.practice_name.trim().is_empty() {
            return Err(bad("practice_name", "must not be empty"));
        }
        for (section, labels) in [("techniques", &self.techniques), ("regions", &self.regions)] {
            for (from, to) in &labels.aliases {
                if crate::model::normalise_label(to).is_empty() {
                    return Err(bad(
                        format!("{section}.aliases.\"{from}\""),
                        "the alias target is empty",
                    ));
                }
            }
            for (label, name) in &labels.names {
                if name.trim().is_empty() {
                    return Err(bad(
                        format!("{section}.names.\"{}\"", crate::error::echo(label)),
                        "the display name is empty",
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The label aliases of one table, normalised, each followed to the end of its chain
/// (`a` → `b` and `b` → `c` make `a` → `c`); a chain that comes back to a label it passed is
/// an error naming the circle.
fn resolve_aliases(
    section: &str,
    aliases: &BTreeMap<String, String>,
) -> std::result::Result<BTreeMap<String, String>, ConfigError> {
    use crate::model::normalise_label;
    let step: BTreeMap<String, String> = aliases
        .iter()
        .map(|(k, v)| (normalise_label(k), normalise_label(v)))
        .filter(|(k, v)| k != v)
        .collect();
    let mut resolved = BTreeMap::new();
    for start in step.keys() {
        let mut path = vec![start.clone()];
        let mut at = start;
        while let Some(next) = step.get(at) {
            if path.contains(next) {
                path.push(next.clone());
                let circle: Vec<String> = path.iter().map(|l| format!("{l:?}")).collect();
                return Err(ConfigError::AliasCircle {
                    section: section.to_string(),
                    circle: crate::error::clip(&circle.join(" → "), 3 * crate::error::ECHO_CHARS),
                });
            }
            path.push(next.clone());
            at = next;
        }
        resolved.insert(start.clone(), at.clone());
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_chains_resolve_to_their_end_and_circles_are_refused() {
        let s = Settings::parse(
            r#"
[techniques.aliases]
"TP pressure" = "trigger point pressure"
"trigger point pressure" = "Ischemic compression"
"ischemic compression" = "ischemic_compression"
"#,
        )
        .unwrap();
        assert_eq!(
            s.techniques.resolved_aliases(),
            BTreeMap::from([
                (
                    "tp_pressure".to_string(),
                    "ischemic_compression".to_string()
                ),
                (
                    "trigger_point_pressure".to_string(),
                    "ischemic_compression".to_string()
                ),
            ])
        );
        let e = Settings::parse(
            r#"
[techniques.aliases]
"deep_stroking" = "dry_needling"
"dry needling" = "Deep stroking"
"#,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "key `techniques.aliases`: the aliases go round in a circle: \
             \"deep_stroking\" → \"dry_needling\" → \"deep_stroking\""
        );
        let e = Settings::parse("[regions.aliases]\na = \"b\"\nb = \"c\"\nc = \"a\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("key `regions.aliases`: the aliases go round"),
            "{e}"
        );
    }

    #[test]
    fn a_misspelt_column_key_is_an_error() {
        let e = Settings::parse("[columns.sessions]\ntherapistt = \"Staff\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                "key `columns.sessions.therapistt`: no such column; the columns are `session_id`, "
            ),
            "{e}"
        );
        let e = Settings::parse("[columns.feedback]\ndate = \"When\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("key `columns.feedback.date`: no such column"),
            "{e}"
        );
    }

    #[test]
    fn an_empty_display_name_is_an_error() {
        let e = Settings::parse("[techniques.names]\nx = \" \"\n")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "key `techniques.names.\"x\"`: the display name is empty");
    }

    #[test]
    fn defaults_are_the_contracts() {
        let s = Settings::parse("").unwrap();
        assert_eq!(s.thresholds.responder, 0.30);
        assert_eq!(s.thresholds.soreness_hours, 48.0);
        assert_eq!(s.thresholds.low_sample, 10);
    }

    #[test]
    fn reads_every_section() {
        let s = Settings::parse(
            r#"
practice_name = "Harbour Street Massage"
[input]
delimiter = ";"
date_format = "%d.%m.%Y"
[columns.sessions]
session_id = "Appointment #"
[columns.feedback]
soreness_hours = "Sore for (h)"
[techniques.aliases]
"trigger point pressure" = "ischemic_compression"
[techniques.names]
dry_needling = "Dry needling (DN)"
[thresholds]
responder = 0.5
low_sample = 5
"#,
        )
        .unwrap();
        assert_eq!(s.practice_name, "Harbour Street Massage");
        assert_eq!(s.input.both.delimiter.as_deref(), Some(";"));
        assert_eq!(s.input.both.date_format.as_deref(), Some("%d.%m.%Y"));
        assert_eq!(
            s.columns.sessions.alias("session_id"),
            Some(&HeaderName::One("Appointment #".into()))
        );
        assert_eq!(
            s.columns.feedback.alias("soreness_hours"),
            Some(&HeaderName::One("Sore for (h)".into()))
        );
        assert_eq!(
            s.techniques.aliases["trigger point pressure"],
            "ischemic_compression"
        );
        assert_eq!(s.thresholds.responder, 0.5);
        assert_eq!(s.thresholds.soreness_hours, 48.0);
        assert_eq!(s.thresholds.low_sample, 5);
    }

    #[test]
    fn the_example_config_reads() {
        let s = Settings::parse(include_str!("../practice-report.example.toml")).unwrap();
        assert_eq!(
            s.practice_name,
            "Harbour Street Massage & Trigger Point Clinic"
        );
    }

    #[test]
    fn a_proposal_reads_back() {
        let col = |name, headers: Option<Vec<&str>>, required| ColumnProposal {
            name,
            required,
            contract: true,
            headers: headers.map(|hs| hs.into_iter().map(str::to_string).collect()),
            why: "ids like \"B-1\"".to_string(),
        };
        let p = Proposal {
            sessions: FileProposal {
                path: "/data/Bookings \"Oct\".csv".into(),
                delimiter: Some(";".to_string()),
                date_format: Some(("%d.%m.%Y".to_string(), "dates like \"31.10.2026\"".into())),
                decimal_comma: Some("numbers like \"6,5\"".into()),
                header_row: Some((4, "title rows above it".into())),
                columns: vec![
                    col("session_id", Some(vec!["Booking #"]), true),
                    col("client_name", Some(vec!["First Name", "Last Name"]), false),
                    col("therapist", None, true),
                    col("body_region", Some(vec![]), true),
                    col("fee", None, false),
                ],
                ..FileProposal::default()
            },
            feedback: FileProposal {
                path: "fb.xlsx".into(),
                columns: vec![col("session_id", Some(vec!["Booking #"]), true)],
                ..FileProposal::default()
            },
            not_attended: Some((vec!["no_show".into()], "found: no_show 2".into())),
            techniques: vec![("dry_needling".to_string(), 12)],
            written_from: "from test".to_string(),
        };
        let text = p.to_toml();
        let s = Settings::parse(&text).unwrap();
        assert_eq!(
            s.input.sessions.path.as_deref(),
            Some(Path::new("/data/Bookings \"Oct\".csv"))
        );
        assert_eq!(s.input.sessions.delimiter.as_deref(), Some(";"));
        assert_eq!(s.input.sessions.date_format.as_deref(), Some("%d.%m.%Y"));
        assert_eq!(s.input.sessions.decimal.as_deref(), Some(","));
        assert_eq!(s.input.sessions.header_row, Some(4));
        assert_eq!(s.input.feedback.delimiter, None);
        assert_eq!(
            s.columns.sessions.alias("session_id"),
            Some(&HeaderName::One("Booking #".into()))
        );
        assert_eq!(
            s.columns.sessions.alias("client_name"),
            Some(&HeaderName::Joined(vec![
                "First Name".into(),
                "Last Name".into()
            ]))
        );
        assert_eq!(
            s.columns.sessions.alias("body_region"),
            Some(&HeaderName::One(String::new()))
        );
        assert_eq!(s.columns.sessions.alias("therapist"), None);
        assert_eq!(s.status.not_attended, vec!["no_show".to_string()]);
        assert!(text.contains("# therapist = \"?\"   # REQUIRED"), "{text}");
        assert!(text.contains("# \"dry_needling\" = \"dry_needling\"   # 12 rows"));
        assert!(s.techniques.aliases.is_empty());
    }

    #[test]
    fn unknown_key_is_named() {
        let e = Settings::parse("[thresholds]\nresponders = 0.3\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("responders"), "{e}");
        let e = Settings::parse("[columns.sessions]\nsession = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("session"), "{e}");
    }

    #[test]
    fn bad_values_are_named() {
        let e = Settings::parse("[thresholds]\nresponder = 1.5\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("thresholds.responder"), "{e}");
        let e = Settings::parse("[thresholds]\nlow_sample = -1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("low_sample"), "{e}");
        let e = Settings::parse("practice_name = 3\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("practice_name"), "{e}");
    }
}
