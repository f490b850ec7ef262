//! Checked parameters for histogram MI.

use mutinf_core::{MutinfError, Result};

/// How bin edges are placed along each column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Binning {
    /// Equal-width bins between the column's minimum and maximum (the classical baseline).
    #[default]
    EqualWidth,
    /// Equal-frequency (quantile) bins by rank: invariant to monotone maps of each column.
    EqualFrequency,
}

/// Number of bins per column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Bins {
    /// max(2, ⌊(N/5)^{1/(dx+dy)}⌋): about 5 points per joint cell.
    #[default]
    Auto,
    /// A fixed count per column (≥ 2).
    Fixed(usize),
}

/// Unchecked histogram-MI parameters. Defaults: automatic bin count, equal-width bins,
/// no Miller-Madow correction.
///
/// ```
/// use mutinf_estimators::histogram::HistogramParams;
/// assert!(HistogramParams::new().bins(1).check().unwrap_err().to_string().contains("bins = 1"));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HistogramParams {
    bins: Bins,
    binning: Binning,
    miller_madow: bool,
}

impl HistogramParams {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// A fixed number of bins per column.
    pub fn bins(mut self, bins: usize) -> Self {
        self.bins = Bins::Fixed(bins);
        self
    }
    /// Automatic or fixed bin count.
    pub fn bin_rule(mut self, bins: Bins) -> Self {
        self.bins = bins;
        self
    }
    /// Equal-width or equal-frequency bins.
    pub fn binning(mut self, binning: Binning) -> Self {
        self.binning = binning;
        self
    }
    /// Add the Miller-Madow bias correction to each entropy.
    pub fn miller_madow(mut self, on: bool) -> Self {
        self.miller_madow = on;
        self
    }
    /// Validates: a fixed bin count must be at least 2.
    pub fn check(self) -> Result<Histogram> {
        if let Bins::Fixed(b) = self.bins {
            if b < 2 {
                return Err(MutinfError::invalid("bins", b, "need at least 2 bins per column; leave it unset for the automatic rule"));
            }
            if b > u32::MAX as usize {
                return Err(MutinfError::invalid("bins", b, "too many bins; use at most a few hundred per column"));
            }
        }
        Ok(Histogram { bins: self.bins, binning: self.binning, miller_madow: self.miller_madow })
    }
}

/// A validated histogram-MI estimator.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub(crate) bins: Bins,
    pub(crate) binning: Binning,
    pub(crate) miller_madow: bool,
}

impl Histogram {
    /// Bins per column for N samples in dx + dy columns.
    pub fn bins_for(&self, n: usize, dims: usize) -> usize {
        match self.bins {
            Bins::Fixed(b) => b,
            Bins::Auto => ((n as f64 / 5.0).powf(1.0 / dims as f64).floor() as usize).max(2),
        }
    }
}
