//! The command line (clap derive) and its translation into a checked [`Config`].

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::config::Settings;
use crate::error::{echo, Error, Result};
use crate::ingest::values::DateFormat;
use crate::ingest::values::Forms;
use crate::ingest::{FileRead, Options};

/// Monthly, technique and client-progress reports for massage and trigger-point therapy
/// practices, from the practice's CSV exports, offline.
#[derive(Debug, Parser)]
#[command(name = "practice-report", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The monthly batch: every report for one month (default: the latest month with sessions).
    Run(RunArgs),
    /// The monthly report: monthly-YYYY-MM.pdf and .json (default: the latest month).
    Monthly(MonthArgs),
    /// The practice over time: trends-YYYY-MM.pdf and .json for the 12 months ending with the
    /// month (default: the latest month with sessions).
    Trends(MonthArgs),
    /// The technique comparison: techniques-FROM_TO.pdf and .csv (default: the 12 months
    /// ending with the latest month that has sessions).
    Techniques(PeriodArgs),
    /// Staff reviews: therapists/NAME.pdf per therapist and therapists-FROM_TO.csv (default:
    /// the 12 months ending with the latest month that has sessions).
    Therapists(PeriodArgs),
    /// Client progress summaries: clients/ID.pdf per client and clients-FROM_TO.csv (default:
    /// every client with a session in the latest month that has sessions).
    Clients(ClientArgs),
    /// Check both exports against the contract; write only rejects.csv and print the counts.
    Validate(InputArgs),
    /// Write a synthetic, seeded data set (sessions.csv and feedback.csv) of any size.
    Sample(SampleArgs),
    /// Print a shell completion script to stdout (e.g. `practice-report completions bash`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout.
    Man,
    /// Propose a config for your own exports: reads their headers and first rows, finds the
    /// delimiter, the date format and which header is which column, and writes
    /// practice-report.toml.
    Init(InitArgs),
}

#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// Your sessions export.
    #[arg(long, value_name = "PATH")]
    pub sessions: PathBuf,
    /// Your feedback export.
    #[arg(long, value_name = "PATH")]
    pub feedback: PathBuf,
    /// Where to write the config.
    #[arg(long, value_name = "PATH", default_value = DEFAULT_CONFIG)]
    pub config: PathBuf,
    /// Overwrite the config if it exists.
    #[arg(long)]
    pub force: bool,
}

/// The inputs and output shared by every reporting command.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// The sessions export [default: `input.sessions` of the config, else
    /// sample_data/sessions.csv].
    #[arg(long, value_name = "PATH")]
    pub sessions: Option<PathBuf>,
    /// The feedback export [default: `input.feedback` of the config, else
    /// sample_data/feedback.csv].
    #[arg(long, value_name = "PATH")]
    pub feedback: Option<PathBuf>,
    /// Where reports and rejects.csv are written.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
    /// The TOML config [default: practice-report.toml when it exists].
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Field delimiter of both files: one character, or `tab` [default: ,].
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// Date format of both files (chrono strftime, e.g. %d/%m/%Y) [default: YYYY-MM-DD].
    #[arg(long, value_name = "FMT")]
    pub date_format: Option<String>,
    /// A font to try first for any character (e.g. a CJK font for Hangul names).
    #[arg(long, value_name = "PATH")]
    pub font: Option<PathBuf>,
    /// Set text in the embedded DejaVu and --font only, never in a font of this machine:
    /// the same PDFs on every machine (characters they lack show as boxes, with a warning).
    #[arg(long)]
    pub no_system_fonts: bool,
    /// Report on one location of a chain only (trimmed, any case); validation and
    /// rejects.csv still cover the whole files.
    #[arg(long, value_name = "NAME")]
    pub location: Option<String>,
    /// Exit with code 3 when any row was rejected.
    #[arg(long)]
    pub strict: bool,
    /// Print nothing but errors; no progress bar.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say more (repeat for more still).
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// Which month a report is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthChoice {
    /// The latest month that has sessions (the default).
    Latest,
    /// The last complete calendar month as of today (or of `SOURCE_DATE_EPOCH`): what a
    /// scheduled run on the first of the month wants.
    Previous,
    /// That month (its first day).
    Month(chrono::NaiveDate),
}

