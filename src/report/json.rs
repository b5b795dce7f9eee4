//! monthly-YYYY-MM.json: the monthly figures at full precision, named and nested exactly as
//! SPEC "Outputs" says. Missing figures are `null`, never NaN.

use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use crate::config::Thresholds;
use crate::error::Result;
use crate::metrics::monthly::{Changes, DayCount, Group, Monthly, RegionCount};
use crate::metrics::outcomes::Outcomes;
use crate::metrics::Period;
use crate::model::DataQuality;

#[derive(Serialize)]
struct MonthlyJson<'a> {
    period: &'a Period,
    sessions: u64,
    clients: u64,
    new_clients: u64,
    returning_clients: u64,
    clients_multi_session: u64,
    minutes: i64,
    revenue: Option<f64>,
    feedback_responses: u64,
    feedback_response_rate: Option<f64>,
    previous_period: PreviousJson,
    changes: &'a Changes,
    overall: &'a Outcomes,
    by_technique: Vec<GroupJson<'a>>,
    by_therapist: Vec<GroupJson<'a>>,
    by_region: &'a [RegionCount],
    by_day: &'a [DayCount],
    data_quality: QualityJson<'a>,
    thresholds: ThresholdsJson,
}

#[derive(Serialize)]
struct PreviousJson {
    from: NaiveDate,
    to: NaiveDate,
    sessions: u64,
    clients: u64,
    new_clients: u64,
    minutes: i64,
    revenue: Option<f64>,
    feedback_response_rate: Option<f64>,
    soreness_median: Option<f64>,
    responder_rate: Option<f64>,
}

#[derive(Serialize)]
struct GroupJson<'a> {
    #[serde(flatten)]
    name: Named<'a>,
    sessions: u64,
    clients: u64,
    minutes: i64,
    revenue: Option<f64>,
    feedback_responses: u64,
    #[serde(flatten)]
    outcomes: &'a Outcomes,
}

/// The group's key under its own name: `technique` or `therapist`.
#[derive(Serialize)]
enum Named<'a> {
    #[serde(rename = "technique")]
    Technique(&'a str),
    #[serde(rename = "therapist")]
    Therapist(&'a str),
}

#[derive(Serialize)]
struct QualityJson<'a> {
    sessions_rows: u64,
    sessions_accepted: u64,
    sessions_rejected: u64,
    feedback_rows: u64,
    feedback_accepted: u64,
    feedback_rejected: u64,
    feedback_superseded: u64,
    sessions_extra_columns: &'a [String],
    feedback_extra_columns: &'a [String],
}

#[derive(Serialize)]
struct ThresholdsJson {
    responder: f64,
    soreness_hours: f64,
    low_sample: u32,
}

fn group<'a>(g: &'a Group, name: fn(&'a str) -> Named<'a>) -> GroupJson<'a> {
    GroupJson {
        name: name(&g.name),
        sessions: g.sessions,
        clients: g.clients,
        minutes: g.minutes,
        revenue: g.revenue,
        feedback_responses: g.feedback_responses,
        outcomes: &g.outcomes,
    }
}

fn quality(q: &DataQuality) -> QualityJson<'_> {
    QualityJson {
        sessions_rows: q.sessions.rows,
        sessions_accepted: q.sessions.accepted,
        sessions_rejected: q.sessions.rejected,
        feedback_rows: q.feedback.rows,
        feedback_accepted: q.feedback.accepted,
        feedback_rejected: q.feedback.rejected,
        feedback_superseded: q.feedback.superseded,
        sessions_extra_columns: &q.sessions.extra_columns,
        feedback_extra_columns: &q.feedback.extra_columns,
    }
}

/// The JSON text of the monthly report.
pub fn monthly_json(m: &Monthly, t: &Thresholds) -> String {
    let p = &m.previous;
    let doc = MonthlyJson {
        period: &m.period,
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
        overall: &m.overall,
        by_technique: m
            .by_technique
            .iter()
            .map(|g| group(g, Named::Technique))
            .collect(),
        by_therapist: m
            .by_therapist
            .iter()
            .map(|g| group(g, Named::Therapist))
            .collect(),
        by_region: &m.by_region,
        by_day: &m.by_day,
        data_quality: quality(&m.data_quality),
        thresholds: ThresholdsJson {
            responder: t.responder,
            soreness_hours: t.soreness_hours,
            low_sample: t.low_sample,
        },
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("the summary serialises");
    text.push('\n');
    text
}

/// Writes the monthly JSON at `path`, atomically.
pub fn write_monthly(path: &Path, m: &Monthly, t: &Thresholds) -> Result<()> {
    let text = monthly_json(m, t);
    super::write_atomic(path, |w| w.write_all(text.as_bytes()))
}
