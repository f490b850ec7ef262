//! The EM loop, BIC and model selection.

use ndarray::ArrayView2;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use super::config::EmConfig;
use super::init::kmeans_start;
use crate::density::log_sum_exp;
use crate::error::{GmmError, Result};
use crate::linalg;
use crate::mixture::{GaussianMixture, LN_2PI};
use crate::truth::mix_seed;

/// Below this effective count a component is treated as empty: it keeps its mean and covariance.
const EMPTY: f64 = 1e-8;

/// The result of [`fit_em`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmFit {
    /// Fitted mixture of the latent `x` (`N(m_z, Q_z)`); equals the data's mixture without noise.
    pub model: GaussianMixture,
    /// Mean log-likelihood per sample of the observed data, at the start and after each iteration.
    pub log_likelihood: Vec<f64>,
    /// EM iterations run (M-steps).
    pub iterations: usize,
    /// Whether the change in mean log-likelihood fell below `tol` before `max_iter`.
    pub converged: bool,
    /// Bayesian information criterion `-2 ln L + p ln N` of the observed data (lower is better);
    /// `p = (K-1) + K d + K d(d+1)/2`.
    pub bic: f64,
    /// The fixed observation-noise variance ε used, if any.
    pub observation_noise: Option<f64>,
}

impl EmFit {
    /// The fitted distribution of the observations: `model` with `εI` added to every covariance
    /// (a clone of `model` without observation noise).
    pub fn observed_model(&self) -> Result<GaussianMixture> {
        let eps = self.observation_noise.unwrap_or(0.0);
        let covs = self
            .model
            .covariances()
            .iter()
            .map(|c| {
                let mut c = c.clone();
                (0..c.len()).for_each(|i| c[i][i] += eps);
                c
            })
            .collect();
        GaussianMixture::new(
            self.model.weights().to_vec(),
            self.model.means().to_vec(),
            covs,
        )
    }

    /// The final mean log-likelihood per sample.
    pub fn final_log_likelihood(&self) -> f64 {
        *self
            .log_likelihood
            .last()
            .expect("the trace always holds the starting value")
    }
}

/// Fits a `config.components`-component full-covariance mixture to the rows of `data` (N x d) by EM
/// from a seeded k-means++ start. See the [module docs](crate::em) for the model and updates.
///
/// Errors: invalid config fields, too few rows (fewer than K or than d + 1), non-finite data,
/// and a covariance that turns singular (raise `reg_covar`).
///
/// ```
/// use rand::SeedableRng;
/// use mutinf_gmm::{GaussianMixture, em::{EmConfig, fit_em}};
/// # fn main() -> Result<(), mutinf_gmm::GmmError> {
/// let truth = GaussianMixture::new(
///     vec![0.5, 0.5],
///     vec![vec![-5.0, 0.0], vec![5.0, 0.0]],
///     vec![vec![vec![1.0, 0.0], vec![0.0, 1.0]]; 2],
/// )?;
/// let data = truth.sample(2000, &mut rand::rngs::StdRng::seed_from_u64(1));
/// let fit = fit_em(data.view(), &EmConfig { components: 2, ..Default::default() })?;
/// assert!(fit.converged);
/// let mut xs: Vec<f64> = fit.model.means().iter().map(|m| m[0]).collect();
/// xs.sort_by(f64::total_cmp);
/// assert!((xs[0] + 5.0).abs() < 0.2 && (xs[1] - 5.0).abs() < 0.2);
/// # Ok(())
/// # }
/// ```
pub fn fit_em(data: ArrayView2<'_, f64>, config: &EmConfig) -> Result<EmFit> {
    config.check()?;
    let (n, d) = data.dim();
    if d == 0 {
        return Err(GmmError::invalid(
            "data",
            "0 columns",
            "EM needs at least one column",
        ));
    }
    let min = config.components.max(d + 1);
    if n < min {
        return Err(GmmError::TooFewRows {
            rows: n,
            min,
            components: config.components,
            dim: d,
        });
    }
    if let Some((idx, &value)) = data.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(GmmError::NonFiniteData {
            row: idx / d,
            column: idx % d,
            value,
        });
    }
    let flat: Vec<f64> = data.iter().copied().collect();
    let mut best: Option<EmFit> = None;
    for restart in 0..config.n_init {
        let seed = if restart == 0 {
            config.seed
        } else {
            mix_seed(config.seed, restart as u64)
        };
        let fit = run_em(&flat, d, config, seed)?;
        if best
            .as_ref()
            .is_none_or(|b| fit.final_log_likelihood() > b.final_log_likelihood())
        {
            best = Some(fit);
        }
    }
    Ok(best.expect("n_init >= 1"))
}

