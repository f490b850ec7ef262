//! Checked parameters for KDE MI.

use mutinf_core::{MutinfError, Result};

/// Bandwidth rule: the kernel covariance is factor² × the data covariance.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Bandwidth {
    /// Scott's factor N^{−1/(d+4)} (scipy's default).
    #[default]
    Scott,
    /// Silverman's factor (N(d+2)/4)^{−1/(d+4)}.
    Silverman,
    /// A fixed factor (> 0) for every density.
    Factor(f64),
}

/// Unchecked KDE-MI parameters (default: Scott's rule).
///
/// ```
/// use mutinf_estimators::kde::{Bandwidth, KdeParams};
/// let err = KdeParams::new().bandwidth(Bandwidth::Factor(0.0)).check().unwrap_err();
/// assert!(err.to_string().contains("bandwidth"));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KdeParams {
    bandwidth: Bandwidth,
}

impl KdeParams {
    /// Scott's rule.
    pub fn new() -> Self {
        Self::default()
    }
    /// The bandwidth rule.
    pub fn bandwidth(mut self, bandwidth: Bandwidth) -> Self {
        self.bandwidth = bandwidth;
        self
    }
    /// Validates: a fixed factor must be finite and positive.
    pub fn check(self) -> Result<Kde> {
        if let Bandwidth::Factor(f) = self.bandwidth
            && !(f.is_finite() && f > 0.0)
        {
            return Err(MutinfError::invalid("bandwidth", f, "the bandwidth factor must be a positive number (e.g. 0.3), or use Scott / Silverman"));
        }
        Ok(Kde { bandwidth: self.bandwidth })
    }
}

/// A validated KDE-MI estimator.
#[derive(Debug, Clone, PartialEq)]
pub struct Kde {
    pub(crate) bandwidth: Bandwidth,
}

impl Kde {
    /// The bandwidth factor used for N points in d dimensions.
    pub fn factor(&self, n: usize, d: usize) -> f64 {
        let (n, d) = (n as f64, d as f64);
        match self.bandwidth {
            Bandwidth::Scott => n.powf(-1.0 / (d + 4.0)),
            Bandwidth::Silverman => (n * (d + 2.0) / 4.0).powf(-1.0 / (d + 4.0)),
            Bandwidth::Factor(f) => f,
        }
    }
}
