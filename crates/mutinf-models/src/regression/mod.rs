//! InfoNet's regression readout: a network trained on the **true** MI of simulated
//! distributions, read in one decoder-free forward pass, with a 90 % interval from the same pass.
//!
//! The table readouts ([`Readout`](crate::Readout)) read a Donsker-Varadhan bound off a blurred
//! G x G table, which caps their accuracy on mixtures (the best 32 x 32 table already reads
//! 0.04–0.14 nats low) however well the network is trained. This readout skips the table:
//!
//! 1. [`TokenFeatures`]: every point of the copula sample becomes a token of exact k-NN
//!    statistics (log-density estimates for k = 1…16, neighbourhood shape, distance to the edges);
//! 2. [`MiRegressor`]: a per-token MLP, a mean over tokens (a set encoder: the input order does
//!    not matter), and a head that also sees ln N, output the 5 %, 50 % and 95 % quantiles of
//!    I(X;Y) given the sample;
//! 3. [`RegressionEstimator`]: the median is the estimate, the outer quantiles a 90 % interval.
//!
//! The network is trained by `mutinf-train` (`mutinf train-head`) with the pinball loss against
//! analytic or Monte-Carlo truths.
//!
//! ```
//! use mutinf_core::{Estimator, PairedSamples};
//! use mutinf_models::regression::{RegressionEstimator, RegressorConfig};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let device = burn::tensor::Device::flex();
//! // An untrained network (`RegressionEstimator::pretrained("infonet-gt", &device)` is the shipped one).
//! let estimator = RegressionEstimator::new(RegressorConfig::new().init_seeded(&device, 0)?);
//! let x: Vec<f64> = (0..400).map(|i| (i as f64 * 0.3).sin()).collect();
//! let y: Vec<f64> = x.iter().enumerate().map(|(i, v)| v + 0.5 * (i as f64 * 1.7).cos()).collect();
//! let e = estimator.estimate(&PairedSamples::from_columns(&x, &y)?)?;
//! let ci = e.ci.unwrap();
//! assert!(ci.lower <= e.mi && e.mi <= ci.upper);
//! # Ok(())
//! # }
//! ```

mod checkpoint;
mod estimate;
mod features;
mod network;

pub use checkpoint::{REGRESSOR_CONFIG_KEY, is_regressor, load_regressor, load_regressor_bytes, save_regressor};
pub use estimate::{INTERVAL_LEVEL, MAX_TRAINED_SAMPLES, MiQuantiles, RegressionEstimator};
pub use features::{MIN_REGRESSION_SAMPLES, NEIGHBOUR_COUNTS, TOKEN_FEATURES, TokenFeatures, copula_pair};
pub use network::{MiRegressor, QUANTILES, RegressorBatch, RegressorConfig};
