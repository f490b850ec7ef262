//! Checked parameters for KSG.

use mutinf_core::{MutinfError, Result};

/// Which of the two KSG estimators (see the [module docs](super)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KsgAlgorithm {
    /// Algorithm 1: strict counts inside the joint k-th neighbour distance (scikit-learn's).
    #[default]
    One,
    /// Algorithm 2: counts within the marginal extents of the k nearest neighbours.
    Two,
}

impl KsgAlgorithm {
    /// `"ksg"` or `"ksg2"`: the method names used in output.
    pub fn method_name(self) -> &'static str {
        match self {
            KsgAlgorithm::One => "ksg",
            KsgAlgorithm::Two => "ksg2",
        }
    }
}

/// Unchecked KSG parameters; [`KsgParams::check`] turns them into a runnable [`Ksg`].
///
/// Defaults: k = 3 (scikit-learn's `n_neighbors`), algorithm 1, standardize = true
/// (divide columns by their std, as scikit-learn), parallel = true (rayon for N ≥ 20 000;
/// results are bit-identical whatever the thread count).
///
/// ```
/// use mutinf_estimators::ksg::{KsgAlgorithm, KsgParams};
/// let ksg = KsgParams::new().k(5).algorithm(KsgAlgorithm::Two).check().unwrap();
/// assert_eq!(ksg.k(), 5);
/// let err = KsgParams::new().k(0).check().unwrap_err();
/// assert!(err.to_string().contains("k = 0"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct KsgParams {
    k: usize,
    algorithm: KsgAlgorithm,
    standardize: bool,
    parallel: bool,
}

impl Default for KsgParams {
    fn default() -> Self {
        Self { k: 3, algorithm: KsgAlgorithm::One, standardize: true, parallel: true }
    }
}

impl KsgParams {
    /// The defaults (k = 3, algorithm 1, standardize, parallel).
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of neighbours k ≥ 1. Larger k: less variance, more bias. 3-10 is usual.
    pub fn k(mut self, k: usize) -> Self {
        self.k = k;
        self
    }

    /// Algorithm 1 or 2.
    pub fn algorithm(mut self, algorithm: KsgAlgorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Divide each column by its population std before searching (scikit-learn's behaviour).
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
    pub fn check(self) -> Result<Ksg> {
        if self.k == 0 {
            return Err(MutinfError::invalid("k", 0, "k (number of neighbours) must be at least 1; use k = 3 as scikit-learn does"));
        }
        if self.k > u32::MAX as usize {
            return Err(MutinfError::invalid("k", self.k, "k is far larger than any data set; use a small k such as 3-10"));
        }
        Ok(Ksg { k: self.k, algorithm: self.algorithm, standardize: self.standardize, parallel: self.parallel })
    }
}

/// A validated KSG estimator; implements [`mutinf_core::Estimator`].
#[derive(Debug, Clone, PartialEq)]
pub struct Ksg {
    pub(crate) k: usize,
    pub(crate) algorithm: KsgAlgorithm,
    pub(crate) standardize: bool,
    pub(crate) parallel: bool,
}

impl Ksg {
    /// Number of neighbours.
    pub fn k(&self) -> usize {
        self.k
    }
    /// The algorithm.
    pub fn algorithm(&self) -> KsgAlgorithm {
        self.algorithm
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
