//! Tab. 2: evaluation-family 2-D mixtures bucketed by Monte-Carlo true MI into levels
//! 0.0 … 0.9 (±0.05); mean and variance of (estimate − truth) per level per method.
//!
//! The generated set (mixtures and truths) is cached as JSON in the output folder, keyed by seed,
//! size and Monte-Carlo samples, so re-runs (e.g. with a new checkpoint) reuse it.

use std::path::Path;

use mutinf_core::PairedSamples;
use mutinf_gmm::families::{DEFAULT_HALF_WIDTH, DEFAULT_MI_LEVELS, LevelledGmm, mi_levels};
use mutinf_gmm::{MonteCarloOptions, PaperEvalFamily};
use serde_json::json;

use super::{fmt_level, run_methods};
use crate::data::{pair_from, sample_gmm, sub_seed};
use crate::metrics::{ErrorStats, mean};
use crate::table::{Cell, Table};
use crate::{Bench, Result, Suite, SuiteReport, io_err, plot};

/// Loads the cached set at `path` or generates (and caches) it.
pub fn level_set(path: &Path, per_level: usize, mc: &MonteCarloOptions, seed: u64, progress: bool) -> Result<(Vec<LevelledGmm>, bool)> {
    if let Ok(text) = std::fs::read_to_string(path)
        && let Ok(set) = serde_json::from_str::<Vec<LevelledGmm>>(&text)
        && set.len() == per_level * DEFAULT_MI_LEVELS.len()
    {
        return Ok((set, true));
    }
    let bar = crate::progress::bar(progress, 1, "levels: truths");
    bar.set_message(format!("drawing {per_level} mixtures per level (Monte-Carlo truths, {} samples)", mc.samples));
    let set = mi_levels(&DEFAULT_MI_LEVELS, DEFAULT_HALF_WIDTH, per_level, &PaperEvalFamily::default(), mc, seed)?;
    bar.finish_and_clear();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    }
    std::fs::write(path, serde_json::to_string(&set).expect("serialisable")).map_err(io_err(path))?;
    Ok((set, false))
}

/// Runs the suite.
pub fn run(bench: &Bench) -> Result<SuiteReport> {
    let methods = bench.methods_for(Suite::GmmLevels);
    let n = bench.pick(&bench.sizes.n, 2000, 2000);
    let per_level = bench.pick(&bench.sizes.per_level, 2, 1000);
    let truth_samples = bench.pick(&bench.sizes.truth_samples, 20_000, 100_000);
    let mc = MonteCarloOptions { samples: truth_samples, seed: bench.seed_for(&[21]), ..Default::default() };
    let set_seed = bench.seed_for(&[20]);
    let cache = bench.out_dir.join(format!("gmm-levels-set-seed{}-per{per_level}-mc{truth_samples}.json", bench.seed));
    let (set, cached) = level_set(&cache, per_level, &mc, set_seed, bench.progress)?;

    let data: Vec<PairedSamples> = set
        .iter()
        .enumerate()
        .map(|(i, l)| pair_from(&sample_gmm(&l.gmm, n, sub_seed(bench.seed, &[22, i as u64])), &[0], &[1]))
        .collect::<Result<_>>()?;
    let est = run_methods(bench, "gmm-levels", &methods, &data, 1, bench.seed_for(&[23]))?;

    let mut header = vec!["level".to_string(), "count".to_string(), "mean truth".to_string()];
    for m in &methods {
        header.push(format!("{} mean err", m.name()));
        header.push(format!("{} var err", m.name()));
    }
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut table = Table::new(
        "levels",
        format!("Mean and variance of (estimate − truth) by true-MI level (±{DEFAULT_HALF_WIDTH}), N = {n}, {per_level} mixtures per level"),
        &header_refs,
    );
    let mut raw = Table::raw("raw", &["item", "level", "truth", "truth_std_error", "components", "method", "estimate", "seconds"]);
    let mut series: Vec<Vec<(f64, f64)>> = vec![Vec::new(); methods.len()];
    for &level in &DEFAULT_MI_LEVELS {
        let idx: Vec<usize> = (0..set.len()).filter(|&i| set[i].level == level).collect();
        let truths: Vec<f64> = idx.iter().map(|&i| set[i].truth.value).collect();
        let mut row = vec![Cell::Text(fmt_level(level)), idx.len().into(), Cell::num(mean(&truths), 3)];
        for (mi, s) in series.iter_mut().enumerate() {
            let values: Vec<f64> = idx.iter().map(|&i| est[mi][i].mi).collect();
            let stats = ErrorStats::new(&values, &truths);
            row.push(Cell::num(stats.mean, 3));
            row.push(Cell::num(stats.variance, 4));
            s.push((level, stats.mean));
        }
        table.push(row);
    }
    for (mi, m) in methods.iter().enumerate() {
        for (i, l) in set.iter().enumerate() {
            raw.push(vec![
                i.into(),
                Cell::num(l.level, 1),
                Cell::num(l.truth.value, 4),
                Cell::num(l.truth.std_error, 5),
                l.gmm.n_components().into(),
                m.name().into(),
                Cell::num(est[mi][i].mi, 4),
                Cell::Seconds(est[mi][i].seconds),
            ]);
        }
    }
    let mut summary = Table::new("summary", "Over all levels", &["method", "mean |error|", "bias", "RMSE", "90% CI coverage", "s / estimate"]);
    let all_truths: Vec<f64> = set.iter().map(|l| l.truth.value).collect();
    for (mi, m) in methods.iter().enumerate() {
        let values: Vec<f64> = est[mi].iter().map(|e| e.mi).collect();
        let s = ErrorStats::new(&values, &all_truths);
        let secs: Vec<f64> = est[mi].iter().map(|e| e.seconds).collect();
        summary.push(vec![
            m.name().into(),
            Cell::num(s.mean_abs, 4),
            Cell::num(s.mean, 4),
            Cell::num(s.rmse, 4),
            super::coverage_cell(&est[mi], &all_truths),
            Cell::Seconds(mean(&secs)),
        ]);
    }
    let mut plot_series = vec![plot::curve("zero", vec![(0.0, 0.0), (0.9, 0.0)])];
    plot_series.extend(methods.iter().zip(series).map(|(m, s)| plot::line(m.name(), s)));
    let png = plot::write(&bench.out_dir, "gmm-levels.png", "Mean error by true-MI level", "true MI level (nats)", "mean(estimate − truth)", plot_series, false, false)?;
    let mut notes = vec![format!(
        "Evaluation family: K ~ U{{1..10}}, means ~ U(−5, 5)², covariances A Aᵀ + 0.01 I with A ~ U(−3, 3); \
         truth by Monte-Carlo ({truth_samples} samples, analytic for K = 1)."
    )];
    notes.push(format!(
        "Generated set {} `{}`.",
        if cached { "reused from" } else { "cached in" },
        cache.file_name().map_or(String::new(), |f| f.to_string_lossy().into_owned())
    ));
    Ok(SuiteReport {
        suite: "gmm-levels".into(),
        title: "Error by MI level on Gaussian mixtures (paper Tab. 2)".into(),
        settings: json!({"n": n, "per_level": per_level, "truth_samples": truth_samples, "mine_steps": bench.mine_steps()}),
        notes,
        tables: vec![table, summary, raw],
        plots: vec![png],
        seconds: 0.0,
    })
}
