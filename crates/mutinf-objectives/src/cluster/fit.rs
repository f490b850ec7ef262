//! The IIC training loop and the final assignment.

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::{Device, Tensor, TensorData};
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::net::ClusterNet;
use super::views::ViewSource;
use crate::error::{ObjectiveError, Result, host};
use crate::iic::{discrete_mi, iic_loss};

/// Settings of [`fit_iic`].
///
/// ```
/// let config = mutinf_objectives::cluster::IicConfig::new(10).with_overcluster(Some(50)).with_steps(500);
/// assert!(config.check(1000).is_ok());
/// assert!(config.clone().with_batch(1).check(1000).is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct IicConfig {
    /// Clusters C of the main heads.
    pub clusters: usize,
    /// Clusters C2 of the auxiliary over-clustering heads (IIC's `--overcluster`), or none.
    pub overcluster: Option<usize>,
    /// Independent heads per head kind; the one with the highest final MI labels the data.
    pub sub_heads: usize,
    /// Widths of the trunk's hidden layers.
    pub hidden: Vec<usize>,
    /// Samples per step (two views each).
    pub batch: usize,
    /// Optimiser steps.
    pub steps: usize,
    /// Adam's learning rate.
    pub lr: f64,
    /// IIC's weight λ on the marginal entropies (1 = exact MI; larger favours balanced clusters).
    pub lambda: f64,
    /// Seeds the weights, the batches and the views.
    pub seed: u64,
}

impl IicConfig {
    /// Defaults for `clusters` clusters: no over-clustering, 5 sub-heads, trunk 256-256, batch
    /// 512, 1,500 steps, learning rate 1e-3, λ = 1, seed 0.
    pub fn new(clusters: usize) -> Self {
        Self {
            clusters,
            overcluster: None,
            sub_heads: 5,
            hidden: vec![256, 256],
            batch: 512,
            steps: 1500,
            lr: 1e-3,
            lambda: 1.0,
            seed: 0,
        }
    }

    /// Sets the over-clustering head size.
    pub fn with_overcluster(mut self, overcluster: Option<usize>) -> Self {
        self.overcluster = overcluster;
        self
    }

    /// Sets the number of sub-heads.
    pub fn with_sub_heads(mut self, sub_heads: usize) -> Self {
        self.sub_heads = sub_heads;
        self
    }

    /// Sets the trunk's hidden widths.
    pub fn with_hidden(mut self, hidden: Vec<usize>) -> Self {
        self.hidden = hidden;
        self
    }

    /// Sets the batch size.
    pub fn with_batch(mut self, batch: usize) -> Self {
        self.batch = batch;
        self
    }

    /// Sets the number of steps.
    pub fn with_steps(mut self, steps: usize) -> Self {
        self.steps = steps;
        self
    }

    /// Sets the learning rate.
    pub fn with_lr(mut self, lr: f64) -> Self {
        self.lr = lr;
        self
    }

    /// Sets λ.
    pub fn with_lambda(mut self, lambda: f64) -> Self {
        self.lambda = lambda;
        self
    }

    /// Sets the seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Checks the settings against a data set of `n` samples.
    pub fn check(&self, n: usize) -> Result<()> {
        let bad = |msg: String| Err(ObjectiveError::InvalidInput(msg));
        if self.clusters < 2 {
            return bad(format!("--clusters must be at least 2, got {}", self.clusters));
        }
        if n < self.clusters {
            return bad(format!("{n} rows cannot form {} non-empty clusters; use fewer clusters or more data", self.clusters));
        }
        if let Some(c2) = self.overcluster
            && c2 < 2
        {
            return bad(format!("--overcluster must be at least 2, got {c2}"));
        }
        if self.sub_heads == 0 || self.steps == 0 || self.hidden.contains(&0) {
            return bad("sub-heads, steps and hidden widths must all be positive".into());
        }
        if self.batch < 2 * self.clusters {
            return bad(format!(
                "--batch {} is too small to estimate a {c} x {c} joint; use at least {}",
                self.batch,
                2 * self.clusters,
                c = self.clusters
            ));
        }
        let positive = |v: f64| v.is_finite() && v > 0.0;
        if !positive(self.lr) || !positive(self.lambda) {
            return bad(format!("the learning rate and λ must be positive, got {} and {}", self.lr, self.lambda));
        }
        Ok(())
    }
}

