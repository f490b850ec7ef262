//! Binning and plug-in entropies.

use std::collections::HashMap;

use mutinf_core::copula::rank_transform;
use mutinf_core::{Estimator, MiEstimate, MutinfError, PairedSamples, Result};
use ndarray::ArrayView2;

use super::{Binning, Histogram};

impl Estimator for Histogram {
    fn method(&self) -> &str {
        "hist"
    }

    fn estimate(&self, data: &PairedSamples) -> Result<MiEstimate> {
        let start = std::time::Instant::now();
        let n = data.n();
        let b = self.bins_for(n, data.dx() + data.dy());
        let cx = cells(data.x(), b, self.binning)?;
        let cy = cells(data.y(), b, self.binning)?;
        let (hx, mx) = entropy_of(cx.iter().copied());
        let (hy, my) = entropy_of(cy.iter().copied());
        let (hxy, mxy) = entropy_of(cx.iter().zip(&cy).map(|(&a, &c)| (a, c)));
        let mut mi = hx + hy - hxy;
        if self.miller_madow {
            mi += (mx as f64 - 1.0 + my as f64 - 1.0 - (mxy as f64 - 1.0)) / (2.0 * n as f64);
        }
        let mut estimate = MiEstimate::new(self.method(), mi, n);
        if mxy * 2 > n {
            // Most samples sit alone in their joint bin: H(X,Y) ≈ ln N and the plug-in MI reads
            // H(X) + H(Y) − ln N, a property of the binning, not of the data.
            estimate = estimate.with_note(format!(
                "{mxy} of the {b}^{} joint bins are occupied by N = {n} samples, most by one sample: the plug-in \
                 estimate saturates near ln N = {:.3}; use fewer --bins",
                data.dx() + data.dy(),
                (n as f64).ln()
            ));
        }
        Ok(estimate
            .with_seconds(start.elapsed().as_secs_f64())
            .with_param("bins", b)
            .with_param("binning", match self.binning {
                Binning::EqualWidth => "equal-width",
                Binning::EqualFrequency => "equal-frequency",
            })
            .with_param("miller_madow", self.miller_madow))
    }
}

/// Cell id of every row of an N x d block: the column bins in mixed radix b.
fn cells(block: ArrayView2<'_, f64>, b: usize, binning: Binning) -> Result<Vec<u64>> {
    let n = block.nrows();
    let mut ids = vec![0u64; n];
    for col in block.columns() {
        let values: Vec<f64> = col.iter().copied().collect();
        let bins = column_bins(&values, b, binning);
        for (id, bin) in ids.iter_mut().zip(bins) {
            *id = id
                .checked_mul(b as u64)
                .and_then(|v| v.checked_add(bin as u64))
                .ok_or_else(|| MutinfError::invalid("bins", b, "too many cells for this many columns; use fewer bins"))?;
        }
    }
    Ok(ids)
}

fn column_bins(values: &[f64], b: usize, binning: Binning) -> Vec<usize> {
    match binning {
        Binning::EqualWidth => {
            let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let width = (hi - lo) / b as f64;
            values.iter().map(|&v| if width > 0.0 { (((v - lo) / width) as usize).min(b - 1) } else { 0 }).collect()
        }
        // Copula values (r − ½)/N in (0, 1): ties share a rank and hence a bin.
        Binning::EqualFrequency => {
            rank_transform(values).into_iter().map(|u| ((u * b as f64) as usize).min(b - 1)).collect()
        }
    }
}

/// Plug-in entropy (nats) of the symbols and the number of distinct symbols.
fn entropy_of<K: std::hash::Hash + Eq + Ord + Copy>(symbols: impl Iterator<Item = K>) -> (f64, usize) {
    let mut counts: HashMap<K, usize> = HashMap::new();
    let mut n = 0usize;
    for s in symbols {
        *counts.entry(s).or_insert(0) += 1;
        n += 1;
    }
    let mut c: Vec<(K, usize)> = counts.into_iter().collect();
    c.sort_unstable(); // a fixed summation order: reproducible to the bit
    let n = n as f64;
    let h = -c.iter().map(|&(_, k)| k as f64 / n).map(|p| p * p.ln()).sum::<f64>();
    (h, c.len())
}
