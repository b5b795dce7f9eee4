//! The outcome block of SPEC "Metrics": soreness, pain reduction, responders, immediate
//! change, satisfaction and mobility, computed over any group of visits.

use polars::prelude::*;
use serde::Serialize;

use super::cell::{Cell, Count};
use super::stats::{t_interval, wilson};
use super::{count, value_f64};
use crate::config::Thresholds;
use crate::ingest::columns::{feedback as fcol, session as scol};

/// How long post-treatment soreness lasted, over sessions that reported it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Soreness {
    pub n: Count,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub p90: Option<f64>,
    /// Share with soreness longer than the threshold (48 h by default).
    pub over_48h_share: Option<f64>,
}

/// pain_before − pain_followup, over sessions with both.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PainReduction {
    pub n: Count,
    pub mean: Option<f64>,
    /// The sample standard deviation (n − 1), for comparing two months; not in the JSON.
    #[serde(skip)]
    pub sd: Option<f64>,
    pub ci95_low: Option<f64>,
    pub ci95_high: Option<f64>,
}

/// Sessions whose pain fell by the clinically important share (30% by default).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Responders {
    /// Sessions with pain_before > 0 and a pain_followup.
    pub eligible: Count,
    pub responders: Count,
    pub rate: Option<f64>,
    pub ci95_low: Option<f64>,
    pub ci95_high: Option<f64>,
}

/// pain_before − pain_after, over sessions with both.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImmediateChange {
    pub n: Count,
    pub mean: Option<f64>,
}

/// The outcome block of one group of sessions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcomes {
    pub soreness: Soreness,
    pub pain_reduction: PainReduction,
    pub responders: Responders,
    pub immediate_change: ImmediateChange,
    pub satisfaction_mean: Option<f64>,
    pub mobility_improved_share: Option<f64>,
    /// Fewer responder-eligible sessions than the low-sample threshold.
    pub low_sample: Cell<bool>,
}

/// A session that can show a response: pain_before > 0 and a pain_followup. (A comparison
/// with a null is null, and sums skip nulls: only true counts.)
pub fn eligible() -> Expr {
    scol::PAIN_BEFORE
        .col()
        .gt(lit(0.0))
        .and(fcol::PAIN_FOLLOWUP.col().is_not_null())
}

/// An eligible session whose pain fell by at least the responder share.
pub fn responder(t: &Thresholds) -> Expr {
    let reduction = scol::PAIN_BEFORE.col() - fcol::PAIN_FOLLOWUP.col();
    eligible().and((reduction / scol::PAIN_BEFORE.col()).gt_eq(lit(t.responder)))
}

/// The aggregations behind [`Outcomes`], for `select` (one group) or `group_by().agg`.
/// Columns needed: pain_before, pain_after, pain_followup, soreness_hours, mobility,
/// satisfaction.
pub fn aggregations(t: &Thresholds) -> Vec<Expr> {
    let before = || scol::PAIN_BEFORE.col();
    let followup = || fcol::PAIN_FOLLOWUP.col();
    let sore = || fcol::SORENESS_HOURS.col();
    let reduction = || before() - followup();
    let immediate = || before() - scol::PAIN_AFTER.col();
    let as_share = |e: Expr| e.cast(DataType::Float64).mean();
    vec![
        sore().count().alias("o_sore_n"),
        sore().mean().alias("o_sore_mean"),
        sore().median().alias("o_sore_median"),
        sore()
            .quantile(lit(0.9), QuantileMethod::Linear)
            .alias("o_sore_p90"),
        as_share(sore().gt(lit(t.soreness_hours))).alias("o_sore_over"),
        reduction().count().alias("o_red_n"),
        reduction().mean().alias("o_red_mean"),
        reduction().std(1).alias("o_red_sd"),
        eligible().cast(DataType::Int64).sum().alias("o_eligible"),
        responder(t)
            .cast(DataType::Int64)
            .sum()
            .alias("o_responders"),
        immediate().count().alias("o_imm_n"),
        immediate().mean().alias("o_imm_mean"),
        fcol::SATISFACTION.col().mean().alias("o_satisfaction"),
        as_share(fcol::MOBILITY.col().gt_eq(lit(4))).alias("o_mobility"),
    ]
}