/// Where training is, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct IicProgress {
    /// Steps done.
    pub step: usize,
    /// Steps in all.
    pub steps: usize,
    /// This step's mean IIC loss over the main sub-heads (≈ −I(Z; Z') in nats at λ = 1).
    pub loss: f64,
}

/// The result of [`fit_iic`].
#[derive(Debug, Clone)]
pub struct IicFit {
    /// One cluster label in 0..C per sample (the kept head's argmax on the unperturbed sample).
    pub labels: Vec<usize>,
    /// Samples per cluster, `[C]`.
    pub sizes: Vec<usize>,
    /// The kept head's I(Z; Z') in nats over the whole data set (one pair of views per sample):
    /// at most ln C, reached by balanced clusters the views never disagree on.
    pub mi: f64,
    /// Every main sub-head's final I(Z; Z').
    pub head_mi: Vec<f64>,
    /// The kept head.
    pub head: usize,
    /// Over-clustering labels from the matching over-clustering head, if configured.
    pub overcluster_labels: Option<Vec<usize>>,
    /// The mean main-head loss of every step.
    pub losses: Vec<f64>,
    /// Dead clusters re-seeded during training (summed over heads).
    pub revived: usize,
}

/// Trains a [`ClusterNet`] with the IIC loss on paired views of `data` and labels every sample.
///
/// Each step draws `batch` samples without replacement, two views of each, and minimises the
/// sum of the IIC losses of all main and over-clustering sub-heads (IIC alternates the two head
/// kinds by epoch; summing them trains both every step at the same cost). Deterministic for a
/// seed on a given backend.
///
/// # Errors
/// Invalid settings ([`IicConfig::check`]), or a loss that became non-finite (named with its step).
pub fn fit_iic(
    data: &dyn ViewSource,
    config: &IicConfig,
    device: &Device,
    progress: &mut dyn FnMut(&IicProgress),
) -> Result<IicFit> {
    let n = data.len();
    config.check(n)?;
    let d = data.dims();
    let batch = config.batch.min(n);
    let ad = device.clone().autodiff();
    let mut rng = StdRng::seed_from_u64(config.seed ^ 0x4949_435f_4649_5421); // "IIC_FIT!"
    let mut net =
        ClusterNet::init(d, &config.hidden, config.clusters, config.overcluster, config.sub_heads, &mut rng, &ad);
    let mut optim = AdamConfig::new().init();
    let heads = config.sub_heads;
    let mut losses = Vec::with_capacity(config.steps);
    let mut revived = 0;
    let (mut first, mut second) = (Vec::with_capacity(batch * d), Vec::with_capacity(batch * d));
    for step in 1..=config.steps {
        first.clear();
        second.clear();
        for i in rand::seq::index::sample(&mut rng, n, batch) {
            data.view(i, &mut rng, &mut first);
            data.view(i, &mut rng, &mut second);
        }
        let x1 = Tensor::<2>::from_data(TensorData::new(first.clone(), [batch, d]), &ad);
        let x2 = Tensor::<2>::from_data(TensorData::new(second.clone(), [batch, d]), &ad);
        let (out1, out2) = (net.forward(x1), net.forward(x2));
        // Every REVIVE_EVERY steps of the first 80 %, dead clusters are re-seeded (see
        // `ClusterNet::revive_dead_clusters`); the last 20 % settle without interference.
        let revive = step % REVIVE_EVERY == 0 && step * 5 <= config.steps * 4;
        let marginals = if revive { Some(host(out1.main.clone().detach().mean_dim(1))?) } else { None };
        let head_losses = |a: Tensor<3>, b: Tensor<3>| {
            let [_, _, c] = a.dims();
            (0..heads)
                .map(|h| {
                    let pick = |t: &Tensor<3>| t.clone().slice([h..h + 1, 0..batch, 0..c]).reshape([batch, c]);
                    iic_loss(pick(&a), pick(&b), config.lambda)
                })
                .reduce(|x, y| x + y)
                .expect("at least one head")
        };
        let main = head_losses(out1.main, out2.main);
        let main_value = f64::from(host(main.clone().detach())?[0]) / heads as f64;
        if !main_value.is_finite() {
            return Err(ObjectiveError::InvalidInput(format!(
                "the IIC loss became non-finite at step {step}; lower the learning rate (now {})",
                config.lr
            )));
        }
        let loss = match (out1.over, out2.over) {
            (Some(a), Some(b)) => main + head_losses(a, b),
            _ => main,
        };
        let grads = GradientsParams::from_grads(loss.backward(), &net);
        net = optim.step(config.lr, net, grads);
        if let Some(marginals) = marginals {
            revived += net.revive_dead_clusters(&marginals, DEAD_SHARE / config.clusters as f32, &mut rng)?;
        }
        losses.push(main_value);
        progress(&IicProgress { step, steps: config.steps, loss: main_value });
    }
    let mut fit = assign(&net.valid(), data, config, &mut rng, losses)?;
    fit.revived = revived;
    Ok(fit)
}

