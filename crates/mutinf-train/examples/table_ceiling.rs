// How much of a mixture's MI a G x G table, read the way InfoNet reads it, can show at all.
//
// For every mixture of a GMM-levels set (the evaluation family, from `mutinf bench gmm-levels`)
// and of a matching set drawn from the paper's training family, the "oracle" table is the table
// of that shape (G x G, blurred like InfoNet's, read bilinearly) that maximises the bound on
// 500,000 samples (a concave problem, solved by Adam from the log-histogram; `CEILING_ITERATIONS`
// steps, default 300), and its Donsker-Varadhan bound is read on fresh N = 1000 samples exactly
// as InfoNet's readout does (bilinear, R = 5 permutations). No network can beat the oracle of its own G and blur by
// much, so oracle − truth is the ceiling of the table, and InfoNet − oracle what the network
// leaves on the table. Printed per MI level, next to InfoNet's own error at N = 2000.
//
// ```text
// cargo build --release --workspace --examples
// target/release/examples/table_ceiling CHECKPOINT LEVELS_SET.json [per_level]
// ```

use std::path::Path;

use burn::tensor::Device;
use mutinf_gmm::families::{LevelledGmm, PaperTrainFamily};
use mutinf_gmm::{GaussianMixture, MonteCarloOptions, TrueMi};
use mutinf_models::readout::{bilinear_corners, blur_matrix};
use mutinf_models::{CopulaSequence, InfoNet, load_checkpoint};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rayon::prelude::*;

const TABLE_SAMPLES: usize = 500_000;
const SCORE_SAMPLES: usize = 1000;
const SCORE_REPEATS: usize = 4;
const PERMUTATIONS: usize = 5;
/// Adam steps of the table optimisation.
const DEFAULT_ITERATIONS: usize = 300;
/// (label, G, blur sigma in rank units)
const TABLES: [(&str, usize, f64); 4] =
    [("G32 blur.02", 32, 0.02), ("G32 sharp", 32, 0.0), ("G64 blur.01", 64, 0.01), ("G128 sharp", 128, 0.0)];

fn copula(gmm: &GaussianMixture, n: usize, rng: &mut StdRng) -> CopulaSequence {
    let data = gmm.sample(n, rng);
    CopulaSequence::from_samples(&data.column(0).to_vec(), &data.column(1).to_vec()).expect("valid samples")
}

/// Log of the copula density's G x G histogram (half a count per cell keeps it finite): where
/// the table optimisation starts.
fn log_histogram(sample: &CopulaSequence, g: usize) -> Vec<f64> {
    let mut counts = vec![0.5f64; g * g];
    for (&u, &v) in sample.u.iter().zip(&sample.v) {
        let cell = |t: f32| ((t * g as f32) as usize).min(g - 1);
        counts[cell(u) * g + cell(v)] += 1.0;
    }
    let total: f64 = counts.iter().sum();
    counts.iter().map(|c| (c * (g * g) as f64 / total).ln()).collect()
}

/// `K A Kᵀ` for row-major G x G matrices (`transpose_k`: `Kᵀ A K` instead).
fn sandwich(k: &[f64], a: &[f64], g: usize, transpose_k: bool) -> Vec<f64> {
    let kk = |i: usize, m: usize| if transpose_k { k[m * g + i] } else { k[i * g + m] };
    let mut tmp = vec![0.0; g * g];
    for i in 0..g {
        for j in 0..g {
            tmp[i * g + j] = (0..g).map(|m| kk(i, m) * a[m * g + j]).sum();
        }
    }
    let mut out = vec![0.0; g * g];
    for i in 0..g {
        for j in 0..g {
            out[i * g + j] = (0..g).map(|m| tmp[i * g + m] * kk(j, m)).sum();
        }
    }
    out
}

