//! The optional TOML config file: practice name, header and label aliases, display names and
//! the outcome thresholds. Unknown keys and bad values are errors naming the file and the key.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};

/// The config as read from TOML; every field has the contract's default.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Shown on every page of every report.
    pub practice_name: String,
    pub columns: Columns,
    pub techniques: Labels,
    pub regions: Labels,
    pub thresholds: Thresholds,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            practice_name: "Practice report".to_string(),
            columns: Columns::default(),
            techniques: Labels::default(),
            regions: Labels::default(),
            thresholds: Thresholds::default(),
        }
    }
}

/// Header aliases: canonical column name → the header the export uses instead.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Columns {
    pub sessions: SessionColumns,
    pub feedback: FeedbackColumns,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SessionColumns {
    pub session_id: Option<String>,
    pub client_id: Option<String>,
    pub client_name: Option<String>,
    pub therapist: Option<String>,
    pub date: Option<String>,
    pub technique: Option<String>,
    pub body_region: Option<String>,
    pub duration_min: Option<String>,
    pub pain_before: Option<String>,
    pub pain_after: Option<String>,
    pub fee: Option<String>,
    pub location: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FeedbackColumns {
    pub session_id: Option<String>,
    pub submitted: Option<String>,
    pub soreness_hours: Option<String>,
    pub pain_followup: Option<String>,
    pub mobility: Option<String>,
    pub satisfaction: Option<String>,
    pub comment: Option<String>,
}

/// A file's header aliases: canonical column → the header the export uses.
pub trait ColumnAliases {
    fn alias(&self, column: &str) -> Option<&str>;
}

impl ColumnAliases for SessionColumns {
    fn alias(&self, column: &str) -> Option<&str> {
        let v = match column {
            "session_id" => &self.session_id,
            "client_id" => &self.client_id,
            "client_name" => &self.client_name,
            "therapist" => &self.therapist,
            "date" => &self.date,
            "technique" => &self.technique,
            "body_region" => &self.body_region,
            "duration_min" => &self.duration_min,
            "pain_before" => &self.pain_before,
            "pain_after" => &self.pain_after,
            "fee" => &self.fee,
            "location" => &self.location,
            _ => &None,
        };
        v.as_deref()
    }
}

impl ColumnAliases for FeedbackColumns {
    fn alias(&self, column: &str) -> Option<&str> {
        let v = match column {
            "session_id" => &self.session_id,
            "submitted" => &self.submitted,
            "soreness_hours" => &self.soreness_hours,
            "pain_followup" => &self.pain_followup,
            "mobility" => &self.mobility,
            "satisfaction" => &self.satisfaction,
            "comment" => &self.comment,
            _ => &None,
        };
        v.as_deref()
    }
}

/// Label aliases (raw label → canonical label) and display names (canonical label → text).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Labels {
    pub aliases: BTreeMap<String, String>,
    pub names: BTreeMap<String, String>,
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

impl Settings {
    /// Reads and checks a config file.
    pub fn load(path: &Path) -> Result<Settings> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Settings::parse(&text).map_err(|message| Error::Config {
            path: path.to_path_buf(),
            // toml quotes the offending line, which can be anything.
            message: crate::error::clip(&message, 3 * crate::error::ECHO_CHARS),
        })
    }

    /// Parses config text; the error message names the offending key.
    pub fn parse(text: &str) -> std::result::Result<Settings, String> {
        let settings: Settings =
            toml::from_str(text).map_err(|e| e.to_string().trim_end().replace('\n', " "))?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> std::result::Result<(), String> {
        let t = &self.thresholds;
        if !(t.responder.is_finite() && t.responder > 0.0 && t.responder <= 1.0) {
            return Err(format!(
                "key `thresholds.responder`: {} is not a share between 0 (excluded) and 1",
                t.responder
            ));
        }
        if !(t.soreness_hours.is_finite() && t.soreness_hours >= 0.0) {
            return Err(format!(
                "key `thresholds.soreness_hours`: {} is not a number of hours >= 0",
                t.soreness_hours
            ));
        }
        if t.low_sample == 0 {
            return Err("key `thresholds.low_sample`: must be at least 1".to_string());
        }
        if self.practice_name.trim().is_empty() {
            return Err("key `practice_name`: must not be empty".to_string());
        }
        for (section, labels) in [("techniques", &self.techniques), ("regions", &self.regions)] {
            for (from, to) in &labels.aliases {
                if crate::model::normalise_label(to).is_empty() {
                    return Err(format!(
                        "key `{section}.aliases.\"{from}\"`: the alias target is empty"
                    ));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            s.columns.sessions.alias("session_id"),
            Some("Appointment #")
        );
        assert_eq!(
            s.columns.feedback.alias("soreness_hours"),
            Some("Sore for (h)")
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
    fn unknown_key_is_named() {
        let e = Settings::parse("[thresholds]\nresponders = 0.3\n").unwrap_err();
        assert!(e.contains("responders"), "{e}");
        let e = Settings::parse("[columns.sessions]\nsession = \"x\"\n").unwrap_err();
        assert!(e.contains("session"), "{e}");
    }

    #[test]
    fn bad_values_are_named() {
        let e = Settings::parse("[thresholds]\nresponder = 1.5\n").unwrap_err();
        assert!(e.contains("thresholds.responder"), "{e}");
        let e = Settings::parse("[thresholds]\nlow_sample = -1\n").unwrap_err();
        assert!(e.contains("low_sample"), "{e}");
        let e = Settings::parse("practice_name = 3\n").unwrap_err();
        assert!(e.contains("practice_name"), "{e}");
    }
}
