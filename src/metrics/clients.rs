//! Client progress summaries: for each chosen client, the whole history up to the end of the
//! period — the figures of SPEC "clients CSV" and every visit for the PDF.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::err;
use super::outcomes::{eligible, responder};
use super::{column_f64, column_i64, column_str, days_to_date, visits, Period};
use crate::config::Thresholds;
use crate::error::Result;
use crate::ingest::columns::{feedback as fcol, session as scol};
use crate::ingest::Ingested;

/// One visit, as the client's summary lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    pub date: NaiveDate,
    pub therapist: String,
    pub technique: String,
    pub regions: Vec<String>,
    pub pain_before: Option<f64>,
    pub pain_after: Option<f64>,
    pub pain_followup: Option<f64>,
    pub soreness_hours: Option<f64>,
    pub satisfaction: Option<i64>,
    pub comment: Option<String>,
    /// Whether the pain fell by the responder share; None when not eligible.
    pub responder: Option<bool>,
}

/// One client's summary: the CSV row and the visits.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientSummary {
    pub client_id: String,
    /// The latest non-empty name in the file.
    pub client_name: Option<String>,
    /// Sessions up to the end of the period (the whole history so far).
    pub sessions: u64,
    pub sessions_in_period: u64,
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
    /// pain_before of the first and of the last session (None if that session has none).
    pub first_pain_before: Option<f64>,
    pub last_pain_before: Option<f64>,
    /// last − first.
    pub pain_change: Option<f64>,
    /// (first − last) / first: the share by which pain fell since the first visit; None
    /// without both scores or with no pain at the first visit.
    pub pain_relative_fall: Option<f64>,
    /// Whether that fall reached the responder threshold (the clinically important change).
    pub important_change: Option<bool>,
    pub mean_soreness_hours: Option<f64>,
    pub responders: u64,
    pub responder_eligible: u64,
    /// Every visit up to the end of the period, oldest first.
    pub visits: Vec<Visit>,
}

impl ClientSummary {
    /// Therapists seen, by visits (most first, then name).
    pub fn therapists(&self) -> Vec<(String, u64)> {
        tally(self.visits.iter().map(|v| v.therapist.as_str()))
    }
    pub fn techniques(&self) -> Vec<(String, u64)> {
        tally(self.visits.iter().map(|v| v.technique.as_str()))
    }
    pub fn regions(&self) -> Vec<(String, u64)> {
        tally(
            self.visits
                .iter()
                .flat_map(|v| v.regions.iter().map(String::as_str)),
        )
    }
}

fn tally<'a>(items: impl Iterator<Item = &'a str>) -> Vec<(String, u64)> {
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for i in items {
        *counts.entry(i).or_default() += 1;
    }
    let mut v: Vec<(String, u64)> = counts
        .into_iter()
        .map(|(k, n)| (k.to_string(), n))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// Which clients to summarise.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// Everyone with a session in the period.
    InPeriod,
    /// Exactly these ids (each must have a session up to the end of the period).
    Ids(Vec<String>),
}

/// The clients a summary is made for, and the history their figures are read from.
pub struct Chosen {
    /// Every session up to the end of the period, with its answers.
    history: LazyFrame,
    /// The chosen clients' codes, ascending (so in the ids' order).
    codes: Vec<u32>,
}

impl Chosen {
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// The chosen clients' ids, in their order.
    pub fn ids(&self, ingested: &Ingested) -> Vec<String> {
        self.codes
            .iter()
            .map(|&c| ingested.clients.id(c).to_string())
            .collect()
    }
}

/// How many clients' summaries are made at once: the first summaries are ready after a
/// sort of this many clients' visits, not of every chosen client's (the month's clients of
/// a chain's year are half a million).
const BATCH: usize = 16_384;

