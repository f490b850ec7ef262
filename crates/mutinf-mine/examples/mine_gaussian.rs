//! Measurements of the MINE family on bivariate Gaussians (issue 4 goals).
//!
//! ```text
//! cargo run --release -p mutinf-mine --features mimalloc --example mine_gaussian -- accuracy [--bound mine-dv] [--steps 1000] [--seeds 5] [--n 2000]
//! RAYON_NUM_THREADS=1 cargo run --release -p mutinf-mine --features mimalloc --example mine_gaussian -- speed [--bound mine] [--repeats 5]
//! cargo run --release -p mutinf-mine --features mimalloc --example mine_gaussian -- batched [--b 16] [--steps 500]
//! ```
//! Common options: `--device flex|ndarray`, `--batch 100`, `--lr 1e-3`, `--hidden 128,128`.
//! The backend and allocator are picked here, never in the library.

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;

use anyhow::{Result, bail};
use burn::tensor::Device;
use mutinf_core::{Estimator, PairedSamples};
use mutinf_mine::{Bound, MineEstimator, MineParams};
use ndarray::Array2;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

fn gaussian(rho: f64, n: usize, seed: u64) -> PairedSamples {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut x = Array2::zeros((n, 1));
    let mut y = Array2::zeros((n, 1));
    for i in 0..n {
        let a: f64 = StandardNormal.sample(&mut rng);
        let b: f64 = StandardNormal.sample(&mut rng);
        x[[i, 0]] = a;
        y[[i, 0]] = rho * a + (1.0 - rho * rho).sqrt() * b;
    }
    PairedSamples::new(x, y).expect("finite, non-constant")
}

fn truth(rho: f64) -> f64 {
    -0.5 * (1.0 - rho * rho).ln()
}

struct Args(Vec<String>);

impl Args {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .position(|a| a == name)
            .and_then(|i| self.0.get(i + 1))
            .map(String::as_str)
    }
    fn num<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| anyhow::anyhow!("bad value for {name}: {v}")),
        }
    }
    fn flag(&self, name: &str) -> bool {
        self.0.iter().any(|a| a == name)
    }
}

#[allow(deprecated)]
fn device(name: &str) -> Result<Device> {
    Ok(match name {
        "flex" => Device::flex(),
        "ndarray" => Device::ndarray(),
        other => bail!("unknown device {other}; use flex or ndarray"),
    })
}

fn params(args: &Args, default_bound: &str, default_steps: usize) -> Result<MineParams> {
    let bound = Bound::from_name(args.get("--bound").unwrap_or(default_bound))?;
    let hidden: Vec<usize> = match args.get("--hidden") {
        Some(h) => h.split(',').map(|w| w.parse()).collect::<Result<_, _>>()?,
        None => vec![128, 128],
    };
    let mut p = MineParams::new(bound)
        .with_steps(args.num("--steps", default_steps)?)
        .with_batch(args.num("--batch", 100)?)
        .with_lr(args.num("--lr", 1e-3)?)
        .with_hidden(hidden);
    if args.flag("--no-early-stop") {
        p = p.with_patience(None);
    }
    if let Some(pat) = args.get("--patience") {
        p = p.with_patience(Some(pat.parse()?));
    }
    Ok(p)
}