/// The table that maximises the population DV bound among all tables of this shape: raw table R,
/// blurred `T = K R Kᵀ`, read bilinearly. The objective `E_p[T] − log E_q[e^T]` is concave in R
/// (T is linear in R), so Adam from the log-histogram finds its maximum. E_p is the mean over
/// the big joint sample; q, the product of the copula's uniform margins, is integrated on a
/// regular 4G x 4G grid.
fn optimal_table(sample: &CopulaSequence, g: usize, sigma: f64, iterations: usize) -> Vec<f64> {
    // `K A Kᵀ` (or `Kᵀ A K` for gradients); no blur at sigma 0.
    let k: Option<Vec<f64>> = (sigma > 0.0).then(|| blur_matrix(g, sigma).into_iter().map(f64::from).collect());
    let blur = |a: &[f64], transpose_k: bool| k.as_ref().map_or_else(|| a.to_vec(), |k| sandwich(k, a, g, transpose_k));
    // Joint weight of every cell: the mean bilinear weight the sample puts on it.
    let mut wj = vec![0.0; g * g];
    for (&u, &v) in sample.u.iter().zip(&sample.v) {
        let (idx, w) = bilinear_corners(u, v, g);
        idx.iter().zip(w).for_each(|(&i, w)| wj[i as usize] += f64::from(w));
    }
    wj.iter_mut().for_each(|w| *w /= sample.len() as f64);
    let q = 4 * g;
    let quad: Vec<([i64; 4], [f32; 4])> = (0..q * q)
        .map(|p| bilinear_corners(((p / q) as f32 + 0.5) / q as f32, ((p % q) as f32 + 0.5) / q as f32, g))
        .collect();
    let mut r = log_histogram(sample, g);
    let (mut m, mut v2) = (vec![0.0; g * g], vec![0.0; g * g]);
    let (lr, b1, b2) = (0.05, 0.9, 0.999);
    for it in 1..=iterations {
        let t = blur(&r, false);
        let tq: Vec<f64> = quad.iter().map(|(idx, w)| idx.iter().zip(w).map(|(&i, &w)| t[i as usize] * f64::from(w)).sum()).collect();
        let max = tq.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let e: Vec<f64> = tq.iter().map(|x| (x - max).exp()).collect();
        let z: f64 = e.iter().sum();
        // d/dT of E_p[T] − log E_q[e^T]: the joint weights minus the tilted quadrature weights.
        let mut grad_t = wj.clone();
        for ((idx, w), e) in quad.iter().zip(&e) {
            idx.iter().zip(w).for_each(|(&i, &w)| grad_t[i as usize] -= e / z * f64::from(w));
        }
        let grad = blur(&grad_t, true);
        for i in 0..g * g {
            m[i] = b1 * m[i] + (1.0 - b1) * grad[i];
            v2[i] = b2 * v2[i] + (1.0 - b2) * grad[i] * grad[i];
            let (mh, vh) = (m[i] / (1.0 - b1.powi(it as i32)), v2[i] / (1.0 - b2.powi(it as i32)));
            r[i] += lr * mh / (vh.sqrt() + 1e-8);
        }
    }
    blur(&r, false)
}

fn read(t: &[f64], g: usize, u: f32, v: f32) -> f64 {
    let (idx, w) = bilinear_corners(u, v, g);
    idx.iter().zip(w).map(|(&i, w)| t[i as usize] * f64::from(w)).sum()
}

/// InfoNet's Donsker-Varadhan readout of table `t` on `s`.
fn dv(t: &[f64], g: usize, s: &CopulaSequence, rng: &mut StdRng) -> f64 {
    let n = s.len();
    let joint = (0..n).map(|i| read(t, g, s.u[i], s.v[i])).sum::<f64>() / n as f64;
    let mut marginal = 0.0;
    let mut perm: Vec<usize> = (0..n).collect();
    for _ in 0..PERMUTATIONS {
        perm.shuffle(rng);
        let vals: Vec<f64> = (0..n).map(|i| read(t, g, s.u[i], s.v[perm[i]])).collect();
        let max = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        marginal += max + (vals.iter().map(|x| (x - max).exp()).sum::<f64>() / n as f64).ln();
    }
    joint - marginal / PERMUTATIONS as f64
}

/// (InfoNet estimate at N = 2000, oracle bound per table config) for one mixture.
fn measure(gmm: &GaussianMixture, net: &InfoNet, seed: u64, iterations: usize) -> (f64, Vec<f64>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let big = copula(gmm, TABLE_SAMPLES, &mut rng);
    let scores: Vec<CopulaSequence> = (0..SCORE_REPEATS).map(|_| copula(gmm, SCORE_SAMPLES, &mut rng)).collect();
    let oracle = TABLES
        .iter()
        .map(|&(_, g, sigma)| {
            let t = optimal_table(&big, g, sigma, iterations);
            scores.iter().map(|s| dv(&t, g, s, &mut rng)).sum::<f64>() / SCORE_REPEATS as f64
        })
        .collect();
    let data = gmm.sample(2000, &mut rng);
    let est = net.estimate(&data.column(0).to_vec(), &data.column(1).to_vec(), 0).expect("estimate");
    (est, oracle)
}

