//! The size-norm model's parameters: the public, serialisable [`SizeNormModel`] and the flat
//! working copy EM updates.

use serde::{Deserialize, Serialize};

use crate::error::{GmmError, Result};
use crate::linalg;
use crate::mixture::GaussianMixture;

/// A fitted or known size-norm model: shared latent mixture, per-animal weights and affine maps.
///
/// `z ~ Cat(π^i)`, `x ~ N(m_z, Q_z)` in `R^M`, `y = F^i x + d^i + ξ` in `R^KD`, `ξ ~ N(0, R)`,
/// with `F^i = A + ΔA^i`, `d^i = b + Δb^i` and `R = diag(noise_variances)`.
/// Nested vectors (de)serialise as JSON as they are; [`check`](Self::check) validates shapes,
/// finiteness, weights and positive definiteness, and every method that computes calls it.
///
/// ```
/// use mutinf_gmm::sizenorm::{RandomModelSpec, SizeNormModel};
/// let truth = SizeNormModel::random(&RandomModelSpec::new(2, 6, 2, 3), 7).unwrap();
/// assert_eq!((truth.n_animals(), truth.observed_dim(), truth.latent_dim(), truth.n_components()), (2, 6, 2, 3));
/// let mix = truth.observed_mixture(1).unwrap(); // animal 1's pose distribution in keypoint space
/// assert_eq!(mix.dim(), 6);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SizeNormModel {
    /// Per-animal component weights π^i: one row of C non-negative weights summing to 1 per animal.
    pub weights: Vec<Vec<f64>>,
    /// Shared latent component means m_z (C rows of M).
    pub means: Vec<Vec<f64>>,
    /// Shared latent component covariances Q_z (C matrices M x M, symmetric positive definite).
    pub covariances: Vec<Vec<Vec<f64>>>,
    /// Common map A (KD rows of M).
    pub common_map: Vec<Vec<f64>>,
    /// Common offset b (KD).
    pub common_offset: Vec<f64>,
    /// Per-animal map perturbations ΔA^i (animals x KD x M).
    pub map_perturbations: Vec<Vec<Vec<f64>>>,
    /// Per-animal offset perturbations Δb^i (animals x KD).
    pub offset_perturbations: Vec<Vec<f64>>,
    /// Diagonal of the observation-noise covariance R (KD, positive).
    pub noise_variances: Vec<f64>,
}

/// Flat working copy of the parameters (row-major), the form EM updates.
#[derive(Debug, Clone)]
pub(crate) struct Theta {
    /// Animals.
    pub n: usize,
    /// Observed dimension KD.
    pub p: usize,
    /// Latent dimension M.
    pub m: usize,
    /// Components C.
    pub c: usize,
    /// Weights, n x c.
    pub pi: Vec<f64>,
    /// Means, c x m.
    pub means: Vec<f64>,
    /// Covariances, c x m x m.
    pub covs: Vec<f64>,
    /// Common map `[A b]`, p x (m+1).
    pub w: Vec<f64>,
    /// Perturbations `[ΔA^i Δb^i]`, n x p x (m+1).
    pub delta: Vec<f64>,
    /// Noise variances, p.
    pub r: Vec<f64>,
}

impl Theta {
    /// Width of an augmented map row `[a, b]`.
    pub fn q(&self) -> usize {
        self.m + 1
    }

    /// Animal `i`'s augmented map `G^i = [F^i d^i]`, p x (m+1).
    pub fn g(&self, i: usize) -> Vec<f64> {
        let pq = self.p * self.q();
        self.w
            .iter()
            .zip(&self.delta[i * pq..(i + 1) * pq])
            .map(|(a, b)| a + b)
            .collect()
    }

    /// Animal `i`'s observed component `z`: mean `F m_z + d` and covariance `F Q_z Fᵀ + R`.
    pub fn observed_component(&self, g: &[f64], z: usize) -> (Vec<f64>, Vec<f64>) {
        let (p, m, q) = (self.p, self.m, self.q());
        let mz = &self.means[z * m..(z + 1) * m];
        let qz = &self.covs[z * m * m..(z + 1) * m * m];
        let mean: Vec<f64> = (0..p)
            .map(|k| {
                let row = &g[k * q..(k + 1) * q];
                row[m] + (0..m).map(|j| row[j] * mz[j]).sum::<f64>()
            })
            .collect();
        // FQ: p x m
        let mut fq = vec![0.0; p * m];
        for k in 0..p {
            for j in 0..m {
                fq[k * m + j] = (0..m).map(|l| g[k * q + l] * qz[l * m + j]).sum();
            }
        }
        let mut cov = vec![0.0; p * p];
        for k in 0..p {
            for l in 0..=k {
                let v: f64 = (0..m).map(|j| fq[k * m + j] * g[l * q + j]).sum();
                cov[k * p + l] = v;
                cov[l * p + k] = v;
            }
            cov[k * p + k] += self.r[k];
        }
        (mean, cov)
    }

