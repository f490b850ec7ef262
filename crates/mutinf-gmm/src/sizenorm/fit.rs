//! Input validation, initialisation, the EM loop with restarts, and per-frame read-outs.

use ndarray::{Array2, ArrayView2};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use super::config::{NoiseModel, SizeNormConfig};
use super::estep::{Prepared, Stats, animal_posteriors, animal_stats, prepare};
use super::mi::mi_animal_component;
use super::model::{SizeNormModel, Theta};
use super::mstep::{canonicalise, log_prior, m_step};
use crate::em::init::kmeans_start;
use crate::error::{GmmError, Result};
use crate::truth::mix_seed;

/// k-means++ runs per start; the lowest within-cluster sum of squares wins.
const KMEANS_TRIES: usize = 8;

/// Subspace-iteration sweeps of the PCA start.
const PCA_SWEEPS: usize = 60;

/// The result of [`fit_sizenorm`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SizeNormFit {
    /// The fitted model, in the canonical gauge (pooled latent mean 0, covariance I).
    pub model: SizeNormModel,
    /// Mean log-likelihood per frame of all animals' data, at the start and after each iteration.
    pub log_likelihood: Vec<f64>,
    /// Penalised objective per frame (log-likelihood plus the MAP log-priors, up to constants),
    /// same points; equals `log_likelihood` when every prior is off. EM never decreases it.
    pub objective: Vec<f64>,
    /// Iterations run by the winning restart: entries of the traces after the start. With
    /// `accelerate`, one iteration is a SQUAREM cycle of two or more EM steps.
    pub iterations: usize,
    /// EM steps (M-steps followed by E-steps) run by the winning restart.
    pub em_steps: usize,
    /// Whether the winning restart's objective changed by less than `tol` before `max_iter`.
    pub converged: bool,
    /// Frames per animal.
    pub frames: Vec<usize>,
    /// Objective per frame of every restart after its short run of `init_iter` iterations (`NaN`
    /// for a restart that failed numerically); the best one was continued.
    pub restart_objectives: Vec<f64>,
    /// Index of the winning restart.
    pub best_restart: usize,
}

impl SizeNormFit {
    /// The final mean log-likelihood per frame.
    pub fn final_log_likelihood(&self) -> f64 {
        *self
            .log_likelihood
            .last()
            .expect("the trace holds the start")
    }

    /// The final penalised objective per frame.
    pub fn final_objective(&self) -> f64 {
        *self.objective.last().expect("the trace holds the start")
    }

    /// `I(animal; component)` in nats from the fitted weights and the frame counts
    /// (see [`mi_animal_component`]).
    pub fn mi_animal_component(&self) -> f64 {
        mi_animal_component(&self.model.weights, &self.frames)
            .expect("a fitted model has consistent weights and frame counts")
    }
}

/// Per-frame read-out of one animal (see [`SizeNormModel::posteriors`]).
#[derive(Debug, Clone, PartialEq)]
pub struct AnimalPosteriors {
    /// `P(z | y_t)`, T x C.
    pub responsibilities: Array2<f64>,
    /// Posterior mean latent pose `E[x_t | y_t]`, T x M.
    pub latent: Array2<f64>,
    /// `ln P(y_t)`, T.
    pub log_likelihood: Vec<f64>,
}

/// Checks the animals' arrays and copies them row-major. `expected_dim` (a model's KD) is checked
/// when given; otherwise animal 0 sets it. An animal with fewer than `min_frames` rows gets
/// `too_few(animal, frames)`.
pub(crate) fn flatten_animals(
    animals: &[ArrayView2<'_, f64>],
    expected_dim: Option<usize>,
    min_frames: usize,
    too_few: impl Fn(usize, usize) -> GmmError,
) -> Result<(Vec<Vec<f64>>, usize)> {
    if animals.is_empty() {
        return Err(GmmError::NoAnimals);
    }
    let p = expected_dim.unwrap_or(animals[0].ncols());
    if p == 0 {
        return Err(GmmError::invalid(
            "animal 0",
            "0 columns",
            "each animal needs a T x KD pose array with KD >= 1",
        ));
    }
    let mut out = Vec::with_capacity(animals.len());
    for (i, a) in animals.iter().enumerate() {
        if a.ncols() != p {
            return Err(GmmError::AnimalDimMismatch {
                animal: i,
                expected: p,
                found: a.ncols(),
            });
        }
        if a.nrows() < min_frames {
            return Err(too_few(i, a.nrows()));
        }
        if let Some(((frame, column), &value)) = a.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(GmmError::NonFiniteFrame {
                animal: i,
                frame,
                column,
                value,
            });
        }
        out.push(a.iter().copied().collect());
    }
    Ok((out, p))
}