/// A reporting command for one calendar month.
#[derive(Debug, Clone, Args)]
pub struct MonthArgs {
    /// The month to report on: YYYY-MM, `latest` (the latest month that has sessions) or
    /// `previous` (the last complete calendar month as of today) [default: latest].
    #[arg(long, value_name = "YYYY-MM|latest|previous", value_parser = parse_month)]
    pub month: Option<MonthChoice>,
    /// Also a copy with small counts hidden, into OUT/shareable/ (for reports that leave
    /// the clinic).
    #[arg(long)]
    pub shareable: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

/// The monthly batch.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// The month to report on: YYYY-MM, `latest` (the latest month that has sessions) or
    /// `previous` (the last complete calendar month as of today) [default: latest].
    #[arg(long, value_name = "YYYY-MM|latest|previous", value_parser = parse_month)]
    pub month: Option<MonthChoice>,
    /// Also each location's monthly, trends and techniques reports, into
    /// OUT/locations/<name>/.
    #[arg(long, conflicts_with = "location")]
    pub each_location: bool,
    /// Also copies of the aggregate reports with small counts hidden, into OUT/shareable/
    /// (for reports that leave the clinic; never the client summaries).
    #[arg(long)]
    pub shareable: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

/// A reporting command for a span of days.
#[derive(Debug, Clone, Args)]
pub struct PeriodArgs {
    /// First day, YYYY-MM-DD [default: 11 months before the month of --to, day 1].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub from: Option<chrono::NaiveDate>,
    /// Last day, YYYY-MM-DD [default: the last day of the latest month that has sessions].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub to: Option<chrono::NaiveDate>,
    /// Also a copy with small counts hidden, into OUT/shareable/ (for reports that leave
    /// the clinic).
    #[arg(long)]
    pub shareable: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

/// The clients command: a span of days and, optionally, the clients to summarise.
#[derive(Debug, Clone, Args)]
pub struct ClientArgs {
    /// First day, YYYY-MM-DD [default: the first day of the month of --to].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub from: Option<chrono::NaiveDate>,
    /// Last day, YYYY-MM-DD [default: the last day of the latest month that has sessions].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub to: Option<chrono::NaiveDate>,
    /// Only this client (repeat for more); their history up to --to is summarised.
    #[arg(long = "client", value_name = "ID")]
    pub clients: Vec<String>,
    #[command(flatten)]
    pub input: InputArgs,
}

fn parse_day(s: &str) -> std::result::Result<chrono::NaiveDate, String> {
    let d = chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{:?} is not a date written YYYY-MM-DD", echo(s)))?;
    in_reporting_range(d)
}

/// `latest`, `previous`, or `YYYY-MM` (→ the first day of that month).
fn parse_month(s: &str) -> std::result::Result<MonthChoice, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "latest" => return Ok(MonthChoice::Latest),
        "previous" => return Ok(MonthChoice::Previous),
        _ => {}
    }
    let d = chrono::NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d")
        .ok()
        .filter(|_| s.trim().len() == 7)
        .ok_or_else(|| {
            format!(
                "{:?} is not a month written YYYY-MM, nor `latest` or `previous`",
                echo(s)
            )
        })?;
    in_reporting_range(d).map(MonthChoice::Month)
}

/// The years the input dates may have (SPEC "Values"): a report outside them has no data.
fn in_reporting_range(d: chrono::NaiveDate) -> std::result::Result<chrono::NaiveDate, String> {
    if crate::ingest::values::in_date_range(d) {
        Ok(d)
    } else {
        Err(format!(
            "{d} is outside the years {} to {}",
            crate::ingest::values::FIRST_YEAR,
            crate::ingest::values::LAST_YEAR
        ))
    }
}

