//! monthly-YYYY-MM.json and trends-YYYY-MM.json: the figures at full precision, named and
//! nested exactly as SPEC "Outputs" and "The practice over time" say. Missing figures are
//! `null`, never NaN.

use chrono::NaiveDate;
use serde::Serialize;

use crate::config::Thresholds;
use crate::metrics::cell::{Cell, Count};
use crate::metrics::groups::Group;
use crate::metrics::monthly::{Attendance, Changes, Comparison, DayCount, Monthly, RegionCount};
use crate::metrics::outcomes::{Outcomes, Responders};
use crate::metrics::trends::{month_label, Cohort, KmStep, Trends};
use crate::metrics::{Accounts, Period};

#[derive(Serialize)]
struct MonthlyJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<&'a str>,
    period: &'a Period,
    /// Shareable copies only: counts below it are hidden.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed_below: Option<u64>,
    sessions: Count,
    clients: Count,
    new_clients: Count,
    returning_clients: Count,
    clients_multi_session: Count,
    minutes: Cell<i64>,
    revenue: Option<f64>,
    feedback_responses: Count,
    feedback_response_rate: Option<f64>,
    previous_period: PreviousJson,
    changes: &'a Changes,
    comparisons: &'a [Comparison],
    overall: &'a Outcomes,
    by_technique: Vec<GroupJson<'a>>,
    by_therapist: Vec<GroupJson<'a>>,
    by_region: &'a [RegionCount],
    by_day: &'a [DayCount],
    #[serde(skip_serializing_if = "Option::is_none")]
    by_location: Option<Vec<GroupJson<'a>>>,
    /// Null without a status column.
    attendance: Option<&'a Attendance>,
    data_quality: QualityJson<'a>,
    thresholds: ThresholdsJson,
}

#[derive(Serialize)]
struct PreviousJson {
    from: NaiveDate,
    to: NaiveDate,
    sessions: Count,
    clients: Count,
    new_clients: Count,
    minutes: Cell<i64>,
    revenue: Option<f64>,
    feedback_response_rate: Option<f64>,
    soreness_median: Option<f64>,
    responder_rate: Option<f64>,
}

#[derive(Serialize)]
struct GroupJson<'a> {
    #[serde(flatten)]
    name: Named<'a>,
    sessions: Count,
    clients: Count,
    minutes: Cell<i64>,
    revenue: Option<f64>,
    feedback_responses: Count,
    /// Therapists only (null without a status column).
    #[serde(skip_serializing_if = "Skip::is_skipped")]
    not_attended: Skip<Option<Count>>,
    #[serde(flatten)]
    outcomes: &'a Outcomes,
}

fn name_is_therapist(name: &Named<'_>) -> bool {
    matches!(name, Named::Therapist(_))
}

/// The group's key under its own name: `technique` or `therapist`.
#[derive(Serialize)]
enum Named<'a> {
    #[serde(rename = "technique")]
    Technique(&'a str),
    #[serde(rename = "therapist")]
    Therapist(&'a str),
    /// None: the sessions without a location.
    #[serde(rename = "location")]
    Location(Option<&'a str>),
}

#[derive(Serialize)]
struct QualityJson<'a> {
    sessions_rows: Count,
    sessions_accepted: Count,
    sessions_rejected: Count,
    feedback_rows: Count,
    feedback_accepted: Count,
    feedback_rejected: Count,
    feedback_superseded: Count,
    sessions_not_attended: Count,
    sessions_footer_rows: Count,
    feedback_footer_rows: Count,
    sessions_extra_columns: &'a [String],
    feedback_extra_columns: &'a [String],
}

#[derive(Serialize)]
struct ThresholdsJson {
    responder: f64,
    soreness_hours: f64,
    low_sample: u32,
}

/// A field some groups have and others do not: `Skip::No(v)` is written (v may be null),
/// `Skip::Yes` is left out.
#[derive(Serialize)]
#[serde(untagged)]
enum Skip<T> {
    No(T),
    Yes,
}

impl<T> Skip<T> {
    fn is_skipped(&self) -> bool {
        matches!(self, Skip::Yes)
    }
}

fn group<'a>(g: &'a Group, name: Named<'a>) -> GroupJson<'a> {
    let therapist = name_is_therapist(&name);
    GroupJson {
        name,
        sessions: g.sessions,
        clients: g.clients,
        minutes: g.minutes,
        revenue: g.revenue,
        feedback_responses: g.feedback_responses,
        not_attended: if therapist {
            Skip::No(g.not_attended)
        } else {
            Skip::Yes
        },
        outcomes: &g.outcomes,
    }
}

fn quality(q: &Accounts) -> QualityJson<'_> {
    QualityJson {
        sessions_rows: q.sessions.rows,
        sessions_accepted: q.sessions.accepted,
        sessions_rejected: q.sessions.rejected,
        feedback_rows: q.feedback.rows,
        feedback_accepted: q.feedback.accepted,
        feedback_rejected: q.feedback.rejected,
        feedback_superseded: q.feedback.superseded,
        sessions_not_attended: q.sessions.not_attended,
        sessions_footer_rows: q.sessions.footer_rows,
        feedback_footer_rows: q.feedback.footer_rows,
        sessions_extra_columns: &q.sessions.extra_columns,
        feedback_extra_columns: &q.feedback.extra_columns,
    }
}

/// Indented JSON text with a final line break. The summaries hold numbers, strings and
/// options only (serde_json writes a non-finite number as null), so this cannot fail.
fn pretty(doc: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(doc).expect("the summary serialises");
    text.push('\n');
    text
}

