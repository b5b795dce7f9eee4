//! Interval estimates: Student-t for a mean, Wilson score for a proportion.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// z for a two-sided 95% interval, as SPEC "Metrics" fixes it.
pub const Z95: f64 = 1.959963984540054;

/// A number that can be written: NaN and infinities become missing.
pub fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// 95% interval of a mean: mean ± t(0.975, n − 1) · s / √n; None when n < 2.
pub fn t_interval(n: u64, mean: Option<f64>, sd: Option<f64>) -> (Option<f64>, Option<f64>) {
    let (Some(mean), Some(sd)) = (finite(mean), finite(sd)) else {
        return (None, None);
    };
    if n < 2 {
        return (None, None);
    }
    let Ok(t) = StudentsT::new(0.0, 1.0, (n - 1) as f64) else {
        return (None, None);
    };
    let half = t.inverse_cdf(0.975) * sd / (n as f64).sqrt();
    (finite(Some(mean - half)), finite(Some(mean + half)))
}

/// 95% Wilson score interval of `x` successes in `n`; None when n = 0.
pub fn wilson(x: u64, n: u64) -> (Option<f64>, Option<f64>) {
    if n == 0 {
        return (None, None);
    }
    let (x, n) = (x as f64, n as f64);
    let p = x / n;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    (
        Some((centre - half).max(0.0)),
        Some((centre + half).min(1.0)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close_to(a: Option<f64>, b: f64, tolerance: f64) {
        let a = a.expect("a value");
        assert!((a - b).abs() < tolerance, "{a} != {b}");
    }

    fn close(a: Option<f64>, b: f64) {
        close_to(a, b, 1e-12);
    }

    #[test]
    fn t_interval_at_two_and_more() {
        // n = 2, values 1 and 3: mean 2, s = √2, half-width t(0.975, 1)·√2/√2 = 12.7062047...
        let (lo, hi) = t_interval(2, Some(2.0), Some(2f64.sqrt()));
        close_to(lo, 2.0 - 12.706204736174707, 1e-7);
        close_to(hi, 2.0 + 12.706204736174707, 1e-7);
        // n = 10, mean 1.5, s = 1: t(0.975, 9) = 2.262157162740991.
        let (lo, hi) = t_interval(10, Some(1.5), Some(1.0));
        close_to(lo, 1.5 - 2.262157162740991 / 10f64.sqrt(), 1e-8);
        close_to(hi, 1.5 + 2.262157162740991 / 10f64.sqrt(), 1e-8);
        assert_eq!(t_interval(1, Some(2.0), None), (None, None));
        assert_eq!(t_interval(0, None, None), (None, None));
        assert_eq!(t_interval(3, Some(2.0), Some(f64::NAN)), (None, None));
    }

    #[test]
    fn wilson_at_the_edges() {
        // 0 of 10: lower 0, upper z²/(n + z²).
        let (lo, hi) = wilson(0, 10);
        close(lo, 0.0);
        close(hi, 0.2775327998628892);
        // 10 of 10: the mirror image.
        let (lo, hi) = wilson(10, 10);
        close(lo, 0.7224672001371107);
        close(hi, 1.0);
        // 5 of 10: centred on 0.5.
        let (lo, hi) = wilson(5, 10);
        close(lo, 0.236593090512564);
        close(hi, 0.7634069094874361);
        assert_eq!(wilson(0, 0), (None, None));
    }
}