/// Fits the size-norm model to one `T_i x KD` pose array per animal by EM with
/// `config.n_init` seeded restarts (PCA + k-means++ starts), keeping the restart with the highest
/// final penalised objective. See the [module docs](crate::sizenorm) for the model and updates.
///
/// Errors: invalid config, no animals, animals with different KD, M > KD, an animal with fewer
/// than `max(C, M + 2)` frames, NaN/inf, and numerical breakdown in every restart.
///
/// ```
/// use mutinf_gmm::sizenorm::{RandomModelSpec, SizeNormConfig, SizeNormModel, fit_sizenorm};
/// use rand::SeedableRng;
/// # fn main() -> Result<(), mutinf_gmm::GmmError> {
/// let truth = SizeNormModel::random(&RandomModelSpec::new(2, 6, 2, 3), 1)?;
/// let draws = truth.sample(&[800, 800], &mut rand::rngs::StdRng::seed_from_u64(2))?;
/// let data: Vec<_> = draws.iter().map(|d| d.observations.view()).collect();
/// let fit = fit_sizenorm(&data, &SizeNormConfig { n_init: 2, ..SizeNormConfig::new(2, 3) })?;
/// assert!(fit.objective.windows(2).all(|w| w[1] >= w[0] - 1e-9 * w[0].abs()));
/// assert!(fit.final_log_likelihood() > truth.log_likelihood(&data)? / 1600.0 - 0.05);
/// # Ok(())
/// # }
/// ```
pub fn fit_sizenorm(
    animals: &[ArrayView2<'_, f64>],
    config: &SizeNormConfig,
) -> Result<SizeNormFit> {
    config.check()?;
    let (m, c) = (config.latent_dim, config.components);
    let min = c.max(m + 2);
    let frames: Vec<usize> = animals.iter().map(|a| a.nrows()).collect();
    // Dimension checks come before frame counts: a wrong layout is the more basic mistake.
    if let Some(a0) = animals.first() {
        for (i, a) in animals.iter().enumerate() {
            if a.ncols() != a0.ncols() {
                return Err(GmmError::AnimalDimMismatch {
                    animal: i,
                    expected: a0.ncols(),
                    found: a.ncols(),
                });
            }
        }
        if m > a0.ncols() && a0.ncols() > 0 {
            return Err(GmmError::LatentTooLarge {
                latent: m,
                observed: a0.ncols(),
            });
        }
    }
    let (data, p) = flatten_animals(animals, None, min, |animal, frames| {
        GmmError::TooFewFrames {
            animal,
            frames,
            min,
            components: c,
            latent_plus_two: m + 2,
        }
    })?;

    // Short runs from every start, then the best one continues to convergence ("short EM"
    // restarts: the costly tail of EM is paid once).
    let mut runners: Vec<Option<Runner>> = Vec::with_capacity(config.n_init);
    let mut first_err = None;
    for restart in 0..config.n_init {
        let seed = if restart == 0 {
            config.seed
        } else {
            mix_seed(config.seed, restart as u64)
        };
        let short = config.init_iter.min(config.max_iter);
        match Runner::start(&data, p, &frames, config, seed)
            .and_then(|mut r| r.advance(short).map(|()| r))
        {
            Ok(r) => runners.push(Some(r)),
            Err(e) => {
                runners.push(None);
                first_err.get_or_insert(e);
            }
        }
    }
    let restart_objectives: Vec<f64> = runners
        .iter()
        .map(|r| r.as_ref().map_or(f64::NAN, |r| r.state.obj))
        .collect();
    let Some(best_restart) = (0..runners.len())
        .filter(|&i| runners[i].is_some())
        .max_by(|&a, &b| restart_objectives[a].total_cmp(&restart_objectives[b]))
    else {
        return Err(first_err.expect("n_init >= 1"));
    };
    let mut runner = runners[best_restart].take().expect("filtered to Some");
    runner.advance(config.max_iter)?;
    Ok(runner.finish(restart_objectives, best_restart))
}

/// E-step over all animals: statistics and the prepared quantities the M-step needs.
fn e_all(t: &Theta, data: &[Vec<f64>], iteration: usize) -> Result<(Vec<Stats>, Vec<Prepared>)> {
    let mut stats = Vec::with_capacity(t.n);
    let mut preps = Vec::with_capacity(t.n);
    for (i, y) in data.iter().enumerate() {
        let prep = prepare(t, i, iteration)?;
        stats.push(animal_stats(&prep, y));
        preps.push(prep);
    }
    Ok((stats, preps))
}

/// A parameter point with its E-step.
struct State {
    theta: Theta,
    stats: Vec<Stats>,
    preps: Vec<Prepared>,
    ll: f64,
    obj: f64,
}

/// Runs the E-step at `theta` and evaluates the objective per frame.
fn evaluate(
    theta: Theta,
    data: &[Vec<f64>],
    total: f64,
    cfg: &SizeNormConfig,
    iteration: usize,
) -> Result<State> {
    let (stats, preps) = e_all(&theta, data, iteration)?;
    let ll = stats.iter().map(|s| s.ll).sum::<f64>() / total;
    let obj = ll + log_prior(&theta, cfg) / total;
    Ok(State {
        theta,
        stats,
        preps,
        ll,
        obj,
    })
}

/// One EM step from `s`: M-step, canonical gauge, E-step.
fn em_step(
    s: &State,
    data: &[Vec<f64>],
    frames: &[usize],
    total: f64,
    cfg: &SizeNormConfig,
    iteration: usize,
) -> Result<State> {
    let mut new = m_step(&s.theta, &s.stats, &s.preps, cfg, iteration)?;
    canonicalise(&mut new, frames, iteration)?;
    evaluate(new, data, total, cfg, iteration)
}

/// SQUAREM step lengths tried before falling back to the plain double EM step.
const SQUAREM_TRIES: usize = 4;

/// One restart's EM, resumable.
struct Runner<'a> {
    data: &'a [Vec<f64>],
    frames: &'a [usize],
    cfg: &'a SizeNormConfig,
    total: f64,
    state: State,
    lls: Vec<f64>,
    objs: Vec<f64>,
    iterations: usize,
    em_steps: usize,
    converged: bool,
}

