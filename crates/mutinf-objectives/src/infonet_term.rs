//! A frozen pretrained InfoNet as a differentiable MI term: I(x; y) of two 1-D batch variables
//! whose gradient flows back to x and y, for InfoMax-style training of whatever produced them.
//!
//! The path is the table network's own estimate with its two hard steps made smooth:
//! 1. copula transform by [soft ranks](crate::soft_rank) (temperature τ) instead of ranks;
//! 2. the network predicts its blurred table T from the copula pairs (weights frozen);
//! 3. T is read by bilinear interpolation *with differentiable weights* at the scored pairs and
//!    at R seeded permutations of their pairing, and the Donsker-Varadhan bound
//!    `mean T(joint) − mean_r log mean exp T(permuted)` is the MI in nats.
//!
//! Folds follow what the network was trained with: a `holdout` network (the built-in ones)
//! predicts the table from one seeded half and reads the other, both ways, averaged; otherwise
//! the table is read on the samples it was predicted from. The value is the raw DV bound, not the
//! scale-fitted readout `mutinf estimate` reports (its per-sequence fit is not differentiable),
//! so it is the quantity the network was trained to maximise.

use burn::module::Module;
use burn::tensor::{Device, Int, Tensor, TensorData};
use mutinf_models::{InfoNet, InfoNetConfig};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::error::{ObjectiveError, Result, host};
use crate::soft_rank::{DEFAULT_TEMPERATURE, hard_copula, soft_copula};

/// A frozen InfoNet that maps two batch variables to a differentiable MI estimate.
///
/// ```no_run
/// use burn::tensor::{Device, Tensor, TensorData};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let term = mutinf_objectives::InfoNetMi::pretrained("infonet-small", &Device::flex())?;
/// let device = term.device(); // autodiff: build the inputs here
/// let x: Vec<f32> = (0..256).map(|i| (i as f32 * 0.37).sin()).collect();
/// let y: Vec<f32> = x.iter().map(|v| v * v).collect();
/// let x = Tensor::<1>::from_data(TensorData::new(x, [256]), &device).require_grad();
/// let y = Tensor::<1>::from_data(TensorData::new(y, [256]), &device);
/// let mi = term.mi(x.clone(), y, 0)?;
/// let grads = mi.backward();
/// let dx = x.grad(&grads).expect("x requires grad"); // ∂I/∂x, [256]
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct InfoNetMi {
    net: InfoNet,
    temperature: f64,
}

impl InfoNetMi {
    /// The built-in table network `name` (for example `"infonet-small"`), frozen, on the
    /// autodiff version of `device`.
    pub fn pretrained(name: &str, device: &Device) -> Result<Self> {
        let (net, _) = mutinf_models::pretrained::infonet(name, &device.clone().autodiff())?;
        Ok(Self::new(net))
    }

    /// Freezes `net` (no gradients for its weights) and moves it to the autodiff version of its
    /// device; soft-rank temperature [`DEFAULT_TEMPERATURE`].
    pub fn new(net: InfoNet) -> Self {
        let device = net.device().autodiff();
        Self { net: net.to_device(&device).no_grad(), temperature: DEFAULT_TEMPERATURE }
    }

    /// Sets the soft-rank temperature τ (> 0; see [`crate::soft_rank`]).
    pub fn with_temperature(mut self, temperature: f64) -> Result<Self> {
        if !(temperature.is_finite() && temperature > 0.0) {
            return Err(ObjectiveError::InvalidInput(format!(
                "the soft-rank temperature must be a positive number, got {temperature}; 0.05 is a good default"
            )));
        }
        self.temperature = temperature;
        Ok(self)
    }

    /// The soft-rank temperature τ.
    pub fn temperature(&self) -> f64 {
        self.temperature
    }

    /// The (autodiff) device the network lives on; inputs must be created on it.
    pub fn device(&self) -> Device {
        self.net.device()
    }

    /// The frozen network.
    pub fn net(&self) -> &InfoNet {
        &self.net
    }

    /// I(x; y) in nats with gradients to `x` and `y`. `seed` fixes the halves and the
    /// permutations (use a new one per training step, the same one for finite differences).
    ///
    /// # Shapes
    /// - x, y: `[N]`, N ≥ 16 → `[1]`
    pub fn mi(&self, x: Tensor<1>, y: Tensor<1>, seed: u64) -> Result<Tensor<1>> {
        let [n] = x.dims();
        let [m] = y.dims();
        check_lengths(n, m)?;
        let u = soft_copula(x, self.temperature);
        let v = soft_copula(y, self.temperature);
        Ok(self.mi_of_copula(u, v, seed))
    }

