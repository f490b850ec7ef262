//! Test-time optimisation: trains B critics on B data sets at once and evaluates the result.
//!
//! The loop follows burn's custom-training-loop pattern: forward → bound → `backward` →
//! `GradientsParams::from_grads` → `optim.step`. Every step draws, for each data set, a
//! minibatch of `batch` rows (walking through a fresh shuffle each epoch) and one random
//! permutation of the minibatch for the marginal pairs (x_i, y_σ(i)).
//!
//! # The final estimate
//! Every `snapshot_every` steps the critic is copied; the last `final_snapshots` copies (the
//! final critic always among them) are evaluated on the **full data**: joint scores on all N
//! pairs, marginal scores on all N pairs of a fresh permutation of Y, then the bound's value
//! (for `mine` and `mine-dv` the DV value, for `smile` the clipped DV value, for `nwj` the
//! NWJ value). InfoNCE is capped at ln(batch) so it is averaged over disjoint `batch`-row
//! blocks covering the data. The estimate is the mean over snapshots, which averages out the
//! jitter of the last SGD steps; the spread across snapshots is reported, not a standard
//! error (the critic was fitted on the same data, so it measures optimisation noise only).

use std::collections::VecDeque;

use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::{Device, Int, Tensor, TensorData};
use mutinf_core::{MutinfError, PairedSamples, Result};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::bounds;
use crate::critic::Critic;
use crate::params::{Bound, MineParams};

/// Progress of one optimisation step, handed to the observer of [`fit`].
#[derive(Debug, Clone)]
pub struct StepReport<'a> {
    /// Step number, 1-based.
    pub step: usize,
    /// Maximum number of steps.
    pub steps: usize,
    /// This step's minibatch value of the bound, per data set (nats).
    pub batch_estimates: &'a [f64],
    /// Exponentially smoothed minibatch estimates, per data set (nats).
    pub smoothed: &'a [f64],
}

/// The outcome of [`fit`].
#[derive(Debug, Clone)]
pub struct Fit<C> {
    /// The final critic (inference copy, no autodiff).
    pub critic: C,
    /// Final estimate per data set (nats): mean over the evaluated snapshots.
    pub estimates: Vec<f64>,
    /// Full-data estimate of each evaluated snapshot, `[snapshot][data set]`.
    pub snapshot_estimates: Vec<Vec<f64>>,
    /// Steps actually run.
    pub steps_run: usize,
    /// Whether early stopping ended the run before `steps`.
    pub stopped_early: bool,
    /// Smoothed minibatch estimate after each step, `[step][data set]`.
    pub curve: Vec<Vec<f64>>,
}

/// Host copy of one data set as f32 rows.
struct HostData {
    n: usize,
    dx: usize,
    dy: usize,
    x: Vec<f32>,
    y: Vec<f32>,
}

impl HostData {
    fn new(data: &PairedSamples) -> Self {
        Self {
            n: data.n(),
            dx: data.dx(),
            dy: data.dy(),
            x: data.x().iter().map(|&v| v as f32).collect(),
            y: data.y().iter().map(|&v| v as f32).collect(),
        }
    }
}

/// Draws minibatches by walking through a fresh shuffle of the rows each epoch.
struct EpochSampler {
    order: Vec<usize>,
    pos: usize,
}

impl EpochSampler {
    fn new(n: usize) -> Self {
        Self {
            order: (0..n).collect(),
            pos: n,
        }
    }

    fn next(&mut self, batch: usize, rng: &mut StdRng, out: &mut Vec<usize>) {
        out.clear();
        while out.len() < batch {
            if self.pos == self.order.len() {
                self.order.shuffle(rng);
                self.pos = 0;
            }
            out.push(self.order[self.pos]);
            self.pos += 1;
        }
    }
}

/// Copies rows `rows[b]` of every data set into `[B, n, d]` tensors (x, y).
fn gather(
    sets: &[HostData],
    rows: &[Vec<usize>],
    y_rows: &[Vec<usize>],
    device: &Device,
) -> (Tensor<3>, Tensor<3>) {
    let (dx, dy, n) = (sets[0].dx, sets[0].dy, rows[0].len());
    let mut xb = Vec::with_capacity(sets.len() * n * dx);
    let mut yb = Vec::with_capacity(sets.len() * n * dy);
    for (b, set) in sets.iter().enumerate() {
        for &r in &rows[b] {
            xb.extend_from_slice(&set.x[r * dx..(r + 1) * dx]);
        }
        for &r in &y_rows[b] {
            yb.extend_from_slice(&set.y[r * dy..(r + 1) * dy]);
        }
    }
    let x = Tensor::<3>::from_data(TensorData::new(xb, [sets.len(), n, dx]), device);
    let y = Tensor::<3>::from_data(TensorData::new(yb, [sets.len(), n, dy]), device);
    (x, y)
}

