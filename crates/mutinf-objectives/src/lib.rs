//! # mutinf-objectives
//!
//! Mutual information as something to *maximise*, on [burn](https://burn.dev) tensors with
//! autodiff:
//!
//! - [`iic`]: the Invariant Information Clustering loss, the exact MI of the C x C joint of two
//!   softmax heads over a paired batch (Ji et al. 2019);
//! - [`losses`]: InfoNCE, DV (with MINE's moving-average corrected gradient) and NWJ losses of
//!   critic scores, built on `mutinf-mine`'s bounds;
//! - [`InfoNetMi`]: a frozen pretrained InfoNet as a differentiable MI term between two batch
//!   variables, through [soft ranks](soft_rank);
//! - [`cluster`]: IIC clustering of tabular data and images (`mutinf cluster`);
//! - [`glyphs`], [`accuracy`]: a procedural image benchmark and clustering accuracy after
//!   Hungarian matching, to measure it.
//!
//! Library code never names a backend: pass a `burn::tensor::Device`; the autodiff device is
//! derived from it internally.

pub mod accuracy;
pub mod cluster;
mod error;
pub mod glyphs;
pub mod iic;
mod infonet_term;
pub mod losses;
pub mod soft_rank;

pub use error::{ObjectiveError, Result};
pub use infonet_term::InfoNetMi;

/// The Rust blocks of the workspace README, compiled and run as doc-tests so the "Use as a
/// library" snippets cannot rot (this crate depends on everything they use).
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
