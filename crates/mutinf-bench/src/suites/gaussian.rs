//! Fig. 4: bivariate Gaussians, ρ ∈ [−0.9, 0.9], N = 2000, several seeds; estimate vs the
//! analytic truth `−½ ln(1 − ρ²)`, every method on the same samples. Plus a robustness table:
//! N ∈ {200 … 5000} at ρ = 0.5 and 0.9, and ρ = 0.9 with Y shuffled (truth 0).

use mutinf_core::PairedSamples;
use mutinf_gmm::families::mi_for_rho;
use rand::seq::SliceRandom;
use serde_json::json;

use super::run_methods;
use crate::data::{gaussian_columns, rng_for};
use crate::metrics::{ErrorStats, mean, paired_difference, std_dev};
use crate::table::{Cell, Table};
use crate::{Bench, Result, Suite, SuiteReport, plot};

/// The correlations of the main table: −0.9, −0.8, …, 0.9 (full) or every third (quick).
pub fn rhos(quick: bool) -> Vec<f64> {
    let all: Vec<f64> = (-9..=9).map(|i| f64::from(i) / 10.0).collect();
    if quick { all.into_iter().step_by(3).collect() } else { all }
}

/// Runs the suite.
pub fn run(bench: &Bench) -> Result<SuiteReport> {
    let methods = bench.methods_for(Suite::Gaussian);
    let n = bench.pick(&bench.sizes.n, 2000, 2000);
    let seeds = bench.pick(&bench.sizes.seeds, 1, 5);
    let sizes = bench.pick(&bench.sizes.sizes, vec![200, 1000], vec![200, 500, 1000, 2000, 5000]);
    let rhos = rhos(bench.quick);

    // Main grid: seed-major, then ρ.
    let mut data = Vec::new();
    let mut keys = Vec::new();
    for s in 0..seeds {
        for (ri, &rho) in rhos.iter().enumerate() {
            let (x, y) = gaussian_columns(rho, n, &mut rng_for(bench.seed, &[1, s as u64, ri as u64]));
            data.push(PairedSamples::from_columns(&x, &y)?);
            keys.push((rho, s));
        }
    }
    let est = run_methods(bench, "gaussian", &methods, &data, 1, bench.seed_for(&[2]))?;

    let mut raw = Table::raw("raw", &["rho", "seed", "truth", "method", "estimate", "seconds"]);
    for (mi, m) in methods.iter().enumerate() {
        for (k, &(rho, s)) in keys.iter().enumerate() {
            raw.push(vec![
                Cell::num(rho, 1),
                s.into(),
                Cell::num(mi_for_rho(rho)?, 4),
                m.name().into(),
                Cell::num(est[mi][k].mi, 4),
                Cell::Seconds(est[mi][k].seconds),
            ]);
        }
    }

    let mut header = vec!["rho".to_string(), "truth".to_string()];
    header.extend(methods.iter().map(|m| m.name().to_string()));
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut by_rho = Table::new(
        "estimates",
        format!("Mean estimate (nats) over {seeds} seed(s), N = {n}; truth −½ ln(1 − ρ²)"),
        &header_refs,
    );
    let mut curves: Vec<Vec<(f64, f64)>> = vec![Vec::new(); methods.len()];
    for &rho in &rhos {
        let truth = mi_for_rho(rho)?;
        let mut row = vec![Cell::num(rho, 1), Cell::num(truth, 3)];
        for (mi, curve) in curves.iter_mut().enumerate() {
            let vals: Vec<f64> = keys.iter().zip(&est[mi]).filter(|((r, _), _)| *r == rho).map(|(_, e)| e.mi).collect();
            row.push(Cell::num(mean(&vals), 3));
            curve.push((rho, mean(&vals)));
        }
        by_rho.push(row);
    }

    let mut summary = Table::new(
        "summary",
        format!("Error vs the analytic truth over {} estimates per method (same samples for every method)", keys.len()),
        &["method", "mean |error|", "max |error|", "bias", "RMSE", "mean |error| − KSG's (± s.e.)", "90% CI coverage", "s / estimate"],
    );
    let truths: Vec<f64> = keys.iter().map(|&(rho, _)| mi_for_rho(rho)).collect::<std::result::Result<_, _>>()?;
    let abs_errors: Vec<Vec<f64>> =
        est.iter().map(|e| e.iter().zip(&truths).map(|(e, t)| (e.mi - t).abs()).collect()).collect();
    // The Gaussian goal is "no worse than KSG on the same samples": the paired
    // difference of absolute errors, with its standard error, says whether a gap is noise.
    let ksg = methods.iter().position(|m| m.name() == "ksg");
    let mut maes = Vec::new();
    for (mi, m) in methods.iter().enumerate() {
        let values: Vec<f64> = est[mi].iter().map(|e| e.mi).collect();
        let s = ErrorStats::new(&values, &truths);
        maes.push(s.mean_abs);
        let secs: Vec<f64> = est[mi].iter().map(|e| e.seconds).collect();
        let vs_ksg = match ksg.filter(|&k| k != mi).and_then(|k| paired_difference(&abs_errors[mi], &abs_errors[k])) {
            Some((d, se)) => Cell::Text(format!("{d:+.4} ± {se:.4}")),
            None => Cell::Text("—".into()),
        };
        summary.push(vec![
            m.name().into(),
            Cell::num(s.mean_abs, 4),
            Cell::num(s.max_abs, 4),
            Cell::num(s.mean, 4),
            Cell::num(s.rmse, 4),
            vs_ksg,
            super::coverage_cell(&est[mi], &truths),
            Cell::Seconds(mean(&secs)),
        ]);
    }

    // Robustness: N sweep at ρ = 0.5, 0.9 and ρ = 0.9 shuffled.
    let cases: [(&str, f64, bool); 3] = [("rho=0.5", 0.5, false), ("rho=0.9", 0.9, false), ("rho=0.9 shuffled", 0.9, true)];
    let mut rdata = Vec::new();
    let mut rkeys = Vec::new();
    for (si, &size) in sizes.iter().enumerate() {
        for (ci, &(_, rho, shuffled)) in cases.iter().enumerate() {
            for s in 0..seeds {
                let mut rng = rng_for(bench.seed, &[3, si as u64, ci as u64, s as u64]);
                let (x, mut y) = gaussian_columns(rho, size, &mut rng);
                if shuffled {
                    y.shuffle(&mut rng);
                }
                rdata.push(PairedSamples::from_columns(&x, &y)?);
                rkeys.push((size, ci));
            }
        }
    }
    let rest = run_methods(bench, "robustness", &methods, &rdata, 1, bench.seed_for(&[4]))?;
    let mut rheader = vec!["N".to_string(), "case".to_string(), "truth".to_string()];
    for m in &methods {
        rheader.push(format!("{} mean", m.name()));
        rheader.push(format!("{} sd", m.name()));
    }
    let rheader_refs: Vec<&str> = rheader.iter().map(String::as_str).collect();
    let mut robust = Table::new(
        "robustness",
        format!("Robustness: mean and sd of the estimate over {seeds} seed(s) by N; shuffled Y has truth 0"),
        &rheader_refs,
    );
    for &size in &sizes {
        for (ci, &(name, rho, shuffled)) in cases.iter().enumerate() {
            let truth = if shuffled { 0.0 } else { mi_for_rho(rho)? };
            let mut row = vec![size.into(), name.into(), Cell::num(truth, 3)];
            for estimates in rest.iter().take(methods.len()) {
                let vals: Vec<f64> =
                    rkeys.iter().zip(estimates).filter(|(k, _)| **k == (size, ci)).map(|(_, e)| e.mi).collect();
                row.push(Cell::num(mean(&vals), 3));
                row.push(Cell::num(std_dev(&vals), 3));
            }
            robust.push(row);
        }
    }

    let mut series = vec![plot::curve(
        "truth −½ln(1−ρ²)",
        (-95..=95).map(|i| f64::from(i) / 100.0).map(|r| (r, -0.5 * (1.0 - r * r).ln())).collect(),
    )];
    for (mi, m) in methods.iter().enumerate() {
        series.push(plot::points(format!("{} (MAE {:.3})", m.name(), maes[mi]), curves[mi].clone()));
    }
    let png = plot::write(&bench.out_dir, "gaussian.png", &format!("Bivariate Gaussian, N = {n}"), "ρ", "MI (nats)", series, false, false)?;

    Ok(SuiteReport {
        suite: "gaussian".into(),
        title: "Bivariate Gaussians (paper Fig. 4)".into(),
        settings: json!({"n": n, "seeds": seeds, "rhos": rhos.len(), "robustness_sizes": sizes, "mine_steps": bench.mine_steps()}),
        notes: vec![
            "Every method sees the same samples. InfoNet runs 64 sequences per forward pass and MINE 16 critics per \
             batched run, so their s / estimate is the batch time divided by the batch size."
                .into(),
        ],
        tables: vec![by_rho, summary, robust, raw],
        plots: vec![png],
        seconds: 0.0,
    })
}