/// `a + b` in log space: ln(e^a + e^b).
fn log_add_exp(a: f64, b: f64) -> f64 {
    let m = a.max(b);
    m + ((a - m).exp() + (b - m).exp()).ln()
}

/// Scores to host as f64, flattened row-major.
fn to_host_scores<const D: usize>(t: Tensor<D>) -> Vec<f64> {
    t.detach()
        .without_autodiff()
        .into_data()
        .try_into_vec::<f32>()
        .expect("f32 tensor")
        .into_iter()
        .map(f64::from)
        .collect()
}

/// Checks that `data` can be fitted together with batch size `batch`.
pub(crate) fn check_data(data: &[PairedSamples], batch: usize, method: &str) -> Result<()> {
    let first = data
        .first()
        .ok_or_else(|| MutinfError::invalid("data", "[]", "give at least one data set"))?;
    for (i, d) in data.iter().enumerate() {
        if d.dx() != first.dx() || d.dy() != first.dy() {
            return Err(MutinfError::invalid(
                "data",
                format!("set {i} has dx={}, dy={}", d.dx(), d.dy()),
                format!(
                    "every data set of a batched estimation needs the same dx={} and dy={} as set 0",
                    first.dx(),
                    first.dy()
                ),
            ));
        }
        if d.n() < batch {
            return Err(MutinfError::TooFewSamples {
                n: d.n(),
                min: batch,
                what: format!(
                    "{method} with batch size {batch}{}",
                    if data.len() > 1 {
                        format!(" (data set {i})")
                    } else {
                        String::new()
                    }
                ),
                hint: format!("; or lower the batch size to at most {}", d.n()),
            });
        }
    }
    Ok(())
}