/// Reads the block of `row` from a frame that holds [`aggregations`].
pub fn read(df: &DataFrame, row: usize, t: &Thresholds) -> Outcomes {
    let f = |name: &str| value_f64(df, name, row);
    let n = |name: &str| count(df, name, row);
    let red_n = n("o_red_n");
    let red_mean = f("o_red_mean");
    let (red_low, red_high) = t_interval(red_n, red_mean, f("o_red_sd"));
    let eligible = n("o_eligible");
    let responders = n("o_responders");
    let (resp_low, resp_high) = wilson(responders, eligible);
    let sore_n = n("o_sore_n");
    let imm_n = n("o_imm_n");
    Outcomes {
        soreness: Soreness {
            n: sore_n.into(),
            mean: f("o_sore_mean"),
            median: f("o_sore_median"),
            p90: f("o_sore_p90"),
            over_48h_share: if sore_n > 0 { f("o_sore_over") } else { None },
        },
        pain_reduction: PainReduction {
            n: red_n.into(),
            mean: red_mean,
            sd: f("o_red_sd"),
            ci95_low: red_low,
            ci95_high: red_high,
        },
        responders: Responders {
            eligible: eligible.into(),
            responders: responders.into(),
            rate: (eligible > 0).then(|| responders as f64 / eligible as f64),
            ci95_low: resp_low,
            ci95_high: resp_high,
        },
        immediate_change: ImmediateChange {
            n: imm_n.into(),
            mean: if imm_n > 0 { f("o_imm_mean") } else { None },
        },
        satisfaction_mean: f("o_satisfaction"),
        mobility_improved_share: f("o_mobility"),
        low_sample: (eligible < u64::from(t.low_sample)).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Visits as (pain_before, pain_after, pain_followup, soreness, mobility, satisfaction).
    type Visit = (
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<i64>,
        Option<i64>,
    );

    fn outcomes(rows: &[Visit], t: &Thresholds) -> Outcomes {
        let df = df!(
            scol::PAIN_BEFORE.name => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            scol::PAIN_AFTER.name => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            fcol::PAIN_FOLLOWUP.name => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
            fcol::SORENESS_HOURS.name => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
            fcol::MOBILITY.name => rows.iter().map(|r| r.4).collect::<Vec<_>>(),
            fcol::SATISFACTION.name => rows.iter().map(|r| r.5).collect::<Vec<_>>(),
        )
        .unwrap();
        let agg = df.lazy().select(aggregations(t)).collect().unwrap();
        read(&agg, 0, t)
    }

    #[test]
    fn an_empty_group_gives_nulls_not_nan() {
        let o = outcomes(&[], &Thresholds::default());
        assert_eq!(
            o.soreness,
            Soreness {
                n: 0.into(),
                mean: None,
                median: None,
                p90: None,
                over_48h_share: None
            }
        );
        assert_eq!(
            o.pain_reduction,
            PainReduction {
                n: 0.into(),
                mean: None,
                sd: None,
                ci95_low: None,
                ci95_high: None
            }
        );
        assert_eq!(o.responders.rate, None);
        assert_eq!(
            (o.responders.ci95_low, o.responders.ci95_high),
            (None, None)
        );
        assert_eq!(
            o.immediate_change,
            ImmediateChange {
                n: 0.into(),
                mean: None
            }
        );
        assert_eq!(
            (o.satisfaction_mean, o.mobility_improved_share),
            (None, None)
        );
        assert!(o.low_sample.value());
    }

    #[test]
    fn quantiles_at_one_and_two_values() {
        let one = outcomes(
            &[(None, None, None, Some(30.0), None, None)],
            &Thresholds::default(),
        );
        assert_eq!(
            (one.soreness.median, one.soreness.p90),
            (Some(30.0), Some(30.0))
        );
        // Two values 10 and 60: median 35; p90 at h = 0.9 → 10 + 0.9·50 = 55.
        let two = outcomes(
            &[
                (None, None, None, Some(10.0), None, None),
                (None, None, None, Some(60.0), None, None),
            ],
            &Thresholds::default(),
        );
        assert_eq!(two.soreness.median, Some(35.0));
        assert!((two.soreness.p90.unwrap() - 55.0).abs() < 1e-12);
        assert_eq!(two.soreness.over_48h_share, Some(0.5));
        assert_eq!(two.soreness.mean, Some(35.0));
    }

    #[test]
    fn a_hand_worked_group() {
        let t = Thresholds::default();
        let o = outcomes(
            &[
                // reduction 3 (of 6: 50%, responder); immediate 2; sore 48 (not over 48)
                (
                    Some(6.0),
                    Some(4.0),
                    Some(3.0),
                    Some(48.0),
                    Some(4),
                    Some(5),
                ),
                // reduction 2 (of 8: 25%, not); immediate missing; sore 72
                (Some(8.0), None, Some(6.0), Some(72.0), Some(3), Some(4)),
                // pain_before 0: not eligible, reduction 0 counts; immediate 0
                (Some(0.0), Some(0.0), Some(0.0), None, None, None),
                // no follow-up: not eligible; immediate 1
                (Some(5.0), Some(4.0), None, Some(0.0), Some(5), Some(3)),
                // exactly 30% (10 → 7): a responder
                (Some(10.0), None, Some(7.0), None, None, None),
            ],
            &t,
        );
        assert_eq!(o.soreness.n, 3);
        assert_eq!(o.soreness.median, Some(48.0));
        assert!((o.soreness.over_48h_share.unwrap() - 1.0 / 3.0).abs() < 1e-12);
        // reductions 3, 2, 0, 3: mean 2, s² = (1 + 0 + 4 + 1)/3 = 2.
        assert_eq!(o.pain_reduction.n, 4);
        assert_eq!(o.pain_reduction.mean, Some(2.0));
        let half = 3.182446305284263 * 2f64.sqrt() / 2.0;
        assert!((o.pain_reduction.ci95_low.unwrap() - (2.0 - half)).abs() < 1e-7);
        assert!((o.pain_reduction.ci95_high.unwrap() - (2.0 + half)).abs() < 1e-7);
        assert_eq!(
            (
                o.responders.eligible.value(),
                o.responders.responders.value()
            ),
            (3, 2)
        );
        assert_eq!(o.responders.rate, Some(2.0 / 3.0));
        assert_eq!(o.responders.ci95_low, wilson(2, 3).0);
        assert_eq!(
            o.immediate_change,
            ImmediateChange {
                n: 3.into(),
                mean: Some(1.0)
            }
        );
        assert_eq!(o.satisfaction_mean, Some(4.0));
        assert_eq!(o.mobility_improved_share, Some(2.0 / 3.0));
        assert!(o.low_sample.value());
        let lenient = Thresholds {
            low_sample: 3,
            responder: 0.25,
            soreness_hours: 47.5,
        };
        let o = outcomes(
            &[
                (Some(6.0), None, Some(3.0), Some(48.0), None, None),
                (Some(8.0), None, Some(6.0), Some(72.0), None, None),
                (Some(10.0), None, Some(9.0), None, None, None),
            ],
            &lenient,
        );
        assert_eq!(
            (
                o.responders.eligible.value(),
                o.responders.responders.value()
            ),
            (3, 2)
        );
        assert_eq!(o.soreness.over_48h_share, Some(1.0));
        assert!(!o.low_sample.value());
    }
}
