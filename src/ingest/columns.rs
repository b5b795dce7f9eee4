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
    /// A time of day, alone or after a date.
    Time,
}

/// One column of the contract.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub required: bool,
    pub kind: Kind,
    /// Headers real exports use for it, as `detect::key`s (letters and digits, lower case).
    pub synonyms: &'static [&'static str],
    /// A column of the contract's own files (SPEC "Inputs"); the others (status, start, end,
    /// a survey's client) only read exports as they come, and are never reported absent.
    pub contract: bool,
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
        contract: true,
    }
}

/// An optional column of exports as they come (SPEC "Exports as they come").
const fn shape_spec(col: Col, kind: Kind, synonyms: &'static [&'static str]) -> ColumnSpec {
    ColumnSpec {
        name: col.name,
        required: false,
        kind,
        synonyms,
        contract: false,
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
    /// A booking's state: some values are bookings that were not treatments.
    pub const STATUS: Col = Col {
        name: "status",
        index: 12,
    };
    /// When the session started and ended: `duration_min` when it is not mapped.
    pub const START: Col = Col {
        name: "start",
        index: 13,
    };
    pub const END: Col = Col {
        name: "end",
        index: 14,
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
    /// A survey's client (an e-mail, usually): links the answer to the client's session.
    pub const CLIENT_ID: Col = Col {
        name: "client_id",
        index: 7,
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
    shape_spec(
        session::STATUS,
        Kind::Label,
        &[
            "status",
            "state",
            "appointmentstatus",
            "bookingstatus",
            "attendance",
            "label",
        ],
    ),
    shape_spec(
        session::START,
        Kind::Time,
        &[
            "start",
            "starttime",
            "starts",
            "from",
            "begin",
            "appointmentstart",
        ],
    ),
    shape_spec(
        session::END,
        Kind::Time,
        &[
            "end",
            "endtime",
            "ends",
            "until",
            "finish",
            "appointmentend",
        ],
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
    shape_spec(
        feedback::CLIENT_ID,
        Kind::Text,
        &[
            "clientid",
            "client",
            "patientid",
            "customerid",
            "email",
            "emailaddress",
            "customeremail",
            "clientemail",
        ],
    ),
];

/// Where a contract column's values come from in a file's records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The file does not have it (an optional column).
    Absent,
    /// Not in this export on purpose (the config maps it to `""`).
    Unmapped,
    /// One field.
    Field(usize),
    /// Several fields, their non-empty values joined with a space.
    Joined(Vec<usize>),
}

impl Source {
    /// The fields it reads.
    pub fn positions(&self) -> &[usize] {
        match self {
            Source::Field(p) => std::slice::from_ref(p),
            Source::Joined(ps) => ps,
            _ => &[],
        }
    }
}

/// How a file's header maps onto the contract.
#[derive(Debug, PartialEq)]
pub struct Mapping {
    /// For each contract column: where its values are.
    pub sources: Vec<Source>,
    /// Headers the contract does not use, as written.
    pub extra: Vec<String>,
    /// Optional contract columns the file lacks.
    pub absent: Vec<String>,
}

impl Mapping {
    /// For each contract column: whether the file has it.
    pub fn present(&self) -> Vec<bool> {
        self.sources
            .iter()
            .map(|s| matches!(s, Source::Field(_) | Source::Joined(_)))
            .collect()
    }

    /// When every column is at most one field and every field feeds at most one column (the
    /// contract's own shape): field position → column.
    pub fn by_position(&self, width: usize) -> Option<Vec<Option<usize>>> {
        let mut by_position = vec![None; width];
        for (c, s) in self.sources.iter().enumerate() {
            match s {
                Source::Absent => {}
                Source::Field(p) if by_position[*p].is_none() => by_position[*p] = Some(c),
                _ => return None,
            }
        }
        Some(by_position)
    }
}

#[derive(Debug, PartialEq)]
pub enum HeaderError {
    Duplicate(String),
    /// The config names, for `column`, a header the file does not have.
    AliasAbsent {
        column: String,
        header: String,
    },
}

/// What the config says of one column: the headers it names (`Some(vec![])`: `""`, not in
/// this export on purpose).
pub type Named = Option<Vec<String>>;

/// Matches a header against the contract, compared after normalisation: first every column
/// the config names headers for (each must exist; one header may feed several columns, as
/// `date` and `start` from `Start Time`), then the others by their own names among the
/// headers left. `named[c]` is what the config says of `specs[c]`. Whether the required
/// columns are all there is the caller's to say ([`missing_required`]): what stands in for a
/// column depends on the file.
pub fn resolve(
    headers: &[String],
    specs: &[ColumnSpec],
    named: &[Named],
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
    let mut used = vec![false; headers.len()];
    let mut sources = vec![Source::Absent; specs.len()];
    for (c, spec) in specs.iter().enumerate() {
        let Some(names) = named.get(c).and_then(Option::as_ref) else {
            continue;
        };
        let mut positions = Vec::with_capacity(names.len());
        for alias in names {
            let Some(p) = find(&normalise_header(alias))? else {
                return Err(HeaderError::AliasAbsent {
                    column: spec.name.to_string(),
                    header: alias.to_string(),
                });
            };
            used[p] = true;
            positions.push(p);
        }
        sources[c] = match positions.len() {
            0 => Source::Unmapped,
            1 => Source::Field(positions[0]),
            _ => Source::Joined(positions),
        };
    }
    let named_any = |c: usize| named.get(c).is_some_and(Option::is_some);
    for (c, spec) in specs.iter().enumerate() {
        if named_any(c) {
            continue;
        }
        if let Some(p) = find(spec.name)? {
            if !used[p] {
                used[p] = true;
                sources[c] = Source::Field(p);
            }
        }
    }
    let absent = specs
        .iter()
        .zip(&sources)
        .filter(|(spec, s)| spec.contract && !spec.required && **s == Source::Absent)
        .map(|(spec, _)| spec.name.to_string())
        .collect();
    let extra = headers
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(h, _)| h.clone())
        .collect();
    Ok(Mapping {
        sources,
        extra,
        absent,
    })
}

/// The first required column (by `required`) the mapping has no source for.
pub fn missing_required(
    mapping: &Mapping,
    specs: &[ColumnSpec],
    required: &[bool],
) -> Option<String> {
    specs
        .iter()
        .zip(&mapping.sources)
        .zip(required)
        .find(|((_, s), &r)| r && **s == Source::Absent)
        .map(|((spec, _), _)| spec.name.to_string())
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
            s::STATUS,
            s::START,
            s::END,
        ];
        let feedback = [
            f::SESSION_ID,
            f::SUBMITTED,
            f::SORENESS_HOURS,
            f::PAIN_FOLLOWUP,
            f::MOBILITY,
            f::SATISFACTION,
            f::COMMENT,
            f::CLIENT_ID,
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

    fn fields(m: &Mapping) -> Vec<Option<usize>> {
        m.sources
            .iter()
            .map(|s| match s {
                Source::Field(p) => Some(*p),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn normalised_names_match_in_any_order() {
        let m = resolve(
            &h(&["Submitted", "Session ID", "Room", "soreness-hours"]),
            FEEDBACK,
            &[],
        )
        .unwrap();
        assert_eq!(
            fields(&m),
            vec![Some(1), Some(0), Some(3), None, None, None, None, None]
        );
        assert_eq!(
            m.by_position(4),
            Some(vec![Some(1), Some(0), None, Some(2)])
        );
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
            &[Some(vec!["appointment #".into()])],
        )
        .unwrap();
        assert_eq!(fields(&m)[..2], [Some(0), Some(1)]);
        assert!(m.extra.is_empty());
    }

    #[test]
    fn joined_shared_and_unmapped_columns() {
        let headers = h(&["First Name", "Last Name", "Start Time", "date"]);
        let mut named: Vec<Named> = vec![None; SESSIONS.len()];
        named[session::SESSION_ID.index] = Some(vec![]);
        named[session::CLIENT_NAME.index] = Some(vec!["first name".into(), "Last Name".into()]);
        named[session::DATE.index] = Some(vec!["Start Time".into()]);
        named[session::START.index] = Some(vec!["Start Time".into()]);
        let m = resolve(&headers, SESSIONS, &named).unwrap();
        assert_eq!(m.sources[session::SESSION_ID.index], Source::Unmapped);
        assert_eq!(
            m.sources[session::CLIENT_NAME.index],
            Source::Joined(vec![0, 1])
        );
        assert_eq!(m.sources[session::DATE.index], Source::Field(2));
        assert_eq!(m.sources[session::START.index], Source::Field(2));
        // The plain `date` header is left over: the config named another for the column.
        assert_eq!(m.extra, vec!["date".to_string()]);
        assert_eq!(m.by_position(4), None);
        let required: Vec<bool> = SESSIONS.iter().map(|c| c.required).collect();
        assert_eq!(
            missing_required(&m, SESSIONS, &required).as_deref(),
            Some("client_id")
        );
    }

    #[test]
    fn missing_and_duplicate_columns() {
        let required: Vec<bool> = FEEDBACK.iter().map(|c| c.required).collect();
        let m = resolve(&h(&["session_id"]), FEEDBACK, &[]).unwrap();
        assert_eq!(
            missing_required(&m, FEEDBACK, &required).as_deref(),
            Some("submitted")
        );
        assert_eq!(
            resolve(&h(&["session_id", "Submitted", "submitted"]), FEEDBACK, &[]),
            Err(HeaderError::Duplicate("submitted".into()))
        );
    }
}