fn thresholds(t: &Thresholds) -> ThresholdsJson {
    ThresholdsJson {
        responder: t.responder,
        soreness_hours: t.soreness_hours,
        low_sample: t.low_sample,
    }
}

/// The JSON text of the monthly report.
pub fn monthly_json(m: &Monthly, t: &Thresholds) -> String {
    let p = &m.previous;
    let doc = MonthlyJson {
        location: m.location.as_deref(),
        period: &m.period,
        suppressed_below: m.suppressed_below,
        sessions: m.totals.sessions,
        clients: m.totals.clients,
        new_clients: m.totals.new_clients,
        returning_clients: m.totals.returning_clients,
        clients_multi_session: m.totals.clients_multi_session,
        minutes: m.totals.minutes,
        revenue: m.totals.revenue,
        feedback_responses: m.totals.feedback_responses,
        feedback_response_rate: m.totals.feedback_response_rate,
        previous_period: PreviousJson {
            from: p.period.from,
            to: p.period.to,
            sessions: p.totals.sessions,
            clients: p.totals.clients,
            new_clients: p.totals.new_clients,
            minutes: p.totals.minutes,
            revenue: p.totals.revenue,
            feedback_response_rate: p.totals.feedback_response_rate,
            soreness_median: p.overall.soreness.median,
            responder_rate: p.overall.responders.rate,
        },
        changes: &m.changes,
        comparisons: &m.comparisons,
        overall: &m.overall,
        by_technique: m
            .by_technique
            .iter()
            .map(|g| group(g, Named::Technique(&g.name)))
            .collect(),
        by_therapist: m
            .by_therapist
            .iter()
            .map(|g| group(g, Named::Therapist(&g.name)))
            .collect(),
        by_region: &m.by_region,
        by_day: &m.by_day,
        by_location: m.by_location.as_ref().map(|groups| {
            groups
                .iter()
                .map(|l| group(&l.group, Named::Location(l.location.as_deref())))
                .collect()
        }),
        attendance: m.attendance.as_ref(),
        data_quality: quality(&m.data_quality),
        thresholds: thresholds(t),
    };
    pretty(&doc)
}

#[derive(Serialize)]
struct TrendsJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<&'a str>,
    period: &'a Period,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed_below: Option<u64>,
    months: Vec<MonthJson<'a>>,
    retention: Vec<CohortJson>,
    course: Vec<CourseJson>,
    course_km: &'a [KmStep],
    thresholds: ThresholdsJson,
    data_quality: QualityJson<'a>,
}

#[derive(Serialize)]
struct MonthJson<'a> {
    month: String,
    sessions: Count,
    clients: Count,
    new_clients: Count,
    minutes: Cell<i64>,
    revenue: Option<f64>,
    feedback_response_rate: Option<f64>,
    soreness_median: Option<f64>,
    pain_reduction_mean: Option<f64>,
    responders: &'a Responders,
}

#[derive(Serialize)]
struct CourseJson {
    visit: u32,
    clients: Count,
    improved: Count,
    rate: Option<f64>,
    ci95_low: Option<f64>,
    ci95_high: Option<f64>,
    low_sample: Cell<bool>,
}

/// A cohort as SPEC names it: `returned_30`, `returned_30_rate`, … in order.
#[derive(Serialize)]
struct CohortJson {
    cohort: String,
    new_clients: Count,
    returned_30: Option<Count>,
    returned_30_rate: Option<f64>,
    returned_60: Option<Count>,
    returned_60_rate: Option<f64>,
    returned_90: Option<Count>,
    returned_90_rate: Option<f64>,
}

fn cohort_json(c: &Cohort) -> CohortJson {
    let within = |days: i64| {
        c.returned
            .iter()
            .find(|r| r.days == days)
            .map_or((None, None), |r| (r.returned, r.rate))
    };
    let ((r30, p30), (r60, p60), (r90, p90)) = (within(30), within(60), within(90));
    CohortJson {
        cohort: month_label(c.month.from),
        new_clients: c.new_clients,
        returned_30: r30,
        returned_30_rate: p30,
        returned_60: r60,
        returned_60_rate: p60,
        returned_90: r90,
        returned_90_rate: p90,
    }
}

/// The JSON text of the trends report.
pub fn trends_json(tr: &Trends, t: &Thresholds) -> String {
    let doc = TrendsJson {
        location: tr.location.as_deref(),
        period: &tr.period,
        suppressed_below: tr.suppressed_below,
        months: tr
            .months
            .iter()
            .map(|m| MonthJson {
                month: month_label(m.period.from),
                sessions: m.sessions,
                clients: m.clients,
                new_clients: m.new_clients,
                minutes: m.minutes,
                revenue: m.revenue,
                feedback_response_rate: m.feedback_response_rate,
                soreness_median: m.soreness_median,
                pain_reduction_mean: m.pain_reduction_mean,
                responders: &m.responders,
            })
            .collect(),
        retention: tr.retention.iter().map(cohort_json).collect(),
        course: tr
            .course
            .iter()
            .map(|s| CourseJson {
                visit: s.visit,
                clients: s.clients,
                improved: s.improved,
                rate: s.rate,
                ci95_low: s.ci95_low,
                ci95_high: s.ci95_high,
                low_sample: s.low_sample,
            })
            .collect(),
        course_km: &tr.course_km,
        thresholds: thresholds(t),
        data_quality: quality(&tr.data_quality),
    };
    pretty(&doc)
}
