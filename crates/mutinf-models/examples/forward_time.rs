// Where an InfoNet inference pass spends its time on a CPU backend: the whole estimate, the
// network's raw table, the table with a 2 x 2 grid (≈ no decoder) and with 16 context tokens
// (≈ no encoder), each timed as the median of many repetitions.
//
// ```text
// cargo run --release -p mutinf-models --example forward_time -- [N] [batch] [repeats] [G]
// ```

use std::time::Instant;

// The allocator of the `mutinf` binary (burn's CPU backends allocate many short-lived buffers).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use burn::tensor::{Device, Tensor, TensorData};
use mutinf_models::{CopulaSequence, Fold, InfoNetConfig, prepare_batch};

fn median_ms(repeats: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut t: Vec<f64> = (0..repeats)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn sequence(n: usize, seed: u64) -> CopulaSequence {
    // A deterministic dependent pair (no RNG needed for a timing).
    let x: Vec<f64> = (0..n).map(|i| ((i as f64 + 0.5) * 0.618_033_988_7 + seed as f64 * 0.1).fract()).collect();
    let y: Vec<f64> = x.iter().enumerate().map(|(i, v)| v + 0.3 * ((i * 7919) % 1000) as f64 / 1000.0).collect();
    CopulaSequence::from_samples(&x, &y).unwrap()
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let n = args.first().copied().unwrap_or(2000);
    let batch = args.get(1).copied().unwrap_or(1);
    let repeats = args.get(2).copied().unwrap_or(30);
    let device = Device::flex();
    // Optional 4th argument: the grid side G (default: the shipped 32).
    let config = InfoNetConfig::new().with_grid(args.get(3).copied().unwrap_or(32));
    let seqs: Vec<CopulaSequence> = (0..batch).map(|s| sequence(n, s as u64)).collect();
    let pairs: Vec<(Vec<f64>, Vec<f64>)> = seqs
        .iter()
        .map(|q| (q.u.iter().map(|&v| f64::from(v)).collect(), q.v.iter().map(|&v| f64::from(v)).collect()))
        .collect();
    let pair_refs: Vec<(&[f64], &[f64])> = pairs.iter().map(|(x, y)| (&x[..], &y[..])).collect();

    let net = config.init(&device).unwrap();
    println!("N {n}, batch {batch}, median of {repeats} (ms per call)");
    let whole = median_ms(repeats, || {
        net.estimate_batch(&pair_refs, 0).unwrap();
    });
    println!("estimate_batch (both folds, one pass)      {whole:8.3}");
    let lanes = rayon::current_num_threads();
    let laned = net.clone().with_lanes(lanes);
    let t = median_ms(repeats, || {
        laned.estimate_batch(&pair_refs, 0).unwrap();
    });
    println!("{:<42} {t:8.3}", format!("estimate_batch, {lanes} lanes"));

    let points = |cfg: &InfoNetConfig, ctx: usize| {
        let b = prepare_batch(&seqs, cfg, Fold::FirstToSecond, 0).unwrap();
        let keep: Vec<f32> = b.context.chunks(2 * b.n_context).flat_map(|s| s[..2 * ctx].to_vec()).collect();
        Tensor::<3>::from_data(TensorData::new(keep, [batch, ctx, 2]), &device)
    };
    let half = n / 2;
    for (label, cfg, ctx) in [
        ("raw table, 2 folds", config.clone(), half),
        ("raw table, grid 2 (no decoder)", config.clone().with_grid(2), half),
        ("raw table, 16 tokens (no encoder)", config.clone(), 16),
    ] {
        let net = cfg.init(&device).unwrap();
        let p = points(&cfg, ctx);
        let p2 = Tensor::cat(vec![p.clone(), p], 0);
        let t = median_ms(repeats, || {
            let _ = net.raw_table(p2.clone()).into_data();
        });
        println!("{label:<42} {t:8.3}");
    }
    let b = prepare_batch(&seqs, &config, Fold::FirstToSecond, 0).unwrap();
    let both = mutinf_models::PreparedBatch::concat(vec![b.clone(), b]);
    let t = median_ms(repeats, || {
        let _ = net.bound(&both, &device).into_data();
    });
    println!("{:<42} {t:8.3}", "bound (table + blur + readout), 2 folds");
    let t = median_ms(repeats, || {
        let _ = prepare_batch(&seqs, &config, Fold::FirstToSecond, 0).unwrap();
        let _ = prepare_batch(&seqs, &config, Fold::SecondToFirst, 0).unwrap();
    });
    println!("{:<42} {t:8.3}", "host: prepare 2 folds");
    let t = median_ms(repeats, || {
        for (x, y) in &pair_refs {
            let _ = CopulaSequence::from_samples(x, y).unwrap();
        }
    });
    println!("{:<42} {t:8.3}", "host: copula transform");
}
