//! Variational lower bounds on I(X;Y) as small functions of critic scores.
//!
//! Every function works on a *batch of independent estimations*: scores have a leading
//! dimension `B` (one row per critic / distribution) and the result is one value per row,
//! shape `[B]`. A single estimation is `B = 1`.
//!
//! Notation: `joint[b, i] = T_b(x_i, y_i)` are critic scores on paired samples (drawn from
//! P(X,Y)); `marginal[b, i] = T_b(x_i, y_σ(i))` are scores on pairs whose Y was permuted, i.e.
//! samples of P(X)P(Y). A score matrix `scores[b, i, j] = T_b(x_i, y_j)` holds every pairing.
//!
//! | function | value | reference |
//! |---|---|---|
//! | [`dv`] | E_P[T] − log E_Q[e^T] | Donsker–Varadhan; MINE (Belghazi et al. 2018) |
//! | [`dv_ema_surrogate`] | training surrogate whose gradient is MINE's bias-corrected DV gradient | MINE §3.2 |
//! | [`nwj`] | E_P[T] − E_Q[e^(T−1)] | Nguyen–Wainwright–Jordan; MINE-f |
//! | [`infonce`] | mean_i [S_ii − log mean_j e^(S_ij)] ≤ log n | van den Oord et al. 2018 |
//! | [`smile`] | E_P[T] − log E_Q[clip(e^T, e^−τ, e^τ)] | Song & Ermon 2020 |
//! | [`smile_surrogate`] | value of [`smile`], gradient of [`js_fgan`] | Song & Ermon's reference code |

use burn::tensor::Tensor;
use burn::tensor::activation::softplus;

/// log( mean_i exp(scores[b, i]) ) per row, computed stably by shifting by the (detached) row
/// maximum.
///
/// # Shapes
/// `scores: [B, n]` → `[B]`.
pub fn log_mean_exp(scores: Tensor<2>) -> Tensor<1> {
    let max = scores.clone().max_dim(1).detach(); // [B, 1]
    let shifted = (scores - max.clone()).exp().mean_dim(1).log(); // [B, 1]
    (shifted + max).squeeze_dim::<1>(1)
}

/// Donsker–Varadhan bound: mean(joint) − log mean(exp(marginal)), per row.
///
/// This is the MINE estimate. Its minibatch gradient is biased because the expectation sits
/// inside a log; [`dv_ema_surrogate`] is the corrected training objective.
///
/// # Shapes
/// `joint, marginal: [B, n]` → `[B]`.
pub fn dv(joint: Tensor<2>, marginal: Tensor<2>) -> Tensor<1> {
    joint.mean_dim(1).squeeze_dim::<1>(1) - log_mean_exp(marginal)
}

/// MINE's bias-corrected training surrogate: mean(joint) − mean(exp(marginal − log_ma)).
///
/// `log_ma[b]` is the log of a moving average of mean(exp(marginal)) over past minibatches
/// (see [`update_log_moving_average`]); it is treated as a constant. The gradient is
/// ∇mean(joint) − ∇mean(e^marginal) / ma, whereas the plain DV gradient ([`dv`]) divides by
/// the *current batch's* mean(e^marginal). The two differ by the factor
/// `batch_mean(e^marginal) / ma` on the marginal term, and agree when `ma` equals the batch
/// mean. The surrogate's *value* is not a bound; report [`dv`] instead.
///
/// # Shapes
/// `joint, marginal: [B, n]`, `log_ma: [B]` → `[B]`.
pub fn dv_ema_surrogate(joint: Tensor<2>, marginal: Tensor<2>, log_ma: Tensor<1>) -> Tensor<1> {
    let log_ma = log_ma.detach().unsqueeze_dim::<2>(1); // [B, 1]
    let partition = (marginal - log_ma).exp().mean_dim(1).squeeze_dim::<1>(1);
    joint.mean_dim(1).squeeze_dim::<1>(1) - partition
}

/// One step of MINE's moving average of the partition term, kept in log space:
/// `ma ← (1 − rate)·ma + rate·batch_mean(e^marginal)`, i.e.
/// `log_ma ← logaddexp(log(1 − rate) + log_ma, log(rate) + batch_log_mean_exp)`.
///
/// Start with `log_ma = batch_log_mean_exp` of the first batch. The result is detached.
///
/// # Shapes
/// `log_ma, batch_log_mean_exp: [B]` → `[B]`.
pub fn update_log_moving_average(
    log_ma: Tensor<1>,
    batch_log_mean_exp: Tensor<1>,
    rate: f64,
) -> Tensor<1> {
    let a = log_ma.detach() + (1.0 - rate).ln() as f32;
    let b = batch_log_mean_exp.detach() + rate.ln() as f32;
    let m = a.clone().max_pair(b.clone());
    ((a - m.clone()).exp() + (b - m.clone()).exp()).log() + m
}

/// Nguyen–Wainwright–Jordan (f-divergence, "MINE-f") bound:
/// mean(joint) − mean(exp(marginal − 1)), per row. Unbiased minibatch gradients, higher
/// variance than DV; tight at T = 1 + log p(x,y)/(p(x)p(y)).
///
/// # Shapes
/// `joint, marginal: [B, n]` → `[B]`.
pub fn nwj(joint: Tensor<2>, marginal: Tensor<2>) -> Tensor<1> {
    joint.mean_dim(1).squeeze_dim::<1>(1) - (marginal - 1.0).exp().mean_dim(1).squeeze_dim::<1>(1)
}

