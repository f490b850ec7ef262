// Measures InfoNet training-step and forward time for a config on a CPU backend.
//
// ```text
// cargo run --release -p mutinf-train --example step_time -- configs/infonet-small.toml flex 10 2000
// ```
// Arguments: config, backend (flex | ndarray), timed steps, N per sequence.

use std::time::Instant;

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::Device;
use mutinf_train::TrainConfig;
use mutinf_train::data::make_step_batch;

/// CPU seconds (user + system, all threads) this process has used, from /proc/self/stat.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 (utime, stime, in 1/100 s) are the 12th and 13th after the ")" .
    let field = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (field(11) + field(12)) / 100.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let config = TrainConfig::load(args.get(1).map_or("configs/infonet-small.toml", String::as_str).as_ref()).unwrap();
    let backend = args.get(2).map_or("flex", String::as_str);
    let steps: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(5);
    let n: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(2000);
    #[allow(deprecated)]
    let base = if backend == "ndarray" { Device::ndarray() } else { Device::flex() };
    let device = base.clone().autodiff();
    let mut data = config.data.clone();
    data.min_samples = n;
    data.max_samples = n;
    let mut model = config.model.init(&device).unwrap();
    let mut optim = AdamConfig::new().init();
    println!("{} parameters, backend {backend}, batch {} x N {n}", model.num_params(), data.batch_size);
    let batches: Vec<_> = (0..steps + 2).map(|s| make_step_batch(&data, &config.model, 1, s).unwrap()).collect();
    let mut times = Vec::new();
    let mut cpu_start = 0.0;
    for (i, b) in batches.iter().enumerate() {
        if i == 2 {
            cpu_start = cpu_seconds();
        }
        let t = Instant::now();
        let loss = -model.bound(&b.batch, &device).mean();
        let _ = loss.clone().into_scalar::<f32>();
        let mut grads = GradientsParams::from_grads(loss.backward(), &model);
        mutinf_train::clip_global_norm(&model, &mut grads, 1.0).unwrap();
        model = optim.step(1e-4, model, grads);
        let dt = t.elapsed().as_secs_f64();
        if i >= 2 {
            times.push(dt);
        }
    }
    let cpu_per_step = (cpu_seconds() - cpu_start) / times.len() as f64;
    times.sort_by(f64::total_cmp);
    println!(
        "train step: median {:.3} s, min {:.3} s wall; {cpu_per_step:.2} CPU-s per step",
        times[times.len() / 2],
        times[0]
    );
    let valid = model.valid();
    let mut f = Vec::new();
    for b in batches.iter().take(4) {
        let t = Instant::now();
        let _ = valid.bound(&b.batch, &base).into_data();
        f.push(t.elapsed().as_secs_f64());
    }
    f.sort_by(f64::total_cmp);
    println!("forward (batch {}): median {:.3} s", data.batch_size, f[f.len() / 2]);
}