/// The clients `selection` chooses up to the end of `period`. Unknown ids in
/// `Selection::Ids` are returned as the error's list.
pub fn choose(
    ingested: &Ingested,
    period: Period,
    selection: &Selection,
) -> Result<std::result::Result<Chosen, Vec<String>>> {
    let up_to = scol::DATE.col().lt_eq(super::date_lit(period.to));
    let history = visits(ingested, up_to, true)?;
    let clients = &ingested.clients;
    // Client codes run in the ids' order: sorted codes are sorted ids.
    let codes_of =
        |df: &DataFrame| -> Vec<u32> { codes_column(df).into_iter().flatten().collect() };
    let codes: Vec<u32> = match selection {
        Selection::InPeriod => {
            let df = history
                .clone()
                .filter(period.contains_date())
                .select([scol::CLIENT_ID.col().unique().sort(SortOptions::default())])
                .collect()
                .map_err(err("the clients of the period"))?;
            codes_of(&df)
        }
        Selection::Ids(ids) => {
            let df = history
                .clone()
                .select([scol::CLIENT_ID.col().unique()])
                .collect()
                .map_err(err("the clients"))?;
            let known: std::collections::HashSet<u32> = codes_of(&df).into_iter().collect();
            let code = |id: &str| clients.code(id).filter(|c| known.contains(c));
            let unknown: Vec<String> = ids
                .iter()
                .filter(|id| code(id).is_none())
                .cloned()
                .collect();
            if !unknown.is_empty() {
                return Ok(Err(unknown));
            }
            let mut codes: Vec<u32> = ids.iter().filter_map(|id| code(id)).collect();
            codes.sort_unstable();
            codes.dedup();
            codes
        }
    };
    Ok(Ok(Chosen { history, codes }))
}

/// The order the summaries are listed in: by sessions (descending), then client id.
pub fn sort(summaries: &mut [ClientSummary]) {
    summaries.sort_by(|a, b| {
        b.sessions
            .cmp(&a.sessions)
            .then_with(|| a.client_id.cmp(&b.client_id))
    });
}

/// Hands each chosen client's summary to `each` as soon as it is made (in the ids' order, a
/// batch of clients at a time), until `each` returns false.
pub fn summaries(
    ingested: &Ingested,
    period: Period,
    chosen: &Chosen,
    t: &Thresholds,
    each: impl FnMut(ClientSummary) -> bool,
) -> Result<()> {
    summaries_by(ingested, period, chosen, t, BATCH, each)
}

/// [`summaries`], `batch` clients at a time.
fn summaries_by(
    ingested: &Ingested,
    period: Period,
    chosen: &Chosen,
    t: &Thresholds,
    batch: usize,
    mut each: impl FnMut(ClientSummary) -> bool,
) -> Result<()> {
    for batch in chosen.codes.chunks(batch.max(1)) {
        if !batch_summaries(ingested, period, &chosen.history, batch, t, &mut each)? {
            break;
        }
    }
    Ok(())
}