    /// The parameter blocks, for vector arithmetic.
    fn blocks(&self) -> [&[f64]; 6] {
        [
            &self.pi,
            &self.means,
            &self.covs,
            &self.w,
            &self.delta,
            &self.r,
        ]
    }

    fn blocks_mut(&mut self) -> [&mut Vec<f64>; 6] {
        [
            &mut self.pi,
            &mut self.means,
            &mut self.covs,
            &mut self.w,
            &mut self.delta,
            &mut self.r,
        ]
    }

    /// `|b - a|²` over all parameters when `second == 1`, and `|c - 2b + a|²` (with `self` = a,
    /// `b`, `c`) when `second == 2`.
    pub fn dist2(&self, b: &Theta, c: &Theta, second: f64) -> f64 {
        let mut s = 0.0;
        for ((a, b), c) in self.blocks().iter().zip(b.blocks()).zip(c.blocks()) {
            for ((x, y), z) in a.iter().zip(b).zip(c) {
                let d = if second == 2.0 {
                    z - 2.0 * y + x
                } else {
                    y - x
                };
                s += d * d;
            }
        }
        s
    }

    /// The SQUAREM point `t0 - 2α r + α² v` with `r = t1 - t0`, `v = t2 - 2 t1 + t0`.
    pub fn extrapolate(t0: &Theta, t1: &Theta, t2: &Theta, alpha: f64) -> Theta {
        let mut out = t0.clone();
        let (c0, c1, c2) = (
            1.0 + 2.0 * alpha + alpha * alpha,
            -2.0 * alpha - 2.0 * alpha * alpha,
            alpha * alpha,
        );
        let (b1, b2) = (t1.blocks(), t2.blocks());
        for ((o, x1), x2) in out.blocks_mut().into_iter().zip(b1).zip(b2) {
            for ((v, y), z) in o.iter_mut().zip(x1).zip(x2) {
                *v = c0 * *v + c1 * y + c2 * z;
            }
        }
        out
    }

    /// Weights non-negative and noise positive (covariances are checked by the E-step).
    pub fn feasible(&self) -> bool {
        self.pi.iter().all(|v| *v >= 0.0 && v.is_finite())
            && self.r.iter().all(|v| *v > 0.0 && v.is_finite())
            && self
                .blocks()
                .iter()
                .all(|b| b.iter().all(|v| v.is_finite()))
    }

    pub fn to_model(&self) -> SizeNormModel {
        let (n, p, m, c, q) = (self.n, self.p, self.m, self.c, self.q());
        let split_map = |flat: &[f64]| -> (Vec<Vec<f64>>, Vec<f64>) {
            (
                (0..p).map(|k| flat[k * q..k * q + m].to_vec()).collect(),
                (0..p).map(|k| flat[k * q + m]).collect(),
            )
        };
        let (common_map, common_offset) = split_map(&self.w);
        let (map_perturbations, offset_perturbations) = (0..n)
            .map(|i| split_map(&self.delta[i * p * q..(i + 1) * p * q]))
            .unzip();
        SizeNormModel {
            weights: (0..n)
                .map(|i| self.pi[i * c..(i + 1) * c].to_vec())
                .collect(),
            means: (0..c)
                .map(|z| self.means[z * m..(z + 1) * m].to_vec())
                .collect(),
            covariances: (0..c)
                .map(|z| linalg::unflatten(&self.covs[z * m * m..(z + 1) * m * m], m))
                .collect(),
            common_map,
            common_offset,
            map_perturbations,
            offset_perturbations,
            noise_variances: self.r.clone(),
        }
    }
}

fn bad(
    name: impl Into<String>,
    value: impl std::fmt::Display,
    reason: impl Into<String>,
) -> GmmError {
    GmmError::invalid(name, value, reason)
}

fn check_len(name: impl AsRef<str>, found: usize, expected: usize, what: &str) -> Result<()> {
    let name = name.as_ref();
    if found != expected {
        return Err(bad(
            name,
            format!("{found} entries"),
            format!("expected {expected} ({what})"),
        ));
    }
    Ok(())
}

fn check_finite(name: impl AsRef<str>, values: &[f64]) -> Result<()> {
    let name = name.as_ref();
    if let Some((j, v)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(bad(
            format!("{name}[{j}]"),
            v,
            "every parameter must be finite",
        ));
    }
    Ok(())
}

