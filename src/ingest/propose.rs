//! What `init` proposes for one export (SPEC "What `init` must get right"): which header
//! holds which column, judged by its name or words and by its values (a header is proposed
//! for a column only when its sampled values read as that column's type), and the file's
//! forms (date format, decimal comma, money, clock lengths, list separator, encoding, header
//! row). Each choice carries the values that made it, for the config's comments.

use std::collections::{BTreeMap, HashSet};

use super::columns::{feedback as f, session as s, Col, ColumnSpec, FEEDBACK, SESSIONS};
use super::detect::{self, key, words, DateGuess, NumberForm, Sample};
use super::values::DateFormat;
use crate::config::{ColumnProposal, FileProposal};
use crate::model::normalise_label;

/// One export's proposal, and what `init` prints beside it.
pub struct Proposed {
    pub file: FileProposal,
    /// For each column of the file's table: the headers chosen (as in `file.columns`).
    pub taken: Vec<bool>,
    /// A status column's values (normalised) with their counts, and whether each is
    /// proposed as not attended.
    pub statuses: Vec<(String, usize, bool)>,
    /// The survey is linked by client and date.
    pub linked: bool,
    pub date: Option<DateGuess>,
}

/// Whether a normalised status value is a booking that was not a treatment (SPEC).
pub fn not_attended(label: &str) -> bool {
    [
        "cancel", "no_show", "noshow", "did_not", "dna", "missed", "resched", "declin", "delet",
    ]
    .iter()
    .any(|k| label.contains(k))
}

/// The headers a booking was made under: never `date` while another date column exists.
const BOOKED: &[&str] = &[
    "datescheduled",
    "scheduledon",
    "scheduled",
    "bookedon",
    "datebooked",
    "bookingdate",
    "created",
    "createdat",
    "createdon",
    "datecreated",
];

/// A header that names an id (`Patient #`, `Client no.`, `Customer ID`).
fn id_like(header: &str) -> bool {
    header.contains('#')
        || words(header)
            .iter()
            .any(|w| matches!(w.as_str(), "id" | "no" | "nr" | "number" | "num" | "ref"))
}

struct Mapper<'a> {
    sample: &'a Sample,
    specs: &'static [ColumnSpec],
    keys: Vec<String>,
    words: Vec<Vec<String>>,
    used: Vec<bool>,
    found: Vec<Option<(Vec<usize>, String)>>,
    dates: Vec<DateGuess>,
}

impl<'a> Mapper<'a> {
    fn new(sample: &'a Sample, specs: &'static [ColumnSpec]) -> Mapper<'a> {
        let n = sample.headers.len();
        Mapper {
            sample,
            specs,
            keys: sample.headers.iter().map(|h| key(h)).collect(),
            words: sample.headers.iter().map(|h| words(h)).collect(),
            used: vec![false; n],
            found: vec![None; specs.len()],
            dates: (0..n)
                .map(|h| detect::detect_date_format(sample.values(h)))
                .collect(),
        }
    }

    /// A free header that says only who the client is (`Patient`, `Client #`, `Customer`):
    /// the id when the header names an id, else the name.
    fn person(&self, h: usize) -> bool {
        !self.used[h] && matches!(self.keys[h].as_str(), "patient" | "client" | "customer")
    }

    /// The free header that names a client by an id word (`Patient #`, `Client no.`).
    fn person_id(&self) -> Option<usize> {
        (0..self.keys.len()).find(|&h| self.person(h) && id_like(&self.sample.headers[h]))
    }

    fn values(&self, h: usize) -> Vec<&'a str> {
        self.sample.values(h)
    }

    fn has(&self, c: Col) -> bool {
        self.found[c.index].is_some()
    }

    fn header(&self, c: Col) -> Option<usize> {
        self.found[c.index]
            .as_ref()
            .and_then(|(h, _)| h.first().copied())
    }

    fn take(&mut self, c: Col, h: usize, why: String) {
        self.used[h] = true;
        self.found[c.index] = Some((vec![h], why));
    }

    /// The first free header whose key is one of `keys` (in the order of `keys`) and whose
    /// values pass `check`.
    fn by_keys<K: AsRef<str>>(&self, keys: &[K], check: impl Fn(usize) -> bool) -> Option<usize> {
        keys.iter().find_map(|k| {
            (0..self.keys.len()).find(|&h| !self.used[h] && self.keys[h] == k.as_ref() && check(h))
        })
    }

    /// The first free header whose words pass `words` and whose values pass `check`.
    fn by_words(
        &self,
        words: impl Fn(&[String]) -> bool,
        check: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        (0..self.keys.len()).find(|&h| !self.used[h] && words(&self.words[h]) && check(h))
    }

    /// The column's own name (as a key: `sessionid`) and its synonyms, then `more`.
    fn names(&self, c: Col, more: &[&str]) -> Vec<String> {
        let spec = &self.specs[c.index];
        std::iter::once(key(spec.name))
            .chain(spec.synonyms.iter().map(|k| k.to_string()))
            .chain(more.iter().map(|k| k.to_string()))
            .collect()
    }

    fn example(&self, h: usize) -> String {
        self.values(h)
            .first()
            .map_or_else(String::new, |v| format!("{:?}", crate::error::echo(v)))
    }

    fn reads_dates(&self, h: usize) -> bool {
        let g = &self.dates[h];
        g.total > 0 && (g.total - g.unread) as f64 >= 0.9 * g.total as f64
    }

    fn number(&self, h: usize, durations: bool) -> Option<NumberForm> {
        detect::number_form(&self.values(h), durations)
    }

    fn reads_text(&self, h: usize) -> bool {
        let v = self.values(h);
        !v.is_empty() && self.number(h, false).is_none() && !self.reads_dates(h)
    }
}