fn main() -> Result<()> {
    let args = Args(std::env::args().skip(1).collect());
    let mode = args.0.first().cloned().unwrap_or_else(|| "accuracy".into());
    let dev = device(args.get("--device").unwrap_or("flex"))?;
    let n: usize = args.num("--n", 2000)?;
    match mode.as_str() {
        "accuracy" => {
            let seeds: u64 = args.num("--seeds", 5)?;
            let base = params(&args, "mine-dv", 1000)?;
            println!(
                "bound={} steps={} batch={} lr={} hidden={:?} patience={:?} N={n}",
                base.bound.name(),
                base.steps,
                base.batch,
                base.lr,
                base.hidden,
                base.patience
            );
            println!(
                "{:>5} {:>7} {:>8} {:>8} {:>8} {:>8} {:>6} {:>7}",
                "rho", "truth", "mean", "bias", "std", "max|err|", "steps", "s/est"
            );
            for rho in [0.0, 0.5, 0.75, 0.9] {
                let mut vals = vec![];
                let mut steps = vec![];
                let mut secs = 0.0;
                for s in 0..seeds {
                    // Fresh data and a fresh critic per seed: the spread includes sampling noise.
                    let data = gaussian(rho, n, 1000 + s);
                    let est = MineEstimator::new(base.clone().with_seed(s), dev.clone())?;
                    let e = est.estimate(&data)?;
                    vals.push(e.mi);
                    steps.push(e.params["steps_run"].as_u64().unwrap_or(0));
                    secs += e.seconds;
                }
                let mean = vals.iter().sum::<f64>() / vals.len() as f64;
                let std = (vals.iter().map(|v| (v - mean).powi(2)).sum::<f64>()
                    / (vals.len() as f64 - 1.0).max(1.0))
                .sqrt();
                let max_err = vals
                    .iter()
                    .map(|v| (v - truth(rho)).abs())
                    .fold(0.0, f64::max);
                let mean_steps = steps.iter().sum::<u64>() as f64 / steps.len() as f64;
                println!(
                    "{rho:>5} {:>7.4} {mean:>8.4} {:>+8.4} {std:>8.4} {max_err:>8.4} {mean_steps:>6.0} {:>7.3}   {:?}",
                    truth(rho),
                    mean - truth(rho),
                    secs / seeds as f64,
                    vals.iter()
                        .map(|v| (v * 1e4).round() / 1e4)
                        .collect::<Vec<_>>()
                );
            }
        }
        "speed" => {
            let repeats: usize = args.num("--repeats", 5)?;
            let p = params(&args, "mine", 500)?.with_patience(None);
            let data = gaussian(0.5, n, 1);
            let est = MineEstimator::new(p.clone(), dev.clone())?;
            est.estimate(&data)?; // warm-up (allocator, thread pool)
            let mut times = vec![];
            for r in 0..repeats {
                let t = Instant::now();
                let e = MineEstimator::new(p.clone().with_seed(r as u64), dev.clone())?
                    .estimate(&data)?;
                times.push(t.elapsed().as_secs_f64());
                println!(
                    "run {r}: {:.3} s, estimate {:.4} (truth {:.4})",
                    times[r],
                    e.mi,
                    truth(0.5)
                );
            }
            times.sort_by(f64::total_cmp);
            println!(
                "bound={} steps={} batch={} hidden={:?}: median {:.3} s per estimate (min {:.3})",
                p.bound.name(),
                p.steps,
                p.batch,
                p.hidden,
                times[times.len() / 2],
                times[0]
            );
        }
        "batched" => {
            let b: usize = args.num("--b", 16)?;
            let p = params(&args, "mine", 500)?.with_patience(None);
            let rhos: Vec<f64> = (0..b)
                .map(|i| 0.9 * i as f64 / (b.max(2) - 1) as f64)
                .collect();
            let sets: Vec<PairedSamples> = rhos
                .iter()
                .enumerate()
                .map(|(i, &r)| gaussian(r, n, 50 + i as u64))
                .collect();
            let est = MineEstimator::new(p.clone(), dev.clone())?;
            est.estimate(&sets[0])?; // warm-up
            let t = Instant::now();
            let one = est.estimate(&sets[b - 1])?;
            let t_one = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let all = est.estimate_batch(&sets)?;
            let t_all = t.elapsed().as_secs_f64();
            println!(
                "one estimation: {t_one:.3} s ({:.4} vs truth {:.4})",
                one.mi,
                truth(rhos[b - 1])
            );
            println!("batched over {b}: {t_all:.3} s = {:.2}x one", t_all / t_one);
            let mut worst: f64 = 0.0;
            for (e, r) in all.iter().zip(&rhos) {
                worst = worst.max((e.mi - truth(*r)).abs());
                println!("  rho {r:.3}: {:.4} (truth {:.4})", e.mi, truth(*r));
            }
            println!("max |error| in the batch: {worst:.4}");
        }
        other => bail!("unknown mode {other}; use accuracy, speed or batched"),
    }
    Ok(())
}