#[derive(Debug, Clone, Args)]
pub struct SampleArgs {
    /// How many sessions to write.
    #[arg(long, value_name = "N", default_value_t = 2000)]
    pub sessions: u64,
    /// Seed of the generator: the same seed writes the same bytes.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// A chain of K sites: a `location` column, clients mostly loyal to one site [default:
    /// none, no column].
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub locations: usize,
    /// Directory for sessions.csv and feedback.csv.
    #[arg(long, value_name = "DIR", default_value = "sample_data")]
    pub out: PathBuf,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
}

/// How much the tool says on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// Everything a reporting command needs, checked.
#[derive(Debug, Clone)]
pub struct Config {
    pub sessions: PathBuf,
    pub feedback: PathBuf,
    pub out: PathBuf,
    /// The config file that was read, if any.
    pub config_path: Option<PathBuf>,
    pub ingest: Options,
    /// `--font`: tried before the system fonts for characters DejaVu lacks.
    pub font: Option<PathBuf>,
    /// Whether the machine's fonts may set what DejaVu and `--font` lack.
    pub system_fonts: bool,
    /// `--location`: the one location to report on.
    pub location: Option<String>,
    pub strict: bool,
    pub verbosity: Verbosity,
    /// `--shareable`: the `[privacy] min_cell` the shareable copies hide counts below.
    pub shareable: Option<u64>,
}

impl Config {
    /// With `--shareable`: the aggregate reports also go, suppressed, under `shareable/`.
    pub fn sharing(mut self, shareable: bool) -> Config {
        self.shareable = shareable.then_some(self.ingest.settings.privacy.min_cell);
        self
    }
}

/// The config file read when `--config` is not given (if it exists).
pub const DEFAULT_CONFIG: &str = "practice-report.toml";

impl InputArgs {
    /// Checks the arguments and reads the config file.
    pub fn into_config(self) -> Result<Config> {
        let config_path = match self.config {
            Some(p) => Some(p),
            None => Some(PathBuf::from(DEFAULT_CONFIG)).filter(|p| p.is_file()),
        };
        let settings = match &config_path {
            Some(p) => Settings::load(p)?,
            None => Settings::default(),
        };
        // A flag wins over the config's [input] tables; a bad value in either is named so.
        let file_read = |own: &crate::config::FileInput, section: &str| -> Result<FileRead> {
            let input = own.or(&settings.input.both);
            // Which table a key was read from, for messages.
            let key = |k: &str, own_set: bool| {
                if own_set {
                    format!("config key `input.{section}.{k}`")
                } else {
                    format!("config key `input.{k}`")
                }
            };
            let delimiter = match (&self.delimiter, &input.delimiter) {
                (Some(d), _) => parse_delimiter(d, "--delimiter")?,
                (None, Some(d)) => parse_delimiter(d, &key("delimiter", own.delimiter.is_some()))?,
                (None, None) => b',',
            };
            let date = match (&self.date_format, &input.date_format) {
                (Some(f), _) => {
                    check_date_format(f, "--date-format")?;
                    DateFormat::Custom(f.clone())
                }
                (None, Some(f)) => {
                    check_date_format(f, &key("date_format", own.date_format.is_some()))?;
                    DateFormat::Custom(f.clone())
                }
                (None, None) => DateFormat::Iso,
            };
            Ok(FileRead {
                delimiter,
                encoding: input
                    .encoding
                    .as_deref()
                    .and_then(|e| encoding_rs::Encoding::for_label(e.trim().as_bytes())),
                header_row: input.header_row,
                sheet: input.sheet.clone(),
                forms: Forms {
                    date,
                    decimal_comma: input.decimal.as_deref() == Some(","),
                    money: input.money.unwrap_or(false),
                    clock: input.duration.as_deref() == Some("clock"),
                    list_separator: input
                        .list_separator
                        .as_deref()
                        .and_then(|l| l.chars().next())
                        .unwrap_or(';'),
                },
            })
        };
        let sessions_read = file_read(&settings.input.sessions, "sessions")?;
        let feedback_read = file_read(&settings.input.feedback, "feedback")?;
        if let Some(font) = &self.font {
            crate::report::pdf::check_font(font)?;
        }
        let verbosity = if self.quiet {
            Verbosity::Quiet
        } else if self.verbose > 0 {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        };
        let sessions = self
            .sessions
            .or_else(|| settings.input.sessions.path.clone())
            .unwrap_or_else(|| PathBuf::from("sample_data/sessions.csv"));
        let feedback = self
            .feedback
            .or_else(|| settings.input.feedback.path.clone())
            .unwrap_or_else(|| PathBuf::from("sample_data/feedback.csv"));
        Ok(Config {
            sessions,
            feedback,
            out: self.out,
            config_path,
            ingest: Options {
                sessions: sessions_read,
                feedback: feedback_read,
                settings,
                ..Options::default()
            },
            font: self.font,
            system_fonts: !self.no_system_fonts,
            location: self.location,
            strict: self.strict,
            verbosity,
            shareable: None,
        })
    }
}