/// InfoNCE bound: mean_i [ S_ii − log( (1/n) Σ_j e^(S_ij) ) ], per row.
///
/// Low variance but capped at log n (n = batch size): it cannot report more than
/// `ln(batch)` nats whatever the true MI.
///
/// # Shapes
/// `scores: [B, n, n]` with `scores[b, i, j] = T_b(x_i, y_j)` → `[B]`.
pub fn infonce(scores: Tensor<3>) -> Tensor<1> {
    let [b, n, _] = scores.dims();
    let device = scores.device();
    let eye = Tensor::<2>::eye(n, &device)
        .unsqueeze_dim::<3>(0)
        .expand([b, n, n]);
    let diag = (scores.clone() * eye).sum_dim(2).squeeze_dim::<2>(2); // [B, n]
    let max = scores.clone().max_dim(2).detach(); // [B, n, 1]
    let lse = (scores - max.clone()).exp().sum_dim(2).log() + max; // [B, n, 1]
    let per_row = diag - lse.squeeze_dim::<2>(2); // [B, n]
    per_row.mean_dim(1).squeeze_dim::<1>(1) + (n as f64).ln() as f32
}

/// SMILE bound: mean(joint) − log mean(clip(exp(marginal), e^−τ, e^τ)), per row.
///
/// Clipping the density ratio in the partition term trades a little bias for much lower
/// variance than [`dv`]. As τ → ∞ it becomes [`dv`].
///
/// # Shapes
/// `joint, marginal: [B, n]` → `[B]`.
pub fn smile(joint: Tensor<2>, marginal: Tensor<2>, tau: f64) -> Tensor<1> {
    let tau = tau as f32;
    joint.mean_dim(1).squeeze_dim::<1>(1) - log_mean_exp(marginal.clamp(-tau, tau))
}

/// Jensen–Shannon f-GAN objective: −mean(softplus(−joint)) − mean(softplus(marginal)).
///
/// Not an MI bound by itself; its optimal critic is log p(x,y)/(p(x)p(y)), which is why
/// SMILE trains the critic with it (see [`smile_surrogate`]).
///
/// # Shapes
/// `joint, marginal: [B, n]` → `[B]`.
pub fn js_fgan(joint: Tensor<2>, marginal: Tensor<2>) -> Tensor<1> {
    let pos = softplus(joint.neg(), 1.0).mean_dim(1).squeeze_dim::<1>(1);
    let neg = softplus(marginal, 1.0).mean_dim(1).squeeze_dim::<1>(1);
    pos.neg() - neg
}

/// SMILE's training objective: the *value* of [`smile`] with the *gradient* of [`js_fgan`]
/// (`js + stop_gradient(smile − js)`), as in Song & Ermon's reference implementation. The
/// clipped bound alone has zero gradient wherever the clip is active.
///
/// # Shapes
/// `joint, marginal: [B, n]` → `[B]`.
pub fn smile_surrogate(joint: Tensor<2>, marginal: Tensor<2>, tau: f64) -> Tensor<1> {
    let js = js_fgan(joint.clone(), marginal.clone());
    let value = smile(joint, marginal, tau);
    js.clone() + (value - js).detach()
}

/// The same bounds in f64 on host slices of scores, for *values* (reporting, early stopping,
/// final estimates); the tensor versions above carry the gradients.
pub mod host {
    /// log mean exp(scores), shifted by the maximum for stability.
    pub fn log_mean_exp(scores: &[f64]) -> f64 {
        let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !max.is_finite() {
            return max;
        }
        max + (scores.iter().map(|s| (s - max).exp()).sum::<f64>() / scores.len() as f64).ln()
    }

    fn mean(v: &[f64]) -> f64 {
        v.iter().sum::<f64>() / v.len() as f64
    }

    /// Donsker–Varadhan: mean(joint) − log mean exp(marginal). See [`super::dv`].
    pub fn dv(joint: &[f64], marginal: &[f64]) -> f64 {
        mean(joint) - log_mean_exp(marginal)
    }

    /// NWJ: mean(joint) − mean(exp(marginal − 1)). See [`super::nwj`].
    pub fn nwj(joint: &[f64], marginal: &[f64]) -> f64 {
        mean(joint) - marginal.iter().map(|m| (m - 1.0).exp()).sum::<f64>() / marginal.len() as f64
    }

    /// SMILE: mean(joint) − log mean exp(clamp(marginal, −τ, τ)). See [`super::smile`].
    pub fn smile(joint: &[f64], marginal: &[f64], tau: f64) -> f64 {
        let clipped: Vec<f64> = marginal.iter().map(|m| m.clamp(-tau, tau)).collect();
        mean(joint) - log_mean_exp(&clipped)
    }

    /// InfoNCE of a row-major n×n score matrix. See [`super::infonce`].
    pub fn infonce(scores: &[f64], n: usize) -> f64 {
        let per_row: f64 = (0..n)
            .map(|i| {
                let row = &scores[i * n..(i + 1) * n];
                row[i] - log_mean_exp(row)
            })
            .sum();
        per_row / n as f64
    }
}
