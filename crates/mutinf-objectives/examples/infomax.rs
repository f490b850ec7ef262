//! InfoMax with a frozen InfoNet: learn a unit vector w so that the projection wᵀx of 10-D data
//! carries the most information about a target y, by gradient ascent on InfoNet's MI through
//! soft ranks. Only y = tanh(2 w*ᵀx) + noise depends on x, so the best w is ±w*; the example
//! reports |cos(w, w*)| and the time to reach 0.95.
//!
//! Run: `cargo build --release --workspace --examples && target/release/examples/infomax`
//! (options: `--steps N --batch B --seed S --temperature T`).

use std::time::Instant;

use anyhow::{Context, bail};
use burn::module::{Module, Param};
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::{Device, Int, Tensor, TensorData};
use mutinf_objectives::InfoNetMi;
use mutinf_objectives::soft_rank::soft_copula;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DIMS: usize = 10;
const ROWS: usize = 8192;

/// The learned direction.
#[derive(Module, Debug)]
struct Projection {
    w: Param<Tensor<2>>,
}

impl Projection {
    /// `[B, D]` → `[B]`: the data projected on w / ‖w‖.
    fn forward(&self, x: Tensor<2>) -> Tensor<1> {
        let w = self.w.val();
        let unit = w.clone() / w.powi_scalar(2).sum().sqrt().reshape([1, 1]);
        let [b, _] = x.dims();
        x.matmul(unit).reshape([b])
    }

    fn direction(&self) -> Vec<f64> {
        let w: Vec<f32> = self.w.val().into_data().try_into_vec().unwrap_or_default();
        let norm = w.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>().sqrt();
        w.iter().map(|v| f64::from(*v) / norm).collect()
    }
}

fn arg(name: &str, default: f64) -> anyhow::Result<f64> {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == name) {
        Some(i) => args.get(i + 1).context("missing value")?.parse().with_context(|| format!("{name} needs a number")),
        None => Ok(default),
    }
}

fn main() -> anyhow::Result<()> {
    let steps = arg("--steps", 400.0)? as usize;
    let batch = arg("--batch", 512.0)? as usize;
    let seed = arg("--seed", 1.0)? as u64;
    let temperature = arg("--temperature", 0.05)?;
    if !(16..=ROWS).contains(&batch) {
        bail!("--batch must be in 16..={ROWS}");
    }
    let mut rng = StdRng::seed_from_u64(seed);
    // The informative direction and the data.
    let mut w_star: Vec<f64> = (0..DIMS).map(|_| rng.sample(StandardNormal)).collect();
    let norm = w_star.iter().map(|v| v * v).sum::<f64>().sqrt();
    w_star.iter_mut().for_each(|v| *v /= norm);
    let x: Vec<f64> = (0..ROWS * DIMS).map(|_| rng.sample(StandardNormal)).collect();
    let y: Vec<f64> = (0..ROWS)
        .map(|r| {
            let s: f64 = (0..DIMS).map(|j| x[r * DIMS + j] * w_star[j]).sum();
            (2.0 * s).tanh() + 0.25 * rng.sample::<f64, _>(StandardNormal)
        })
        .collect();

    let term = InfoNetMi::pretrained("infonet-small", &Device::flex())?.with_temperature(temperature)?;
    let device = term.device();
    let w0: Vec<f32> = (0..DIMS).map(|_| rng.sample::<f32, _>(StandardNormal)).collect();
    let mut projection = Projection { w: Param::from_data(TensorData::new(w0, [DIMS, 1]), &device) };
    let cosine = |p: &Projection| p.direction().iter().zip(&w_star).map(|(a, b)| a * b).sum::<f64>().abs();
    let mut optim = AdamConfig::new().init();
    let x_all = Tensor::<2>::from_data(TensorData::new(x.iter().map(|&v| v as f32).collect::<Vec<_>>(), [ROWS, DIMS]), &device);
    let y_all = Tensor::<1>::from_data(TensorData::new(y.iter().map(|&v| v as f32).collect::<Vec<_>>(), [ROWS]), &device);

    println!("InfoMax with InfoNet (infonet-small, frozen): D = {DIMS}, batch {batch}, τ = {temperature}, seed {seed}");
    println!("step  |cos(w, w*)|  MI (nats, batch)  seconds");
    println!("{:>4}  {:>11.4}  {:>16}  {:>7.1}", 0, cosine(&projection), "-", 0.0);
    let start = Instant::now();
    let mut reached: Option<(usize, f64)> = None;
    for step in 1..=steps {
        let rows: Vec<i64> = rand::seq::index::sample(&mut rng, ROWS, batch).into_iter().map(|i| i as i64).collect();
        let idx = Tensor::<1, Int>::from_data(TensorData::new(rows, [batch]), &device);
        let z = projection.forward(x_all.clone().select(0, idx.clone()));
        let mi = term.mi(z, y_all.clone().select(0, idx), step as u64)?;
        let value = f64::from(mi.clone().into_scalar::<f32>());
        let grads = GradientsParams::from_grads(mi.neg().backward(), &projection);
        projection = optim.step(0.05, projection, grads);
        let cos = cosine(&projection);
        if reached.is_none() && cos >= 0.95 {
            reached = Some((step, start.elapsed().as_secs_f64()));
        }
        if step % 25 == 0 || step == steps {
            println!("{step:>4}  {cos:>11.4}  {value:>16.4}  {:>7.1}", start.elapsed().as_secs_f64());
        }
    }
    let total = start.elapsed().as_secs_f64();
    match reached {
        Some((step, seconds)) => println!("|cos| first ≥ 0.95 at step {step}, after {seconds:.1} s"),
        None => println!("|cos| never reached 0.95"),
    }
    println!("final |cos(w, w*)| = {:.4} after {steps} steps, {total:.1} s", cosine(&projection));

    // The soft rank's own cost at the largest batch the issue allows.
    let probe = Tensor::<1>::from_data(TensorData::new((0..1024).map(|i| ((i * 7919) % 1024) as f32).collect::<Vec<_>>(), [1024]), &device).require_grad();
    let t = Instant::now();
    for _ in 0..10 {
        let u = soft_copula(probe.clone(), temperature);
        let _ = u.sum().backward();
    }
    println!("soft copula of N = 1024, forward + backward: {:.2} ms", t.elapsed().as_secs_f64() * 100.0);
    Ok(())
}
