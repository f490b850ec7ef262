//! Where the regression readout's time goes at N = 2000: k-NN token features vs the network.
//!
//! `cargo run --release --example regression_time -p mutinf-models [checkpoint]`

use std::time::Instant;

use mutinf_models::regression::{RegressionEstimator, RegressorBatch, RegressorConfig, TokenFeatures, load_regressor};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let device = burn::tensor::Device::flex();
    let net = match std::env::args().nth(1) {
        Some(path) => load_regressor(path.as_ref(), &device)?.0,
        None => RegressorConfig::new().init_seeded(&device, 0)?,
    };
    let n = 2000;
    let pairs: Vec<(Vec<f64>, Vec<f64>)> = (0..64)
        .map(|s| {
            let x: Vec<f64> = (0..n).map(|i| ((i * 7919 + s * 31) % 2003) as f64).collect();
            let y: Vec<f64> = x.iter().enumerate().map(|(i, v)| v + ((i * 104_729 + s) % 1009) as f64).collect();
            (x, y)
        })
        .collect();
    let reps = 20;
    let t = Instant::now();
    for _ in 0..reps {
        TokenFeatures::from_samples(&pairs[0].0, &pairs[0].1)?;
    }
    println!("features, one sequence: {:.3} ms", t.elapsed().as_secs_f64() * 1e3 / reps as f64);
    let features: Vec<TokenFeatures> = pairs.iter().map(|(x, y)| TokenFeatures::from_samples(x, y)).collect::<Result<_, _>>()?;
    for b in [1usize, 64] {
        let batch = RegressorBatch::stack(&features[..b])?;
        net.forward_batch(&batch).into_data();
        let t = Instant::now();
        for _ in 0..reps {
            net.forward_batch(&batch).into_data();
        }
        println!("network, batch {b}: {:.3} ms per sequence", t.elapsed().as_secs_f64() * 1e3 / (reps * b) as f64);
    }
    let est = RegressionEstimator::new(net);
    let refs: Vec<(&[f64], &[f64])> = pairs.iter().map(|(x, y)| (&x[..], &y[..])).collect();
    for b in [1usize, 64] {
        est.quantiles_batch(&refs[..b])?;
        let t = Instant::now();
        for _ in 0..reps {
            est.quantiles_batch(&refs[..b])?;
        }
        println!("whole estimate, batch {b}: {:.3} ms per pair", t.elapsed().as_secs_f64() * 1e3 / (reps * b) as f64);
    }
    Ok(())
}