/// Steps between checks for dead clusters.
const REVIVE_EVERY: usize = 50;

/// A cluster holding less than this fraction of its fair share 1/C of a batch is dead.
const DEAD_SHARE: f32 = 0.2;

/// Labels every sample with each head and keeps the head with the highest I(Z; Z').
fn assign(net: &ClusterNet, data: &dyn ViewSource, config: &IicConfig, rng: &mut StdRng, losses: Vec<f64>) -> Result<IicFit> {
    const CHUNK: usize = 4096;
    let (n, d, c, heads) = (data.len(), data.dims(), config.clusters, config.sub_heads);
    let device = net.devices().into_iter().next().unwrap_or_else(Device::flex);
    let mut main_labels = vec![Vec::with_capacity(n); heads];
    let mut over_labels = vec![Vec::with_capacity(n); heads];
    let mut joints = vec![vec![0f64; c * c]; heads];
    let mut rows = Vec::with_capacity(CHUNK * d);
    let mut views = (Vec::with_capacity(CHUNK * d), Vec::with_capacity(CHUNK * d));
    for start in (0..n).step_by(CHUNK) {
        let end = (start + CHUNK).min(n);
        let m = end - start;
        rows.clear();
        views.0.clear();
        views.1.clear();
        for i in start..end {
            data.original(i, &mut rows);
            data.view(i, rng, &mut views.0);
            data.view(i, rng, &mut views.1);
        }
        let tensor = |v: &Vec<f32>| Tensor::<2>::from_data(TensorData::new(v.clone(), [m, d]), &device);
        let out = net.forward(tensor(&rows));
        let main = host(out.main)?;
        for (h, labels) in main_labels.iter_mut().enumerate() {
            labels.extend(argmax_rows(&main[h * m * c..(h + 1) * m * c], c));
        }
        if let Some(over) = out.over {
            let [_, _, c2] = over.dims();
            let over = host(over)?;
            for (h, labels) in over_labels.iter_mut().enumerate() {
                labels.extend(argmax_rows(&over[h * m * c2..(h + 1) * m * c2], c2));
            }
        }
        let (p1, p2) = (host(net.forward(tensor(&views.0)).main)?, host(net.forward(tensor(&views.1)).main)?);
        for (h, joint) in joints.iter_mut().enumerate() {
            for r in 0..m {
                let a = &p1[(h * m + r) * c..(h * m + r + 1) * c];
                let b = &p2[(h * m + r) * c..(h * m + r + 1) * c];
                for i in 0..c {
                    for j in 0..c {
                        // Symmetrised, as the loss sees it.
                        joint[i * c + j] += 0.5 * f64::from(a[i] * b[j] + a[j] * b[i]);
                    }
                }
            }
        }
    }
    let head_mi: Vec<f64> = joints.iter().map(|j| discrete_mi(j, c)).collect();
    let head = (0..heads).max_by(|&a, &b| head_mi[a].total_cmp(&head_mi[b])).unwrap_or(0);
    let labels = std::mem::take(&mut main_labels[head]);
    let mut sizes = vec![0usize; c];
    for &l in &labels {
        sizes[l] += 1;
    }
    let overcluster_labels = config.overcluster.map(|_| std::mem::take(&mut over_labels[head]));
    Ok(IicFit { labels, sizes, mi: head_mi[head], head_mi, head, overcluster_labels, losses, revived: 0 })
}

fn argmax_rows(probs: &[f32], c: usize) -> impl Iterator<Item = usize> + '_ {
    probs.chunks(c).map(move |row| (0..c).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap_or(0))
}
