// Evaluates an InfoNet checkpoint on bivariate Gaussians: the estimate (`InfoNet::estimate`,
// the network's default readout: cross-fitted halves for a holdout-trained network, table
// scale fitted per estimate), the same network read in-sample
// (table predicted from and scored on all samples), and the time per estimate.
//
//   cargo run --release -p mutinf-train --example evaluate -- runs/infonet-small/best.safetensors 2000 8

use std::time::Instant;

use burn::tensor::Device;
use mutinf_models::{CopulaSequence, Readout, load_checkpoint};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).map_or("runs/infonet-small/best.safetensors", String::as_str);
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let repeats: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(8);
    let device = Device::flex();
    let (net, meta) = load_checkpoint(path.as_ref(), &device).expect("loading the checkpoint");
    println!("{path}: step {}, holdout {}", meta.get("mutinf.step").map_or("?", String::as_str), net.config().holdout);
    println!("{:>5} {:>7} {:>9} {:>9} {:>9}", "rho", "truth", "estimate", "sd", "in-sample");
    let mut rng = StdRng::seed_from_u64(99);
    for rho in [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95] {
        let seqs = mutinf_train::gaussian_sequences(rho, n, repeats, &mut rng).unwrap();
        let est = net.estimate_sequences(&seqs, 7).unwrap();
        let mean = est.iter().sum::<f64>() / est.len() as f64;
        let sd = (est.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / (est.len() - 1).max(1) as f64).sqrt();
        let ins = net.estimate_sequences_with(&seqs, 7, Readout::InSample).unwrap();
        let ins_mean = ins.iter().sum::<f64>() / ins.len() as f64;
        println!("{rho:>5.2} {:>7.4} {mean:>9.4} {sd:>9.4} {ins_mean:>9.4}", -0.5 * (1.0 - rho * rho).ln());
    }
    // Shuffled y: independence by construction, whatever the margins.
    let (x, y) = mutinf_train::gaussian_pairs(0.9, n, &mut rng);
    let mut y = y;
    rand::seq::SliceRandom::shuffle(y.as_mut_slice(), &mut rng);
    println!("rho 0.9 with y shuffled: {:.4}", net.estimate(&x, &y, 1).unwrap());
    for b in [1usize, 16] {
        let seqs: Vec<CopulaSequence> = (0..b)
            .map(|_| {
                let (x, y) = mutinf_train::gaussian_pairs(0.5, n, &mut rng);
                CopulaSequence::from_samples(&x, &y).unwrap()
            })
            .collect();
        let _ = net.estimate_sequences(&seqs, 0).unwrap();
        let t = Instant::now();
        for _ in 0..3 {
            let _ = net.estimate_sequences(&seqs, 0).unwrap();
        }
        println!("estimate, batch {b} x N {n}: {:.1} ms per batch", t.elapsed().as_secs_f64() * 1000.0 / 3.0);
    }
}
