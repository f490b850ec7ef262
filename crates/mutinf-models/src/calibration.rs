//! A monotone correction of the network's raw bound, fitted on simulated data with known MI.
//!
//! The Donsker-Varadhan value read from a finite, blurred G x G table is a *lower* bound: it
//! falls short of the truth more the sharper the dependence (a ridge narrower than a cell
//! cannot be drawn), and reads slightly below zero at independence (the held-out readout).
//! That shortfall is systematic, so it is measured once on the training family — GMM
//! distributions with Monte-Carlo truths, never the evaluation sets — and undone by an
//! increasing piecewise-linear map stored in the checkpoint (`mutinf.calibration`).
//! Monotone means the order of any two estimates, and so every ranking, is unchanged.
//!
//! ```
//! use mutinf_models::Calibration;
//! // Raw estimates that read 10 % low, plus an offset of -0.01.
//! let raw: Vec<f64> = (0..200).map(|i| 0.9 * (i as f64 / 200.0) - 0.01).collect();
//! let truth: Vec<f64> = (0..200).map(|i| i as f64 / 200.0).collect();
//! let c = Calibration::fit(&raw, &truth, 10).unwrap();
//! assert!((c.apply(0.9 * 0.5 - 0.01) - 0.5).abs() < 0.01);
//! ```

use serde::{Deserialize, Serialize};

use crate::ModelError;

/// Metadata key of the calibration (JSON) in a checkpoint.
pub const CALIBRATION_KEY: &str = "mutinf.calibration";

/// An increasing piecewise-linear map from raw bound to calibrated MI (nats).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Raw values of the knots, strictly increasing.
    pub raw: Vec<f64>,
    /// Calibrated values at the knots, non-decreasing.
    pub calibrated: Vec<f64>,
    /// What the map was fitted on (family, sequences, N range, seed), for the record.
    pub fitted_on: String,
}

impl Calibration {
    /// Fits the map by *inverting* the network's response: isotonic regression of `raw` on
    /// `truth` (what the network reads, on average, at each true MI), summarised at `knots`
    /// quantiles of `truth`, then read backwards (raw → truth).
    ///
    /// Regressing truth on raw instead would give E[truth | raw], which pulls every estimate
    /// toward the fitting family's typical MI (independent data would read the mean MI of the
    /// family's weakest cases); the inverse of E[raw | truth] keeps the calibrated value
    /// unbiased at every true MI the family covers.
    pub fn fit(raw: &[f64], truth: &[f64], knots: usize) -> Result<Self, ModelError> {
        if raw.len() != truth.len() {
            return Err(ModelError::LengthMismatch { x: raw.len(), y: truth.len() });
        }
        if knots < 2 || raw.len() < 2 * knots {
            return Err(ModelError::InvalidConfig {
                field: "calibration knots".into(),
                value: knots.to_string(),
                reason: format!("need at least 2 knots and 2 points per knot ({} points given)", raw.len()),
            });
        }
        if let Some(bad) = raw.iter().chain(truth).find(|v| !v.is_finite()) {
            return Err(ModelError::NonFinite(*bad));
        }
        let mut order: Vec<usize> = (0..raw.len()).collect();
        order.sort_by(|&a, &b| truth[a].total_cmp(&truth[b]));
        let ts: Vec<f64> = order.iter().map(|&i| truth[i]).collect();
        let response = isotonic(&order.iter().map(|&i| raw[i]).collect::<Vec<_>>());
        let mut knot_raw = Vec::with_capacity(knots);
        let mut knot_cal = Vec::with_capacity(knots);
        for k in 0..knots {
            let (lo, hi) = (k * ts.len() / knots, (k + 1) * ts.len() / knots);
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            let (r, t) = (mean(&response[lo..hi]), mean(&ts[lo..hi]));
            // A flat stretch of the response (equal raw at different truths) cannot be
            // inverted; keep its first knot so the map stays a function.
            if knot_raw.last().is_some_and(|&last: &f64| r <= last + 1e-12) {
                continue;
            }
            knot_raw.push(r);
            knot_cal.push(t);
        }
        Ok(Self { raw: knot_raw, calibrated: knot_cal, fitted_on: String::new() })
    }

    /// The calibrated value of a raw bound. Between knots: linear interpolation; beyond the
    /// end knots: the end knot's correction carried on unchanged (slope 1), so values outside
    /// the fitted range are shifted, never stretched.
    pub fn apply(&self, raw: f64) -> f64 {
        let n = self.raw.len();
        if n == 0 || !raw.is_finite() {
            return raw;
        }
        if raw <= self.raw[0] {
            return raw + (self.calibrated[0] - self.raw[0]);
        }
        if raw >= self.raw[n - 1] {
            return raw + (self.calibrated[n - 1] - self.raw[n - 1]);
        }
        let k = self.raw.partition_point(|&r| r <= raw);
        let (x0, x1, y0, y1) = (self.raw[k - 1], self.raw[k], self.calibrated[k - 1], self.calibrated[k]);
        y0 + (y1 - y0) * (raw - x0) / (x1 - x0)
    }

    /// Checks the invariants (increasing raw knots, non-decreasing values, finite, same length).
    pub fn check(&self) -> Result<(), ModelError> {
        let bad = |reason: &str| ModelError::InvalidConfig {
            field: "calibration".into(),
            value: format!("{} knots", self.raw.len()),
            reason: reason.into(),
        };
        if self.raw.len() != self.calibrated.len() || self.raw.is_empty() {
            return Err(bad("raw and calibrated knots must be non-empty and of equal length"));
        }
        if self.raw.iter().chain(&self.calibrated).any(|v| !v.is_finite()) {
            return Err(bad("knots must be finite"));
        }
        if self.raw.windows(2).any(|w| w[1] <= w[0]) || self.calibrated.windows(2).any(|w| w[1] < w[0]) {
            return Err(bad("the map must be increasing"));
        }
        Ok(())
    }
}