/// The proposal for a sessions export.
pub fn sessions(sample: &Sample, path: &std::path::Path) -> Proposed {
    let mut m = Mapper::new(sample, SESSIONS);
    let any = |_: usize| true;
    if let Some(h) = m.by_keys(&m.names(s::SESSION_ID, &[]), any) {
        let why = format!("ids like {}", m.example(h));
        m.take(s::SESSION_ID, h, why);
    }
    // The client: an id column, else an e-mail column.
    let id_keys = [
        "clientid",
        "patientid",
        "customerid",
        "clientno",
        "clientnumber",
        "patientno",
        "patientnumber",
        "customerno",
        "customernumber",
        "accountnumber",
    ];
    let client = m
        .by_keys(&id_keys, any)
        .or_else(|| m.person_id())
        .map(|h| (h, format!("client ids like {}", m.example(h))))
        .or_else(|| {
            m.by_keys(
                &["email", "emailaddress", "customeremail", "clientemail", "mail"],
                |h| detect::are_emails(&m.values(h)),
            )
            .map(|h| {
                (
                    h,
                    format!(
                        "no client id column: the e-mail address is the client (compared lower-cased), like {}",
                        m.example(h)
                    ),
                )
            })
        });
    if let Some((h, why)) = client {
        m.take(s::CLIENT_ID, h, why);
    }
    if let Some(h) = m.by_keys(
        &m.names(
            s::THERAPIST,
            &[
                "calendar",
                "employee",
                "employeename",
                "staffname",
                "therapistname",
                "masseur",
                "masseuse",
            ],
        ),
        |h| m.reads_text(h),
    ) {
        let why = format!("names like {}", m.example(h));
        m.take(s::THERAPIST, h, why);
    }
    if let Some(h) = m.by_keys(
        &m.names(
            s::TECHNIQUE,
            &[
                "type",
                "appointmenttype",
                "servicetype",
                "treatmentname",
                "item",
            ],
        ),
        |h| m.reads_text(h),
    ) {
        let why = format!("labels like {}", m.example(h));
        m.take(s::TECHNIQUE, h, why);
    }
    if let Some(h) = m.by_keys(&m.names(s::STATUS, &[]), |_| true) {
        m.take(s::STATUS, h, "the booking's state".to_string());
    }
    // The date: a start or appointment date before any other, and never the day the
    // booking was made while another date column exists.
    let date_keys: Vec<String> = [
        "starttime",
        "start",
        "startdate",
        "appointmentstart",
        "appointmentdate",
        "appointmentdatetime",
        "datetime",
    ]
    .into_iter()
    .map(str::to_string)
    .chain(
        m.names(s::DATE, &[])
            .into_iter()
            .filter(|k| !BOOKED.contains(&k.as_str())),
    )
    .collect();
    let date = m
        .by_keys(&date_keys, |h| m.reads_dates(h))
        .or_else(|| {
            m.by_words(
                |w| w.iter().any(|w| w == "date" || w == "when"),
                |h| m.reads_dates(h) && !BOOKED.contains(&m.keys[h].as_str()),
            )
        })
        .or_else(|| m.by_keys(BOOKED, |h| m.reads_dates(h)));
    let date_format = date.map_or(DateFormat::Iso, |h| {
        m.dates[h]
            .format
            .clone()
            .map_or(DateFormat::Iso, DateFormat::Custom)
    });
    if let Some(h) = date {
        let why = format!("dates like {}", m.example(h));
        m.take(s::DATE, h, why);
    }
    if let Some(h) = m.by_keys(
        &m.names(
            s::DURATION_MIN,
            &["length", "minutes", "mins", "durationminutes", "time"],
        ),
        |h| m.number(h, true).is_some(),
    ) {
        let form = m.number(h, true);
        let why = if form.is_some_and(|f| f.clock) {
            format!("lengths like {}", m.example(h))
        } else {
            format!("minutes like {}", m.example(h))
        };
        m.take(s::DURATION_MIN, h, why);
    }
    if !m.has(s::DURATION_MIN) {
        // Start and end times: one header may also be the date.
        let times = |h: usize| detect::are_times(&m.values(h), &date_format);
        let start = [
            "starttime",
            "start",
            "appointmentstart",
            "from",
            "begin",
            "begins",
            "starts",
        ]
        .iter()
        .find_map(|k| (0..m.keys.len()).find(|&h| m.keys[h] == *k && times(h)));
        let end = [
            "endtime",
            "end",
            "appointmentend",
            "until",
            "to",
            "finish",
            "ends",
        ]
        .iter()
        .find_map(|k| (0..m.keys.len()).find(|&h| !m.used[h] && m.keys[h] == *k && times(h)));
        if let (Some(a), Some(b)) = (start, end) {
            let why = format!(
                "no length column: the length is end − start, times like {}",
                m.example(a)
            );
            m.take(s::START, a, why);
            let why = format!("times like {}", m.example(b));
            m.take(s::END, b, why);
        }
    }
    // The client's name: a name column, `Patient` beside an id column, or first and last
    // names joined.
    let name = m
        .by_keys(
            &m.names(s::CLIENT_NAME, &["customer", "patientfullname"]),
            |h| m.reads_text(h),
        )
        .or_else(|| {
            m.has(s::CLIENT_ID)
                .then(|| (0..m.keys.len()).find(|&h| m.person(h) && m.reads_text(h)))
                .flatten()
        });
    if let Some(h) = name {
        let why = format!("names like {}", m.example(h));
        m.take(s::CLIENT_NAME, h, why);
    } else {
        let first = m.by_keys(&["firstname", "givenname", "forename", "first"], any);
        let last = m.by_keys(&["lastname", "surname", "familyname", "last"], any);
        if let (Some(a), Some(b)) = (first, last) {
            m.used[a] = true;
            m.used[b] = true;
            m.found[s::CLIENT_NAME.index] = Some((
                vec![a, b],
                "first and last names joined with a space".to_string(),
            ));
        }
    }
    let region_words = |w: &[String]| {
        let has = |x: &str| w.iter().any(|y| y == x);
        (has("where") && (has("pain") || has("hurt") || has("hurts") || has("area")))
            || (has("area") && !has("code"))
            || has("region")
            || has("regions")
    };
    if let Some(h) = m
        .by_keys(
            &m.names(s::BODY_REGION, &["area", "areas", "bodyparts", "focusarea"]),
            |h| m.reads_text(h),
        )
        .or_else(|| m.by_words(region_words, |h| m.reads_text(h)))
    {
        let why = format!("regions like {}", m.example(h));
        m.take(s::BODY_REGION, h, why);
    }
    let pain = |w: &[String], when: &[&str]| {
        w.iter().any(|x| x == "pain" || x == "vas" || x == "nrs")
            && w.iter().any(|x| when.contains(&x.as_str()))
    };
    for (c, when) in [
        (
            s::PAIN_BEFORE,
            &["before", "start", "arrival", "pre", "initial"][..],
        ),
        (s::PAIN_AFTER, &["after", "end", "post", "leaving"][..]),
    ] {
        if let Some(h) = m
            .by_keys(&m.names(c, &[]), |h| m.number(h, false).is_some())
            .or_else(|| m.by_words(|w| pain(w, when), |h| m.number(h, false).is_some()))
        {
            let why = format!("scores like {}", m.example(h));
            m.take(c, h, why);
        }
    }
    // The fee: a price, fee or charge before an amount paid; never a tip, a tax, a discount
    // or a yes/no column.
    let not_fee = |w: &[String]| {
        w.iter().any(|x| {
            matches!(
                x.as_str(),
                "tip"
                    | "tips"
                    | "tax"
                    | "vat"
                    | "discount"
                    | "gratuity"
                    | "online"
                    | "code"
                    | "certificate"
            )
        })
    };
    let money = |h: usize| m.number(h, false).is_some();
    let fee = m
        .by_words(
            |w| {
                w.iter()
                    .any(|x| matches!(x.as_str(), "price" | "fee" | "charge" | "cost" | "rate"))
                    && !not_fee(w)
            },
            money,
        )
        .or_else(|| {
            m.by_words(
                |w| {
                    w.iter().any(|x| {
                        matches!(
                            x.as_str(),
                            "amount" | "total" | "paid" | "revenue" | "gross"
                        )
                    }) && !not_fee(w)
                },
                money,
            )
        });
    if let Some(h) = fee {
        let why = format!("amounts like {}", m.example(h));
        m.take(s::FEE, h, why);
    }
    if let Some(h) = m.by_keys(&m.names(s::LOCATION, &[]), |h| m.reads_text(h)) {
        let why = format!("sites like {}", m.example(h));
        m.take(s::LOCATION, h, why);
    }
    // A required column no header names: the one free column whose values read as its type.
    if !m.has(s::DATE) {
        let dates: Vec<usize> = (0..m.keys.len())
            .filter(|&h| !m.used[h] && m.reads_dates(h) && !BOOKED.contains(&m.keys[h].as_str()))
            .collect();
        if let [h] = dates[..] {
            let why = format!("the only date column: dates like {}", m.example(h));
            m.take(s::DATE, h, why);
        }
    }

    let statuses = m.header(s::STATUS).map_or_else(Vec::new, |h| {
        let mut counts = BTreeMap::<String, usize>::new();
        for r in &sample.rows {
            let label = normalise_label(r.get(h).map_or("", String::as_str));
            *counts.entry(label).or_default() += 1;
        }
        let mut v: Vec<(String, usize, bool)> = counts
            .into_iter()
            .map(|(l, n)| {
                let missed = not_attended(&l);
                (l, n, missed)
            })
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    });

    let mut file = forms(&m, path, date);
    if let Some(h) = m.header(s::DURATION_MIN) {
        if m.number(h, true).is_some_and(|f| f.clock) {
            file.clock = Some(format!("lengths like {}", m.example(h)));
        }
    }
    if let Some(h) = m.header(s::FEE) {
        if m.number(h, false).is_some_and(|f| f.money) {
            file.money = Some(format!("amounts like {}", m.example(h)));
        }
    }
    if let Some(h) = m.header(s::BODY_REGION) {
        let v = m.values(h);
        if v.iter().any(|x| x.contains(',')) && !v.iter().any(|x| x.contains(';')) {
            file.list_separator = Some((
                ",".to_string(),
                format!("regions listed like {}", m.example(h)),
            ));
        }
    }
    let mut columns = columns(&m);
    // Not in the export: said so on purpose, so that the file reads without them.
    for (c, why) in [
        (
            s::SESSION_ID,
            "no session id column: each session's id is its line (L<line>)",
        ),
        (
            s::BODY_REGION,
            "no body region column: regions are not recorded",
        ),
    ] {
        if !m.has(c) {
            columns[c.index].headers = Some(Vec::new());
            columns[c.index].why = why.to_string();
        }
    }
    if m.has(s::START) {
        columns[s::DURATION_MIN.index].required = false;
        columns[s::DURATION_MIN.index].why = "the length is end − start (below)".to_string();
    }
    file.columns = columns;
    Proposed {
        file,
        taken: m.used.clone(),
        statuses,
        linked: false,
        date: date.map(|h| std::mem::replace(&mut m.dates[h], detect::detect_date_format([]))),
    }
}

