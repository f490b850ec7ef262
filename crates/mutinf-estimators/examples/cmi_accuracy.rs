//! Seed spreads of conditional MI and transfer entropy against analytic truths: the numbers
//! behind the tolerances of `tests/conditional.rs` and `tests/time_series.rs`.
//! `cargo run -p mutinf-estimators --release --example cmi_accuracy`

#[path = "../tests/cmi_common/mod.rs"]
mod cmi_common;

use cmi_common::*;
use mutinf_core::{Estimator, PairedSamples};
use mutinf_estimators::conditional::{ConditionalEstimator, ConditionalSamples, GaussianCmi, KsgCmiParams};
use mutinf_estimators::ksg::KsgParams;
use mutinf_estimators::time_series::TeParams;

const SEEDS: u64 = 20;

fn spread(label: &str, truth: f64, values: &[f64]) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let sd = (values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0)).sqrt();
    let worst = values.iter().map(|v| (v - truth).abs()).fold(0.0, f64::max);
    println!("{label:<44} truth {truth:8.4}  mean {mean:8.4}  bias {:+8.4}  sd {sd:.4}  max |err| {worst:.4}", mean - truth);
}

fn main() -> mutinf_core::Result<()> {
    let ksg = KsgCmiParams::new().k(3).check()?;
    type Gen = fn(usize, u64) -> (ConditionalSamples, f64);
    let cases: [(&str, Gen); 3] = [("chain (Gaussian, 1-D Z) N=5000", gaussian_chain), ("common cause (X⫫Y|Z) N=5000", common_cause), ("2-D Z Gaussian N=5000", gaussian_two_z)];
    for (label, make) in cases {
        let (mut k, mut g, mut truth) = (Vec::new(), Vec::new(), 0.0);
        for seed in 0..SEEDS {
            let (data, t) = make(5_000, 100 + seed);
            truth = t;
            k.push(ksg.estimate(&data)?.mi);
            g.push(GaussianCmi.estimate(&data)?.mi);
        }
        spread(&format!("ksg-cmi {label}"), truth, &k);
        spread(&format!("gaussian-cmi {label}"), truth, &g);
    }
    let (mut diff, mut cmi, mut truth) = (Vec::new(), Vec::new(), 0.0);
    for seed in 0..SEEDS {
        let (data, t) = independent_z(5_000, 0.6, 200 + seed);
        truth = t;
        let c = ksg.estimate(&data)?.mi;
        let m = KsgParams::new().k(3).check()?.estimate(&PairedSamples::new(data.x().to_owned(), data.y().to_owned())?)?.mi;
        cmi.push(c);
        diff.push(c - m);
    }
    spread("ksg-cmi independent Z (rho 0.6) N=5000", truth, &cmi);
    spread("ksg-cmi minus ksg-mi, independent Z", 0.0, &diff);
    let (a, b, c) = (0.5, 0.6, 0.4);
    let te = TeParams::new().check()?;
    let (mut fwd, mut back) = (Vec::new(), Vec::new());
    for seed in 0..SEEDS {
        let (x, y) = var1(10_000, a, b, c, 300 + seed);
        fwd.push(te.run(&ksg, &x, &y)?.estimate.mi);
        back.push(te.run(&ksg, &y, &x)?.estimate.mi);
    }
    spread("TE(X→Y) VAR(1) a=.5 b=.6 c=.4 N=10000", var1_te(a, b, c), &fwd);
    spread("TE(Y→X) same", 0.0, &back);
    Ok(())
}
