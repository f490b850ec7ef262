//! Checked parameters for the KSG-style conditional MI.

use mutinf_core::{MutinfError, Result};

/// Unchecked parameters of the Frenzel-Pompe conditional MI; [`KsgCmiParams::check`] turns
/// them into a runnable [`KsgCmi`].
///
/// Defaults, as for [`KsgParams`](crate::ksg::KsgParams): k = 3, standardize = true (every
/// column of X, Y and Z divided by its std, because the max-norm mixes coordinates),
/// parallel = true (rayon over points for N ≥ 4 000; results are bit-identical whatever the
/// thread count).
///
/// ```
/// use mutinf_estimators::conditional::KsgCmiParams;
/// let cmi = KsgCmiParams::new().k(5).check().unwrap();
/// assert_eq!(cmi.k(), 5);
/// let err = KsgCmiParams::new().k(0).check().unwrap_err();
/// assert!(err.to_string().contains("k = 0"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct KsgCmiParams {
    k: usize,
    standardize: bool,
    parallel: bool,
}

impl Default for KsgCmiParams {
    fn default() -> Self {
        Self { k: 3, standardize: true, parallel: true }
    }
}

impl KsgCmiParams {
    /// The defaults (k = 3, standardize, parallel).
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of neighbours k ≥ 1 in the joint (X, Y, Z) space. Larger k: less variance,
    /// more bias. 3-10 is usual.
    pub fn k(mut self, k: usize) -> Self {
        self.k = k;
        self
    }

    /// Divide each column of X, Y and Z by its population std before searching.
    pub fn standardize(mut self, standardize: bool) -> Self {
        self.standardize = standardize;
        self
    }

    /// Use rayon over query points for large N.
    pub fn parallel(mut self, parallel: bool) -> Self {
        self.parallel = parallel;
        self
    }

    /// Validates: k must be at least 1. (k < N is checked per data set in `estimate`.)
    pub fn check(self) -> Result<KsgCmi> {
        if self.k == 0 {
            return Err(MutinfError::invalid("k", 0, "k (number of neighbours) must be at least 1; use k = 3-10"));
        }
        if self.k > u32::MAX as usize {
            return Err(MutinfError::invalid("k", self.k, "k is far larger than any data set; use a small k such as 3-10"));
        }
        Ok(KsgCmi { k: self.k, standardize: self.standardize, parallel: self.parallel })
    }
}

/// A validated Frenzel-Pompe conditional MI estimator; implements
/// [`ConditionalEstimator`](super::ConditionalEstimator).
#[derive(Debug, Clone, PartialEq)]
pub struct KsgCmi {
    pub(crate) k: usize,
    pub(crate) standardize: bool,
    pub(crate) parallel: bool,
}

impl KsgCmi {
    /// Number of neighbours.
    pub fn k(&self) -> usize {
        self.k
    }
    /// Whether columns are scaled to unit std first.
    pub fn standardize(&self) -> bool {
        self.standardize
    }
    /// Whether large inputs use rayon.
    pub fn parallel(&self) -> bool {
        self.parallel
    }
}
