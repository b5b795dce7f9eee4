//! The contract's columns, each defined once: its name (in the files, the config and the
//! frames), its file, its type, whether it is required, and the header synonyms `init` looks
//! for. Code names a column by its constant ([`session::THERAPIST`], [`feedback::SUBMITTED`]),
//! never by a string, so a misspelt column does not compile. Also the header matching:
//! normalised names, config aliases, extra and absent columns.

use polars::prelude::Expr;

use super::values::normalise_header;

/// A contract column: its name and its place in its file's table ([`SESSIONS`] or
/// [`FEEDBACK`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Col {
    pub name: &'static str,
    pub index: usize,
}

impl Col {
    /// The column in a polars expression.
    pub fn col(self) -> Expr {
        polars::prelude::col(self.name)
    }
}

/// What a column's values are (SPEC "Inputs").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Date,
    /// A label (normalised, aliased).
    Label,
    /// `;`-separated labels.
    Labels,
    Integer,
    Number,
}

/// One column of the contract.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub required: bool,
    pub kind: Kind,
    /// Headers real exports use for it, as `detect::key`s (letters and digits, lower case).
    pub synonyms: &'static [&'static str],
}

const fn spec(
    col: Col,
    required: bool,
    kind: Kind,
    synonyms: &'static [&'static str],
) -> ColumnSpec {
    ColumnSpec {
        name: col.name,
        required,
        kind,
        synonyms,
    }
}

/// The sessions file's columns.
pub mod session {
    use super::Col;

    pub const SESSION_ID: Col = Col {
        name: "session_id",
        index: 0,
    };
    pub const CLIENT_ID: Col = Col {
        name: "client_id",
        index: 1,
    };
    pub const CLIENT_NAME: Col = Col {
        name: "client_name",
        index: 2,
    };
    pub const THERAPIST: Col = Col {
        name: "therapist",
        index: 3,
    };
    pub const DATE: Col = Col {
        name: "date",
        index: 4,
    };
    pub const TECHNIQUE: Col = Col {
        name: "technique",
        index: 5,
    };
    pub const BODY_REGION: Col = Col {
        name: "body_region",
        index: 6,
    };
    pub const DURATION_MIN: Col = Col {
        name: "duration_min",
        index: 7,
    };
    pub const PAIN_BEFORE: Col = Col {
        name: "pain_before",
        index: 8,
    };
    pub const PAIN_AFTER: Col = Col {
        name: "pain_after",
        index: 9,
    };
    pub const FEE: Col = Col {
        name: "fee",
        index: 10,
    };
    pub const LOCATION: Col = Col {
        name: "location",
        index: 11,
    };
}

/// The feedback file's columns.
pub mod feedback {
    use super::Col;

    pub const SESSION_ID: Col = Col {
        name: "session_id",
        index: 0,
    };
    pub const SUBMITTED: Col = Col {
        name: "submitted",
        index: 1,
    };
    pub const SORENESS_HOURS: Col = Col {
        name: "soreness_hours",
        index: 2,
    };
    pub const PAIN_FOLLOWUP: Col = Col {
        name: "pain_followup",
        index: 3,
    };
    pub const MOBILITY: Col = Col {
        name: "mobility",
        index: 4,
    };
    pub const SATISFACTION: Col = Col {
        name: "satisfaction",
        index: 5,
    };
    pub const COMMENT: Col = Col {
        name: "comment",
        index: 6,
    };
}

/// The session ids' synonyms, shared by both files.
const SESSION_ID_SYNONYMS: &[&str] = &[
    "sessionid",
    "session",
    "sessionno",
    "appointmentid",
    "appointment",
    "appointmentno",
    "appointmentnumber",
    "bookingid",
    "booking",
    "bookingno",
    "bookingnumber",
    "bookingref",
    "visitid",
    "treatmentid",
];