/// Trains `critic` (built on the plain `device`, one copy per data set) on `data` and returns
/// the final full-data estimates.
///
/// `data[b]` is fitted by copy `b` of the critic; all sets need the same dx and dy, and at
/// least `params.batch` rows. Only the optimisation fields of `params` are used (bound,
/// steps, batch, lr, ema_rate, smile_tau, seed, patience, min_delta, smoothing, snapshots);
/// the architecture is `critic`'s. `observer` sees every step (progress bars, curves).
///
/// Early stopping: with `patience = Some(p)`, the run stops once *every* data set's smoothed
/// estimate has gone `p` steps without improving by `min_delta`.
///
/// # Errors
/// Invalid params or data, and [`MutinfError::EstimationFailed`] naming the step and data
/// set when the loss or the bound becomes NaN or infinite (a diverging run is never
/// returned as an estimate).
pub fn fit<C: Critic>(
    critic: C,
    data: &[PairedSamples],
    params: &MineParams,
    device: &Device,
    observer: &mut dyn FnMut(&StepReport),
) -> Result<Fit<C>> {
    check_inputs(critic.copies(), data, params)?;
    let method = params.bound.name();
    let sets: Vec<HostData> = data.iter().map(HostData::new).collect();
    let b = sets.len();
    let n = params.batch;
    let ad = device.clone().autodiff();
    let mut rng = StdRng::seed_from_u64(params.seed ^ 0x4d49_4e45_5f52_554e); // "MINE_RUN"
    let mut samplers: Vec<EpochSampler> = sets.iter().map(|s| EpochSampler::new(s.n)).collect();
    let mut rows = vec![Vec::with_capacity(n); b];
    let mut perm: Vec<usize> = (0..n).collect();

    let mut critic = critic.train();
    let mut optim = AdamConfig::new().init();
    let mut log_ma = vec![0.0f64; b];
    let mut smoothed = vec![0.0; b];
    let mut best = vec![f64::NEG_INFINITY; b];
    let mut since_best = vec![0usize; b];
    let mut snapshots: VecDeque<C> = VecDeque::with_capacity(params.final_snapshots + 1);
    let mut curve = Vec::with_capacity(params.steps);
    let mut steps_run = 0;
    let mut stopped_early = false;
    let mut last_snapshot_step = 0;

    for step in 1..=params.steps {
        for (sampler, r) in samplers.iter_mut().zip(rows.iter_mut()) {
            sampler.next(n, &mut rng, r);
        }
        let (x, y) = gather(&sets, &rows, &rows, &ad);
        // Values come from the scores on the host, in f64; the graph only carries the part of
        // each objective that has a gradient.
        let (values, objective) = if params.bound.needs_score_matrix() {
            let scores = critic.score_matrix(x, y);
            let host = to_host_scores(scores.clone());
            let values = (0..b)
                .map(|i| bounds::host::infonce(&host[i * n * n..(i + 1) * n * n], n))
                .collect();
            (values, bounds::infonce(scores))
        } else {
            perm.shuffle(&mut rng);
            let perm_t = Tensor::<1, Int>::from_data(
                TensorData::new(perm.iter().map(|&p| p as i64).collect::<Vec<_>>(), [n]),
                &ad,
            );
            let (joint, marginal) = critic.joint_and_marginal(x, y, perm_t);
            let (jh, mh) = (
                to_host_scores(joint.clone()),
                to_host_scores(marginal.clone()),
            );
            let rows_of = |v: &[f64], i: usize| v[i * n..(i + 1) * n].to_vec();
            let values: Vec<f64> = (0..b)
                .map(|i| {
                    let (j, m) = (rows_of(&jh, i), rows_of(&mh, i));
                    match params.bound {
                        Bound::Mine | Bound::MineDv => bounds::host::dv(&j, &m),
                        Bound::Nwj => bounds::host::nwj(&j, &m),
                        Bound::Smile => bounds::host::smile(&j, &m, params.smile_tau),
                        Bound::InfoNce => unreachable!("handled above"),
                    }
                })
                .collect();
            let objective = match params.bound {
                Bound::Mine => {
                    // MINE: fold this batch into the moving average first, then use it.
                    for (i, ma) in log_ma.iter_mut().enumerate().take(b) {
                        let lme = bounds::host::log_mean_exp(&rows_of(&mh, i));
                        *ma = if step == 1 {
                            lme
                        } else {
                            log_add_exp((1.0 - params.ema_rate).ln() + *ma, params.ema_rate.ln() + lme)
                        };
                    }
                    let lma = Tensor::<1>::from_data(
                        TensorData::new(log_ma.iter().map(|&v| v as f32).collect::<Vec<_>>(), [b]),
                        &ad,
                    );
                    bounds::dv_ema_surrogate(joint, marginal, lma)
                }
                Bound::MineDv => bounds::dv(joint, marginal),
                Bound::Nwj => bounds::nwj(joint, marginal),
                // smile_surrogate = js + const: the constant has no gradient, so train on js.
                Bound::Smile => bounds::js_fgan(joint, marginal),
                Bound::InfoNce => unreachable!("handled above"),
            };
            (values, objective)
        };
        if let Some(i) = values.iter().position(|v: &f64| !v.is_finite()) {
            return Err(MutinfError::EstimationFailed {
                method: method.to_owned(),
                reason: format!(
                    "the critic's scores became non-finite at step {step}{} (bound value {}); lower the learning rate (now {}) or use a bound with lower variance (nwj, smile)",
                    if b > 1 {
                        format!(" for data set {i}")
                    } else {
                        String::new()
                    },
                    values[i],
                    params.lr
                ),
            });
        }
        let surrogate = objective;
        let loss = surrogate.sum().neg();
        let grads = GradientsParams::from_grads(loss.backward(), &critic);
        critic = optim.step(params.lr, critic, grads);
        steps_run = step;

        for i in 0..b {
            smoothed[i] = if step == 1 {
                values[i]
            } else {
                (1.0 - params.smoothing) * smoothed[i] + params.smoothing * values[i]
            };
            if smoothed[i] > best[i] + params.min_delta {
                best[i] = smoothed[i];
                since_best[i] = 0;
            } else {
                since_best[i] += 1;
            }
        }
        curve.push(smoothed.clone());
        observer(&StepReport {
            step,
            steps: params.steps,
            batch_estimates: &values,
            smoothed: &smoothed,
        });

        if step % params.snapshot_every == 0 {
            snapshots.push_back(critic.valid());
            last_snapshot_step = step;
            if snapshots.len() > params.final_snapshots {
                snapshots.pop_front();
            }
        }
        if let Some(p) = params.patience
            && since_best.iter().all(|&s| s >= p)
        {
            stopped_early = step < params.steps;
            break;
        }
    }
    if last_snapshot_step != steps_run {
        snapshots.push_back(critic.valid());
        if snapshots.len() > params.final_snapshots {
            snapshots.pop_front();
        }
    }

    let mut eval_rng = StdRng::seed_from_u64(params.seed ^ 0x4d49_4e45_5f45_5641); // "MINE_EVA"
    let snapshot_estimates = snapshots
        .iter()
        .map(|c| evaluate_host(c, &sets, params, device, &mut eval_rng))
        .collect::<Vec<_>>();
    let mut estimates = vec![0.0; b];
    for s in &snapshot_estimates {
        for i in 0..b {
            estimates[i] += s[i] / snapshot_estimates.len() as f64;
        }
    }
    if let Some(i) = estimates.iter().position(|v| !v.is_finite()) {
        return Err(MutinfError::EstimationFailed {
            method: method.to_owned(),
            reason: format!(
                "the full-data estimate is {} for data set {i} after {steps_run} steps; lower the learning rate",
                estimates[i]
            ),
        });
    }
    Ok(Fit {
        critic: critic.valid(),
        estimates,
        snapshot_estimates,
        steps_run,
        stopped_early,
        curve,
    })
}

