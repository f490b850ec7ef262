//! Fig. 5: sliced MI as an independence test between d-dimensional X and Y. For each dependence
//! type, d and N: `cases` dependent and `cases` independent data sets (same marginals); the
//! score is sliced InfoNet / sliced KSG (mean over random 1-D projections) or MINE on all
//! coordinates; reported is the ROC AUC of dependent vs independent.

use serde_json::json;

use super::run_methods;
use crate::data::{Dependence, FEATURE_NOISE, dependence_case, rng_for};
use crate::metrics::{mean, roc_auc};
use crate::table::{Cell, Table};
use crate::{Bench, Result, Suite, SuiteReport, plot};

/// Runs the suite.
pub fn run(bench: &Bench) -> Result<SuiteReport> {
    let methods = bench.methods_for(Suite::Independence);
    let dims = bench.pick(&bench.sizes.dims, vec![16], vec![16, 32, 64, 128]);
    let ns = bench.pick(&bench.sizes.sizes, vec![100, 300], vec![50, 100, 150, 200, 250, 300]);
    let cases = bench.pick(&bench.sizes.cases, 4, 20).max(1);
    let slices = bench.pick(&bench.sizes.slices, 16, 128);

    // Cells (type, d, N), each with `cases` dependent then `cases` independent sets.
    let mut cells = Vec::new();
    let mut data = Vec::new();
    for (ti, &kind) in Dependence::ALL.iter().enumerate() {
        for &d in &dims {
            for &n in &ns {
                for c in 0..2 * cases {
                    let dependent = c < cases;
                    let mut rng = rng_for(bench.seed, &[40, ti as u64, d as u64, n as u64, c as u64]);
                    data.push(dependence_case(kind, d, n, dependent, &mut rng)?);
                }
                cells.push((kind, d, n));
            }
        }
    }
    let est = run_methods(bench, "independence", &methods, &data, slices, bench.seed_for(&[41]))?;

    let mut header = vec!["type".to_string(), "d".to_string(), "N".to_string()];
    header.extend(methods.iter().map(|m| format!("{} AUC", m.name())));
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut table = Table::new(
        "auc",
        format!("ROC AUC, {cases} dependent vs {cases} independent data sets per cell; sliced methods use {slices} slices"),
        &header_refs,
    );
    let mut raw = Table::raw("raw", &["type", "d", "n", "case", "dependent", "method", "score", "seconds"]);
    // auc[method][cell]
    let mut auc = vec![Vec::new(); methods.len()];
    for (ci, &(kind, d, n)) in cells.iter().enumerate() {
        let mut row = vec![Cell::Text(kind.name().into()), d.into(), n.into()];
        for (mi, m) in methods.iter().enumerate() {
            let scores = &est[mi][ci * 2 * cases..(ci + 1) * 2 * cases];
            let pos: Vec<f64> = scores[..cases].iter().map(|e| e.mi).collect();
            let neg: Vec<f64> = scores[cases..].iter().map(|e| e.mi).collect();
            let a = roc_auc(&pos, &neg).unwrap_or(f64::NAN);
            auc[mi].push(a);
            row.push(Cell::num(a, 3));
            for (c, e) in scores.iter().enumerate() {
                raw.push(vec![
                    Cell::Text(kind.name().into()),
                    d.into(),
                    n.into(),
                    c.into(),
                    Cell::Text((c < cases).to_string()),
                    m.name().into(),
                    Cell::num(e.mi, 5),
                    Cell::Seconds(e.seconds),
                ]);
            }
        }
        table.push(row);
    }

    // Averaged over the dependence types.
    let mut header = vec!["d".to_string(), "N".to_string()];
    header.extend(methods.iter().map(|m| format!("{} AUC", m.name())));
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut by_d = Table::new("auc-by-d", "ROC AUC averaged over the three dependence types", &header_refs);
    let mut series = Vec::new();
    let mut curves = vec![vec![Vec::new(); dims.len()]; methods.len()];
    for (di, &d) in dims.iter().enumerate() {
        for &n in &ns {
            let mut row = vec![Cell::from(d), Cell::from(n)];
            for (mi, curve) in curves.iter_mut().enumerate() {
                let vals: Vec<f64> =
                    cells.iter().zip(&auc[mi]).filter(|((_, dd, nn), _)| *dd == d && *nn == n).map(|(_, a)| *a).collect();
                row.push(Cell::num(mean(&vals), 3));
                curve[di].push((n as f64, mean(&vals)));
            }
            by_d.push(row);
        }
    }
    for (mi, m) in methods.iter().enumerate() {
        for (di, &d) in dims.iter().enumerate() {
            series.push(plot::line(format!("{} d={d}", m.name()), curves[mi][di].clone()));
        }
    }
    let mut seconds = Table::new("seconds", "Mean seconds per score", &["method", "s / score"]);
    for (mi, m) in methods.iter().enumerate() {
        seconds.push(vec![m.name().into(), Cell::Seconds(mean(&est[mi].iter().map(|e| e.seconds).collect::<Vec<_>>()))]);
    }
    let png = plot::write(&bench.out_dir, "independence.png", "Independence test: ROC AUC", "N", "AUC", series, false, false)?;
    Ok(SuiteReport {
        suite: "independence".into(),
        title: "Sliced-MI independence test (paper Fig. 5)".into(),
        settings: json!({"dims": dims, "sizes": ns, "cases_per_class": cases, "slices": slices, "mine_steps": bench.mine_steps()}),
        notes: vec![format!(
            "Dependence types (X ~ N(0, I_d); our reading of the paper's appendix A.5, whose exact maps are not in our notes): \
             one-linear Y = v(wᵀX) + {FEATURE_NOISE}Z; two-features Y = v₁(w₁ᵀX) + v₂((w₂ᵀX)² − 1)/√2 + {FEATURE_NOISE}Z; \
             coordinates Yᵢ = Xᵢ + Zᵢ; w, v random unit vectors per data set. Independent cases draw Y from the same \
             law with a fresh X. MINE (not sliced) trains on all 2d coordinates, minibatch min(100, N)."
        )],
        tables: vec![by_d, table, seconds, raw],
        plots: vec![png],
        seconds: 0.0,
    })
}
