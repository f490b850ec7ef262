//! Tab. 1: seconds per estimate vs N for KSG (k = 1, 5), KDE, MINE (10/100/500 steps) and
//! InfoNet (one sequence per pass, and 16 or 64 per pass, or `--infonet-batches`). Median of several repetitions after
//! one warm-up. The timer wraps the whole call, including the read-back of the result, which
//! synchronises a GPU device.

use std::time::Instant;

use mutinf_core::{Estimator, PairedSamples};
use mutinf_estimators::kde::KdeParams;
use mutinf_estimators::ksg::KsgParams;
use mutinf_mine::{Bound, MineEstimator, MineParams};
use serde_json::json;

use crate::data::{gaussian_columns, rng_for};
use crate::metrics::median;
use crate::table::{Cell, Table};
use crate::{Bench, Method, Result, Suite, SuiteReport, plot};

/// One timed configuration.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Variant {
    Ksg(usize),
    Kde,
    Mine(usize),
    InfoNet(usize),
}

impl Variant {
    fn label(self) -> String {
        match self {
            Variant::Ksg(k) => format!("ksg k={k}"),
            Variant::Kde => "kde".into(),
            Variant::Mine(s) => format!("mine {s} steps"),
            Variant::InfoNet(1) => "infonet".into(),
            Variant::InfoNet(b) => format!("infonet batch {b}"),
        }
    }

    fn method(self) -> Method {
        match self {
            Variant::Ksg(_) => Method::Ksg,
            Variant::Kde => Method::Kde,
            Variant::Mine(_) => Method::Mine,
            Variant::InfoNet(_) => Method::InfoNet,
        }
    }
}

/// Seconds of one call of `variant` on `data` (for InfoNet batches: the whole pass / batch size).
fn time_once(bench: &Bench, variant: Variant, data: &[PairedSamples], seed: u64) -> Result<f64> {
    let d = &data[0];
    let start = Instant::now();
    match variant {
        Variant::Ksg(k) => {
            KsgParams::new().k(k).check()?.estimate(d)?;
        }
        Variant::Kde => {
            KdeParams::new().check()?.estimate(d)?;
        }
        Variant::Mine(steps) => {
            // Exactly `steps` steps: no early stopping in the timing table.
            let p = MineParams::new(Bound::Mine).with_steps(steps).with_batch(100.min(d.n())).with_seed(seed).with_patience(None);
            MineEstimator::new(p, bench.device.clone())?.estimate(d)?;
        }
        Variant::InfoNet(b) => {
            let cols: Vec<(Vec<f64>, Vec<f64>)> =
                data[..b].iter().map(|d| (d.x().column(0).to_vec(), d.y().column(0).to_vec())).collect();
            let pairs: Vec<(&[f64], &[f64])> = cols.iter().map(|(x, y)| (&x[..], &y[..])).collect();
            let start = Instant::now();
            if let Some(head) = bench.regression {
                head.estimate_many(&data[..b])?;
                return Ok(start.elapsed().as_secs_f64() / b as f64);
            }
            bench.net()?.estimate_batch(&pairs, seed)?;
            return Ok(start.elapsed().as_secs_f64() / b as f64);
        }
    }
    Ok(start.elapsed().as_secs_f64())
}

/// Runs the suite.
pub fn run(bench: &Bench) -> Result<SuiteReport> {
    let methods = bench.methods_for(Suite::Timing);
    let sizes = bench.pick(&bench.sizes.sizes, vec![200, 1000], vec![200, 500, 1000, 2000, 5000]);
    let repeats = bench.pick(&bench.sizes.repeats, 2, 5).max(1);
    let mine_steps: Vec<usize> = if bench.quick { vec![10, 100] } else { vec![10, 100, 500] };
    let mut variants = vec![Variant::Ksg(1), Variant::Ksg(5), Variant::Kde];
    variants.extend(mine_steps.iter().map(|&s| Variant::Mine(s)));
    let batches = bench.sizes.infonet_batches.clone().unwrap_or_else(|| vec![1, 16, 64]);
    variants.extend(batches.iter().map(|&b| Variant::InfoNet(b.max(1))));
    variants.retain(|v| methods.contains(&v.method()));

    let bar = crate::progress::bar(bench.progress, (variants.len() * sizes.len()) as u64, "timing");
    let mut header = vec!["method".to_string()];
    header.extend(sizes.iter().map(|n| format!("N={n}")));
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut table = Table::new(
        "seconds",
        format!("Seconds per estimate (median of {repeats} after a warm-up); batched InfoNet: pass time / batch size"),
        &header_refs,
    );
    let mut raw = Table::raw("raw", &["method", "n", "repeat", "seconds"]);
    let mut series = Vec::new();
    for &v in &variants {
        bar.set_message(v.label());
        let mut row = vec![Cell::Text(v.label())];
        let mut points = Vec::new();
        for (si, &n) in sizes.iter().enumerate() {
            let count = match v {
                Variant::InfoNet(b) => b,
                _ => 1,
            };
            let data: Vec<PairedSamples> = (0..count)
                .map(|i| {
                    let (x, y) = gaussian_columns(0.5, n, &mut rng_for(bench.seed, &[10, si as u64, i as u64]));
                    PairedSamples::from_columns(&x, &y)
                })
                .collect::<std::result::Result<_, _>>()?;
            let seed = bench.seed_for(&[11, si as u64]);
            time_once(bench, v, &data, seed)?; // warm-up
            let mut times = Vec::with_capacity(repeats);
            for r in 0..repeats {
                let t = time_once(bench, v, &data, seed.wrapping_add(r as u64))?;
                raw.push(vec![Cell::Text(v.label()), n.into(), r.into(), Cell::Seconds(t)]);
                times.push(t);
            }
            let m = median(&times);
            row.push(Cell::Seconds(m));
            points.push((n as f64, m));
            bar.inc(1);
        }
        table.push(row);
        series.push(plot::line(v.label(), points));
    }
    bar.finish_and_clear();
    let png = plot::write(&bench.out_dir, "timing.png", "Seconds per estimate", "N", "seconds", series, true, true)?;
    Ok(SuiteReport {
        suite: "timing".into(),
        title: "Time per estimate (paper Tab. 1)".into(),
        settings: json!({"sizes": sizes, "repeats": repeats, "data": "Gaussian rho = 0.5", "mine_steps": mine_steps,
            "infonet_batches": batches}),
        notes: vec![format!(
            "KSG and KDE use all {} cores (rayon); MINE runs exactly the given steps (no early stopping), \
             minibatch 100, on {}; InfoNet on the same device.",
            bench.record.machine.cores, bench.record.device
        )],
        tables: vec![table, raw],
        plots: vec![png],
        seconds: 0.0,
    })
}