impl SizeNormModel {
    /// Number of animals.
    pub fn n_animals(&self) -> usize {
        self.weights.len()
    }

    /// Observed dimension KD.
    pub fn observed_dim(&self) -> usize {
        self.common_offset.len()
    }

    /// Latent dimension M.
    pub fn latent_dim(&self) -> usize {
        self.means.first().map_or(0, Vec::len)
    }

    /// Number of shared components C.
    pub fn n_components(&self) -> usize {
        self.means.len()
    }

    /// Validates shapes, finiteness, weights (non-negative, summing to 1 within 1e-9 per animal),
    /// symmetric positive definite covariances, positive noise variances and M <= KD.
    pub fn check(&self) -> Result<()> {
        let (n, p, m, c) = (
            self.n_animals(),
            self.observed_dim(),
            self.latent_dim(),
            self.n_components(),
        );
        if n == 0 {
            return Err(GmmError::NoAnimals);
        }
        if c == 0 {
            return Err(bad(
                "SizeNormModel.means",
                "no components",
                "give at least one shared component",
            ));
        }
        if m == 0 || p == 0 {
            return Err(bad(
                "SizeNormModel",
                format!("M = {m}, KD = {p}"),
                "latent and observed dimensions must be at least 1",
            ));
        }
        if m > p {
            return Err(GmmError::LatentTooLarge {
                latent: m,
                observed: p,
            });
        }
        for (i, w) in self.weights.iter().enumerate() {
            let name = format!("SizeNormModel.weights[{i}]");
            check_len(&name, w.len(), c, "one weight per component")?;
            check_finite(&name, w)?;
            if let Some(v) = w.iter().find(|v| **v < 0.0) {
                return Err(bad(&name, v, "weights must be >= 0"));
            }
            let sum: f64 = w.iter().sum();
            if (sum - 1.0).abs() > 1e-9 {
                return Err(bad(
                    &name,
                    format!("sum {sum}"),
                    "each animal's weights must sum to 1; divide them by their sum",
                ));
            }
        }
        for (z, (mean, cov)) in self.means.iter().zip(&self.covariances).enumerate() {
            check_len(
                format!("SizeNormModel.means[{z}]"),
                mean.len(),
                m,
                "M, set by means[0]",
            )?;
            check_finite(format!("SizeNormModel.means[{z}]"), mean)?;
            check_len(
                format!("SizeNormModel.covariances[{z}]"),
                cov.len(),
                m,
                "M rows",
            )?;
            for (a, row) in cov.iter().enumerate() {
                check_len(
                    format!("SizeNormModel.covariances[{z}][{a}]"),
                    row.len(),
                    m,
                    "M columns",
                )?;
                check_finite(format!("SizeNormModel.covariances[{z}][{a}]"), row)?;
                for b in 0..a {
                    let scale = (cov[a][a].abs() * cov[b][b].abs())
                        .sqrt()
                        .max(f64::MIN_POSITIVE);
                    if (cov[a][b] - cov[b][a]).abs() > 1e-9 * scale {
                        return Err(GmmError::NotSymmetric {
                            component: z,
                            row: b,
                            col: a,
                            upper: cov[b][a],
                            lower: cov[a][b],
                        });
                    }
                }
            }
            linalg::cholesky(&linalg::flatten(cov), m).map_err(|pivot| {
                GmmError::NotPositiveDefinite {
                    component: z,
                    pivot,
                }
            })?;
        }
        check_len(
            "SizeNormModel.covariances",
            self.covariances.len(),
            c,
            "one per component",
        )?;
        check_len(
            "SizeNormModel.common_map",
            self.common_map.len(),
            p,
            "KD rows, KD set by common_offset",
        )?;
        for (k, row) in self.common_map.iter().enumerate() {
            check_len(
                format!("SizeNormModel.common_map[{k}]"),
                row.len(),
                m,
                "M columns",
            )?;
            check_finite(format!("SizeNormModel.common_map[{k}]"), row)?;
        }
        check_finite("SizeNormModel.common_offset", &self.common_offset)?;
        check_len(
            "SizeNormModel.map_perturbations",
            self.map_perturbations.len(),
            n,
            "one per animal",
        )?;
        check_len(
            "SizeNormModel.offset_perturbations",
            self.offset_perturbations.len(),
            n,
            "one per animal",
        )?;
        for i in 0..n {
            let name = format!("SizeNormModel.map_perturbations[{i}]");
            check_len(&name, self.map_perturbations[i].len(), p, "KD rows")?;
            for (k, row) in self.map_perturbations[i].iter().enumerate() {
                check_len(format!("{name}[{k}]"), row.len(), m, "M columns")?;
                check_finite(format!("{name}[{k}]"), row)?;
            }
            let name = format!("SizeNormModel.offset_perturbations[{i}]");
            check_len(&name, self.offset_perturbations[i].len(), p, "KD")?;
            check_finite(&name, &self.offset_perturbations[i])?;
        }
        check_len(
            "SizeNormModel.noise_variances",
            self.noise_variances.len(),
            p,
            "KD",
        )?;
        if let Some((k, v)) = self
            .noise_variances
            .iter()
            .enumerate()
            .find(|(_, v)| !(**v > 0.0 && v.is_finite()))
        {
            return Err(bad(
                format!("SizeNormModel.noise_variances[{k}]"),
                v,
                "noise variances must be positive and finite",
            ));
        }
        Ok(())
    }

