//! Known models and seeded sampling from them: synthetic animals for tests, benchmarks and
//! `mutinf sizenorm generate`.

use ndarray::Array2;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use super::model::SizeNormModel;
use crate::error::{GmmError, Result};
use crate::linalg;

/// Draws of one animal from [`SizeNormModel::sample`].
#[derive(Debug, Clone, PartialEq)]
pub struct AnimalSample {
    /// Observed poses `y_t`, T x KD.
    pub observations: Array2<f64>,
    /// Components `z_t`, T.
    pub components: Vec<usize>,
    /// Latent poses `x_t`, T x M.
    pub latent: Array2<f64>,
}

/// Recipe of [`SizeNormModel::random`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RandomModelSpec {
    /// Number of animals (>= 1).
    pub animals: usize,
    /// Observed dimension KD (>= latent_dim).
    pub observed_dim: usize,
    /// Latent dimension M (>= 1).
    pub latent_dim: usize,
    /// Shared components C (>= 1).
    pub components: usize,
    /// Standard deviation of the component means around 0 in latent units (default 3; the
    /// within-component standard deviations are about 0.5–1).
    pub separation: f64,
    /// Standard deviation of the entries of ΔA^i and Δb^i (the common map's entries are N(0, 1);
    /// default 0.15).
    pub map_spread: f64,
    /// Isotropic observation-noise variance (default 0.05).
    pub noise_variance: f64,
}

impl RandomModelSpec {
    /// Defaults for the given sizes.
    pub fn new(animals: usize, observed_dim: usize, latent_dim: usize, components: usize) -> Self {
        Self {
            animals,
            observed_dim,
            latent_dim,
            components,
            separation: 3.0,
            map_spread: 0.15,
            noise_variance: 0.05,
        }
    }
}

fn normal(rng: &mut StdRng) -> f64 {
    StandardNormal.sample(rng)
}

