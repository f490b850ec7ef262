//! Continuous MI lower bounds as losses of critic scores, for training representations
//! (Deep InfoMax, contrastive learning): minimise the loss to maximise the bound.
//!
//! The bounds themselves are `mutinf-mine`'s ([`mutinf_mine::bounds`]); this module only turns
//! them into losses and keeps the state DV's corrected gradient needs. Scores come from any
//! critic the caller trains (for example [`mutinf_mine::critic::SeparableCritic`]).

use burn::tensor::Tensor;
use mutinf_mine::bounds;

/// InfoNCE loss: `−InfoNCE(scores)`, per row. Low variance, but the bound it maximises is capped
/// at ln n, so the loss never goes below −ln n.
///
/// # Shapes
/// - scores: `[B, n, n]`, `scores[b, i, j] = T_b(x_i, y_j)` (diagonal = positive pairs)
/// - output: `[B]`
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// let device = Device::flex();
/// // A critic that cannot tell pairs apart scores every pairing alike: the bound is 0.
/// let scores = Tensor::<3>::zeros([1, 8, 8], &device);
/// let loss = mutinf_objectives::losses::infonce_loss(scores).into_scalar::<f32>();
/// assert!(loss.abs() < 1e-6);
/// ```
pub fn infonce_loss(scores: Tensor<3>) -> Tensor<1> {
    bounds::infonce(scores).neg()
}

/// NWJ loss: `−(mean T(joint) − mean e^(T(marginal) − 1))`, per row; unbiased minibatch
/// gradients.
///
/// # Shapes
/// - joint, marginal: `[B, n]` critic scores at paired and at shuffled pairs
/// - output: `[B]`
pub fn nwj_loss(joint: Tensor<2>, marginal: Tensor<2>) -> Tensor<1> {
    bounds::nwj(joint, marginal).neg()
}

/// The Donsker-Varadhan loss with MINE's bias-corrected gradient: the minibatch DV gradient is
/// biased (the expectation sits inside a log), so the partition term is divided by a moving
/// average of `mean e^T(marginal)` over past batches instead of the current batch's.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// let device = Device::flex();
/// let mut dv = mutinf_objectives::losses::DvLoss::new(0.01);
/// let joint = Tensor::<2>::ones([1, 16], &device);
/// let marginal = Tensor::<2>::zeros([1, 16], &device);
/// let step = dv.step(joint, marginal);
/// // The bound is mean T(joint) − log mean e^T(marginal) = 1 − 0.
/// assert!((step.bound.into_scalar::<f32>() - 1.0).abs() < 1e-6);
/// ```
#[derive(Debug, Clone)]
pub struct DvLoss {
    rate: f64,
    log_moving_average: Option<Tensor<1>>,
}

/// One batch of [`DvLoss`]: what to minimise and what to report.
#[derive(Debug, Clone)]
pub struct DvStep {
    /// Minimise this (`[B]`); its gradient is MINE's corrected DV gradient. Its value is not a
    /// bound.
    pub loss: Tensor<1>,
    /// The DV bound on this batch, detached (`[B]`): the value to report.
    pub bound: Tensor<1>,
}

impl DvLoss {
    /// A loss whose moving average moves by `rate` per batch (MINE used 0.01); the first batch
    /// starts it.
    pub fn new(rate: f64) -> Self {
        Self { rate: rate.clamp(f64::MIN_POSITIVE, 1.0), log_moving_average: None }
    }

    /// The loss of one batch; updates the moving average.
    ///
    /// # Shapes
    /// - joint, marginal: `[B, n]` critic scores at paired and at shuffled pairs
    pub fn step(&mut self, joint: Tensor<2>, marginal: Tensor<2>) -> DvStep {
        let batch_log_mean_exp = bounds::log_mean_exp(marginal.clone()).detach();
        let log_ma = match self.log_moving_average.take() {
            None => batch_log_mean_exp,
            Some(previous) => bounds::update_log_moving_average(previous, batch_log_mean_exp, self.rate),
        };
        self.log_moving_average = Some(log_ma.clone());
        let bound = bounds::dv(joint.clone(), marginal.clone()).detach();
        DvStep { loss: bounds::dv_ema_surrogate(joint, marginal, log_ma).neg(), bound }
    }
}
