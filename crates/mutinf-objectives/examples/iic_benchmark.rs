//! IIC against k-means on data with known classes: 10-component Gaussian mixtures in 2-D and
//! 10-D (separated and overlapping) and procedurally drawn 16 x 16 glyph images under random
//! affine perturbations. Accuracy after Hungarian matching, non-empty clusters, seconds.
//!
//! Run: `cargo build --release --workspace --examples && target/release/examples/iic_benchmark`
//! (options: `--only gmm|glyphs`, `--seeds K`, `--steps N`, `--n ROWS`, `--lambda λ`, `--verbose`).

#[path = "support/kmeans.rs"]
mod kmeans_support;

use std::time::Instant;

use anyhow::Context;
use burn::tensor::Device;
use mutinf_objectives::accuracy::clustering_accuracy;
use mutinf_objectives::cluster::{AffineViews, IicConfig, ImageViews, TabularViews, ViewSource, fit_iic};
use mutinf_objectives::glyphs::{GLYPH_CLASSES, GlyphConfig, draw_glyphs};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CLUSTERS: usize = 10;

/// A 10-component mixture with unit-variance isotropic components whose means are drawn
/// uniformly in a cube and kept at least `gap` apart; balanced labels.
fn mixture(d: usize, n: usize, gap: f64, seed: u64) -> (Vec<f64>, Vec<usize>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let side = gap * 2.5;
    let mut means: Vec<Vec<f64>> = Vec::new();
    while means.len() < CLUSTERS {
        let m: Vec<f64> = (0..d).map(|_| rng.random_range(-side..side)).collect();
        if means.iter().all(|o| o.iter().zip(&m).map(|(a, b)| (a - b).powi(2)).sum::<f64>().sqrt() >= gap) {
            means.push(m);
        }
    }
    let labels: Vec<usize> = (0..n).map(|i| i % CLUSTERS).collect();
    let data = labels.iter().flat_map(|&c| means[c].iter().map(|m| m + rng.sample::<f64, _>(StandardNormal)).collect::<Vec<_>>()).collect();
    (data, labels)
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

struct Row {
    name: String,
    kmeans: f64,
    iic: Vec<f64>,
    nonempty: Vec<usize>,
    seconds: f64,
}

fn run_iic(views: &dyn ViewSource, truth: &[usize], config: &IicConfig, seeds: u64, row: &mut Row) -> anyhow::Result<()> {
    for seed in 0..seeds {
        let start = Instant::now();
        let verbose = std::env::args().any(|a| a == "--verbose");
        let fit = fit_iic(views, &config.clone().with_seed(seed), &Device::flex(), &mut |p| {
            if verbose && p.step % 100 == 0 {
                eprintln!("    step {}: loss {:.4}", p.step, p.loss);
            }
        })?;
        row.seconds += start.elapsed().as_secs_f64() / seeds as f64;
        row.iic.push(clustering_accuracy(&fit.labels, truth)?);
        row.nonempty.push(fit.sizes.iter().filter(|&&s| s > 0).count());
        eprintln!("  {} seed {seed}: accuracy {:.3}, sizes {:?}, I(Z;Z') {:.3}", row.name, row.iic.last().unwrap(), fit.sizes, fit.mi);
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let only = arg("--only");
    let seeds: u64 = arg("--seeds").map_or(Ok(3), |s| s.parse()).context("--seeds needs a count")?;
    let n: usize = arg("--n").map_or(Ok(5000), |s| s.parse()).context("--n needs a count")?;
    let lambda: f64 = arg("--lambda").map_or(Ok(1.0), |s| s.parse()).context("--lambda needs a number")?;
    let steps: Option<usize> = arg("--steps").map(|s| s.parse()).transpose().context("--steps needs a count")?;
    let mut rows = Vec::new();
    if only.as_deref() != Some("glyphs") {
        for (d, gap, kind) in [(2, 8.0, "separated"), (2, 2.5, "overlapping"), (10, 8.0, "separated"), (10, 2.5, "overlapping")] {
            let (data, truth) = mixture(d, n, gap, 7 + d as u64);
            let as_f32: Vec<f32> = data.iter().map(|&v| v as f32).collect();
            let kmeans = clustering_accuracy(&kmeans_support::kmeans_labels(&as_f32, d, CLUSTERS, 0), &truth)?;
            let mut row = Row { name: format!("GMM {d}-D {kind} (min mean gap {gap}σ)"), kmeans, iic: vec![], nonempty: vec![], seconds: 0.0 };
            let views = TabularViews::new(&data, n, d, 0.1, 0.0)?;
            let config = IicConfig::new(CLUSTERS).with_overcluster(Some(5 * CLUSTERS)).with_steps(steps.unwrap_or(1500)).with_lambda(lambda);
            run_iic(&views, &truth, &config, seeds, &mut row)?;
            rows.push(row);
        }
    }
    if only.as_deref() != Some("gmm") {
        let set = draw_glyphs(n, &GlyphConfig::default(), 1)?;
        let kmeans = clustering_accuracy(&kmeans_support::kmeans_labels(&set.images, 256, GLYPH_CLASSES, 0), &set.labels)?;
        let mut row = Row { name: "glyphs 16x16, 10 classes, random affine".into(), kmeans, iic: vec![], nonempty: vec![], seconds: 0.0 };
        // Views as strong as the nuisances the images were drawn with (rotation 20°, shift 2 px,
        // scale 0.8–1.1), so IIC learns invariance to all of them.
        let affine = AffineViews::default().with_rotation_deg(arg("--view-rotation").map_or(20.0, |v| v.parse().unwrap_or(20.0))).with_shift(2.0).with_scale(0.85, 1.15);
        let views = ImageViews::new(set.images.clone(), affine)?;
        let config = IicConfig::new(GLYPH_CLASSES).with_overcluster(Some(5 * GLYPH_CLASSES)).with_steps(steps.unwrap_or(3000)).with_lambda(lambda);
        run_iic(&views, &set.labels, &config, seeds, &mut row)?;
        rows.push(row);
    }
    println!("| data (N = {n}) | k-means accuracy | IIC accuracy (mean over {seeds} seeds, min–max) | non-empty clusters (min) | IIC seconds per run |");
    println!("|---|---:|---:|---:|---:|");
    for r in rows {
        let mean = r.iic.iter().sum::<f64>() / r.iic.len() as f64;
        let (lo, hi) = r.iic.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
        println!(
            "| {} | {:.3} | {:.3} ({:.3}–{:.3}) | {} | {:.0} |",
            r.name,
            r.kmeans,
            mean,
            lo,
            hi,
            r.nonempty.iter().min().unwrap_or(&0),
            r.seconds
        );
    }
    Ok(())
}