/// A delimiter as written on the command line or in the config (`source` names which).
pub(crate) fn parse_delimiter(d: &str, source: &str) -> Result<u8> {
    match d {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if d.len() == 1 && d != "\"" && d != "\n" && d != "\r" => Ok(d.as_bytes()[0]),
        _ => Err(Error::BadDelimiter {
            given_in: source.to_string(),
            value: echo(d),
        }),
    }
}

fn check_date_format(f: &str, source: &str) -> Result<()> {
    use chrono::format::{Fixed, Item, Numeric, StrftimeItems};
    if f.trim().is_empty() || StrftimeItems::new(f).any(|i| matches!(i, Item::Error)) {
        return Err(Error::BadDateFormat {
            given_in: source.to_string(),
            format: echo(f),
            why: "is not a valid strftime format",
        });
    }
    // A date needs its year and its day in the year: a day of a month, or a day number.
    let (mut year, mut month, mut day, mut ordinal) = (false, false, false, false);
    for item in StrftimeItems::new(f) {
        match item {
            Item::Numeric(Numeric::Year | Numeric::YearMod100 | Numeric::IsoYear, _) => year = true,
            Item::Numeric(Numeric::Month, _)
            | Item::Fixed(Fixed::ShortMonthName | Fixed::LongMonthName) => month = true,
            Item::Numeric(Numeric::Day, _) => day = true,
            Item::Numeric(Numeric::Ordinal, _) => ordinal = true,
            _ => {}
        }
    }
    if !(year && (ordinal || (month && day))) {
        return Err(Error::BadDateFormat {
            given_in: source.to_string(),
            format: echo(f),
            why: "does not name a day, a month and a year (e.g. %d/%m/%Y)",
        });
    }
    Ok(())
}

impl Config {
    /// The path of a file written under `--out`.
    pub fn out_path(&self, name: impl AsRef<Path>) -> PathBuf {
        self.out.join(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        let d = |s| parse_delimiter(s, "--delimiter");
        assert_eq!(d(";").unwrap(), b';');
        assert_eq!(d("tab").unwrap(), b'\t');
        assert_eq!(d("\t").unwrap(), b'\t');
        assert!(d(";;").is_err());
        assert!(d("\"").is_err());
        assert!(d("é").is_err());
    }

    #[test]
    fn months() {
        assert_eq!(
            parse_month("2026-03"),
            Ok(MonthChoice::Month(
                chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
            ))
        );
        assert_eq!(parse_month(" Previous"), Ok(MonthChoice::Previous));
        assert_eq!(parse_month("latest"), Ok(MonthChoice::Latest));
        assert!(parse_month("last").is_err());
        assert!(parse_month("2026-3").is_err());
        assert!(parse_month("2026-13").is_err());
        assert!(parse_month("March").is_err());
    }

    #[test]
    fn date_formats() {
        assert!(check_date_format("%d/%m/%Y", "--date-format").is_ok());
        assert!(check_date_format("%Q", "--date-format").is_err());
        assert!(check_date_format("", "--date-format").is_err());
        assert!(check_date_format("%H:%M", "--date-format").is_err());
        assert!(check_date_format("%d/%m", "--date-format").is_err());
        assert!(check_date_format("%F", "--date-format").is_ok());
        assert!(check_date_format("%b %e, %Y", "--date-format").is_ok());
        assert!(check_date_format("%Y-%j", "--date-format").is_ok());
    }
}
