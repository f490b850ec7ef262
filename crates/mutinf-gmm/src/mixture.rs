//! The [`GaussianMixture`] type: validated parameters plus the precomputed factors that make
//! densities and sampling fast.

use serde::{Deserialize, Serialize};

use crate::error::{GmmError, Result};
use crate::linalg;
use crate::sampling::AliasTable;

/// `ln(2π)`, shared by every Gaussian normaliser.
pub(crate) const LN_2PI: f64 = 1.837_877_066_409_345_3;

/// A mixture of `K` full-covariance Gaussians in `d` dimensions.
///
/// Construction validates everything the numerics rely on (positive weights summing to one,
/// finite values, consistent dimensions, symmetric positive definite covariances) and
/// precomputes Cholesky factors, log-normalisers and an alias table, so
/// [`log_density`](Self::log_density) and [`sample`](Self::sample) never fail and never
/// re-factorise. (De)serialises as `{"weights": [...], "means": [[...]], "covariances": [[[...]]]}`
/// and re-validates when deserialised.
///
/// ```
/// use mutinf_gmm::GaussianMixture;
/// # fn main() -> Result<(), mutinf_gmm::GmmError> {
/// let gmm = GaussianMixture::new(
///     vec![0.3, 0.7],
///     vec![vec![-1.0, 0.0], vec![2.0, 1.0]],
///     vec![vec![vec![1.0, 0.5], vec![0.5, 2.0]], vec![vec![0.5, 0.0], vec![0.0, 0.5]]],
/// )?;
/// assert_eq!((gmm.n_components(), gmm.dim()), (2, 2));
/// let json = serde_json::to_string(&gmm).unwrap();
/// let back: GaussianMixture = serde_json::from_str(&json).unwrap();
/// assert_eq!(back, gmm);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "GmmParams", into = "GmmParams")]
pub struct GaussianMixture {
    weights: Vec<f64>,
    means: Vec<Vec<f64>>,
    covariances: Vec<Vec<Vec<f64>>>,
    dim: usize,
    /// Means, row-major `K x d`.
    pub(crate) means_flat: Vec<f64>,
    /// Lower Cholesky factors `L_k`, `K` blocks of row-major `d x d` (for sampling).
    pub(crate) chol: Vec<f64>,
    /// Their inverses `L_k⁻¹`, same layout (for densities).
    pub(crate) inv_chol: Vec<f64>,
    /// `ln w_k - d/2 ln 2π - 1/2 ln det Σ_k`: everything in `ln w_k N(x | m_k, Σ_k)` but the quadratic form.
    pub(crate) log_norm: Vec<f64>,
    pub(crate) alias: AliasTable,
}

/// The plain serialised form of a [`GaussianMixture`]; converting it back re-validates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GmmParams {
    /// Mixture weights, positive, summing to 1.
    pub weights: Vec<f64>,
    /// One mean of length `d` per component.
    pub means: Vec<Vec<f64>>,
    /// One `d x d` symmetric positive definite covariance per component.
    pub covariances: Vec<Vec<Vec<f64>>>,
}

impl TryFrom<GmmParams> for GaussianMixture {
    type Error = GmmError;
    fn try_from(p: GmmParams) -> Result<Self> {
        Self::new(p.weights, p.means, p.covariances)
    }
}

impl From<GaussianMixture> for GmmParams {
    fn from(g: GaussianMixture) -> Self {
        Self {
            weights: g.weights,
            means: g.means,
            covariances: g.covariances,
        }
    }
}