/// Isotonic (non-decreasing) least-squares fit of `y` in the given order (pool adjacent
/// violators).
pub fn isotonic(y: &[f64]) -> Vec<f64> {
    // Blocks of (sum, count); merge backwards while a block's mean is below its predecessor's.
    let mut blocks: Vec<(f64, usize)> = Vec::with_capacity(y.len());
    for &v in y {
        blocks.push((v, 1));
        while blocks.len() > 1 {
            let (s1, c1) = blocks[blocks.len() - 1];
            let (s0, c0) = blocks[blocks.len() - 2];
            if s0 / c0 as f64 <= s1 / c1 as f64 {
                break;
            }
            blocks.pop();
            *blocks.last_mut().expect("two blocks") = (s0 + s1, c0 + c1);
        }
    }
    blocks.iter().flat_map(|&(s, c)| std::iter::repeat_n(s / c as f64, c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_matches_hand_computation() {
        assert_eq!(isotonic(&[1.0, 3.0, 2.0, 4.0]), vec![1.0, 2.5, 2.5, 4.0]);
        assert_eq!(isotonic(&[3.0, 2.0, 1.0]), vec![2.0, 2.0, 2.0]);
        assert_eq!(isotonic(&[0.0, 1.0, 2.0]), vec![0.0, 1.0, 2.0]);
    }

    #[test]
    fn isotonic_is_monotone_and_keeps_the_mean() {
        let y: Vec<f64> = (0..500).map(|i| ((i * 7919) % 101) as f64 / 10.0 + i as f64 / 50.0).collect();
        let f = isotonic(&y);
        assert!(f.windows(2).all(|w| w[1] >= w[0] - 1e-12));
        let (a, b) = (y.iter().sum::<f64>(), f.iter().sum::<f64>());
        assert!((a - b).abs() < 1e-9);
    }

    #[test]
    fn identity_data_gives_the_identity_map() {
        let v: Vec<f64> = (0..300).map(|i| i as f64 / 300.0).collect();
        let c = Calibration::fit(&v, &v, 12).unwrap();
        c.check().unwrap();
        for x in [-0.2, 0.0, 0.31, 0.77, 1.4] {
            assert!((c.apply(x) - x).abs() < 1e-9, "{x} -> {}", c.apply(x));
        }
    }

    #[test]
    fn corrects_a_linear_shortfall_and_extrapolates_with_slope_one() {
        let truth: Vec<f64> = (0..400).map(|i| i as f64 / 400.0).collect();
        let raw: Vec<f64> = truth.iter().map(|t| 0.8 * t - 0.02).collect();
        let c = Calibration::fit(&raw, &truth, 16).unwrap();
        for t in [0.1, 0.4, 0.7] {
            assert!((c.apply(0.8 * t - 0.02) - t).abs() < 1e-9);
        }
        let last = *c.raw.last().unwrap();
        assert!((c.apply(last + 0.5) - c.apply(last) - 0.5).abs() < 1e-12);
    }

    /// The failure mode of regressing truth on raw: with noisy raw values, E[truth | raw]
    /// shrinks toward the family mean, so a truth-0 case would read well above 0. The inverse
    /// fit keeps each true level's mean calibrated estimate at that level.
    #[test]
    fn noisy_raw_values_are_not_shrunk_toward_the_family_mean() {
        let mut raw = Vec::new();
        let mut truth = Vec::new();
        for level in 0..10 {
            let t = level as f64 / 10.0;
            for i in 0..200 {
                // Deterministic symmetric noise of sd ~0.03 around 0.8 t - 0.01.
                let noise = ((i * 7919 % 200) as f64 / 200.0 - 0.5) * 0.1;
                raw.push(0.8 * t - 0.01 + noise);
                truth.push(t);
            }
        }
        let c = Calibration::fit(&raw, &truth, 10).unwrap();
        for level in [0usize, 3, 6, 9] {
            let rows = level * 200..(level + 1) * 200;
            let mean = rows.clone().map(|i| c.apply(raw[i])).sum::<f64>() / 200.0;
            assert!((mean - level as f64 / 10.0).abs() < 0.02, "level {level}: {mean}");
        }
    }

    #[test]
    fn apply_is_monotone_and_bad_input_is_an_error() {
        let raw: Vec<f64> = (0..100).map(|i| ((i * 37) % 100) as f64 / 100.0).collect();
        let truth: Vec<f64> = raw.iter().map(|r| r * r + ((r * 50.0).sin() * 0.05)).collect();
        let c = Calibration::fit(&raw, &truth, 8).unwrap();
        let xs: Vec<f64> = (0..200).map(|i| i as f64 / 150.0 - 0.1).collect();
        assert!(xs.windows(2).all(|w| c.apply(w[1]) >= c.apply(w[0])));
        assert!(Calibration::fit(&raw, &truth[..50], 8).is_err());
        assert!(Calibration::fit(&raw[..10], &truth[..10], 8).is_err());
        assert!(Calibration::fit(&[f64::NAN; 40], &[0.0; 40], 4).is_err());
        let broken = Calibration { raw: vec![0.0, 0.0], calibrated: vec![0.0, 1.0], fitted_on: String::new() };
        assert!(broken.check().is_err());
    }
}
