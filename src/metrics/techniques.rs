//! The technique comparison: every technique's outcome block over a span of months, its
//! baseline pain, its responder rate against all the other techniques (Newcombe's interval),
//! and responder rates by technique × body region.

use polars::prelude::*;

use super::monthly::{first_dates, groups, period_totals, visits_in, Group};
use super::outcomes::{self, Outcomes};
use super::stats::newcombe;
use super::{count, value_f64, value_str, Period};
use crate::config::Thresholds;
use crate::error::{Error, Result};
use crate::ingest::Ingested;
use crate::model::DataQuality;

/// A technique's responder rate minus that of all other techniques, with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    pub difference: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
}

impl Difference {
    pub fn new(difference: f64, ci95_low: f64, ci95_high: f64) -> Difference {
        Difference {
            difference,
            ci95_low,
            ci95_high,
        }
    }

    /// The interval includes 0: the data cannot tell the technique from the others.
    pub fn includes_no_difference(&self) -> bool {
        self.ci95_low <= 0.0 && self.ci95_high >= 0.0
    }
}

/// One technique's row.
#[derive(Debug, Clone, PartialEq)]
pub struct TechniqueRow {
    pub group: Group,
    /// Mean pain_before of its sessions: how much pain its clients came in with.
    pub baseline_pain: Option<f64>,
    /// Against all other techniques together; None when either side has no eligible session.
    pub vs_others: Option<Difference>,
}

/// Responders among the eligible sessions of one technique × region cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatrixCell {
    pub eligible: u64,
    pub responders: u64,
    /// responders / eligible; None without an eligible session.
    pub rate: Option<f64>,
    /// Fewer eligible sessions than the low-sample threshold.
    pub low_sample: bool,
}

impl MatrixCell {
    fn new(eligible: u64, responders: u64, t: &Thresholds) -> MatrixCell {
        MatrixCell {
            eligible,
            responders,
            rate: (eligible > 0).then(|| responders as f64 / eligible as f64),
            low_sample: eligible < u64::from(t.low_sample),
        }
    }
}

/// Everything the technique comparison shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Techniques {
    pub period: Period,
    pub sessions: u64,
    /// All techniques together.
    pub overall: Outcomes,
    /// Sorted by sessions, then name.
    pub techniques: Vec<TechniqueRow>,
    /// The matrix's columns, by sessions treated, then name.
    pub regions: Vec<String>,
    /// `matrix[t][r]`: technique `techniques[t]` in region `regions[r]`.
    pub matrix: Vec<Vec<MatrixCell>>,
    pub data_quality: DataQuality,
}

fn err(what: &'static str) -> impl FnOnce(PolarsError) -> Error {
    move |e| Error::polars(format!("computing {what}"))(e)
}

/// Computes the technique comparison over `period`.
pub fn techniques(ingested: &Ingested, period: Period, t: &Thresholds) -> Result<Techniques> {
    let first = first_dates(ingested)?;
    let visits = visits_in(ingested, period, &first)?;
    let (totals, overall) = period_totals(&visits, period, ingested.has_fee, t)?;
    let groups = groups(&visits, "technique", ingested.has_fee, t)?;

    let baseline = visits
        .clone()
        .lazy()
        .group_by([col("technique")])
        .agg([col("pain_before").mean().alias("baseline")])
        .collect()
        .map_err(err("baseline pain"))?;
    let baseline_of = |name: &str| {
        (0..baseline.height())
            .find(|&row| value_str(&baseline, "technique", row).as_deref() == Some(name))
            .and_then(|row| value_f64(&baseline, "baseline", row))
    };
    let (all_x, all_n) = (overall.responders.responders, overall.responders.eligible);
    let techniques: Vec<TechniqueRow> = groups
        .into_iter()
        .map(|g| {
            let (x, n) = (
                g.outcomes.responders.responders,
                g.outcomes.responders.eligible,
            );
            let vs_others =
                newcombe(x, n, all_x - x, all_n - n).map(|(d, lo, hi)| Difference::new(d, lo, hi));
            TechniqueRow {
                baseline_pain: baseline_of(&g.name),
                vs_others,
                group: g,
            }
        })
        .collect();

    let (regions, matrix) = matrix(&visits, &techniques, t)?;
    Ok(Techniques {
        period,
        sessions: totals.sessions,
        overall,
        techniques,
        regions,
        matrix,
        data_quality: ingested.quality.clone(),
    })
}

/// Responders by technique × region (a session with several regions counts in each).
fn matrix(
    visits: &DataFrame,
    techniques: &[TechniqueRow],
    t: &Thresholds,
) -> Result<(Vec<String>, Vec<Vec<MatrixCell>>)> {
    let df = visits
        .clone()
        .lazy()
        .select([
            col("technique"),
            col("body_region").alias("region"),
            outcomes::eligible().cast(DataType::Int64).alias("eligible"),
            outcomes::responder(t)
                .cast(DataType::Int64)
                .alias("responder"),
        ])
        .explode(cols(["region"]), super::EXPLODE_REGIONS)
        .group_by([col("technique"), col("region")])
        .agg([
            len().alias("sessions"),
            col("eligible").sum().alias("eligible"),
            col("responder").sum().alias("responders"),
        ])
        .collect()
        .map_err(err("the technique by region matrix"))?;
    let cells: Vec<(String, String, u64, MatrixCell)> = (0..df.height())
        .map(|row| {
            (
                value_str(&df, "technique", row).unwrap_or_default(),
                value_str(&df, "region", row).unwrap_or_default(),
                count(&df, "sessions", row),
                MatrixCell::new(
                    count(&df, "eligible", row),
                    count(&df, "responders", row),
                    t,
                ),
            )
        })
        .collect();
    let mut region_sessions: std::collections::BTreeMap<&str, u64> =
        std::collections::BTreeMap::new();
    for (_, region, n, _) in &cells {
        *region_sessions.entry(region).or_default() += n;
    }
    let mut regions: Vec<(&str, u64)> = region_sessions.into_iter().collect();
    regions.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let regions: Vec<String> = regions.into_iter().map(|(r, _)| r.to_string()).collect();
    let matrix = techniques
        .iter()
        .map(|tech| {
            regions
                .iter()
                .map(|region| {
                    cells
                        .iter()
                        .find(|(t, r, _, _)| *t == tech.group.name && r == region)
                        .map_or_else(|| MatrixCell::new(0, 0, t), |c| c.3)
                })
                .collect()
        })
        .collect();
    Ok((regions, matrix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_cells_carry_their_rate_and_low_sample_flag() {
        let t = Thresholds::default();
        assert_eq!(
            MatrixCell::new(10, 4, &t),
            MatrixCell {
                eligible: 10,
                responders: 4,
                rate: Some(0.4),
                low_sample: false,
            }
        );
        let few = MatrixCell::new(9, 9, &t);
        assert_eq!((few.rate, few.low_sample), (Some(1.0), true));
        let none = MatrixCell::new(0, 0, &t);
        assert_eq!((none.rate, none.low_sample), (None, true));
    }

    #[test]
    fn an_interval_includes_no_difference_only_when_it_spans_zero() {
        assert!(Difference::new(0.05, -0.02, 0.12).includes_no_difference());
        assert!(Difference::new(0.05, 0.0, 0.12).includes_no_difference());
        // 0.4 points above zero: shown as "0 to 12", but it does exclude no difference.
        assert!(!Difference::new(0.05, 0.004, 0.12).includes_no_difference());
        assert!(!Difference::new(-0.2, -0.3, -0.1).includes_no_difference());
    }
}