/// sessions.csv, in the contract's order: entry `i` is the column whose `index` is `i`.
pub const SESSIONS: &[ColumnSpec] = &[
    spec(session::SESSION_ID, true, Kind::Text, SESSION_ID_SYNONYMS),
    spec(
        session::CLIENT_ID,
        true,
        Kind::Text,
        &[
            "clientid",
            "client",
            "clientno",
            "clientnumber",
            "patientid",
            "patient",
            "patientno",
            "patientnumber",
            "customerid",
            "customerno",
            "customernumber",
        ],
    ),
    spec(
        session::CLIENT_NAME,
        false,
        Kind::Text,
        &[
            "clientname",
            "name",
            "patientname",
            "customername",
            "fullname",
            "clientfullname",
        ],
    ),
    spec(
        session::THERAPIST,
        true,
        Kind::Text,
        &[
            "therapist",
            "practitioner",
            "staff",
            "staffmember",
            "provider",
            "clinician",
            "therapistname",
            "practitionername",
            "staffname",
            "providername",
        ],
    ),
    spec(
        session::DATE,
        true,
        Kind::Date,
        &[
            "date",
            "sessiondate",
            "appointmentdate",
            "visitdate",
            "treatmentdate",
            "bookingdate",
            "servicedate",
            "dateofservice",
        ],
    ),
    spec(
        session::TECHNIQUE,
        true,
        Kind::Label,
        &[
            "technique",
            "service",
            "servicename",
            "treatment",
            "treatmenttype",
            "modality",
            "method",
        ],
    ),
    spec(
        session::BODY_REGION,
        true,
        Kind::Labels,
        &[
            "bodyregion",
            "bodyregions",
            "bodypart",
            "bodyparts",
            "area",
            "areatreated",
            "areastreated",
            "region",
            "regions",
            "bodyarea",
            "treatmentarea",
        ],
    ),
    spec(
        session::DURATION_MIN,
        true,
        Kind::Integer,
        &[
            "durationmin",
            "duration",
            "durationmins",
            "durationminutes",
            "length",
            "lengthmin",
            "lengthmins",
            "minutes",
            "mins",
        ],
    ),
    spec(
        session::PAIN_BEFORE,
        false,
        Kind::Number,
        &[
            "painbefore",
            "prepain",
            "pretreatmentpain",
            "painpre",
            "vaspre",
            "vasbefore",
            "initialpain",
            "painstart",
        ],
    ),
    spec(
        session::PAIN_AFTER,
        false,
        Kind::Number,
        &[
            "painafter",
            "postpain",
            "posttreatmentpain",
            "painpost",
            "vaspost",
            "vasafter",
            "painend",
        ],
    ),
    spec(
        session::FEE,
        false,
        Kind::Number,
        &[
            "fee", "price", "amount", "total", "charge", "cost", "paid", "feepaid",
        ],
    ),
    spec(
        session::LOCATION,
        false,
        Kind::Text,
        &["location", "clinic", "site", "branch", "studio", "store"],
    ),
];

/// feedback.csv, in the contract's order.
pub const FEEDBACK: &[ColumnSpec] = &[
    spec(feedback::SESSION_ID, true, Kind::Text, SESSION_ID_SYNONYMS),
    spec(
        feedback::SUBMITTED,
        true,
        Kind::Date,
        &[
            "submitted",
            "submittedat",
            "submittedon",
            "responsedate",
            "completed",
            "completedat",
            "timestamp",
            "surveydate",
            "received",
            "date",
        ],
    ),
    spec(
        feedback::SORENESS_HOURS,
        false,
        Kind::Number,
        &[
            "sorenesshours",
            "soreness",
            "sorehours",
            "sorenessduration",
            "sorenessh",
            "soreforh",
            "sorenesshrs",
        ],
    ),
    spec(
        feedback::PAIN_FOLLOWUP,
        false,
        Kind::Number,
        &[
            "painfollowup",
            "followuppain",
            "painnow",
            "currentpain",
            "painlater",
            "painatfollowup",
        ],
    ),
    spec(
        feedback::MOBILITY,
        false,
        Kind::Integer,
        &["mobility", "movement", "rangeofmotion", "mobilityscore"],
    ),
    spec(
        feedback::SATISFACTION,
        false,
        Kind::Integer,
        &[
            "satisfaction",
            "rating",
            "score",
            "stars",
            "satisfactionscore",
        ],
    ),
    spec(
        feedback::COMMENT,
        false,
        Kind::Text,
        &[
            "comment", "comments", "notes", "remarks", "feedback", "note",
        ],
    ),
];

/// How a file's header maps onto the contract.
#[derive(Debug, PartialEq)]
pub struct Mapping {
    /// For each field position: the contract column it holds, if any.
    pub by_position: Vec<Option<usize>>,
    /// For each contract column: whether the file has it.
    pub present: Vec<bool>,
    /// Headers the contract does not use, as written.
    pub extra: Vec<String>,
    /// Optional contract columns the file lacks.
    pub absent: Vec<String>,
}

#[derive(Debug, PartialEq)]
pub enum HeaderError {
    Missing(String),
    Duplicate(String),
    /// The config names, for `column`, a header the file does not have.
    AliasAbsent {
        column: String,
        header: String,
    },
    /// The config names one header for two columns.
    AliasTwice {
        header: String,
        first: String,
        second: String,
    },
}

