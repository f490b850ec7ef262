//! Parameters of a MINE-family estimation, validated by [`MineParams::check`].

use mutinf_core::{MutinfError, Result};
use serde::{Deserialize, Serialize};

use crate::critic::Activation;

/// Which bound the critic is trained on and reported with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bound {
    /// `mine`: Donsker–Varadhan value, trained with MINE's moving-average corrected gradient
    /// ([`crate::bounds::dv_ema_surrogate`], rate [`MineParams::ema_rate`]).
    Mine,
    /// `mine-dv`: Donsker–Varadhan value trained with its plain (biased) minibatch gradient.
    MineDv,
    /// `nwj`: Nguyen–Wainwright–Jordan / MINE-f.
    Nwj,
    /// `infonce`: InfoNCE, capped at ln(batch).
    InfoNce,
    /// `smile`: SMILE, clipped DV with clip [`MineParams::smile_tau`], trained with the JS gradient.
    Smile,
}

impl Bound {
    /// Every bound, in CLI order.
    pub const ALL: [Bound; 5] = [
        Bound::Mine,
        Bound::MineDv,
        Bound::Nwj,
        Bound::InfoNce,
        Bound::Smile,
    ];

    /// The method name used in output and on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Bound::Mine => "mine",
            Bound::MineDv => "mine-dv",
            Bound::Nwj => "nwj",
            Bound::InfoNce => "infonce",
            Bound::Smile => "smile",
        }
    }

    /// Parses a method name (`mine`, `mine-dv`, `nwj`, `infonce`, `smile`).
    pub fn from_name(name: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|b| b.name() == name)
            .ok_or_else(|| {
                MutinfError::invalid(
                    "method",
                    name,
                    "expected one of mine, mine-dv, nwj, infonce, smile",
                )
            })
    }

    /// Whether the bound needs the full n×n score matrix rather than joint/marginal pairs.
    pub fn needs_score_matrix(&self) -> bool {
        matches!(self, Bound::InfoNce)
    }
}

/// Which statistics network [`crate::MineEstimator`] builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CriticKind {
    /// MLP on concat(x, y) ([`crate::critic::MlpCritic`]).
    Mlp,
    /// f(x)ᵀg(y) ([`crate::critic::SeparableCritic`]); the default for InfoNCE.
    Separable,
}

/// Unchecked parameters of a MINE-family estimation; [`check`](MineParams::check) validates.
///
/// ```
/// use mutinf_mine::{Bound, MineParams};
/// let p = MineParams::new(Bound::Mine).with_steps(500).with_batch(100).with_lr(1e-3).with_seed(7);
/// assert!(p.check().is_ok());
/// let err = MineParams::new(Bound::Mine).with_batch(1).check().unwrap_err();
/// assert!(err.to_string().contains("batch"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MineParams {
    /// The bound to train and report.
    pub bound: Bound,
    /// The critic architecture.
    pub critic: CriticKind,
    /// Hidden widths of the critic's MLP(s). Default `[128, 128]`.
    pub hidden: Vec<usize>,
    /// Embedding width of the separable critic. Default 32.
    pub embed: usize,
    /// Nonlinearity of the critic. Default ReLU.
    pub activation: Activation,
    /// Maximum optimisation steps. Default 500.
    pub steps: usize,
    /// Minibatch size (pairs per step; the permuted marginal batch has the same size). Default 100.
    pub batch: usize,
    /// Adam learning rate. Default 1e-3.
    pub lr: f64,
    /// Moving-average rate of MINE's bias correction (bound `mine` only). Default 0.01.
    pub ema_rate: f64,
    /// SMILE clip τ: e^T is clipped to [e^−τ, e^τ] in the partition term. Default 5.
    pub smile_tau: f64,
    /// Seed of everything random: critic init, minibatches, permutations. Default 0.
    pub seed: u64,
    /// Early stopping: stop when the smoothed minibatch estimate has not improved by
    /// `min_delta` for this many steps. `None` always runs `steps`. Default `Some(200)`.
    pub patience: Option<usize>,
    /// Improvement (nats) that resets the patience counter. Default 0.002.
    pub min_delta: f64,
    /// Rate of the exponential moving average that smooths minibatch estimates. Default 0.05.
    pub smoothing: f64,
    /// Steps between critic snapshots kept for the final estimate. Default 10.
    pub snapshot_every: usize,
    /// Snapshots averaged for the final estimate (the last ones before stopping). Default 5.
    pub final_snapshots: usize,
}

impl MineParams {
    /// Defaults for `bound` (the separable critic for InfoNCE, the MLP critic otherwise).
    pub fn new(bound: Bound) -> Self {
        Self {
            bound,
            critic: if bound == Bound::InfoNce {
                CriticKind::Separable
            } else {
                CriticKind::Mlp
            },
            hidden: vec![128, 128],
            embed: 32,
            activation: Activation::Relu,
            steps: 500,
            batch: 100,
            lr: 1e-3,
            ema_rate: 0.01,
            smile_tau: 5.0,
            seed: 0,
            patience: Some(200),
            min_delta: 0.002,
            smoothing: 0.05,
            snapshot_every: 10,
            final_snapshots: 5,
        }
    }