impl<'a> Runner<'a> {
    fn start(
        data: &'a [Vec<f64>],
        p: usize,
        frames: &'a [usize],
        cfg: &'a SizeNormConfig,
        seed: u64,
    ) -> Result<Self> {
        let total = frames.iter().sum::<usize>() as f64;
        let mut theta = initialise(data, p, frames, cfg, seed, seed == cfg.seed);
        canonicalise(&mut theta, frames, 0)?;
        let state = evaluate(theta, data, total, cfg, 0)?;
        Ok(Self {
            data,
            frames,
            cfg,
            total,
            lls: vec![state.ll],
            objs: vec![state.obj],
            state,
            iterations: 0,
            em_steps: 0,
            converged: false,
        })
    }

    /// Runs until `until` iterations in all, or convergence.
    fn advance(&mut self, until: usize) -> Result<()> {
        let (data, frames, total, cfg) = (self.data, self.frames, self.total, self.cfg);
        while !self.converged && self.iterations < until {
            let it = self.iterations + 1;
            let next = if cfg.accelerate {
                self.squarem_cycle(it)?
            } else {
                self.em_steps += 1;
                em_step(&self.state, data, frames, total, cfg, it)?
            };
            self.iterations = it;
            let prev = self.state.obj;
            self.state = next;
            self.lls.push(self.state.ll);
            self.objs.push(self.state.obj);
            self.converged = (self.state.obj - prev).abs() < cfg.tol;
        }
        Ok(())
    }

    /// SQUAREM (Varadhan & Roland 2008, scheme S3) on the canonical-gauge parameters, with a
    /// stabilising EM step and a fall-back to the plain double EM step whenever the extrapolated
    /// point is infeasible or does not improve on it: monotone by construction.
    fn squarem_cycle(&mut self, it: usize) -> Result<State> {
        let (data, frames, total, cfg) = (self.data, self.frames, self.total, self.cfg);
        let s1 = em_step(&self.state, data, frames, total, cfg, it)?;
        let s2 = em_step(&s1, data, frames, total, cfg, it)?;
        self.em_steps += 2;
        let t2 = s2.theta.clone();
        let (t0, t1) = (&self.state.theta, &s1.theta);
        let r2 = t0.dist2(t1, t0, 1.0);
        let v2 = t0.dist2(t1, &t2, 2.0);
        let mut alpha = if v2 > 0.0 { -(r2 / v2).sqrt() } else { -1.0 };
        let mut best = s2;
        for _ in 0..SQUAREM_TRIES {
            if alpha > -1.0 - 1e-9 {
                break;
            }
            let cand = Theta::extrapolate(t0, t1, &t2, alpha);
            let tried = if cand.feasible() {
                evaluate(cand, data, total, cfg, it)
                    .and_then(|s| em_step(&s, data, frames, total, cfg, it))
                    .ok()
            } else {
                None
            };
            if let Some(s) = tried {
                self.em_steps += 1;
                if s.obj.is_finite() && s.obj >= best.obj {
                    best = s;
                    break;
                }
            }
            alpha = (alpha - 1.0) / 2.0;
        }
        Ok(best)
    }

