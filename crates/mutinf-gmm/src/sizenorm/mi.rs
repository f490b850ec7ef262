//! The MI the model makes exact: `I(animal; component)` of the joint
//! `p(i, z) = n_i π^i_z / Σ_j n_j` — how much behaviour frequencies differ between animals —
//! with a percentile bootstrap interval over frames.

use ndarray::ArrayView2;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::SizeNormModel;
use crate::error::{GmmError, Result};
use crate::truth::mix_seed;

/// `I(animal; component)` in nats for per-animal weights `weights[i][z]` (each row summing to 1)
/// and frame counts `frames[i]`: the MI of `p(i, z) ∝ frames[i] · weights[i][z]`.
///
/// ```
/// use mutinf_gmm::sizenorm::mi_animal_component;
/// // Identical weights: animals carry no information about the component.
/// assert!(mi_animal_component(&[vec![0.3, 0.7], vec![0.3, 0.7]], &[10, 30]).unwrap().abs() < 1e-15);
/// // Disjoint components, equal counts: one bit.
/// let mi = mi_animal_component(&[vec![1.0, 0.0], vec![0.0, 1.0]], &[5, 5]).unwrap();
/// assert!((mi - 2f64.ln()).abs() < 1e-12);
/// ```
pub fn mi_animal_component(weights: &[Vec<f64>], frames: &[usize]) -> Result<f64> {
    if weights.is_empty() {
        return Err(GmmError::NoAnimals);
    }
    if weights.len() != frames.len() {
        return Err(GmmError::invalid(
            "frames",
            format!("{} counts", frames.len()),
            format!(
                "give one frame count per animal ({} weight rows)",
                weights.len()
            ),
        ));
    }
    let c = weights[0].len();
    let total: usize = frames.iter().sum();
    if total == 0 {
        return Err(GmmError::invalid(
            "frames",
            0,
            "at least one animal needs frames",
        ));
    }
    for (i, w) in weights.iter().enumerate() {
        if w.len() != c || w.iter().any(|v| !(v.is_finite() && *v >= 0.0)) {
            return Err(GmmError::invalid(
                format!("weights[{i}]"),
                format!("{w:?}"),
                format!("every animal needs {c} finite non-negative weights"),
            ));
        }
    }
    let pa: Vec<f64> = frames.iter().map(|&f| f as f64 / total as f64).collect();
    let pz: Vec<f64> = (0..c)
        .map(|z| weights.iter().zip(&pa).map(|(w, a)| a * w[z]).sum())
        .collect();
    let mut mi = 0.0;
    for (w, a) in weights.iter().zip(&pa) {
        for z in 0..c {
            if w[z] > 0.0 && *a > 0.0 {
                mi += a * w[z] * (w[z] / pz[z]).ln();
            }
        }
    }
    Ok(mi.max(0.0))
}

/// Settings of the bootstrap interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MiBootstrapOptions {
    /// Bootstrap replicates (default 200).
    pub n_boot: usize,
    /// Coverage of the percentile interval (default 0.95).
    pub level: f64,
    /// Seed of the resampling.
    pub seed: u64,
}

impl Default for MiBootstrapOptions {
    fn default() -> Self {
        Self {
            n_boot: 200,
            level: 0.95,
            seed: 0,
        }
    }
}

/// `I(animal; component)` with a bootstrap interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnimalComponentMi {
    /// From the model's weights and the frame counts (nats).
    pub value: f64,
    /// Lower end of the percentile interval (nats).
    pub lower: f64,
    /// Upper end of the percentile interval (nats).
    pub upper: f64,
    /// Coverage of the interval.
    pub level: f64,
    /// Bootstrap replicates used.
    pub n_boot: usize,
}

/// Percentile bootstrap interval over frames: each replicate resamples every animal's frames with
/// replacement, estimates its weights as the mean component posterior of the drawn frames
/// (`responsibilities[i]`, T_i x C, e.g. from [`SizeNormModel::posteriors`]) and computes the MI.
/// The model is held fixed (no refit per replicate), so the interval reflects frame sampling of the
/// weights, not uncertainty in the maps or components. Returns `(lower, upper)`; seeded and
/// independent of the thread count.
pub fn bootstrap_mi_interval(
    responsibilities: &[ArrayView2<'_, f64>],
    options: &MiBootstrapOptions,
) -> Result<(f64, f64)> {
    if options.n_boot < 2 {
        return Err(GmmError::invalid(
            "MiBootstrapOptions.n_boot",
            options.n_boot,
            "use at least 2 replicates (default 200)",
        ));
    }
    if !(options.level > 0.0 && options.level < 1.0) {
        return Err(GmmError::invalid(
            "MiBootstrapOptions.level",
            options.level,
            "the coverage must lie strictly between 0 and 1 (default 0.95)",
        ));
    }
    if responsibilities.is_empty() {
        return Err(GmmError::NoAnimals);
    }
    let c = responsibilities[0].ncols();
    for (i, r) in responsibilities.iter().enumerate() {
        if r.ncols() != c || r.nrows() == 0 {
            return Err(GmmError::invalid(
                format!("responsibilities[{i}]"),
                format!("{} x {}", r.nrows(), r.ncols()),
                format!("every animal needs at least one frame and {c} columns"),
            ));
        }
    }
    let frames: Vec<usize> = responsibilities.iter().map(|r| r.nrows()).collect();
    let mut reps: Vec<f64> = (0..options.n_boot)
        .into_par_iter()
        .map(|b| {
            let rng = &mut StdRng::seed_from_u64(mix_seed(options.seed, b as u64));
            let weights: Vec<Vec<f64>> = responsibilities
                .iter()
                .map(|r| {
                    let t = r.nrows();
                    let mut w = vec![0.0; c];
                    for _ in 0..t {
                        let row = r.row(rng.random_range(0..t));
                        w.iter_mut().zip(row.iter()).for_each(|(a, v)| *a += v);
                    }
                    let s: f64 = w.iter().sum();
                    w.iter().map(|v| v / s).collect()
                })
                .collect();
            mi_animal_component(&weights, &frames).unwrap_or(f64::NAN)
        })
        .collect();
    reps.sort_by(f64::total_cmp);
    let alpha = (1.0 - options.level) / 2.0;
    Ok((quantile(&reps, alpha), quantile(&reps, 1.0 - alpha)))
}

/// Linear-interpolation quantile of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (pos - lo as f64) * (sorted[hi] - sorted[lo])
}

impl SizeNormModel {
    /// `I(animal; component)` from this model's weights and the animals' frame counts, with a
    /// bootstrap interval over frames (see [`bootstrap_mi_interval`]).
    pub fn mi_animal_component(
        &self,
        animals: &[ArrayView2<'_, f64>],
        options: &MiBootstrapOptions,
    ) -> Result<AnimalComponentMi> {
        let post = self.posteriors(animals)?;
        let frames: Vec<usize> = animals.iter().map(|a| a.nrows()).collect();
        let value = mi_animal_component(&self.weights, &frames)?;
        let resp: Vec<ArrayView2<'_, f64>> =
            post.iter().map(|p| p.responsibilities.view()).collect();
        let (lower, upper) = bootstrap_mi_interval(&resp, options)?;
        Ok(AnimalComponentMi {
            value,
            lower,
            upper,
            level: options.level,
            n_boot: options.n_boot,
        })
    }
}
