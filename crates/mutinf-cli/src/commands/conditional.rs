//! Conditional MI for `mutinf estimate --z`, the conditional estimators `--method ksg|gaussian`
//! stand for, and the plain Gaussian MI behind `--method gaussian` without `--z`.

use anyhow::bail;
use mutinf_core::{Estimator, MiEstimate, PairedSamples};
use mutinf_estimators::conditional::{ConditionalEstimator, ConditionalSamples, GaussianCmi, KsgCmiParams, gaussian_cmi_from_covariance};
use ndarray::{Array2, ArrayView2, Axis, concatenate, s};
use serde_json::json;

use super::estimate::{EstimateArgs, Format, text_line_for};
use super::methods::{Method, MethodArgs};
use super::statistic::Statistic;
use crate::output::{print_json, print_text};

/// The conditional estimator for `--method ksg` (Frenzel-Pompe, `--k`) or `--method gaussian`
/// (log-determinant); any other method is a usage error.
pub fn conditional_estimator(method: &MethodArgs) -> anyhow::Result<Box<dyn ConditionalEstimator>> {
    Ok(match method.method {
        Method::Ksg => Box::new(KsgCmiParams::new().k(method.k).check()?),
        Method::Gaussian => Box::new(GaussianCmi),
        other => {
            let name = clap::ValueEnum::to_possible_value(&other).map(|v| v.get_name().to_owned()).unwrap_or_default();
            bail!("conditional MI is available with --method ksg or gaussian (got --method {name})")
        }
    })
}

/// `mutinf estimate --z …`: I(X;Y|Z), printed like a plain estimate.
pub fn run(args: &EstimateArgs, z: &str) -> anyhow::Result<()> {
    if args.shuffle > 0 {
        bail!("--shuffle is not available with --z (shuffling Y would also break its dependence on Z); use --bootstrap for an interval");
    }
    let data = args.data.load_conditional(z)?;
    let estimator = conditional_estimator(&args.method)?;
    let estimate = if args.bootstrap > 0 {
        // The bootstrap resamples rows of (X, [Y | Z]) and splits them back.
        let (paired, dy) = as_paired(&data)?;
        let names = data.names().clone();
        let statistic = Statistic::new(estimator.method(), |rows: &PairedSamples| {
            let yz = rows.y();
            let rows = ConditionalSamples::with_names(
                rows.x().to_owned(),
                yz.slice(s![.., ..dy]).to_owned(),
                yz.slice(s![.., dy..]).to_owned(),
                names.clone(),
            )?;
            estimator.estimate(&rows)
        });
        statistic.run(&paired, args.bootstrap, args.level, args.seed)?
    } else {
        estimator.estimate(&data)?
    };
    let estimate = estimate
        .with_param("x", data.names()[0].join(","))
        .with_param("y", data.names()[1].join(","))
        .with_param("z", data.names()[2].join(","));
    match args.format {
        Format::Text => {
            let mut text = text_line_for("I(X;Y|Z)", &estimate) + "\n";
            for note in &estimate.notes {
                text += &format!("note: {note}\n");
            }
            print_text(&text)
        }
        Format::Value => print_text(&format!("{}\n", estimate.mi)),
        Format::Json => {
            let mut value = serde_json::to_value(&estimate)?;
            value["quantity"] = json!("I(X;Y|Z)");
            print_json(&value)
        }
    }
}

/// (X, [Y | Z]) as paired samples, and the width of Y.
fn as_paired(data: &ConditionalSamples) -> anyhow::Result<(PairedSamples, usize)> {
    let yz = concatenate(Axis(1), &[data.y(), data.z()])?;
    let names = data.names();
    let yz_names = names[1].iter().chain(&names[2]).cloned().collect();
    Ok((PairedSamples::with_names(data.x().to_owned(), yz, names[0].clone(), yz_names)?, data.dy()))
}

/// Plain Gaussian MI, `--method gaussian` without `--z`: ½ ln(det Σ_X det Σ_Y / det Σ_XY) of
/// the sample covariance (exact for Gaussian data up to sampling noise; blind to non-linear
/// dependence). Equal to the Gaussian CMI with an empty Z.
#[derive(Debug, Clone, Copy, Default)]
pub struct GaussianMi;

impl Estimator for GaussianMi {
    fn method(&self) -> &str {
        "gaussian"
    }

    fn estimate(&self, data: &PairedSamples) -> mutinf_core::Result<MiEstimate> {
        let (mi, seconds) = mutinf_core::timed(|| {
            // Correlations only: scaling each column first keeps the covariance finite near 1e300.
            let joint = mutinf_estimators::preprocess::scale_columns(data.joint().view());
            let cov = covariance(joint.view());
            let xs: Vec<usize> = (0..data.dx()).collect();
            let ys: Vec<usize> = (data.dx()..data.dx() + data.dy()).collect();
            gaussian_cmi_from_covariance(cov.view(), &xs, &ys, &[])
        });
        Ok(MiEstimate::new(self.method(), mi?, data.n()).with_seconds(seconds))
    }
}

/// Maximum-likelihood covariance of the rows of `data` (the 1/N scale cancels in MI).
fn covariance(data: ArrayView2<'_, f64>) -> Array2<f64> {
    let n = data.nrows() as f64;
    let mean = data.mean_axis(Axis(0)).expect("at least one row");
    let centred = &data - &mean;
    centred.t().dot(&centred) / n
}
