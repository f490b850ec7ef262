//! MI-level bucketing (the paper's Tab. 2): draw evaluation-family mixtures, compute their true
//! MI, and keep those landing within `half_width` of a level until every level is full.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::PaperEvalFamily;
use crate::error::{GmmError, Result};
use crate::mixture::GaussianMixture;
use crate::truth::{MonteCarloOptions, TrueMi, mix_seed};

/// The paper's MI levels, 0.0 to 0.9 nats.
pub const DEFAULT_MI_LEVELS: [f64; 10] = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/// Half width of each level's bucket, in nats.
pub const DEFAULT_HALF_WIDTH: f64 = 0.05;

/// Samples used to screen a draw before paying for its full Monte-Carlo truth.
const SCREEN_SAMPLES: usize = 4096;
/// Draws screened in parallel per batch.
const BATCH: usize = 32;

/// A mixture whose true `I(X0; X1)` lies within the half width of `level`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelledGmm {
    /// The level (nats) of the bucket it fell into.
    pub level: f64,
    /// The 2-D mixture; X is coordinate 0, Y coordinate 1.
    pub gmm: GaussianMixture,
    /// Its true MI.
    pub truth: TrueMi,
    /// Index of the draw that produced it (the mixture is `family.sample` with the RNG seeded by
    /// the bucketing seed and this index), for reproducing one item alone.
    pub draw: usize,
}

/// What [`mi_levels_with`] fills.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MiLevelsConfig {
    /// Levels in nats (default 0.0, 0.1, ..., 0.9).
    pub levels: Vec<f64>,
    /// A truth within `±half_width` of a level fills that level (default 0.05).
    pub half_width: f64,
    /// Mixtures per level (paper: 1000).
    pub per_level: usize,
    /// Give up after this many draws.
    pub max_draws: usize,
}

impl Default for MiLevelsConfig {
    fn default() -> Self {
        Self::new(&DEFAULT_MI_LEVELS, DEFAULT_HALF_WIDTH, 1000)
    }
}

impl MiLevelsConfig {
    /// A config with the default draw guard `1000 + 200 · per_level · levels.len()`.
    pub fn new(levels: &[f64], half_width: f64, per_level: usize) -> Self {
        let max_draws = 1000 + 200 * per_level.saturating_mul(levels.len().max(1));
        Self {
            levels: levels.to_vec(),
            half_width,
            per_level,
            max_draws,
        }
    }

    /// Checks the fields; errors name the field.
    pub fn check(&self) -> Result<()> {
        if self.levels.is_empty() {
            return Err(GmmError::invalid(
                "MiLevelsConfig.levels",
                "[]",
                "give at least one level, e.g. 0.0, 0.1, ..., 0.9",
            ));
        }
        if let Some(l) = self.levels.iter().find(|l| !(l.is_finite() && **l >= 0.0)) {
            return Err(GmmError::invalid(
                "MiLevelsConfig.levels",
                l,
                "levels are MI values: finite and >= 0",
            ));
        }
        if !(self.half_width > 0.0 && self.half_width.is_finite()) {
            return Err(GmmError::invalid(
                "MiLevelsConfig.half_width",
                self.half_width,
                "must be positive (paper: 0.05)",
            ));
        }
        if self.per_level == 0 {
            return Err(GmmError::invalid(
                "MiLevelsConfig.per_level",
                0,
                "ask for at least one mixture per level",
            ));
        }
        if self.max_draws == 0 {
            return Err(GmmError::invalid(
                "MiLevelsConfig.max_draws",
                0,
                "allow at least one draw",
            ));
        }
        Ok(())
    }
}