    /// The validated flat working copy.
    pub(crate) fn theta(&self) -> Result<Theta> {
        self.check()?;
        let (n, p, m, c) = (
            self.n_animals(),
            self.observed_dim(),
            self.latent_dim(),
            self.n_components(),
        );
        let q = m + 1;
        let join = |a: &[Vec<f64>], b: &[f64]| -> Vec<f64> {
            (0..p)
                .flat_map(|k| a[k].iter().copied().chain(std::iter::once(b[k])))
                .collect()
        };
        let mut delta = Vec::with_capacity(n * p * q);
        for i in 0..n {
            delta.extend(join(
                &self.map_perturbations[i],
                &self.offset_perturbations[i],
            ));
        }
        Ok(Theta {
            n,
            p,
            m,
            c,
            pi: self.weights.iter().flatten().copied().collect(),
            means: linalg::flatten(&self.means),
            covs: self
                .covariances
                .iter()
                .flat_map(|s| linalg::flatten(s))
                .collect(),
            w: join(&self.common_map, &self.common_offset),
            delta,
            r: self.noise_variances.clone(),
        })
    }

    fn animal_index(&self, animal: usize) -> Result<()> {
        if animal >= self.n_animals() {
            return Err(bad(
                "animal",
                animal,
                format!(
                    "the model has {} animals (0..{})",
                    self.n_animals(),
                    self.n_animals()
                ),
            ));
        }
        Ok(())
    }

    /// Animal `animal`'s map `F^i = A + ΔA^i` (KD rows of M).
    pub fn map(&self, animal: usize) -> Result<Vec<Vec<f64>>> {
        self.animal_index(animal)?;
        Ok(self
            .common_map
            .iter()
            .zip(&self.map_perturbations[animal])
            .map(|(a, d)| a.iter().zip(d).map(|(x, y)| x + y).collect())
            .collect())
    }

    /// Animal `animal`'s offset `d^i = b + Δb^i` (KD).
    pub fn offset(&self, animal: usize) -> Result<Vec<f64>> {
        self.animal_index(animal)?;
        Ok(self
            .common_offset
            .iter()
            .zip(&self.offset_perturbations[animal])
            .map(|(a, d)| a + d)
            .collect())
    }

    /// Animal `animal`'s observed component `z` (gauge-free): mean `F^i m_z + d^i` and covariance
    /// `F^i Q_z F^iᵀ + R` (KD x KD, nested rows).
    pub fn observed_component(&self, animal: usize, z: usize) -> Result<(Vec<f64>, Vec<Vec<f64>>)> {
        self.animal_index(animal)?;
        if z >= self.n_components() {
            return Err(bad(
                "component",
                z,
                format!("the model has {} components", self.n_components()),
            ));
        }
        let t = self.theta()?;
        let (mean, cov) = t.observed_component(&t.g(animal), z);
        Ok((mean, linalg::unflatten(&cov, t.p)))
    }

    /// Animal `animal`'s pose distribution in keypoint space: the mixture with weights π^i, means
    /// `F^i m_z + d^i` and covariances `F^i Q_z F^iᵀ + R`. Errors (wrapped in
    /// [`GmmError::AnimalModel`]) if a weight is exactly zero, which a mixture does not allow.
    pub fn observed_mixture(&self, animal: usize) -> Result<GaussianMixture> {
        self.animal_index(animal)?;
        let t = self.theta()?;
        let g = t.g(animal);
        let (means, covs) = (0..t.c)
            .map(|z| {
                let (mu, cov) = t.observed_component(&g, z);
                (mu, linalg::unflatten(&cov, t.p))
            })
            .unzip();
        GaussianMixture::new(self.weights[animal].clone(), means, covs).map_err(|e| {
            GmmError::AnimalModel {
                animal,
                source: Box::new(e),
            }
        })
    }
}