impl GaussianMixture {
    /// Validates the parameters and precomputes the factors used by densities and sampling.
    ///
    /// Errors name the component and the problem: [`GmmError::NonPositiveWeight`],
    /// [`GmmError::WeightSum`] (tolerance 1e-9), [`GmmError::NonFinite`],
    /// [`GmmError::DimensionMismatch`], [`GmmError::NotSymmetric`],
    /// [`GmmError::NotPositiveDefinite`] and friends.
    ///
    /// ```
    /// use mutinf_gmm::{GaussianMixture, GmmError};
    /// let err = GaussianMixture::new(
    ///     vec![0.5, 0.5],
    ///     vec![vec![0.0, 0.0], vec![1.0, 1.0]],
    ///     vec![vec![vec![1.0, 0.0], vec![0.0, 1.0]], vec![vec![1.0, 2.0], vec![2.0, 1.0]]],
    /// )
    /// .unwrap_err();
    /// assert!(matches!(err, GmmError::NotPositiveDefinite { component: 1, .. }));
    /// ```
    pub fn new(
        weights: Vec<f64>,
        means: Vec<Vec<f64>>,
        covariances: Vec<Vec<Vec<f64>>>,
    ) -> Result<Self> {
        let k = weights.len();
        if k == 0 && means.is_empty() && covariances.is_empty() {
            return Err(GmmError::NoComponents);
        }
        if means.len() != k || covariances.len() != k {
            return Err(GmmError::ComponentCountMismatch {
                weights: k,
                means: means.len(),
                covariances: covariances.len(),
            });
        }
        let d = means[0].len();
        if d == 0 {
            return Err(GmmError::invalid(
                "dimension",
                0,
                "component 0's mean is empty; means need at least one coordinate",
            ));
        }
        let mut chol = Vec::with_capacity(k * d * d);
        let mut inv_chol = Vec::with_capacity(k * d * d);
        let mut log_norm = Vec::with_capacity(k);
        for (c, ((&w, mean), cov)) in weights.iter().zip(&means).zip(&covariances).enumerate() {
            if !w.is_finite() {
                return Err(GmmError::NonFinite {
                    component: c,
                    what: "the weight".into(),
                    value: w,
                });
            }
            if w <= 0.0 {
                return Err(GmmError::NonPositiveWeight {
                    component: c,
                    value: w,
                });
            }
            check_mean(c, mean, d)?;
            let flat = check_covariance(c, cov, d)?;
            let l = linalg::cholesky(&flat, d).map_err(|pivot| GmmError::NotPositiveDefinite {
                component: c,
                pivot,
            })?;
            log_norm
                .push(w.ln() - 0.5 * (d as f64 * LN_2PI + linalg::log_det_from_cholesky(&l, d)));
            inv_chol.extend_from_slice(&linalg::inverse_lower(&l, d));
            chol.extend_from_slice(&l);
        }
        let sum: f64 = weights.iter().sum();
        if (sum - 1.0).abs() > 1e-9 {
            return Err(GmmError::WeightSum { sum });
        }
        let means_flat = linalg::flatten(&means);
        let alias = AliasTable::new(&weights);
        Ok(Self {
            weights,
            means,
            covariances,
            dim: d,
            means_flat,
            chol,
            inv_chol,
            log_norm,
            alias,
        })
    }

    /// A single Gaussian `N(mean, cov)` (K = 1).
    ///
    /// ```
    /// let g = mutinf_gmm::GaussianMixture::gaussian(vec![1.0], vec![vec![4.0]]).unwrap();
    /// // N(1, 4) at its mean: -1/2 ln(2π·4)
    /// assert!((g.log_density(&[1.0]) + 0.5 * (2.0 * std::f64::consts::PI * 4.0).ln()).abs() < 1e-12);
    /// ```
    pub fn gaussian(mean: Vec<f64>, cov: Vec<Vec<f64>>) -> Result<Self> {
        Self::new(vec![1.0], vec![mean], vec![cov])
    }

    /// The standard bivariate Gaussian with unit variances and correlation `rho` (|rho| < 1);
    /// its MI is `-1/2 ln(1 - rho²)`.
    ///
    /// ```
    /// let g = mutinf_gmm::GaussianMixture::bivariate_gaussian(0.8).unwrap();
    /// assert_eq!(g.covariances()[0], vec![vec![1.0, 0.8], vec![0.8, 1.0]]);
    /// assert!(mutinf_gmm::GaussianMixture::bivariate_gaussian(1.0).is_err());
    /// ```
    pub fn bivariate_gaussian(rho: f64) -> Result<Self> {
        if !rho.is_finite() || rho.abs() >= 1.0 {
            return Err(GmmError::invalid(
                "rho",
                rho,
                "the correlation must satisfy -1 < rho < 1",
            ));
        }
        Self::gaussian(vec![0.0, 0.0], vec![vec![1.0, rho], vec![rho, 1.0]])
    }

    /// Dimension `d` of the space.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Number of components `K`.
    pub fn n_components(&self) -> usize {
        self.weights.len()
    }

    /// Mixture weights (positive, summing to 1).
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// Component means, `K` vectors of length `d`.
    pub fn means(&self) -> &[Vec<f64>] {
        &self.means
    }

    /// Component covariances, `K` matrices of `d` rows of length `d`.
    pub fn covariances(&self) -> &[Vec<Vec<f64>>] {
        &self.covariances
    }

    /// The plain parameters (what serialisation writes).
    pub fn params(&self) -> GmmParams {
        self.clone().into()
    }