/// [`summaries`] of one batch of clients (codes ascending); false when `each` said stop.
fn batch_summaries(
    ingested: &Ingested,
    period: Period,
    history: &LazyFrame,
    batch: &[u32],
    t: &Thresholds,
    each: &mut impl FnMut(ClientSummary) -> bool,
) -> Result<bool> {
    let clients = &ingested.clients;
    let (lo, hi) = match (batch.first(), batch.last()) {
        (Some(&lo), Some(&hi)) => (lo, hi),
        _ => return Ok(true),
    };
    let wanted = DataFrame::new(
        batch.len(),
        vec![UInt32Chunked::from_vec(scol::CLIENT_ID.name.into(), batch.to_vec()).into_column()],
    )
    .map_err(err("the chosen clients"))?;
    // The batch's range of codes first (a pass over integers), then an inner join on its
    // (unique) codes keeps exactly its clients' rows.
    let code = scol::CLIENT_ID.col();
    let in_range = code.clone().gt_eq(lit(lo)).and(code.clone().lt_eq(lit(hi)));
    // Every visit of the batch's clients, sorted once by client, then time: each client's
    // visits are one run of rows, and its figures are read off the run (its first and last
    // rows are its first and last sessions), with no lookup and no group-by.
    let rows = history
        .clone()
        .filter(in_range)
        .join(
            wanted.lazy(),
            [code.clone()],
            [code],
            JoinArgs::new(JoinType::Inner),
        )
        .sort_by_exprs(
            [scol::CLIENT_ID.col(), scol::DATE.col(), col("line")],
            SortMultipleOptions::default(),
        )
        .with_columns([
            scol::DATE.col().cast(DataType::Int32).alias("day"),
            eligible().alias("is_eligible"),
            responder(t).alias("is_responder"),
        ])
        .collect()
        .map_err(err("the visits"))?;
    // The region lists in one pass (one reused container, not a series per row).
    let mut regions: Vec<Vec<String>> = Vec::with_capacity(rows.height());
    if let Ok(list) = rows
        .column(scol::BODY_REGION.name)
        .and_then(crate::ingest::as_text)
        .and_then(|c| c.list().cloned())
    {
        for item in list.amortized_iter() {
            regions.push(
                item.and_then(|s| {
                    s.as_ref()
                        .str()
                        .ok()
                        .map(|c| c.iter().flatten().map(str::to_string).collect())
                })
                .unwrap_or_default(),
            );
        }
    }
    regions.resize(rows.height(), Vec::new());
    let flags = |name: &str| -> Vec<Option<bool>> {
        rows.column(name)
            .ok()
            .and_then(|c| c.bool().ok().map(|b| b.iter().collect()))
            .unwrap_or_else(|| vec![None; rows.height()])
    };
    let (codes, days) = (codes_column(&rows), column_i64(&rows, "day"));
    let (mut therapists, mut techniques) = (
        column_str(&rows, scol::THERAPIST.name),
        column_str(&rows, scol::TECHNIQUE.name),
    );
    let (before, after) = (
        column_f64(&rows, scol::PAIN_BEFORE.name),
        column_f64(&rows, scol::PAIN_AFTER.name),
    );
    let (followup, soreness) = (
        column_f64(&rows, fcol::PAIN_FOLLOWUP.name),
        column_f64(&rows, fcol::SORENESS_HOURS.name),
    );
    let (satisfaction, mut comments) = (
        column_i64(&rows, fcol::SATISFACTION.name),
        column_str(&rows, fcol::COMMENT.name),
    );
    let (is_eligible, is_responder) = (flags("is_eligible"), flags("is_responder"));
    let mut r = 0;
    while r < rows.height() {
        let Some(code) = codes[r] else {
            r += 1;
            continue;
        };
        let end = (r..rows.height())
            .find(|&e| codes[e] != Some(code))
            .unwrap_or(rows.height());
        let run = r..end;
        let (first, last) = (before[r], before[end - 1]);
        let relative_fall = first
            .zip(last)
            .and_then(|(f, l)| (f > 0.0).then(|| (f - l) / f));
        let sore: Vec<f64> = run.clone().filter_map(|i| soreness[i]).collect();
        let visits: Vec<Visit> = run
            .clone()
            .map(|i| Visit {
                date: days[i].and_then(days_to_date).unwrap_or_default(),
                therapist: therapists[i].take().unwrap_or_default(),
                technique: techniques[i].take().unwrap_or_default(),
                regions: std::mem::take(&mut regions[i]),
                pain_before: before[i],
                pain_after: after[i],
                pain_followup: followup[i],
                soreness_hours: soreness[i],
                satisfaction: satisfaction[i],
                comment: comments[i].take(),
                responder: (is_eligible[i] == Some(true)).then(|| is_responder[i] == Some(true)),
            })
            .collect();
        let count =
            |flags: &[Option<bool>]| run.clone().filter(|&i| flags[i] == Some(true)).count();
        if let (Some(first_date), Some(last_date)) = (
            days[r].and_then(days_to_date),
            days[end - 1].and_then(days_to_date),
        ) {
            let summary = ClientSummary {
                client_id: clients.id(code).to_string(),
                client_name: clients.name(code).map(str::to_string),
                sessions: run.len() as u64,
                sessions_in_period: visits
                    .iter()
                    .filter(|v| (period.from..=period.to).contains(&v.date))
                    .count() as u64,
                first_date,
                last_date,
                first_pain_before: first,
                last_pain_before: last,
                pain_change: first.zip(last).map(|(f, l)| l - f),
                pain_relative_fall: relative_fall,
                important_change: relative_fall.map(|r| r >= t.responder),
                mean_soreness_hours: (!sore.is_empty())
                    .then(|| sore.iter().sum::<f64>() / sore.len() as f64),
                responders: count(&is_responder) as u64,
                responder_eligible: count(&is_eligible) as u64,
                visits,
            };
            if !each(summary) {
                return Ok(false);
            }
        }
        r = end;
    }
    Ok(true)
}

