//! Proficiency (information coverage): the fraction of a feature's entropy that a set of
//! activations carries,
//!
//! P = I(F; A) / H(F) = (H(F) − H(F | A)) / H(F),
//!
//! for a high-level feature F (one column) and activations A (one or more columns, e.g.
//! the neurons of a latent space), with the MI estimator of the caller's choice. P = 1: F is
//! fully predictable from A; P = 0: A says nothing about F. (Definition from the seed
//! "Tracking with ML" note, where it was first called information coverage.)
//!
//! H(F) depends on F's type:
//! - **discrete F** (few distinct values; by default ≤ 20): plug-in Shannon entropy, always
//!   ≥ 0 and a true upper bound of I(F; A). For I(F; A) prefer an estimator that tolerates
//!   ties in F (`hist`); KSG sees the tied values of F as zero distances and is biased.
//! - **continuous F**: Kozachenko-Leonenko differential entropy. Caveat: differential
//!   entropy is not an upper bound of MI, changes with F's units (h(2F) = h(F) + ln 2), and
//!   can be ≤ 0 — then the ratio is undefined and we return an error. P for continuous F is
//!   only comparable between features measured on the same scale.
//!
//! Estimation error can put P slightly outside [0, 1]; the value is reported as computed.
//!
//! ```
//! use mutinf_estimators::histogram::HistogramParams;
//! use mutinf_estimators::proficiency::ProficiencyParams;
//! use ndarray::Array2;
//! # fn main() -> mutinf_core::Result<()> {
//! // F takes 4 values; A is F plus small noise: A determines F.
//! let f: Vec<f64> = (0..800).map(|i| (i % 4) as f64).collect();
//! let a = Array2::from_shape_fn((800, 1), |(i, _)| f[i] + ((i * 7) % 10) as f64 / 100.0);
//! let hist = HistogramParams::new().bins(4).check()?;
//! let p = ProficiencyParams::new().check()?.compute(&f, a.view(), &hist)?;
//! assert!((p.proficiency - 1.0).abs() < 1e-9);
//! # Ok(())
//! # }
//! ```

use mutinf_core::{Estimator, MiEstimate, MutinfError, PairedSamples, Result};
use ndarray::{Array2, ArrayView2};

use crate::entropy::{KlEntropyParams, discrete_entropy, distinct_values};

/// How to treat the feature F when computing H(F).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FeatureKind {
    /// Discrete when F has at most `max_discrete_values` distinct values, else continuous.
    #[default]
    Auto,
    /// Plug-in entropy of F's distinct values.
    Discrete,
    /// Kozachenko-Leonenko differential entropy.
    Continuous,
}

/// Unchecked proficiency parameters. Defaults: `FeatureKind::Auto`, at most 20 distinct
/// values for "discrete", k = 3 for the Kozachenko-Leonenko entropy.
///
/// ```
/// use mutinf_estimators::proficiency::ProficiencyParams;
/// assert!(ProficiencyParams::new().entropy_k(0).check().unwrap_err().to_string().contains("entropy_k"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ProficiencyParams {
    kind: FeatureKind,
    max_discrete_values: usize,
    entropy_k: usize,
}

impl Default for ProficiencyParams {
    fn default() -> Self {
        Self { kind: FeatureKind::Auto, max_discrete_values: 20, entropy_k: 3 }
    }
}

impl ProficiencyParams {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Discrete, continuous, or decide from the number of distinct values.
    pub fn feature_kind(mut self, kind: FeatureKind) -> Self {
        self.kind = kind;
        self
    }
    /// Largest number of distinct values for which `Auto` treats F as discrete (≥ 2).
    pub fn max_discrete_values(mut self, m: usize) -> Self {
        self.max_discrete_values = m;
        self
    }
    /// k of the Kozachenko-Leonenko entropy for continuous F (≥ 1).
    pub fn entropy_k(mut self, k: usize) -> Self {
        self.entropy_k = k;
        self
    }
    /// Validates every field.
    pub fn check(self) -> Result<Proficiency> {
        if self.max_discrete_values < 2 {
            return Err(MutinfError::invalid("max_discrete_values", self.max_discrete_values, "must be at least 2 (a feature with one value carries no information)"));
        }
        KlEntropyParams::new().k(self.entropy_k).check().map_err(|_| {
            MutinfError::invalid("entropy_k", self.entropy_k, "the entropy's neighbour rank must be at least 1; 3 is usual")
        })?;
        Ok(Proficiency { kind: self.kind, max_discrete_values: self.max_discrete_values, entropy_k: self.entropy_k })
    }
}

/// A validated proficiency computation.
#[derive(Debug, Clone, PartialEq)]
pub struct Proficiency {
    kind: FeatureKind,
    max_discrete_values: usize,
    entropy_k: usize,
}

/// The result: the ratio and its two ingredients.
#[derive(Debug, Clone, PartialEq)]
pub struct ProficiencyEstimate {
    /// I(F; A) / H(F).
    pub proficiency: f64,
    /// H(F) in nats.
    pub feature_entropy: f64,
    /// How H(F) was computed (never `Auto`).
    pub feature_kind: FeatureKind,
    /// The I(F; A) estimate (X = F, Y = A).
    pub mi: MiEstimate,
}

impl Proficiency {
    /// Proficiency of activations `activations` (N x d) for feature `feature` (N values),
    /// with I(F; A) from `estimator`.
    pub fn compute(&self, feature: &[f64], activations: ArrayView2<'_, f64>, estimator: &dyn Estimator) -> Result<ProficiencyEstimate> {
        let n = feature.len();
        let f = Array2::from_shape_vec((n, 1), feature.to_vec()).expect("n x 1");
        let names: Vec<String> = (0..activations.ncols()).map(|j| format!("A{j}")).collect();
        // Validates F and A (finite, non-constant, equal lengths) before any entropy.
        let data = PairedSamples::with_names(f, activations.to_owned(), vec!["F".into()], names)?;
        let kind = match self.kind {
            FeatureKind::Auto if distinct_values(feature) <= self.max_discrete_values => FeatureKind::Discrete,
            FeatureKind::Auto => FeatureKind::Continuous,
            k => k,
        };
        let h = match kind {
            FeatureKind::Discrete => discrete_entropy(feature),
            _ => KlEntropyParams::new().k(self.entropy_k).check()?.entropy(data.x())?,
        };
        #[allow(clippy::neg_cmp_op_on_partial_ord)] // NaN must fail too
        if !(h > 0.0) {
            return Err(MutinfError::EstimationFailed {
                method: "proficiency".into(),
                reason: format!(
                    "the feature's differential entropy is {h:.4} nats (≤ 0), so I(F;A)/H(F) is undefined; \
                     rescale F (entropy grows by ln c when F is multiplied by c) or treat it as discrete"
                ),
            });
        }
        let mi = estimator.estimate(&data)?;
        Ok(ProficiencyEstimate { proficiency: mi.mi / h, feature_entropy: h, feature_kind: kind, mi })
    }
}