    /// The same estimate with hard ranks on the host: the limit of [`mi`](Self::mi) as the
    /// temperature goes to 0 (no gradient).
    pub fn mi_hard_ranks(&self, x: &[f64], y: &[f64], seed: u64) -> Result<f64> {
        check_lengths(x.len(), y.len())?;
        if let Some(bad) = x.iter().chain(y).find(|v| !v.is_finite()) {
            return Err(ObjectiveError::InvalidInput(format!(
                "the samples contain the non-finite value {bad}; remove or impute it first"
            )));
        }
        let device = self.device();
        let to_tensor = |c: Vec<f64>| {
            let n = c.len();
            Tensor::<1>::from_data(TensorData::new(c.into_iter().map(|v| v as f32).collect::<Vec<_>>(), [n]), &device)
        };
        let mi = self.mi_of_copula(to_tensor(hard_copula(x)), to_tensor(hard_copula(y)), seed);
        Ok(f64::from(host(mi)?[0]))
    }

    /// The bound from copula values `u`, `v` in (0, 1) (`[N]` each) → `[1]`.
    fn mi_of_copula(&self, u: Tensor<1>, v: Tensor<1>, seed: u64) -> Tensor<1> {
        let [n] = u.dims();
        let config = self.net.config();
        let device = u.device();
        let mut rng = StdRng::seed_from_u64(seed);
        let folds: Vec<(Vec<i64>, Vec<i64>)> = if config.holdout {
            let mut order: Vec<i64> = (0..n as i64).collect();
            order.shuffle(&mut rng);
            let half = n / 2;
            let (a, b) = (order[..half].to_vec(), order[half..2 * half].to_vec());
            vec![(a.clone(), b.clone()), (b, a)]
        } else {
            let all: Vec<i64> = (0..n as i64).collect();
            vec![(all.clone(), all)]
        };
        let count = folds.len();
        let index = |idx: &[i64]| Tensor::<1, Int>::from_data(TensorData::new(idx.to_vec(), [idx.len()]), &device);
        let mut total: Option<Tensor<1>> = None;
        for (context, scored) in folds {
            let (cu, cv) = (u.clone().select(0, index(&context)), v.clone().select(0, index(&context)));
            let k = context.len();
            let points = Tensor::stack::<2>(vec![cu, cv], 1).reshape([1, k, 2]);
            let table = self.net.table(points); // [1, G, G]
            let m = scored.len();
            // The scored pairs, then R permutations of their pairing.
            let mut rows: Vec<i64> = scored.clone();
            let mut cols: Vec<i64> = scored.clone();
            for _ in 0..config.permutations {
                let mut perm = scored.clone();
                perm.shuffle(&mut rng);
                rows.extend_from_slice(&scored);
                cols.extend(perm);
            }
            let values = bilinear_read(table, u.clone().select(0, index(&rows)), v.clone().select(0, index(&cols)));
            let joint = values.clone().narrow(0, 0, m).reshape([1, m]);
            let marginal = values.narrow(0, m, m * config.permutations).reshape([1, config.permutations, m]);
            let bound = mutinf_models::readout::dv_bound(joint, marginal);
            total = Some(match total {
                None => bound,
                Some(t) => t + bound,
            });
        }
        total.expect("at least one fold") / count as f32
    }
}

fn check_lengths(n: usize, m: usize) -> Result<()> {
    if n != m {
        return Err(ObjectiveError::InvalidInput(format!(
            "x has {n} samples but y has {m}; the MI term needs paired samples of equal length"
        )));
    }
    if n < InfoNetConfig::MIN_SAMPLES {
        return Err(ObjectiveError::InvalidInput(format!(
            "the MI term needs at least {} samples per batch, got {n}; use a larger batch",
            InfoNetConfig::MIN_SAMPLES
        )));
    }
    Ok(())
}

/// Reads one table `[1, G, G]` at points (u, v) by bilinear interpolation between cell centres,
/// with weights that are differentiable in u and v (the corner choice is not, and needs no
/// gradient). The same corners and weights as `mutinf_models::readout::bilinear_corners`.
///
/// # Shapes
/// - table: `[1, G, G]`; u, v: `[M]` → `[M]`
fn bilinear_read(table: Tensor<3>, u: Tensor<1>, v: Tensor<1>) -> Tensor<1> {
    let [_, g, _] = table.dims();
    let flat = table.reshape([g * g]);
    let gf = g as f32;
    let axis = |t: Tensor<1>| {
        let c = (t * gf - 0.5).clamp(0.0, gf - 1.0);
        let low = c.clone().detach().floor().clamp_max(gf - 2.0);
        let weight = c - low.clone();
        (low, weight)
    };
    let (i, wu) = axis(u);
    let (j, wv) = axis(v);
    let base = (i * gf + j).int();
    let corner = |offset: i64| flat.clone().select(0, base.clone() + offset);
    let (one_u, one_v) = (wu.clone().neg() + 1.0, wv.clone().neg() + 1.0);
    corner(0) * one_u.clone() * one_v.clone()
        + corner(1) * one_u * wv.clone()
        + corner(g as i64) * wu.clone() * one_v
        + corner(g as i64 + 1) * wu * wv
}
