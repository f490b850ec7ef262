//! Checked parameters for the Kozachenko-Leonenko entropy estimator.

use mutinf_core::{MutinfError, Result};

use crate::neighbours::Metric;

/// Unchecked parameters of the Kozachenko-Leonenko estimator: k = 3, Euclidean norm.
///
/// ```
/// use mutinf_estimators::entropy::KlEntropyParams;
/// use mutinf_estimators::neighbours::Metric;
/// let kl = KlEntropyParams::new().k(4).metric(Metric::MaxNorm).check().unwrap();
/// assert_eq!(kl.k(), 4);
/// assert!(KlEntropyParams::new().k(0).check().unwrap_err().to_string().contains("k = 0"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct KlEntropyParams {
    k: usize,
    metric: Metric,
}

impl Default for KlEntropyParams {
    fn default() -> Self {
        Self { k: 3, metric: Metric::Euclidean }
    }
}

impl KlEntropyParams {
    /// k = 3, Euclidean.
    pub fn new() -> Self {
        Self::default()
    }

    /// Neighbour rank k ≥ 1.
    pub fn k(mut self, k: usize) -> Self {
        self.k = k;
        self
    }

    /// Norm for the neighbour distances (Euclidean by default; max-norm as in KSG).
    pub fn metric(mut self, metric: Metric) -> Self {
        self.metric = metric;
        self
    }

    /// Validates k ≥ 1.
    pub fn check(self) -> Result<KlEntropy> {
        if self.k == 0 {
            return Err(MutinfError::invalid("k", 0, "k (neighbour rank) must be at least 1; 3 is usual"));
        }
        Ok(KlEntropy { k: self.k, metric: self.metric })
    }
}

/// A validated Kozachenko-Leonenko entropy estimator; see [`KlEntropy::entropy`].
#[derive(Debug, Clone, PartialEq)]
pub struct KlEntropy {
    pub(crate) k: usize,
    pub(crate) metric: Metric,
}

impl KlEntropy {
    /// Neighbour rank.
    pub fn k(&self) -> usize {
        self.k
    }
    /// Norm.
    pub fn metric(&self) -> Metric {
        self.metric
    }
}
