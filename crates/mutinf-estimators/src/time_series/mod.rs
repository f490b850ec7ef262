//! Information measures of time series: transfer entropy with surrogate tests, MI as a
//! function of lag, and MI over sliding windows (batch or streaming).
//!
//! - [`TransferEntropy`] (from [`TeParams`]): TE(X → Y) = I(Y_t ; X_{t−d−l+1..t−d} |
//!   Y_{t−1..t−k}) with target history k, source history l and delay d, computed by any
//!   [`ConditionalEstimator`](crate::conditional::ConditionalEstimator) on the delay
//!   embedding [`te_embedding`]; optionally a p-value from S time-shifted or block-shuffled
//!   surrogate sources, (1 + #{surrogate ≥ observed}) / (S + 1).
//! - [`lagged_mi`]: I(X_t ; Y_{t+lag}) for a set of lags, in parallel, with any
//!   [`Estimator`](mutinf_core::Estimator); [`peak`] finds the strongest lag.
//! - [`sliding_window_mi`] and [`StreamingMi`]: one MI per window of W rows every S rows,
//!   in one batch or fed row by row with memory bounded by W; both give the same numbers.
//!
//! All values are in nats.
//!
//! ```
//! use mutinf_estimators::conditional::KsgCmiParams;
//! use mutinf_estimators::time_series::TeParams;
//! # fn main() -> mutinf_core::Result<()> {
//! // X drives Y with a delay of 2 steps; nothing flows back. (`noise` is a cheap
//! // pseudo-random sequence in [0, 1).)
//! let noise = |i: usize| ((i as f64 * 12.9898).sin() * 43_758.5453).rem_euclid(1.0);
//! let x: Vec<f64> = (0..800).map(noise).collect();
//! let y: Vec<f64> = (0..800).map(|t| if t >= 2 { x[t - 2] } else { 0.0 } + 0.2 * noise(t + 5_000)).collect();
//! let cmi = KsgCmiParams::new().check()?;
//! let forward = TeParams::new().delay(2).check()?.run(&cmi, &x, &y)?;
//! let backward = TeParams::new().delay(2).check()?.run(&cmi, &y, &x)?;
//! assert!(forward.estimate.mi > 1.0 && backward.estimate.mi < 0.1);
//! # Ok(())
//! # }
//! ```

mod embedding;
mod lagged;
mod transfer_entropy;
mod window;

pub use embedding::te_embedding;
pub use lagged::{LagEstimate, lagged_mi, lagged_mi_batched, peak};
pub use transfer_entropy::{Significance, Surrogate, TeParams, TeResult, TransferEntropy};
pub use window::{StreamingMi, WindowEstimate, sliding_window_mi};
