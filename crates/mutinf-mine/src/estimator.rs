//! [`MineEstimator`]: the MINE family behind mutinf's [`Estimator`] trait.

use burn::tensor::Device;
use mutinf_core::{Estimator, MiEstimate, PairedSamples, Result};
use ndarray::{Array2, Axis};
use serde_json::json;

use crate::critic::{MlpCriticConfig, SeparableCriticConfig};
use crate::params::{CriticKind, MineParams};
use crate::runner::{Fit, StepReport, check_data, fit};

/// A MINE-family estimator (MINE, MINE-DV, NWJ, InfoNCE, SMILE) on a burn device.
///
/// Each call trains a fresh critic on the given data ("test-time optimisation") and reports
/// the full-data value of the bound (see [`crate::runner`]). Columns are standardised first
/// (MI is invariant to per-column affine maps; the critic trains better on unit scale).
///
/// ```no_run
/// use burn::tensor::Device;
/// use mutinf_core::{Estimator, PairedSamples};
/// use mutinf_mine::{Bound, MineEstimator, MineParams};
/// # fn main() -> mutinf_core::Result<()> {
/// let data = PairedSamples::from_columns(&[0.1, 0.5, 0.3, 0.9], &[0.2, 0.4, 0.1, 1.0])?;
/// let mine = MineEstimator::new(MineParams::new(Bound::Mine).with_batch(4), Device::flex())?;
/// let estimate = mine.estimate(&data)?;
/// println!("{} nats", estimate.mi);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct MineEstimator {
    params: MineParams,
    device: Device,
}

impl MineEstimator {
    /// Checks `params` and keeps the device every estimation runs on (any burn device; the
    /// estimator enables autodiff on it itself).
    pub fn new(params: MineParams, device: Device) -> Result<Self> {
        params.check()?;
        Ok(Self { params, device })
    }

    /// The validated parameters.
    pub fn params(&self) -> &MineParams {
        &self.params
    }

    /// The device estimations run on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Estimates I(X;Y) for every data set at once: B independent critics (one per set)
    /// trained in one batched graph. All sets need the same dx and dy; N may differ.
    /// Each estimate's `seconds` is the batch's wall time divided by B (the whole batch's time
    /// is in `params["batch_seconds"]`).
    pub fn estimate_batch(&self, data: &[PairedSamples]) -> Result<Vec<MiEstimate>> {
        self.estimate_batch_with_progress(data, &mut |_| {})
    }

    /// [`estimate_batch`](Self::estimate_batch) calling `observer` after every step (for
    /// progress bars).
    pub fn estimate_batch_with_progress(
        &self,
        data: &[PairedSamples],
        observer: &mut dyn FnMut(&StepReport),
    ) -> Result<Vec<MiEstimate>> {
        let p = &self.params;
        check_data(data, p.batch, p.bound.name())?;
        let (outcome, seconds) = mutinf_core::timed(|| -> Result<Fit<()>> {
            let standardised: Vec<PairedSamples> =
                data.iter().map(standardise).collect::<Result<_>>()?;
            let (dx, dy, b) = (data[0].dx(), data[0].dy(), data.len());
            Ok(match p.critic {
                CriticKind::Mlp => {
                    let config = MlpCriticConfig::new(dx, dy)
                        .with_hidden(p.hidden.clone())
                        .with_activation(p.activation);
                    strip(fit(
                        config.init(b, p.seed, &self.device),
                        &standardised,
                        p,
                        &self.device,
                        observer,
                    )?)
                }
                CriticKind::Separable => {
                    let config = SeparableCriticConfig::new(dx, dy)
                        .with_hidden(p.hidden.clone())
                        .with_embed(p.embed)
                        .with_activation(p.activation);
                    strip(fit(
                        config.init(b, p.seed, &self.device),
                        &standardised,
                        p,
                        &self.device,
                        observer,
                    )?)
                }
            })
        });
        let outcome = outcome?;
        let b = data.len();
        Ok((0..b)
            .map(|i| {
                let snaps: Vec<f64> = outcome.snapshot_estimates.iter().map(|s| s[i]).collect();
                let mean = outcome.estimates[i];
                let spread = (snaps.iter().map(|v| (v - mean).powi(2)).sum::<f64>()
                    / snaps.len() as f64)
                    .sqrt();
                MiEstimate::new(p.bound.name(), outcome.estimates[i], data[i].n())
                    .with_seconds(seconds / b as f64)
                    .with_param("critic", json!(p.critic))
                    .with_param("hidden", json!(p.hidden))
                    .with_param("activation", format!("{:?}", p.activation))
                    .with_param("steps", p.steps)
                    .with_param("steps_run", outcome.steps_run)
                    .with_param("stopped_early", outcome.stopped_early)
                    .with_param("batch", p.batch)
                    .with_param("lr", p.lr)
                    .with_param("seed", p.seed)
                    .with_param("ema_rate", p.ema_rate)
                    .with_param("smile_tau", p.smile_tau)
                    .with_param("snapshot_estimates", json!(snaps))
                    .with_param("snapshot_spread", spread)
                    .with_param("batched_over", b)
                    .with_param("batch_seconds", seconds)
            })
            .collect())
    }
}

impl Estimator for MineEstimator {
    fn method(&self) -> &str {
        self.params.bound.name()
    }

    fn estimate(&self, data: &PairedSamples) -> Result<MiEstimate> {
        Ok(self.estimate_batch(std::slice::from_ref(data))?.remove(0))
    }

    /// One batched graph per group of data sets with the same (dx, dy) (see
    /// [`estimate_batch`](Self::estimate_batch)); results in the input order.
    fn estimate_many(&self, data: &[PairedSamples]) -> Result<Vec<MiEstimate>> {
        let mut groups: Vec<((usize, usize), Vec<usize>)> = Vec::new();
        for (i, d) in data.iter().enumerate() {
            match groups.iter_mut().find(|(shape, _)| *shape == (d.dx(), d.dy())) {
                Some((_, members)) => members.push(i),
                None => groups.push(((d.dx(), d.dy()), vec![i])),
            }
        }
        let mut out: Vec<Option<MiEstimate>> = vec![None; data.len()];
        for (_, members) in groups {
            let batch: Vec<PairedSamples> = members.iter().map(|&i| data[i].clone()).collect();
            for (i, estimate) in members.into_iter().zip(self.estimate_batch(&batch)?) {
                out[i] = Some(estimate);
            }
        }
        Ok(out.into_iter().map(|e| e.expect("every data set is in one group")).collect())
    }
}

/// Drops the critic from a [`Fit`].
fn strip<C>(f: Fit<C>) -> Fit<()> {
    Fit {
        critic: (),
        estimates: f.estimates,
        snapshot_estimates: f.snapshot_estimates,
        steps_run: f.steps_run,
        stopped_early: f.stopped_early,
        curve: f.curve,
    }
}

/// Centres each column and scales it to unit variance.
fn standardise(data: &PairedSamples) -> Result<PairedSamples> {
    fn z(block: ndarray::ArrayView2<'_, f64>) -> Array2<f64> {
        let mean = block.mean_axis(Axis(0)).expect("non-empty");
        let std = block
            .std_axis(Axis(0), 0.0)
            .mapv(|s| if s > 0.0 { s } else { 1.0 });
        (&block - &mean) / &std
    }
    PairedSamples::new(z(data.x()), z(data.y()))
}