    /// The mixture's overall mean `Σ_k w_k m_k`.
    pub fn mean(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.dim];
        for (w, m) in self.weights.iter().zip(&self.means) {
            out.iter_mut().zip(m).for_each(|(o, v)| *o += w * v);
        }
        out
    }

    /// The mixture's overall covariance `Σ_k w_k (S_k + m_k m_kᵀ) - μ μᵀ`.
    pub fn covariance(&self) -> Vec<Vec<f64>> {
        let mu = self.mean();
        let d = self.dim;
        let mut out = vec![vec![0.0; d]; d];
        for ((w, m), s) in self.weights.iter().zip(&self.means).zip(&self.covariances) {
            for i in 0..d {
                for j in 0..d {
                    out[i][j] += w * (s[i][j] + m[i] * m[j]);
                }
            }
        }
        for i in 0..d {
            for j in 0..d {
                out[i][j] -= mu[i] * mu[j];
            }
        }
        out
    }

    /// The marginal mixture of coordinates `coords` (in that order): same weights, sub-means
    /// and sub-covariances. Coordinates must be distinct and `< dim()`.
    ///
    /// ```
    /// use mutinf_gmm::GaussianMixture;
    /// let g = GaussianMixture::gaussian(vec![1.0, 2.0, 3.0], vec![
    ///     vec![1.0, 0.1, 0.2], vec![0.1, 2.0, 0.3], vec![0.2, 0.3, 3.0]]).unwrap();
    /// let m = g.marginal(&[2, 0]).unwrap();
    /// assert_eq!(m.means()[0], vec![3.0, 1.0]);
    /// assert_eq!(m.covariances()[0], vec![vec![3.0, 0.2], vec![0.2, 1.0]]);
    /// ```
    pub fn marginal(&self, coords: &[usize]) -> Result<GaussianMixture> {
        check_coords("the marginal", coords, self.dim)?;
        let means = self
            .means
            .iter()
            .map(|m| coords.iter().map(|&i| m[i]).collect())
            .collect();
        let covs = self
            .covariances
            .iter()
            .map(|s| {
                coords
                    .iter()
                    .map(|&i| coords.iter().map(|&j| s[i][j]).collect())
                    .collect()
            })
            .collect();
        Self::new(self.weights.clone(), means, covs)
    }
}

fn check_mean(c: usize, mean: &[f64], d: usize) -> Result<()> {
    if mean.len() != d {
        return Err(GmmError::DimensionMismatch {
            component: c,
            what: "the mean".into(),
            expected: d,
            found: mean.len(),
        });
    }
    if let Some((i, &v)) = mean.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(GmmError::NonFinite {
            component: c,
            what: format!("mean entry {i}"),
            value: v,
        });
    }
    Ok(())
}

/// Checks shape, finiteness and symmetry; returns the row-major flattening.
fn check_covariance(c: usize, cov: &[Vec<f64>], d: usize) -> Result<Vec<f64>> {
    if cov.len() != d {
        return Err(GmmError::DimensionMismatch {
            component: c,
            what: "the covariance".into(),
            expected: d,
            found: cov.len(),
        });
    }
    for (i, row) in cov.iter().enumerate() {
        if row.len() != d {
            return Err(GmmError::DimensionMismatch {
                component: c,
                what: format!("covariance row {i}"),
                expected: d,
                found: row.len(),
            });
        }
        if let Some((j, &v)) = row.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(GmmError::NonFinite {
                component: c,
                what: format!("covariance entry ({i},{j})"),
                value: v,
            });
        }
    }
    for i in 0..d {
        for j in 0..i {
            let (upper, lower) = (cov[j][i], cov[i][j]);
            // Relative to the diagonal scale so both tiny and huge covariances are judged fairly.
            let scale = (cov[i][i].abs() * cov[j][j].abs())
                .sqrt()
                .max(f64::MIN_POSITIVE);
            if (upper - lower).abs() > 1e-9 * scale {
                return Err(GmmError::NotSymmetric {
                    component: c,
                    row: j,
                    col: i,
                    upper,
                    lower,
                });
            }
        }
    }
    Ok(linalg::flatten(cov))
}

/// Checks a coordinate block: non-empty, in range, no repeats.
pub(crate) fn check_coords(block: &str, coords: &[usize], d: usize) -> Result<()> {
    if coords.is_empty() {
        return Err(GmmError::coords(
            block,
            "no coordinates given; pick at least one",
        ));
    }
    for (n, &i) in coords.iter().enumerate() {
        if i >= d {
            return Err(GmmError::coords(
                block,
                format!(
                    "coordinate {i} is out of range for a {d}-dimensional mixture (use 0..{d})"
                ),
            ));
        }
        if coords[..n].contains(&i) {
            return Err(GmmError::coords(
                block,
                format!("coordinate {i} is repeated; list each coordinate once"),
            ));
        }
    }
    Ok(())
}
