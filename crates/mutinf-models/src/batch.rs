//! Host-side preparation of a batch: copula transform, canonical order, the context/score
//! split and the permutations of the marginal term. Plain `Vec`s, so a background thread can
//! build batches while the network works.

use mutinf_core::copula::rank_transform;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rayon::prelude::*;

use crate::readout::ReadoutPlan;
use crate::{InfoNetConfig, ModelError};

/// One sequence in copula coordinates: `u_i = (rank(x_i) − ½) / N`, same for v, so the points
/// are centred in (0, 1) like the table's cells. Pairs are sorted by (u, v), which makes
/// everything downstream independent of the order the samples came in.
#[derive(Debug, Clone, PartialEq)]
pub struct CopulaSequence {
    /// Copula coordinate of x per sample.
    pub u: Vec<f32>,
    /// Copula coordinate of y per sample.
    pub v: Vec<f32>,
}

impl CopulaSequence {
    /// Copula-transforms paired samples (average ranks for ties).
    ///
    /// ```
    /// let s = mutinf_models::CopulaSequence::from_samples(&[3.0, 1.0, 2.0], &[0.0, 5.0, 1.0]).unwrap();
    /// assert_eq!(s.u, vec![1.0 / 6.0, 0.5, 5.0 / 6.0]);
    /// assert_eq!(s.v, vec![5.0 / 6.0, 1.0 / 2.0, 1.0 / 6.0]);
    /// ```
    pub fn from_samples(x: &[f64], y: &[f64]) -> Result<Self, ModelError> {
        if x.len() != y.len() {
            return Err(ModelError::LengthMismatch { x: x.len(), y: y.len() });
        }
        if let Some(bad) = x.iter().chain(y).find(|v| !v.is_finite()) {
            return Err(ModelError::NonFinite(*bad));
        }
        // The workspace's copula convention, (r − ½)/N (see `rank_transform`).
        let ru = rank_transform(x);
        let rv = rank_transform(y);
        let mut pairs: Vec<(f32, f32)> = ru.iter().zip(&rv).map(|(a, b)| (*a as f32, *b as f32)).collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        Ok(Self { u: pairs.iter().map(|p| p.0).collect(), v: pairs.iter().map(|p| p.1).collect() })
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.u.len()
    }

    /// Whether the sequence has no samples.
    pub fn is_empty(&self) -> bool {
        self.u.is_empty()
    }
}

/// Which samples build the table and which are scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fold {
    /// The table is predicted from all samples and the bound read on all of them.
    InSample,
    /// A seeded shuffle splits each sequence in halves; the table is predicted from the first
    /// half and read on the second.
    FirstToSecond,
    /// The same split, roles swapped.
    SecondToFirst,
}

/// A batch ready for the network: the context tokens `[B, n_context, 2]` and the readout plan.
#[derive(Debug, Clone)]
pub struct PreparedBatch {
    /// Sequences B.
    pub batch: usize,
    /// Tokens per sequence given to the encoder.
    pub n_context: usize,
    /// Context (u, v) pairs, `[B, n_context, 2]` row-major.
    pub context: Vec<f32>,
    /// Where the bound reads the tables.
    pub plan: ReadoutPlan,
}

impl PreparedBatch {
    /// Stacks batches with the same context and score sizes into one (sequences in order), so
    /// several folds of the same sequences run in one forward pass.
    ///
    /// # Panics
    /// If the batches differ in `n_context` or in their readout shapes.
    pub fn concat(batches: Vec<PreparedBatch>) -> Self {
        let n_context = batches.first().map_or(0, |b| b.n_context);
        assert!(batches.iter().all(|b| b.n_context == n_context), "batches of different context sizes");
        let batch = batches.iter().map(|b| b.batch).sum();
        let mut context = Vec::with_capacity(batches.iter().map(|b| b.context.len()).sum());
        let mut plans = Vec::with_capacity(batches.len());
        for b in batches {
            context.extend(b.context);
            plans.push(b.plan);
        }
        Self { batch, n_context, context, plan: ReadoutPlan::concat(plans) }
    }
}

/// Prepares sequences of equal length for one forward pass. `seed` fixes the split and the
/// permutations, so the same inputs and seed give the same batch.
pub fn prepare_batch(
    sequences: &[CopulaSequence],
    config: &InfoNetConfig,
    fold: Fold,
    seed: u64,
) -> Result<PreparedBatch, ModelError> {
    let seeds: Vec<u64> = (0..sequences.len()).map(|b| mutinf_core::seed::mix(seed, b as u64)).collect();
    prepare_batch_seeded(sequences, config, fold, &seeds)
}

