//! Histogram (binned plug-in) MI: I = H(X) + H(Y) − H(X, Y) over the cells of a grid.
//!
//! Each column is cut into `b` bins, either of equal width over [min, max] or of equal
//! frequency (by rank, ties kept in one bin); multivariate X or Y use the product grid of
//! their columns. The default bin count keeps about 5 points per joint cell:
//! b = max(2, ⌊(N/5)^{1/(dx+dy)}⌋) per column (the rule of Cellucci et al. 2005 in 2-D).
//!
//! The plug-in estimate is biased upward by roughly (m_xy − m_x − m_y + 1)/(2N) for m
//! occupied cells; `miller_madow(true)` adds the Miller-Madow correction (m − 1)/(2N) to
//! each entropy, which removes most of that bias.
//!
//! ```
//! use mutinf_core::{Estimator, PairedSamples};
//! use mutinf_estimators::histogram::{Binning, HistogramParams};
//! # fn main() -> mutinf_core::Result<()> {
//! let x: Vec<f64> = (0..400).map(|i| (i % 4) as f64 + 0.5).collect();
//! let data = PairedSamples::from_columns(&x, &x)?; // Y = X with 4 equally likely values
//! let hist = HistogramParams::new().bins(4).binning(Binning::EqualWidth).check()?;
//! assert!((hist.estimate(&data)?.mi - 4f64.ln()).abs() < 1e-12);
//! # Ok(())
//! # }
//! ```

mod algorithm;
mod hyperparams;

pub use hyperparams::{Binning, Bins, Histogram, HistogramParams};