/// Fits K = 1..=`max_components` (stopping where there are too few rows) with `base`'s other
/// settings and returns the fit with the lowest BIC. Values of K whose covariances turn singular
/// are skipped.
///
/// ```
/// use rand::SeedableRng;
/// use mutinf_gmm::{GaussianMixture, em::{EmConfig, fit_best_bic}};
/// let truth = GaussianMixture::new(
///     vec![0.5, 0.5],
///     vec![vec![-6.0, 0.0], vec![6.0, 0.0]],
///     vec![vec![vec![1.0, 0.0], vec![0.0, 1.0]]; 2],
/// ).unwrap();
/// let data = truth.sample(1000, &mut rand::rngs::StdRng::seed_from_u64(2));
/// let fit = fit_best_bic(data.view(), 4, &EmConfig::default()).unwrap();
/// assert_eq!(fit.model.n_components(), 2);
/// ```
pub fn fit_best_bic(
    data: ArrayView2<'_, f64>,
    max_components: usize,
    base: &EmConfig,
) -> Result<EmFit> {
    if max_components == 0 {
        return Err(GmmError::invalid(
            "max_components",
            0,
            "try at least one component",
        ));
    }
    let (n, d) = data.dim();
    let mut best: Option<EmFit> = None;
    for k in 1..=max_components {
        if k > 1 && n < k.max(d + 1) {
            break;
        }
        match fit_em(
            data,
            &EmConfig {
                components: k,
                ..base.clone()
            },
        ) {
            Ok(fit) => {
                if best.as_ref().is_none_or(|b| fit.bic < b.bic) {
                    best = Some(fit);
                }
            }
            Err(GmmError::SingularCovariance { .. }) if k > 1 => continue,
            Err(e) => return Err(e),
        }
    }
    best.ok_or_else(|| {
        GmmError::invalid(
            "max_components",
            max_components,
            "no value of K could be fitted",
        )
    })
}

/// Flat EM state: weights `K`, means `K x d`, latent covariances `K x d x d`.
struct Params {
    weights: Vec<f64>,
    means: Vec<f64>,
    covs: Vec<f64>,
}

fn run_em(data: &[f64], d: usize, config: &EmConfig, seed: u64) -> Result<EmFit> {
    let n = data.len() / d;
    let k = config.components;
    let eps = config.observation_noise.unwrap_or(0.0);
    let start = kmeans_start(
        data,
        d,
        k,
        config.reg_covar,
        &mut StdRng::seed_from_u64(seed),
    );
    let mut p = Params {
        weights: start.weights,
        means: start.means,
        covs: start.covs,
    };
    let mut resp = vec![0.0; n * k];

    let mut e = e_step(data, d, &p, eps, &mut resp, 0)?;
    let mut trace = vec![e.mean_ll];
    let mut converged = false;
    let mut iterations = 0;
    for it in 1..=config.max_iter {
        m_step(data, d, &mut p, &e, &resp, eps, config.reg_covar);
        e = e_step(data, d, &p, eps, &mut resp, it)?;
        iterations = it;
        let (prev, now) = (trace[trace.len() - 1], e.mean_ll);
        trace.push(now);
        if (now - prev).abs() < config.tol {
            converged = true;
            break;
        }
    }

    let mean_ll = e.mean_ll;
    let model = to_mixture(&p, d, iterations)?;
    let kk = model.n_components() as f64;
    let df = (kk - 1.0) + kk * d as f64 + kk * (d * (d + 1)) as f64 / 2.0;
    let bic = -2.0 * n as f64 * mean_ll + df * (n as f64).ln();
    Ok(EmFit {
        model,
        log_likelihood: trace,
        iterations,
        converged,
        bic,
        observation_noise: config.observation_noise,
    })
}

/// What the E-step leaves for the M-step: Cholesky factors of `Q_k + εI`.
struct EStep {
    mean_ll: f64,
    chol_obs: Vec<f64>,
}

/// Responsibilities into `resp` (N x K) and the mean observed log-likelihood.
fn e_step(
    data: &[f64],
    d: usize,
    p: &Params,
    eps: f64,
    resp: &mut [f64],
    iteration: usize,
) -> Result<EStep> {
    let k = p.weights.len();
    let mut chol_obs = Vec::with_capacity(k * d * d);
    let mut log_norm = Vec::with_capacity(k);
    for c in 0..k {
        let mut obs = p.covs[c * d * d..(c + 1) * d * d].to_vec();
        (0..d).for_each(|i| obs[i * d + i] += eps);
        let l = linalg::cholesky(&obs, d).map_err(|_| GmmError::SingularCovariance {
            component: c,
            iteration,
        })?;
        // ln 0 = -inf for an emptied component: it then takes no responsibility.
        log_norm.push(
            p.weights[c].ln() - 0.5 * (d as f64 * LN_2PI + linalg::log_det_from_cholesky(&l, d)),
        );
        chol_obs.extend_from_slice(&l);
    }
    let mut diff = vec![0.0; d];
    let mut total = 0.0;
    for (t, r) in resp.chunks_exact_mut(k).enumerate() {
        let y = &data[t * d..(t + 1) * d];
        for c in 0..k {
            diff.iter_mut()
                .zip(y.iter().zip(&p.means[c * d..(c + 1) * d]))
                .for_each(|(o, (a, b))| *o = a - b);
            linalg::solve_lower_in_place(&chol_obs[c * d * d..(c + 1) * d * d], d, &mut diff);
            r[c] = log_norm[c] - 0.5 * diff.iter().map(|v| v * v).sum::<f64>();
        }
        let ll = log_sum_exp(r);
        r.iter_mut().for_each(|v| *v = (*v - ll).exp());
        total += ll;
    }
    Ok(EStep {
        mean_ll: total / (data.len() / d) as f64,
        chol_obs,
    })
}