/// [`prepare_batch`] with one seed per sequence, so a sequence's split and permutations do not
/// depend on its position in the batch (estimating it alone or among others reads the same
/// cells).
pub fn prepare_batch_seeded(
    sequences: &[CopulaSequence],
    config: &InfoNetConfig,
    fold: Fold,
    seeds: &[u64],
) -> Result<PreparedBatch, ModelError> {
    let prepared = fold_samples(sequences, config, fold, seeds)?;
    let n_context = prepared.first().map_or(0, |p| p.context.len() / 2);
    let mut context = Vec::with_capacity(prepared.len() * n_context * 2);
    let mut scored = Vec::with_capacity(prepared.len());
    let mut perms = Vec::with_capacity(prepared.len());
    for p in prepared {
        context.extend(p.context);
        scored.push(p.scored);
        perms.push(p.perms);
    }
    let plan = ReadoutPlan::new(config.grid, sequences.len(), config.permutations, &scored, &perms);
    Ok(PreparedBatch { batch: sequences.len(), n_context, context, plan })
}

/// One sequence under one fold, before the readout is planned: the tokens the encoder sees,
/// the pairs the bound is read at and the R permutations of their pairing.
#[derive(Debug, Clone)]
pub(crate) struct FoldSample {
    /// Context (u, v) pairs, `[n_context, 2]` row-major.
    pub context: Vec<f32>,
    /// The scored (u, v) pairs.
    pub scored: Vec<(f32, f32)>,
    /// R permutations of `0..scored.len()`, applied to v.
    pub perms: Vec<Vec<u32>>,
}

/// The fold samples of sequences of equal length (checked), one seed per sequence; what
/// [`prepare_batch_seeded`] plans its readout from.
pub(crate) fn fold_samples(
    sequences: &[CopulaSequence],
    config: &InfoNetConfig,
    fold: Fold,
    seeds: &[u64],
) -> Result<Vec<FoldSample>, ModelError> {
    assert_eq!(seeds.len(), sequences.len(), "one seed per sequence");
    let n = sequences.first().map_or(0, CopulaSequence::len);
    if sequences.is_empty() {
        return Err(ModelError::EmptyBatch);
    }
    if let Some(other) = sequences.iter().find(|s| s.len() != n) {
        return Err(ModelError::RaggedBatch { first: n, other: other.len() });
    }
    if n < InfoNetConfig::MIN_SAMPLES {
        return Err(ModelError::TooFewSamples { n, min: InfoNetConfig::MIN_SAMPLES });
    }
    if u32::try_from(n).is_err() {
        return Err(ModelError::InvalidConfig {
            field: "samples".into(),
            value: n.to_string(),
            reason: format!("InfoNet reads at most {} samples per sequence; subsample the data", u32::MAX),
        });
    }
    // Each sequence's split and permutations depend only on its own seed, so the sequences are
    // prepared in parallel (order preserved) with the same result as one after another.
    Ok(sequences
        .par_iter()
        .zip(seeds.par_iter())
        .map(|(seq, &seq_seed)| {
            let mut order: Vec<usize> = (0..n).collect();
            let (ctx, score): (Vec<usize>, Vec<usize>) = match fold {
                Fold::InSample => (order.clone(), order),
                Fold::FirstToSecond | Fold::SecondToFirst => {
                    order.shuffle(&mut StdRng::seed_from_u64(seq_seed));
                    let (a, b) = order.split_at(n / 2);
                    // Equal halves (an odd sample out is dropped) so both directions see the same sizes.
                    let (a, b) = (a.to_vec(), b[..a.len()].to_vec());
                    if fold == Fold::FirstToSecond { (a, b) } else { (b, a) }
                }
            };
            let context: Vec<f32> = ctx.iter().flat_map(|&i| [seq.u[i], seq.v[i]]).collect();
            let scored: Vec<(f32, f32)> = score.iter().map(|&i| (seq.u[i], seq.v[i])).collect();
            let fold_tag = match fold {
                Fold::InSample => 1,
                Fold::FirstToSecond => 2,
                Fold::SecondToFirst => 3,
            };
            let mut rng = StdRng::seed_from_u64(seq_seed.wrapping_add(fold_tag));
            // u32 halves the memory of usize at large N; the shuffle's draws depend only on the
            // length, so the permutations are the ones earlier versions drew.
            let perms: Vec<Vec<u32>> = (0..config.permutations)
                .map(|_| {
                    let mut p: Vec<u32> = (0..scored.len() as u32).collect();
                    p.shuffle(&mut rng);
                    p
                })
                .collect();
            FoldSample { context, scored, perms }
        })
        .collect())
}

/// The folds an estimate averages for a network built from `config`.
pub fn estimate_folds(config: &InfoNetConfig) -> &'static [Fold] {
    if config.holdout { &[Fold::FirstToSecond, Fold::SecondToFirst] } else { &[Fold::InSample] }
}
