//! Invariant Information Clustering of tabular data and images: a small MLP whose softmax heads
//! maximise the MI between the cluster assignments of two random views of each sample
//! ([`crate::iic`]), the engine of `mutinf cluster`.
//!
//! ```no_run
//! use mutinf_objectives::cluster::{IicConfig, TabularViews, fit_iic};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let data: Vec<f64> = (0..2000).map(|i| ((i / 2) % 3) as f64 * 5.0 + (i as f64 * 0.7).sin()).collect();
//! let views = TabularViews::new(&data, 1000, 2, 0.1, 0.1)?;
//! let fit = fit_iic(&views, &IicConfig::new(3).with_steps(300), &burn::tensor::Device::flex(), &mut |_| {})?;
//! println!("sizes {:?}, I(Z; Z') = {:.3} nats", fit.sizes, fit.mi);
//! # Ok(())
//! # }
//! ```

mod fit;
mod image_views;
mod net;
mod views;

pub use fit::{IicConfig, IicFit, IicProgress, fit_iic};
pub use net::{ClusterNet, HeadOutputs};
pub use image_views::{AffineViews, ImageViews, Warp};
pub use views::{TabularViews, ViewSource};