/// Rows evaluated per forward pass in [`evaluate`] (bounds memory for large N).
const EVAL_CHUNK: usize = 1024;

/// The value of `params.bound` for a trained critic on each data set (copy `b` on
/// `data[b]`), over all rows, with a random permutation of Y (seeded by `seed`) for the
/// marginal pairs — the evaluation [`fit`] applies to its snapshots, usable on held-out data.
///
/// `critic` should be an inference copy ([`Fit::critic`]) on the plain `device`.
pub fn evaluate<C: Critic>(
    critic: &C,
    data: &[PairedSamples],
    params: &MineParams,
    device: &Device,
    seed: u64,
) -> Result<Vec<f64>> {
    check_inputs(critic.copies(), data, params)?;
    let sets: Vec<HostData> = data.iter().map(HostData::new).collect();
    Ok(evaluate_host(
        critic,
        &sets,
        params,
        device,
        &mut StdRng::seed_from_u64(seed),
    ))
}

fn evaluate_host<C: Critic>(
    critic: &C,
    sets: &[HostData],
    params: &MineParams,
    device: &Device,
    rng: &mut StdRng,
) -> Vec<f64> {
    let b = sets.len();
    if params.bound.needs_score_matrix() {
        let m = params.batch;
        let orders: Vec<Vec<usize>> = sets
            .iter()
            .map(|s| {
                let mut o: Vec<usize> = (0..s.n).collect();
                o.shuffle(rng);
                o
            })
            .collect();
        let blocks: Vec<usize> = sets.iter().map(|s| s.n / m).collect();
        let mut sums = vec![0.0; b];
        for c in 0..*blocks.iter().max().unwrap() {
            let rows: Vec<Vec<usize>> = orders
                .iter()
                .map(|o| (0..m).map(|i| o[(c * m + i) % o.len()]).collect())
                .collect();
            let (x, y) = gather(sets, &rows, &rows, device);
            let scores = to_host_scores(critic.score_matrix(x, y));
            for i in 0..b {
                if c < blocks[i] {
                    sums[i] += bounds::host::infonce(&scores[i * m * m..(i + 1) * m * m], m)
                        / blocks[i] as f64;
                }
            }
        }
        return sums;
    }
    let max_n = sets.iter().map(|s| s.n).max().unwrap();
    let m = max_n.min(EVAL_CHUNK);
    let perms: Vec<Vec<usize>> = sets
        .iter()
        .map(|s| {
            let mut p: Vec<usize> = (0..s.n).collect();
            p.shuffle(rng);
            p
        })
        .collect();
    let mut joint: Vec<Vec<f64>> = sets.iter().map(|s| Vec::with_capacity(s.n)).collect();
    let mut marginal = joint.clone();
    for start in (0..max_n).step_by(m) {
        let rows: Vec<Vec<usize>> = sets
            .iter()
            .map(|s| (start..start + m).map(|r| r % s.n).collect())
            .collect();
        let y_rows: Vec<Vec<usize>> = perms
            .iter()
            .zip(&rows)
            .map(|(p, r)| r.iter().map(|&i| p[i]).collect())
            .collect();
        let (x, y) = gather(sets, &rows, &rows, device);
        let (_, y_perm) = gather(sets, &rows, &y_rows, device);
        let jt = to_host_scores(critic.pair_scores(x.clone(), y));
        let mt = to_host_scores(critic.pair_scores(x, y_perm));
        for (i, s) in sets.iter().enumerate() {
            let keep = s.n.saturating_sub(start).min(m);
            joint[i].extend_from_slice(&jt[i * m..i * m + keep]);
            marginal[i].extend_from_slice(&mt[i * m..i * m + keep]);
        }
    }
    joint
        .iter()
        .zip(&marginal)
        .map(|(j, mg)| match params.bound {
            Bound::Mine | Bound::MineDv => bounds::host::dv(j, mg),
            Bound::Nwj => bounds::host::nwj(j, mg),
            Bound::Smile => bounds::host::smile(j, mg, params.smile_tau),
            Bound::InfoNce => unreachable!("handled above"),
        })
        .collect()
}

/// The checks `fit` and `evaluate` share: valid params, usable data for the batch size, and
/// one critic copy per data set.
fn check_inputs(copies: usize, data: &[PairedSamples], params: &MineParams) -> Result<()> {
    params.check()?;
    check_data(data, params.batch, params.bound.name())?;
    if copies != data.len() {
        return Err(MutinfError::invalid(
            "critic",
            format!("{copies} copies"),
            format!("the critic needs one copy per data set ({})", data.len()),
        ));
    }
    Ok(())
}
