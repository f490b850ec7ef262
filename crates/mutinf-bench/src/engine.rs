//! Runs one method over many data sets, batching where the method can (InfoNet: shared forward
//! passes through `InfoNetEstimator::estimate_many`; MINE: 16 critics trained in one graph).

use indicatif::ProgressBar;
use mutinf_core::{Estimator, PairedSamples};
use mutinf_estimators::kde::KdeParams;
use mutinf_estimators::ksg::KsgParams;
use mutinf_estimators::sliced::Sliced;
use mutinf_mine::{Bound, MineEstimator, MineParams};
use mutinf_models::InfoNetEstimator;

use crate::{Bench, Method, Result};

/// Data sets per `estimate_many` call of InfoNet (the estimator splits a call into forward
/// passes under its memory budget; this only sets how often the progress bar moves).
pub const INFONET_BATCH: usize = 64;
/// Critics per batched MINE run.
pub const MINE_BATCH: usize = 16;

/// One estimate and the seconds it took (a batch's wall time divided by its size when batched).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimated {
    /// The estimate in nats.
    pub mi: f64,
    /// Seconds per estimate.
    pub seconds: f64,
    /// The estimate's confidence interval (lower, upper), where the method gives one from the
    /// same pass (InfoNet's regression readout: 90 %).
    pub ci: Option<(f64, f64)>,
}

/// MINE as the suites run it: moving-average corrected DV bound, MLP critic, minibatch
/// min(100, N), at most `steps` steps with the default early stopping.
pub fn mine_estimator(bench: &Bench, steps: usize, batch: usize, seed: u64) -> Result<MineEstimator> {
    let params = MineParams::new(Bound::Mine).with_steps(steps).with_batch(batch).with_seed(seed);
    Ok(MineEstimator::new(params, bench.device.clone())?)
}

/// Estimates every data set with `method`. 1-D pairs are estimated directly; multi-dimensional
/// ones by sliced InfoNet / sliced KSG over `slices` projections (KDE and MINE use all
/// coordinates). `seed` seeds the readouts, slices and critics. Advances `bar` per data set.
pub fn estimate_many(
    bench: &Bench,
    method: Method,
    data: &[PairedSamples],
    slices: usize,
    seed: u64,
    bar: &ProgressBar,
) -> Result<Vec<Estimated>> {
    let mut out = Vec::with_capacity(data.len());
    let one_d = |d: &PairedSamples| d.dx() == 1 && d.dy() == 1;
    match method {
        Method::Ksg | Method::Kde => {
            let ksg = KsgParams::new().k(3).check()?;
            let kde = KdeParams::new().check()?;
            for (i, d) in data.iter().enumerate() {
                let e = match (method, one_d(d)) {
                    (Method::Ksg, true) => ksg.estimate(d)?,
                    (Method::Ksg, false) => Sliced::new(ksg.clone(), slices, crate::data::sub_seed(seed, &[i as u64]))?.estimate(d)?,
                    _ => kde.estimate(d)?,
                };
                out.push(Estimated { mi: e.mi, seconds: e.seconds, ci: e.ci.map(|c| (c.lower, c.upper)) });
                bar.inc(1);
            }
        }
        Method::InfoNet if bench.regression.is_some() => {
            let head = bench.regression.expect("checked by the guard");
            let mut i = 0;
            while i < data.len() {
                if !one_d(&data[i]) {
                    let sliced = Sliced::new(head, slices, crate::data::sub_seed(seed, &[i as u64]))?;
                    let e = sliced.estimate(&data[i])?;
                    out.push(Estimated { mi: e.mi, seconds: e.seconds, ci: e.ci.map(|c| (c.lower, c.upper)) });
                    bar.inc(1);
                    i += 1;
                    continue;
                }
                let mut j = i;
                while j < data.len() && j - i < INFONET_BATCH && one_d(&data[j]) {
                    j += 1;
                }
                let start = std::time::Instant::now();
                let values = head.estimate_many(&data[i..j])?;
                let per = start.elapsed().as_secs_f64() / (j - i) as f64;
                out.extend(values.into_iter().map(|e| Estimated { mi: e.mi, seconds: per, ci: e.ci.map(|c| (c.lower, c.upper)) }));
                bar.inc((j - i) as u64);
                i = j;
            }
        }
        Method::InfoNet => {
            let net = bench.net()?;
            // The library's estimator does the batching; each run of data sets gets its own
            // readout seed, as before.
            let estimator = |seed: u64| InfoNetEstimator::builder(net.clone()).seed(seed).slices(slices).build();
            let mut i = 0;
            while i < data.len() {
                let mut j = i + 1;
                if one_d(&data[i]) {
                    while j < data.len() && j - i < INFONET_BATCH && one_d(&data[j]) && data[j].n() == data[i].n() {
                        j += 1;
                    }
                }
                let values = estimator(crate::data::sub_seed(seed, &[i as u64]))?.estimate_many(&data[i..j])?;
                out.extend(values.into_iter().map(|e| Estimated { mi: e.mi, seconds: e.seconds, ci: None }));
                bar.inc((j - i) as u64);
                i = j;
            }
        }
        Method::Mine => {
            let steps = bench.mine_steps();
            let mut i = 0;
            while i < data.len() {
                // Same dims in a batch (MINE's batched critics share their shapes).
                let (dx, dy) = (data[i].dx(), data[i].dy());
                let mut j = i;
                while j < data.len() && j - i < MINE_BATCH && data[j].dx() == dx && data[j].dy() == dy {
                    j += 1;
                }
                let min_n = data[i..j].iter().map(PairedSamples::n).min().unwrap_or(100);
                let mine = mine_estimator(bench, steps, min_n.min(100), crate::data::sub_seed(seed, &[i as u64]))?;
                let estimates = mine.estimate_batch(&data[i..j])?;
                out.extend(estimates.into_iter().map(|e| Estimated { mi: e.mi, seconds: e.seconds, ci: None }));
                bar.inc((j - i) as u64);
                i = j;
            }
        }
    }
    Ok(out)
}