    fn finish(self, restart_objectives: Vec<f64>, best_restart: usize) -> SizeNormFit {
        SizeNormFit {
            model: self.state.theta.to_model(),
            log_likelihood: self.lls,
            objective: self.objs,
            iterations: self.iterations,
            em_steps: self.em_steps,
            converged: self.converged,
            frames: self.frames.to_vec(),
            restart_objectives,
            best_restart,
        }
    }
}

/// The start: the pooled data's top-M principal subspace (seeded subspace iteration) as the
/// common map, identical maps for every animal, k-means++ on the principal scores for the
/// components and per-animal weights, and the residual variance as the noise.
fn initialise(
    data: &[Vec<f64>],
    p: usize,
    frames: &[usize],
    cfg: &SizeNormConfig,
    seed: u64,
    first: bool,
) -> Theta {
    let (n, m, c) = (data.len(), cfg.latent_dim, cfg.components);
    let q = m + 1;
    let total: usize = frames.iter().sum();
    let rows = || data.iter().flat_map(|y| y.chunks_exact(p));
    let mut mean = vec![0.0; p];
    for y in rows() {
        mean.iter_mut().zip(y).for_each(|(a, b)| *a += b);
    }
    mean.iter_mut().for_each(|v| *v /= total as f64);
    let mut cov = vec![0.0; p * p];
    for y in rows() {
        for a in 0..p {
            let da = y[a] - mean[a];
            for b in 0..=a {
                cov[a * p + b] += da * (y[b] - mean[b]);
            }
        }
    }
    for a in 0..p {
        for b in 0..=a {
            let v = cov[a * p + b] / total as f64;
            cov[a * p + b] = v;
            cov[b * p + a] = v;
        }
    }
    let scale = (0..p).map(|a| cov[a * p + a]).sum::<f64>() / p as f64;

    // Top-M subspace by subspace iteration with modified Gram-Schmidt; u is p x m, column-major.
    let mut rng = StdRng::seed_from_u64(seed);
    let mut u: Vec<f64> = (0..p * m)
        .map(|_| StandardNormal.sample(&mut rng))
        .collect();
    let mut next = vec![0.0; p * m];
    orthonormalise(&mut u, p, m, &mut rng);
    for _ in 0..PCA_SWEEPS {
        for j in 0..m {
            for a in 0..p {
                next[j * p + a] = (0..p).map(|b| cov[a * p + b] * u[j * p + b]).sum();
            }
        }
        std::mem::swap(&mut u, &mut next);
        orthonormalise(&mut u, p, m, &mut rng);
    }
    let project = |y: &[f64], s: &mut [f64]| {
        for j in 0..m {
            s[j] = (0..p).map(|a| u[j * p + a] * (y[a] - mean[a])).sum();
        }
    };
    let mut scores = vec![0.0; total * m];
    for (t, y) in rows().enumerate() {
        project(y, &mut scores[t * m..(t + 1) * m]);
    }
    // The first restart takes the best of a few k-means++ runs by within-cluster sum of squares;
    // the others take single runs, for diversity.
    let tries = if first { KMEANS_TRIES } else { 1 };
    let start = (0..tries)
        .map(|_| {
            let st = kmeans_start(&scores, m, c, cfg.reg_covar, &mut rng);
            let inertia: f64 = scores
                .chunks_exact(m)
                .map(|s| {
                    (0..c)
                        .map(|z| dist2(s, &st.means[z * m..(z + 1) * m]))
                        .fold(f64::INFINITY, f64::min)
                })
                .sum();
            (inertia, st)
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .expect("KMEANS_TRIES >= 1")
        .1;

    // Per-animal weights from the nearest centres (add-one smoothing keeps every weight positive).
    let mut pi = vec![0.0; n * c];
    let mut offset = 0;
    for (i, &ti) in frames.iter().enumerate() {
        for t in offset..offset + ti {
            let s = &scores[t * m..(t + 1) * m];
            let nearest = (0..c)
                .min_by(|&a, &b| {
                    dist2(s, &start.means[a * m..(a + 1) * m])
                        .total_cmp(&dist2(s, &start.means[b * m..(b + 1) * m]))
                })
                .expect("c >= 1");
            pi[i * c + nearest] += 1.0;
        }
        for z in 0..c {
            pi[i * c + z] = (pi[i * c + z] + 1.0) / (ti + c) as f64;
        }
        offset += ti;
    }

    let mut w = vec![0.0; p * q];
    for a in 0..p {
        for j in 0..m {
            w[a * q + j] = u[j * p + a];
        }
        w[a * q + m] = mean[a];
    }
    let r = match cfg.noise {
        NoiseModel::Fixed { variance } => vec![variance; p],
        learned => {
            let mut resid = vec![0.0; p];
            for (t, y) in rows().enumerate() {
                let s = &scores[t * m..(t + 1) * m];
                for a in 0..p {
                    let fitted = mean[a] + (0..m).map(|j| u[j * p + a] * s[j]).sum::<f64>();
                    resid[a] += (y[a] - fitted).powi(2);
                }
            }
            let floor = (1e-3 * scale).max(cfg.min_noise_variance);
            let mut r: Vec<f64> = resid
                .iter()
                .map(|v| (v / total as f64).max(floor))
                .collect();
            if matches!(learned, NoiseModel::Isotropic) {
                let avg = r.iter().sum::<f64>() / p as f64;
                r.iter_mut().for_each(|v| *v = avg);
            }
            r
        }
    };
    Theta {
        n,
        p,
        m,
        c,
        pi,
        means: start.means,
        covs: start.covs,
        w,
        delta: vec![0.0; n * p * q],
        r,
    }
}

fn dist2(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Modified Gram-Schmidt on the `m` columns (each `p` long, stored contiguously); a column that
/// collapses (rank-deficient data) is replaced by a fresh random direction.
fn orthonormalise(u: &mut [f64], p: usize, m: usize, rng: &mut StdRng) {
    for j in 0..m {
        for attempt in 0..3 {
            for k in 0..j {
                let (done, rest) = u.split_at_mut(j * p);
                let prev = &done[k * p..(k + 1) * p];
                let col = &mut rest[..p];
                let dot: f64 = prev.iter().zip(col.iter()).map(|(a, b)| a * b).sum();
                col.iter_mut().zip(prev).for_each(|(c, v)| *c -= dot * v);
            }
            let col = &mut u[j * p..(j + 1) * p];
            let norm = col.iter().map(|v| v * v).sum::<f64>().sqrt();
            if norm > 1e-12 && norm.is_finite() {
                col.iter_mut().for_each(|v| *v /= norm);
                break;
            }
            let _ = attempt;
            col.iter_mut()
                .for_each(|v| *v = StandardNormal.sample(&mut *rng));
        }
    }
}

impl SizeNormModel {
    /// Total log-likelihood `Σ_i Σ_t ln P(y^i_t)` of one `T_i x KD` array per animal (in the
    /// model's animal order; any frame counts, at least one each).
    pub fn log_likelihood(&self, animals: &[ArrayView2<'_, f64>]) -> Result<f64> {
        Ok(self
            .posteriors(animals)?
            .iter()
            .map(|a| a.log_likelihood.iter().sum::<f64>())
            .sum())
    }

    /// Per-frame component posteriors, posterior mean latent poses and log-likelihoods, one
    /// [`AnimalPosteriors`] per animal.
    pub fn posteriors(&self, animals: &[ArrayView2<'_, f64>]) -> Result<Vec<AnimalPosteriors>> {
        let t = self.theta()?;
        if animals.len() != t.n {
            return Err(GmmError::invalid(
                "animals",
                animals.len(),
                format!(
                    "the model has {} animals; pass one pose array per animal, in the model's order",
                    t.n
                ),
            ));
        }
        let (data, _) = flatten_animals(animals, Some(t.p), 1, |animal, _| {
            GmmError::invalid(
                format!("animal {animal}"),
                "0 frames",
                "pass at least one frame per animal",
            )
        })?;
        data.iter()
            .enumerate()
            .map(|(i, y)| {
                let prep = prepare(&t, i, 0)?;
                let (resp, latent, lls) = animal_posteriors(&prep, y);
                let frames = y.len() / t.p;
                Ok(AnimalPosteriors {
                    responsibilities: Array2::from_shape_vec((frames, t.c), resp)
                        .expect("shape matches"),
                    latent: Array2::from_shape_vec((frames, t.m), latent).expect("shape matches"),
                    log_likelihood: lls,
                })
            })
            .collect()
    }
}