impl SizeNormModel {
    /// A seeded random model: means `N(0, separation² I)`, covariances `0.5 B Bᵀ / M + 0.2 I`
    /// with Gaussian `B`, common map and offset with `N(0, 1)` entries, perturbations with
    /// `N(0, map_spread²)` entries, weights `∝ 0.5 + U(0, 1)` per animal, isotropic noise.
    ///
    /// ```
    /// use mutinf_gmm::sizenorm::{RandomModelSpec, SizeNormModel};
    /// let a = SizeNormModel::random(&RandomModelSpec::new(3, 16, 4, 6), 5).unwrap();
    /// assert_eq!(a, SizeNormModel::random(&RandomModelSpec::new(3, 16, 4, 6), 5).unwrap());
    /// assert!(a.check().is_ok());
    /// ```
    pub fn random(spec: &RandomModelSpec, seed: u64) -> Result<Self> {
        let (n, p, m, c) = (
            spec.animals,
            spec.observed_dim,
            spec.latent_dim,
            spec.components,
        );
        if n == 0 {
            return Err(GmmError::NoAnimals);
        }
        if m == 0 || c == 0 {
            return Err(GmmError::invalid(
                "RandomModelSpec",
                format!("latent_dim = {m}, components = {c}"),
                "need at least one latent dimension and one component",
            ));
        }
        if m > p {
            return Err(GmmError::LatentTooLarge {
                latent: m,
                observed: p,
            });
        }
        for (name, v) in [
            ("separation", spec.separation),
            ("map_spread", spec.map_spread),
        ] {
            if !(v >= 0.0 && v.is_finite()) {
                return Err(GmmError::invalid(
                    format!("RandomModelSpec.{name}"),
                    v,
                    "must be finite and >= 0",
                ));
            }
        }
        if !(spec.noise_variance > 0.0 && spec.noise_variance.is_finite()) {
            return Err(GmmError::invalid(
                "RandomModelSpec.noise_variance",
                spec.noise_variance,
                "must be positive and finite",
            ));
        }
        let rng = &mut StdRng::seed_from_u64(seed);
        let means = (0..c)
            .map(|_| (0..m).map(|_| spec.separation * normal(rng)).collect())
            .collect();
        let covariances = (0..c)
            .map(|_| {
                let b: Vec<f64> = (0..m * m).map(|_| normal(rng)).collect();
                (0..m)
                    .map(|i| {
                        (0..m)
                            .map(|j| {
                                let s: f64 = (0..m).map(|k| b[i * m + k] * b[j * m + k]).sum();
                                0.5 * s / m as f64 + if i == j { 0.2 } else { 0.0 }
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let common_map = (0..p)
            .map(|_| (0..m).map(|_| normal(rng)).collect())
            .collect();
        let common_offset = (0..p).map(|_| normal(rng)).collect();
        let map_perturbations = (0..n)
            .map(|_| {
                (0..p)
                    .map(|_| (0..m).map(|_| spec.map_spread * normal(rng)).collect())
                    .collect()
            })
            .collect();
        let offset_perturbations = (0..n)
            .map(|_| (0..p).map(|_| spec.map_spread * normal(rng)).collect())
            .collect();
        let weights = (0..n)
            .map(|_| {
                let raw: Vec<f64> = (0..c).map(|_| 0.5 + rng.random::<f64>()).collect();
                let s: f64 = raw.iter().sum();
                raw.iter().map(|v| v / s).collect()
            })
            .collect();
        let model = Self {
            weights,
            means,
            covariances,
            common_map,
            common_offset,
            map_perturbations,
            offset_perturbations,
            noise_variances: vec![spec.noise_variance; p],
        };
        model.check()?;
        Ok(model)
    }

    /// Draws `frames[i]` frames of every animal `i` (one count per animal). Deterministic for a
    /// seeded `rng`.
    pub fn sample<R: Rng + ?Sized>(
        &self,
        frames: &[usize],
        rng: &mut R,
    ) -> Result<Vec<AnimalSample>> {
        let t = self.theta()?;
        if frames.len() != t.n {
            return Err(GmmError::invalid(
                "frames",
                format!("{} counts", frames.len()),
                format!("give one frame count per animal ({} animals)", t.n),
            ));
        }
        let (p, m, c, q) = (t.p, t.m, t.c, t.q());
        let chols: Vec<Vec<f64>> = (0..c)
            .map(|z| {
                linalg::cholesky(&t.covs[z * m * m..(z + 1) * m * m], m)
                    .expect("check() verified positive definiteness")
            })
            .collect();
        let sd: Vec<f64> = t.r.iter().map(|r| r.sqrt()).collect();
        let mut out = Vec::with_capacity(t.n);
        for (i, &ti) in frames.iter().enumerate() {
            let g = t.g(i);
            let pi = &t.pi[i * c..(i + 1) * c];
            let mut y = Array2::zeros((ti, p));
            let mut x = Array2::zeros((ti, m));
            let mut zs = Vec::with_capacity(ti);
            let mut eps = vec![0.0; m];
            for f in 0..ti {
                let u: f64 = rng.random();
                let mut acc = 0.0;
                let mut z = c - 1;
                for (k, w) in pi.iter().enumerate() {
                    acc += w;
                    if u < acc {
                        z = k;
                        break;
                    }
                }
                // Never pick a zero-weight component through rounding at the end.
                while pi[z] == 0.0 && z > 0 {
                    z -= 1;
                }
                zs.push(z);
                eps.iter_mut()
                    .for_each(|e| *e = StandardNormal.sample(&mut *rng));
                let l = &chols[z];
                for a in 0..m {
                    x[[f, a]] =
                        t.means[z * m + a] + (0..=a).map(|b| l[a * m + b] * eps[b]).sum::<f64>();
                }
                for k in 0..p {
                    let row = &g[k * q..(k + 1) * q];
                    let mut v = row[m];
                    for a in 0..m {
                        v += row[a] * x[[f, a]];
                    }
                    let e: f64 = StandardNormal.sample(&mut *rng);
                    y[[f, k]] = v + sd[k] * e;
                }
            }
            out.push(AnimalSample {
                observations: y,
                components: zs,
                latent: x,
            });
        }
        Ok(out)
    }
}