/// The client codes of a frame's rows.
fn codes_column(df: &DataFrame) -> Vec<Option<u32>> {
    df.column(scol::CLIENT_ID.name)
        .ok()
        .and_then(|c| c.u32().ok().map(|a| a.iter().collect()))
        .unwrap_or_else(|| vec![None; df.height()])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The summaries of the chosen clients, in [`sort`]'s order.
    fn clients(
        ingested: &Ingested,
        period: Period,
        selection: &Selection,
        t: &Thresholds,
    ) -> Result<std::result::Result<Vec<ClientSummary>, Vec<String>>> {
        let chosen = match choose(ingested, period, selection)? {
            Ok(chosen) => chosen,
            Err(unknown) => return Ok(Err(unknown)),
        };
        let mut out = Vec::with_capacity(chosen.len());
        summaries(ingested, period, &chosen, t, |c| {
            out.push(c);
            true
        })?;
        sort(&mut out);
        Ok(Ok(out))
    }

    #[test]
    fn batches_of_clients_give_what_one_batch_gives_and_a_stop_is_kept() {
        let mut sessions = String::from(
            "session_id,client_id,therapist,date,technique,body_region,duration_min,pain_before\n",
        );
        // Seven clients, C3 with three visits (one before March), the others one or two.
        let visits = [
            ("C1", 2),
            ("C2", 1),
            ("C3", 2),
            ("C4", 1),
            ("C5", 2),
            ("C6", 1),
            ("C7", 2),
        ];
        let mut n = 0;
        for (client, times) in visits {
            for k in 0..times {
                n += 1;
                sessions += &format!(
                    "S{n},{client},Tom,2026-03-0{},Cupping,Neck,30,{}\n",
                    k + 2,
                    9 - k
                );
            }
        }
        sessions += "S99,C3,Tom,2026-02-20,Cupping,Neck,30,7\n";
        let ingested = crate::metrics::sessions_only(&sessions);
        let march = Period::month_of(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        let t = Thresholds::default();
        let chosen = choose(&ingested, march, &Selection::InPeriod)
            .unwrap()
            .unwrap();
        assert_eq!(
            chosen.ids(&ingested),
            ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]
        );
        let made = |batch: usize| {
            let mut out = Vec::new();
            summaries_by(&ingested, march, &chosen, &t, batch, |c| {
                out.push(c);
                true
            })
            .unwrap();
            out
        };
        let whole = made(BATCH);
        // In the ids' order as made; C3's history reaches back to February.
        let ids: Vec<&str> = whole.iter().map(|c| c.client_id.as_str()).collect();
        assert_eq!(ids, ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]);
        assert_eq!((whole[2].sessions, whole[2].sessions_in_period), (3, 2));
        assert_eq!(whole[2].first_pain_before, Some(7.0));
        assert_eq!(made(2), whole);
        assert_eq!(made(1), whole);
        let mut seen = 0;
        summaries_by(&ingested, march, &chosen, &t, 2, |_| {
            seen += 1;
            seen < 3
        })
        .unwrap();
        assert_eq!(seen, 3, "no summary is made after a stop");
    }

    #[test]
    fn the_fall_since_the_first_visit_and_whether_it_is_important() {
        let sessions =
            "session_id,client_id,therapist,date,technique,body_region,duration_min,pain_before\n\
            S1,C1,Tom,2026-03-02,Dry needling,Neck,30,8\n\
            S2,C1,Tom,2026-03-09,Dry needling,Neck,30,5\n\
            S3,C2,Tom,2026-03-02,Dry needling,Neck,30,5\n\
            S4,C2,Tom,2026-03-09,Dry needling,Neck,30,4\n\
            S5,C3,Tom,2026-03-02,Dry needling,Neck,30,0\n\
            S6,C3,Tom,2026-03-09,Dry needling,Neck,30,2\n\
            S7,C4,Tom,2026-03-02,Dry needling,Neck,30,6\n\
            S8,C4,Tom,2026-03-09,Dry needling,Neck,30,\n\
            S9,C5,Tom,2026-03-02,Dry needling,Neck,30,10\n\
            S10,C5,Tom,2026-03-09,Dry needling,Neck,30,7\n";
        let ingested = crate::metrics::sessions_only(sessions);
        let march = Period::month_of(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        let t = Thresholds::default();
        type Row = (String, Option<f64>, Option<f64>, Option<bool>);
        let got: Vec<Row> = clients(&ingested, march, &Selection::InPeriod, &t)
            .unwrap()
            .unwrap()
            .into_iter()
            .map(|c| {
                (
                    c.client_id,
                    c.pain_change,
                    c.pain_relative_fall,
                    c.important_change,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                // 8 → 5: a fall of 3/8 = 37.5%, past 30%.
                ("C1".into(), Some(-3.0), Some(0.375), Some(true)),
                // 5 → 4: 20%, short of it.
                ("C2".into(), Some(-1.0), Some(0.2), Some(false)),
                // No pain at the first visit: no fall to measure.
                ("C3".into(), Some(2.0), None, None),
                // The latest visit has no score.
                ("C4".into(), None, None, None),
                // 10 → 7: exactly 30% counts.
                ("C5".into(), Some(-3.0), Some(0.3), Some(true)),
            ]
        );
    }
}