/// Fills each MI level with `per_level` 2-D mixtures from `family`, their truths (`I(X0; X1)`,
/// computed with `mc`) within `±half_width` of the level. Seeded and deterministic; gives up with
/// [`GmmError::LevelUnfilled`] after the default draw guard (see [`MiLevelsConfig::new`]).
///
/// Output is ordered by level, then by draw.
///
/// ```
/// use mutinf_gmm::{MonteCarloOptions, families::{PaperEvalFamily, mi_levels}};
/// let mc = MonteCarloOptions { samples: 5_000, ..Default::default() };
/// let out = mi_levels(&[0.1, 0.3], 0.05, 2, &PaperEvalFamily::default(), &mc, 42).unwrap();
/// assert_eq!(out.len(), 4);
/// assert!(out.iter().all(|l| (l.truth.value - l.level).abs() <= 0.05));
/// ```
pub fn mi_levels(
    levels: &[f64],
    half_width: f64,
    per_level: usize,
    family: &PaperEvalFamily,
    mc: &MonteCarloOptions,
    seed: u64,
) -> Result<Vec<LevelledGmm>> {
    mi_levels_with(
        &MiLevelsConfig::new(levels, half_width, per_level),
        family,
        mc,
        seed,
    )
}

/// [`mi_levels`] with an explicit [`MiLevelsConfig`] (e.g. a custom `max_draws`).
///
/// Draw `i` is `family.sample` on an RNG seeded from `(seed, i)`. Each draw is screened with a
/// cheap Monte-Carlo estimate (4096 samples, in parallel batches); only draws that could land in
/// an unfilled level (within the half width plus four standard errors) get the full truth, and
/// only the full truth decides membership, so screening saves time without changing the rule.
pub fn mi_levels_with(
    config: &MiLevelsConfig,
    family: &PaperEvalFamily,
    mc: &MonteCarloOptions,
    seed: u64,
) -> Result<Vec<LevelledGmm>> {
    config.check()?;
    family.check()?;
    mc.check()?;
    if family.dim != 2 {
        return Err(GmmError::invalid(
            "PaperEvalFamily.dim",
            family.dim,
            "MI-level bucketing uses 2-D mixtures (X = coordinate 0, Y = coordinate 1)",
        ));
    }
    let screen = MonteCarloOptions {
        samples: SCREEN_SAMPLES.min(mc.samples),
        seed: mc.seed,
        target_std_error: None,
        max_samples: mc.max_samples,
    };
    let mut buckets: Vec<Vec<LevelledGmm>> = vec![Vec::new(); config.levels.len()];
    let full = |b: &Vec<Vec<LevelledGmm>>| b.iter().all(|v| v.len() >= config.per_level);
    let mut draw = 0;
    while draw < config.max_draws && !full(&buckets) {
        let end = (draw + BATCH).min(config.max_draws);
        let screened: Vec<(GaussianMixture, TrueMi)> = (draw..end)
            .into_par_iter()
            .map(|i| {
                let gmm = family.sample(&mut StdRng::seed_from_u64(mix_seed(seed, i as u64)))?;
                let quick = gmm.mutual_information(&[0], &[1], &screen)?;
                Ok((gmm, quick))
            })
            .collect::<Result<_>>()?;
        for (offset, (gmm, quick)) in screened.into_iter().enumerate() {
            if full(&buckets) {
                break;
            }
            let open = |i: usize| buckets[i].len() < config.per_level;
            let could_fit = (0..config.levels.len()).any(|i| {
                open(i)
                    && (quick.value - config.levels[i]).abs()
                        <= config.half_width + 4.0 * quick.std_error
            });
            if !could_fit {
                continue;
            }
            let truth = if quick.analytic {
                quick
            } else {
                gmm.mutual_information(&[0], &[1], mc)?
            };
            let nearest = (0..config.levels.len())
                .min_by(|&a, &b| {
                    (truth.value - config.levels[a])
                        .abs()
                        .total_cmp(&(truth.value - config.levels[b]).abs())
                })
                .expect("levels is not empty");
            if open(nearest) && (truth.value - config.levels[nearest]).abs() <= config.half_width {
                let level = config.levels[nearest];
                buckets[nearest].push(LevelledGmm {
                    level,
                    gmm,
                    truth,
                    draw: draw + offset,
                });
            }
        }
        draw = end;
    }
    if let Some(i) = buckets.iter().position(|b| b.len() < config.per_level) {
        return Err(GmmError::LevelUnfilled {
            level: config.levels[i],
            filled: buckets[i].len(),
            wanted: config.per_level,
            draws: draw,
        });
    }
    Ok(buckets.into_iter().flatten().collect())
}
