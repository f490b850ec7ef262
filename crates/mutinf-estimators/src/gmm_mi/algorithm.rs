//! EM fit + Monte-Carlo MI of the fit.

use mutinf_core::{Estimator, MiEstimate, PairedSamples, Result};
use mutinf_gmm::em::{EmConfig, fit_best_bic};
use mutinf_gmm::MonteCarloOptions;
use ndarray::Axis;

use super::GmmMi;
use crate::preprocess::population_std;

impl Estimator for GmmMi {
    fn method(&self) -> &str {
        "gmm"
    }

    fn estimate(&self, data: &PairedSamples) -> Result<MiEstimate> {
        let start = std::time::Instant::now();
        let mut joint = data.joint();
        for mut col in joint.axis_iter_mut(Axis(1)) {
            let mean = col.mean().unwrap_or(0.0);
            let sd = population_std(col.iter().copied());
            col.mapv_inplace(|v| (v - mean) / sd);
        }
        let fit = fit_best_bic(joint.view(), self.max_components, &EmConfig { seed: self.seed, ..EmConfig::default() })?;
        let x: Vec<usize> = (0..data.dx()).collect();
        let y: Vec<usize> = (data.dx()..data.dx() + data.dy()).collect();
        let opts = MonteCarloOptions { samples: self.samples, seed: self.seed, ..MonteCarloOptions::default() };
        let truth = fit.model.mutual_information(&x, &y, &opts)?;
        Ok(MiEstimate::new(self.method(), truth.value, data.n())
            .with_std_error(truth.std_error)
            .with_seconds(start.elapsed().as_secs_f64())
            .with_param("components", fit.model.n_components())
            .with_param("max_components", self.max_components)
            .with_param("mc_samples", truth.samples)
            .with_param("seed", self.seed)
            .with_param("converged", fit.converged))
    }
}