fn report(name: &str, set: &[LevelledGmm], net: &InfoNet, iterations: usize) {
    let rows: Vec<(f64, f64, f64, Vec<f64>)> = set
        .par_iter()
        .enumerate()
        .map(|(i, l)| {
            let (est, oracle) = measure(&l.gmm, net, 1000 + i as u64, iterations);
            (l.level, l.truth.value, est, oracle)
        })
        .collect();
    println!("\n{name}: mean (estimate − truth) per level; oracle = best table of that shape, read like InfoNet's");
    print!("| level | count | truth | InfoNet |");
    TABLES.iter().for_each(|(label, ..)| print!(" oracle {label} |"));
    println!();
    println!("|---:|---:|---:|---:|{}", "---:|".repeat(TABLES.len()));
    let mut levels: Vec<f64> = rows.iter().map(|r| r.0).collect();
    levels.dedup();
    for level in levels {
        let at: Vec<_> = rows.iter().filter(|r| r.0 == level).collect();
        let m = at.len() as f64;
        let truth = at.iter().map(|r| r.1).sum::<f64>() / m;
        let net_err = at.iter().map(|r| r.2 - r.1).sum::<f64>() / m;
        print!("| {level:.2} | {} | {truth:.3} | {net_err:+.3} |", at.len());
        for k in 0..TABLES.len() {
            print!(" {:+.3} |", at.iter().map(|r| r.3[k] - r.1).sum::<f64>() / m);
        }
        println!();
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(ckpt), Some(set_path)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: table_ceiling CHECKPOINT LEVELS_SET.json [per_level]");
        std::process::exit(2);
    };
    let per_level: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10);
    let iterations = std::env::var("CEILING_ITERATIONS").ok().and_then(|s| s.parse().ok()).unwrap_or(DEFAULT_ITERATIONS);
    let device = Device::flex();
    let (net, _) = load_checkpoint(Path::new(ckpt), &device).expect("checkpoint");
    let text = std::fs::read_to_string(set_path).expect("levels set");
    let eval: Vec<LevelledGmm> = serde_json::from_str(&text).expect("a GMM-levels set (JSON)");
    let mut seen = std::collections::BTreeMap::<u64, usize>::new();
    let eval: Vec<LevelledGmm> = eval
        .into_iter()
        .filter(|l| {
            let c = seen.entry((l.level * 10.0).round() as u64).or_default();
            *c += 1;
            *c <= per_level
        })
        .collect();
    // Bivariate Gaussians (truth −½ ln(1 − ρ²)); "level" is ρ here.
    let gauss: Vec<LevelledGmm> = [0.3, 0.5, 0.7, 0.8, 0.9, 0.95]
        .iter()
        .flat_map(|&rho| {
            let value = -0.5 * (1.0f64 - rho * rho).ln();
            let gmm = GaussianMixture::bivariate_gaussian(rho).expect("valid rho");
            let truth = TrueMi { value, std_error: 0.0, samples: 0, analytic: true };
            (0..per_level.min(4)).map(move |draw| LevelledGmm { level: rho, gmm: gmm.clone(), truth, draw })
        })
        .collect();
    report("bivariate Gaussians (level = rho)", &gauss, &net, iterations);
    report("evaluation family (paper Tab. 2 set)", &eval, &net, iterations);

    // The same levels from the training family: draw, take the Monte-Carlo truth, bucket.
    let mc = MonteCarloOptions { samples: 20_000, ..Default::default() };
    let family = PaperTrainFamily::default();
    let mut train: Vec<LevelledGmm> = Vec::new();
    let mut filled = std::collections::BTreeMap::<u64, usize>::new();
    let mut rng = StdRng::seed_from_u64(5);
    let screen = MonteCarloOptions { samples: 2_000, ..Default::default() };
    for draw in 0..200_000 {
        let gmm = family.sample(&mut rng).expect("family");
        let quick = gmm.mutual_information(&[0], &[1], &screen).expect("truth");
        let open = |lvl: f64| filled.get(&((lvl * 10.0).round() as u64)).copied().unwrap_or(0) < per_level;
        let near = (quick.value * 10.0).round() / 10.0;
        if quick.value > 0.97 || !open(near) {
            continue;
        }
        let truth = if quick.analytic { quick } else { gmm.mutual_information(&[0], &[1], &mc).expect("truth") };
        let level = (truth.value * 10.0).round() / 10.0;
        if level > 0.9 || (truth.value - level).abs() > 0.05 {
            continue;
        }
        let c = filled.entry((level * 10.0).round() as u64).or_default();
        if *c < per_level {
            *c += 1;
            train.push(LevelledGmm { level, gmm, truth, draw });
        }
        if filled.len() == 10 && filled.values().all(|&c| c >= per_level) {
            break;
        }
    }
    train.sort_by(|a, b| a.level.total_cmp(&b.level));
    report("training family (paper rule)", &train, &net, iterations);
}