/// Matches a header against the contract, compared after normalisation: first every column
/// the config names a header for (that header must exist, and serve one column only: what the
/// config says is meant), then the others by their own names among the headers left.
/// `aliases[c]` is the config's header for `specs[c]`, if any.
pub fn resolve(
    headers: &[String],
    specs: &[ColumnSpec],
    aliases: &[Option<String>],
) -> Result<Mapping, HeaderError> {
    let normalised: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();
    let find = |wanted: &str| -> Result<Option<usize>, HeaderError> {
        let mut hits = normalised
            .iter()
            .enumerate()
            .filter(|(_, h)| h.as_str() == wanted);
        let first = hits.next().map(|(i, _)| i);
        if first.is_some() && hits.next().is_some() {
            return Err(HeaderError::Duplicate(wanted.to_string()));
        }
        Ok(first)
    };
    let mut by_position: Vec<Option<usize>> = vec![None; headers.len()];
    let mut present = vec![false; specs.len()];
    for (c, spec) in specs.iter().enumerate() {
        let Some(alias) = aliases.get(c).and_then(Option::as_deref) else {
            continue;
        };
        let Some(p) = find(&normalise_header(alias))? else {
            return Err(HeaderError::AliasAbsent {
                column: spec.name.to_string(),
                header: alias.to_string(),
            });
        };
        if let Some(other) = by_position[p] {
            return Err(HeaderError::AliasTwice {
                header: alias.to_string(),
                first: specs[other].name.to_string(),
                second: spec.name.to_string(),
            });
        }
        by_position[p] = Some(c);
        present[c] = true;
    }
    let mut absent = Vec::new();
    for (c, spec) in specs.iter().enumerate() {
        if present[c] {
            continue;
        }
        match find(spec.name)? {
            Some(p) if by_position[p].is_none() => {
                by_position[p] = Some(c);
                present[c] = true;
            }
            _ if spec.required => return Err(HeaderError::Missing(spec.name.to_string())),
            _ => absent.push(spec.name.to_string()),
        }
    }
    // In the contract's order, as before.
    absent.sort_by_key(|name| specs.iter().position(|s| s.name == name));
    let extra = headers
        .iter()
        .zip(&by_position)
        .filter(|(_, c)| c.is_none())
        .map(|(h, _)| h.clone())
        .collect();
    Ok(Mapping {
        by_position,
        present,
        extra,
        absent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_constant_is_its_tables_entry() {
        use feedback as f;
        use session as s;
        let sessions = [
            s::SESSION_ID,
            s::CLIENT_ID,
            s::CLIENT_NAME,
            s::THERAPIST,
            s::DATE,
            s::TECHNIQUE,
            s::BODY_REGION,
            s::DURATION_MIN,
            s::PAIN_BEFORE,
            s::PAIN_AFTER,
            s::FEE,
            s::LOCATION,
        ];
        let feedback = [
            f::SESSION_ID,
            f::SUBMITTED,
            f::SORENESS_HOURS,
            f::PAIN_FOLLOWUP,
            f::MOBILITY,
            f::SATISFACTION,
            f::COMMENT,
        ];
        for (table, cols) in [(SESSIONS, &sessions[..]), (FEEDBACK, &feedback[..])] {
            assert_eq!(table.len(), cols.len());
            for (i, c) in cols.iter().enumerate() {
                assert_eq!((c.index, c.name), (i, table[i].name));
            }
        }
    }

    fn h(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn normalised_names_match_in_any_order() {
        let m = resolve(
            &h(&["Submitted", "Session ID", "Room", "soreness-hours"]),
            FEEDBACK,
            &[],
        )
        .unwrap();
        assert_eq!(m.by_position, vec![Some(1), Some(0), None, Some(2)]);
        assert_eq!(m.extra, vec!["Room".to_string()]);
        assert_eq!(
            m.absent,
            vec!["pain_followup", "mobility", "satisfaction", "comment"]
        );
    }

    #[test]
    fn alias_wins_over_the_plain_name() {
        let m = resolve(
            &h(&["Appointment #", "submitted"]),
            FEEDBACK,
            &[Some("appointment #".into())],
        )
        .unwrap();
        assert_eq!(m.by_position, vec![Some(0), Some(1)]);
        assert!(m.extra.is_empty());
    }

    #[test]
    fn missing_and_duplicate_columns() {
        assert_eq!(
            resolve(&h(&["session_id"]), FEEDBACK, &[]),
            Err(HeaderError::Missing("submitted".into()))
        );
        assert_eq!(
            resolve(&h(&["session_id", "Submitted", "submitted"]), FEEDBACK, &[]),
            Err(HeaderError::Duplicate("submitted".into()))
        );
    }
}