/// The proposal for a feedback export; `session_ids` are the sessions sample's ids.
pub fn feedback(
    sample: &Sample,
    path: &std::path::Path,
    session_ids: &HashSet<String>,
    all_sessions: bool,
) -> Proposed {
    let mut m = Mapper::new(sample, FEEDBACK);
    // Most sampled answers name a sampled session. When the sessions sample stopped short
    // of the file's end the answers may all be to later sessions, which it cannot see: the
    // header's name then decides.
    let names_sessions = |h: usize| {
        let v = m.values(h);
        let named = v.iter().filter(|x| session_ids.contains(**x)).count();
        !v.is_empty() && (!all_sessions || named * 2 > v.len())
    };
    if let Some(h) = m.by_keys(&m.names(f::SESSION_ID, &[]), names_sessions) {
        let why = format!("ids of the sessions file, like {}", m.example(h));
        m.take(f::SESSION_ID, h, why);
    }
    if !m.has(f::SESSION_ID) {
        let client = m
            .by_keys(
                &[
                    "clientid",
                    "patientid",
                    "customerid",
                    "clientno",
                    "patientno",
                    "customerno",
                ],
                |_| true,
            )
            .or_else(|| m.person_id())
            .or_else(|| {
                m.by_words(
                    |w| {
                        w.iter().any(|x| x == "email" || x == "mail")
                            || w.concat().contains("email")
                    },
                    |h| detect::are_emails(&m.values(h)),
                )
            });
        if let Some(h) = client {
            let why = format!(
                "no session id: each answer goes with the client's latest session on or \
                 before it; clients like {}",
                m.example(h)
            );
            m.take(f::CLIENT_ID, h, why);
        }
    }
    let submitted = m
        .by_keys(&m.names(f::SUBMITTED, &[]), |h| m.reads_dates(h))
        .or_else(|| {
            m.by_words(
                |w| {
                    w.iter()
                        .any(|x| x == "timestamp" || x == "submitted" || x == "completed")
                },
                |h| m.reads_dates(h),
            )
        })
        .or_else(|| {
            let dates: Vec<usize> = (0..m.keys.len())
                .filter(|&h| !m.used[h] && m.reads_dates(h))
                .collect();
            if let [h] = dates[..] {
                Some(h)
            } else {
                None
            }
        });
    if let Some(h) = submitted {
        let why = format!("dates like {}", m.example(h));
        m.take(f::SUBMITTED, h, why);
    }
    let has = |w: &[String], p: &str| w.iter().any(|x| x.starts_with(p));
    type Words<'w> = &'w dyn Fn(&[String]) -> bool;
    let rules: [(Col, Words<'_>, bool); 5] = [
        (
            f::SORENESS_HOURS,
            &|w| has(w, "sore") && has(w, "hour"),
            true,
        ),
        (
            f::PAIN_FOLLOWUP,
            &|w| has(w, "pain") && (has(w, "today") || has(w, "now") || has(w, "follow")),
            true,
        ),
        (
            f::MOBILITY,
            &|w| has(w, "movement") || has(w, "mobility") || has(w, "moving"),
            true,
        ),
        (f::SATISFACTION, &|w| has(w, "satisf"), true),
        (
            f::COMMENT,
            &|w| has(w, "anything") || has(w, "comment") || has(w, "tell") || has(w, "remark"),
            false,
        ),
    ];
    for (c, words, numeric) in rules {
        let check = |h: usize| !numeric || m.number(h, false).is_some();
        if let Some(h) = m
            .by_keys(&m.names(c, &[]), check)
            .or_else(|| m.by_words(words, check))
        {
            let why = if numeric {
                format!("answers like {}", m.example(h))
            } else {
                "free text".to_string()
            };
            m.take(c, h, why);
        }
    }
    let linked = m.has(f::CLIENT_ID) && !m.has(f::SESSION_ID);
    let mut file = forms(&m, path, submitted);
    file.columns = columns(&m);
    if linked {
        // The contract's session id is not in a survey.
        file.columns[f::SESSION_ID.index].required = false;
        file.columns[f::SESSION_ID.index].why =
            "a survey has no session id: answers are linked by client and date".to_string();
    }
    Proposed {
        file,
        taken: m.used.clone(),
        statuses: Vec::new(),
        linked,
        date: submitted.map(|h| std::mem::replace(&mut m.dates[h], detect::detect_date_format([]))),
    }
}

/// The file's own forms: encoding, delimiter, header row, date format, decimal comma.
fn forms(m: &Mapper<'_>, path: &std::path::Path, date: Option<usize>) -> FileProposal {
    let sample = m.sample;
    let mut file = FileProposal {
        path: path.to_path_buf(),
        delimiter: sample.delimiter.map(|d| match d {
            b'\t' => "tab".to_string(),
            d => (d as char).to_string(),
        }),
        ..FileProposal::default()
    };
    if let Some((e, shown)) = &sample.encoding {
        file.encoding = Some((
            e.name().to_lowercase(),
            format!("not UTF-8; read as {} it says {:?}", e.name(), shown),
        ));
    }
    if sample.header_row_needed {
        let above = sample
            .titles
            .iter()
            .map(|t| format!("{:?}", crate::error::echo(t)))
            .collect::<Vec<_>>()
            .join(", ");
        file.header_row = Some((sample.header_line, format!("title rows above it: {above}")));
    }
    if let Some(h) = date {
        if let Some(format) = &m.dates[h].format {
            file.date_format = Some((format.clone(), format!("dates like {}", m.example(h))));
        }
    }
    // A decimal comma in any number column is the file's notation.
    let numeric: Vec<usize> = m
        .found
        .iter()
        .zip(m.specs)
        .filter(|(_, spec)| {
            matches!(
                spec.kind,
                super::columns::Kind::Number | super::columns::Kind::Integer
            )
        })
        .filter_map(|(found, _)| found.as_ref().and_then(|(h, _)| h.first().copied()))
        .collect();
    if let Some(h) = numeric.iter().copied().find(|&h| {
        m.number(h, true).is_some_and(|f| f.decimal_comma)
            && m.values(h).iter().any(|v| v.contains(','))
    }) {
        let shown = m
            .values(h)
            .into_iter()
            .find(|v| v.contains(','))
            .map(|v| format!("{:?}", crate::error::echo(v)))
            .unwrap_or_default();
        file.decimal_comma = Some(format!("numbers like {shown}"));
    }
    file
}

/// The columns as proposed, in the table's order.
fn columns(m: &Mapper<'_>) -> Vec<ColumnProposal> {
    m.specs
        .iter()
        .zip(&m.found)
        .map(|(spec, found)| ColumnProposal {
            name: spec.name,
            required: spec.required,
            contract: spec.contract,
            headers: found
                .as_ref()
                .map(|(hs, _)| hs.iter().map(|&h| m.sample.headers[h].clone()).collect()),
            why: found
                .as_ref()
                .map_or_else(String::new, |(_, why)| why.clone()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_that_are_no_treatment() {
        for l in [
            "cancelled",
            "cancelled_by_customer",
            "cancelled_late",
            "no_show",
            "did_not_arrive",
            "dna",
            "missed",
            "rescheduled",
            "declined",
            "deleted",
        ] {
            assert!(not_attended(l), "{l}");
        }
        for l in [
            "arrived",
            "accepted",
            "checked_in",
            "",
            "completed",
            "confirmed",
        ] {
            assert!(!not_attended(l), "{l}");
        }
    }
}
