// Reads a checkpoint's network at another table side G: the weights do not depend on G (grid
// queries are Fourier features of cell centres), so the same network can be sampled on a coarser
// grid, trading accuracy for decoder time. Prints Gaussian errors and time per estimate.
//
//   target/release/examples/regrid CHECKPOINT G [N] [repeats]

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;

use burn::tensor::Device;
use mutinf_models::{Readout, load_checkpoint, load_weights};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = std::path::Path::new(&args[1]);
    let g: usize = args[2].parse().unwrap();
    let n: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let repeats: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(10);
    let device = Device::flex();
    let (net, _) = load_checkpoint(path, &device).unwrap();
    let config = net.config().clone().with_grid(g);
    let net = load_weights(config.init(&device).unwrap(), path).unwrap().with_lanes(rayon::current_num_threads());
    let mut rng = StdRng::seed_from_u64(99);
    let mut abs = Vec::new();
    for rho in [-0.9, -0.7, -0.5, -0.3, 0.0, 0.3, 0.5, 0.7, 0.9] {
        let seqs = mutinf_train::gaussian_sequences(rho, n, repeats, &mut rng).unwrap();
        let est = net.estimate_sequences_with(&seqs, 7, Readout::Trained).unwrap();
        let truth = -0.5 * (1.0f64 - rho * rho).ln();
        let mean = est.iter().sum::<f64>() / est.len() as f64;
        abs.extend(est.iter().map(|e| (e - truth).abs()));
        println!("rho {rho:>5.2} truth {truth:.4} mean {mean:.4}");
    }
    println!("G {g}: mean |error| {:.4}", abs.iter().sum::<f64>() / abs.len() as f64);
    let (x, y) = mutinf_train::gaussian_pairs(0.5, n, &mut rng);
    net.estimate(&x, &y, 0).unwrap();
    let mut t: Vec<f64> = (0..15)
        .map(|_| {
            let s = Instant::now();
            net.estimate(&x, &y, 0).unwrap();
            s.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    println!("single estimate, N {n}: median {:.2} ms", t[7]);
}