    /// Sets [`critic`](Self::critic).
    pub fn with_critic(mut self, critic: CriticKind) -> Self {
        self.critic = critic;
        self
    }
    /// Sets [`hidden`](Self::hidden).
    pub fn with_hidden(mut self, hidden: Vec<usize>) -> Self {
        self.hidden = hidden;
        self
    }
    /// Sets [`embed`](Self::embed).
    pub fn with_embed(mut self, embed: usize) -> Self {
        self.embed = embed;
        self
    }
    /// Sets [`activation`](Self::activation).
    pub fn with_activation(mut self, activation: Activation) -> Self {
        self.activation = activation;
        self
    }
    /// Sets [`steps`](Self::steps).
    pub fn with_steps(mut self, steps: usize) -> Self {
        self.steps = steps;
        self
    }
    /// Sets [`batch`](Self::batch).
    pub fn with_batch(mut self, batch: usize) -> Self {
        self.batch = batch;
        self
    }
    /// Sets [`lr`](Self::lr).
    pub fn with_lr(mut self, lr: f64) -> Self {
        self.lr = lr;
        self
    }
    /// Sets [`ema_rate`](Self::ema_rate).
    pub fn with_ema_rate(mut self, rate: f64) -> Self {
        self.ema_rate = rate;
        self
    }
    /// Sets [`smile_tau`](Self::smile_tau).
    pub fn with_smile_tau(mut self, tau: f64) -> Self {
        self.smile_tau = tau;
        self
    }
    /// Sets [`seed`](Self::seed).
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Sets [`patience`](Self::patience) (`None` disables early stopping).
    pub fn with_patience(mut self, patience: Option<usize>) -> Self {
        self.patience = patience;
        self
    }
    /// Sets [`min_delta`](Self::min_delta).
    pub fn with_min_delta(mut self, min_delta: f64) -> Self {
        self.min_delta = min_delta;
        self
    }
    /// Sets [`smoothing`](Self::smoothing).
    pub fn with_smoothing(mut self, smoothing: f64) -> Self {
        self.smoothing = smoothing;
        self
    }
    /// Sets [`snapshot_every`](Self::snapshot_every) and [`final_snapshots`](Self::final_snapshots).
    pub fn with_snapshots(mut self, every: usize, count: usize) -> Self {
        self.snapshot_every = every;
        self.final_snapshots = count;
        self
    }

    /// Validates every field; the error names the first bad field and the fix.
    pub fn check(&self) -> Result<()> {
        let unit = |name: &str, v: f64| -> Result<()> {
            if v.is_finite() && v > 0.0 && v < 1.0 {
                Ok(())
            } else {
                Err(MutinfError::invalid(
                    name,
                    v,
                    format!("{name} must be in (0, 1)"),
                ))
            }
        };
        if self.steps == 0 {
            return Err(MutinfError::invalid(
                "steps",
                self.steps,
                "steps must be at least 1",
            ));
        }
        if self.batch < 2 {
            return Err(MutinfError::invalid(
                "batch",
                self.batch,
                "batch must be at least 2 (the marginal batch is a permutation of it)",
            ));
        }
        if !(self.lr.is_finite() && self.lr > 0.0) {
            return Err(MutinfError::invalid(
                "lr",
                self.lr,
                "lr must be a positive finite number, e.g. 1e-3",
            ));
        }
        if self.hidden.is_empty() || self.hidden.contains(&0) {
            return Err(MutinfError::invalid(
                "hidden",
                format!("{:?}", self.hidden),
                "hidden needs at least one layer, each of width ≥ 1, e.g. [128, 128]",
            ));
        }
        if self.embed == 0 {
            return Err(MutinfError::invalid(
                "embed",
                self.embed,
                "embed must be at least 1",
            ));
        }
        unit("ema_rate", self.ema_rate)?;
        unit("smoothing", self.smoothing)?;
        if !(self.smile_tau.is_finite() && self.smile_tau > 0.0) {
            return Err(MutinfError::invalid(
                "smile_tau",
                self.smile_tau,
                "smile_tau must be positive, e.g. 5",
            ));
        }
        if self.patience == Some(0) {
            return Err(MutinfError::invalid(
                "patience",
                0,
                "patience must be at least 1 step (or None to disable early stopping)",
            ));
        }
        if !(self.min_delta.is_finite() && self.min_delta >= 0.0) {
            return Err(MutinfError::invalid(
                "min_delta",
                self.min_delta,
                "min_delta must be ≥ 0",
            ));
        }
        if self.snapshot_every == 0 {
            return Err(MutinfError::invalid(
                "snapshot_every",
                0,
                "snapshot_every must be at least 1",
            ));
        }
        if self.final_snapshots == 0 {
            return Err(MutinfError::invalid(
                "final_snapshots",
                0,
                "final_snapshots must be at least 1",
            ));
        }
        Ok(())
    }
}
