//! # mutinf-core
//!
//! The vocabulary every mutinf crate shares:
//!
//! - [`PairedSamples`]: N paired observations of X (N x dx) and Y (N x dy), validated once at
//!   the boundary (finite, non-constant columns, equal lengths) so estimators never see bad data;
//! - [`MiEstimate`]: an MI value in nats with its uncertainty, method, N, parameters and timing;
//! - [`Estimator`]: the one trait every method (KSG, KDE, MINE, InfoNet, ...) implements, so
//!   benchmarks and the CLI treat them alike;
//! - [`copula`]: the rank (copula) transform with average ranks for ties;
//! - [`io`]: CSV and NPY readers/writers, and [`columns`] for picking X and Y columns by name,
//!   index or range;
//! - [`MutinfError`]: one error enum whose messages name the problem and the fix.
//!
//! ```
//! use mutinf_core::{PairedSamples, copula::rank_transform};
//! # fn main() -> mutinf_core::Result<()> {
//! let data = PairedSamples::from_columns(&[1.0, 5.0, 3.0, 3.0], &[0.1, 0.4, 0.2, 0.3])?;
//! assert_eq!(data.n(), 4);
//! // Ties share their average rank; ranks are scaled into (0, 1].
//! assert_eq!(rank_transform(&[1.0, 5.0, 3.0, 3.0]), vec![0.125, 0.875, 0.5, 0.5]);
//! # Ok(())
//! # }
//! ```

pub mod columns;
pub mod copula;
mod error;
mod estimate;
pub mod io;
pub mod machine;
mod samples;
pub mod seed;
pub mod slicing;

pub use error::{MutinfError, Result};
pub use estimate::{ConfidenceInterval, Estimator, IMPLAUSIBLE_BELOW_NATS, MiEstimate, NATS_PER_BIT, timed};
pub use samples::{PairedSamples, check_block};