/// Closed-form M-step over the latent `x` (see the module docs).
fn m_step(data: &[f64], d: usize, p: &mut Params, e: &EStep, resp: &[f64], eps: f64, reg: f64) {
    let n = data.len() / d;
    let k = p.weights.len();
    let mut mu = vec![0.0; d];
    let mut dev = vec![0.0; d];
    for c in 0..k {
        let nk: f64 = (0..n).map(|t| resp[t * k + c]).sum();
        p.weights[c] = nk / n as f64;
        if nk < EMPTY {
            continue;
        }
        // Gain G = I - ε (Q + εI)⁻¹ (symmetric since Q and Q + εI commute) and posterior covariance ε G.
        let gain = if eps > 0.0 {
            let inv = linalg::inverse_from_cholesky(&e.chol_obs[c * d * d..(c + 1) * d * d], d);
            (0..d * d)
                .map(|ij| f64::from(u8::from(ij / d == ij % d)) - eps * inv[ij])
                .collect::<Vec<f64>>()
        } else {
            Vec::new()
        };
        let old_mean = p.means[c * d..(c + 1) * d].to_vec();
        let posterior_mean = |t: usize, out: &mut [f64]| {
            let y = &data[t * d..(t + 1) * d];
            if eps > 0.0 {
                for i in 0..d {
                    out[i] = old_mean[i]
                        + (0..d)
                            .map(|j| gain[i * d + j] * (y[j] - old_mean[j]))
                            .sum::<f64>();
                }
            } else {
                out.copy_from_slice(y);
            }
        };
        let mut mean = vec![0.0; d];
        for t in 0..n {
            let r = resp[t * k + c];
            posterior_mean(t, &mut mu);
            mean.iter_mut().zip(&mu).for_each(|(m, v)| *m += r * v);
        }
        mean.iter_mut().for_each(|m| *m /= nk);
        let mut cov = vec![0.0; d * d];
        for t in 0..n {
            let r = resp[t * k + c];
            posterior_mean(t, &mut mu);
            dev.iter_mut()
                .zip(mu.iter().zip(&mean))
                .for_each(|(o, (a, b))| *o = a - b);
            for i in 0..d {
                for j in 0..=i {
                    cov[i * d + j] += r * dev[i] * dev[j];
                }
            }
        }
        for i in 0..d {
            for j in 0..=i {
                let mut v = cov[i * d + j] / nk;
                if eps > 0.0 {
                    v += eps * 0.5 * (gain[i * d + j] + gain[j * d + i]);
                }
                if i == j {
                    v += reg;
                }
                cov[i * d + j] = v;
                cov[j * d + i] = v;
            }
        }
        p.means[c * d..(c + 1) * d].copy_from_slice(&mean);
        p.covs[c * d * d..(c + 1) * d * d].copy_from_slice(&cov);
    }
}

/// Builds the validated mixture, dropping components whose weight underflowed to zero.
fn to_mixture(p: &Params, d: usize, iteration: usize) -> Result<GaussianMixture> {
    let keep: Vec<usize> = (0..p.weights.len())
        .filter(|&c| p.weights[c] > 0.0)
        .collect();
    let sum: f64 = keep.iter().map(|&c| p.weights[c]).sum();
    let weights = keep.iter().map(|&c| p.weights[c] / sum).collect();
    let means = keep
        .iter()
        .map(|&c| p.means[c * d..(c + 1) * d].to_vec())
        .collect();
    let covs = keep
        .iter()
        .map(|&c| linalg::unflatten(&p.covs[c * d * d..(c + 1) * d * d], d))
        .collect();
    GaussianMixture::new(weights, means, covs).map_err(|e| match e {
        GmmError::NotPositiveDefinite { component, .. } => GmmError::SingularCovariance {
            component: keep[component],
            iteration,
        },
        other => other,
    })
}
