//! `mutinf estimate`: the MI between two column blocks of a file.

use clap::{Args, ValueEnum};
use mutinf_core::MiEstimate;
use mutinf_estimators::entropy::distinct_values;
use serde_json::json;

use super::data::DataArgs;
use super::methods::{MethodArgs, build_estimator};
use crate::output::{print_json, print_text};

/// Arguments of `mutinf estimate`.
#[derive(Debug, Args)]
pub struct EstimateArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub method: MethodArgs,
    /// Bootstrap resamples for a percentile confidence interval (0: none).
    #[arg(long, default_value_t = 0)]
    pub bootstrap: usize,
    /// Confidence level of the bootstrap interval.
    #[arg(long, default_value_t = 0.95)]
    pub level: f64,
    /// Also estimate on Y shuffled this many times (a sample of the "no dependence" baseline).
    #[arg(long, default_value_t = 0)]
    pub shuffle: usize,
    /// Seed for everything random (bootstrap, shuffles, stochastic methods).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line for people.
    Text,
    /// One JSON object: method, mi (nats), std_error, ci, n, seconds, params.
    Json,
}

/// Below this many samples the text output warns that InfoNet reads dependence low
/// (measured in BENCHMARKS.md, "The scale-fitted readout": −0.13 nats at N = 200, ρ = 0.9;
/// within 0.05 from N = 500).
const INFONET_SMALL_N: usize = 500;

/// Runs `mutinf estimate`.
pub fn run(args: EstimateArgs) -> anyhow::Result<()> {
    let data = args.data.load()?;
    let estimator = build_estimator(&args.method, args.seed, args.bootstrap == 0 && args.shuffle == 0)?;
    let estimate = if args.bootstrap > 0 {
        let bootstrap = super::methods::bootstrap(args.bootstrap, args.level, args.seed)?;
        bootstrap.run(estimator.as_ref(), &data)?
    } else {
        estimator.estimate(&data)?
    };
    let baseline = if args.shuffle > 0 {
        Some(mutinf_estimators::bootstrap::shuffle_baseline(estimator.as_ref(), &data, args.shuffle, args.seed)?)
    } else {
        None
    };
    match args.format {
        Format::Text => {
            let mut text = text_line(&estimate) + "\n";
            if let Some(slices) = estimate.params.get("sliced") {
                text += &format!(
                    "note: X has {} column(s) and Y {}; InfoNet reads one of each, so this is sliced MI: the mean \
                     over {slices} random projection pairs (never more than I(X;Y); compare it with sliced MI only)\n",
                    data.dx(),
                    data.dy()
                );
            }
            if estimate.method == "infonet" {
                if estimate.n < INFONET_SMALL_N {
                    text += &format!(
                        "note: N = {}: below N ≈ {INFONET_SMALL_N} InfoNet reads dependence low (Gaussians at N = 200: \
                         ρ = 0.9 reads 0.70 for 0.83 nats on average; independent data still ≈ 0); --method ksg is \
                         unbiased there, though noisier\n",
                        estimate.n
                    );
                }
                for (name, column) in [("X", data.x()), ("Y", data.y())] {
                    let distinct = distinct_values(&column.column(0).to_vec());
                    if distinct * 2 < data.n() {
                        text += &format!(
                            "note: {name} has {distinct} distinct values in {} rows: InfoNet is trained on continuous \
                             data and reads heavily tied columns low; --method ksg handles ties (Gao et al. 2017), \
                             --method hist suits discrete columns\n",
                            data.n()
                        );
                    }
                }
            }
            if let Some(b) = &baseline {
                text += &format!("shuffled Y ({} times): {}\n", args.shuffle, text_line(b));
            }
            print_text(&text)?;
        }
        Format::Json => {
            let mut value = serde_json::to_value(&estimate)?;
            if let Some(b) = &baseline {
                value["shuffle_baseline"] = json!({ "mi": b.mi, "std_error": b.std_error, "repeats": args.shuffle });
            }
            print_json(&value)?;
        }
    }
    Ok(())
}

/// `I(X;Y) = 0.4133 nats (0.5963 bits)  ksg k=3  N=2000  0.6 ms`, plus uncertainty if any.
pub fn text_line(e: &MiEstimate) -> String {
    let mut line = format!("I(X;Y) = {:.4} nats ({:.4} bits)", e.mi, e.bits());
    if let Some(se) = e.std_error {
        line += &format!(" ± {se:.4}");
    }
    if let Some(ci) = e.ci {
        line += &format!("  {:.0}% CI [{:.4}, {:.4}]", ci.level * 100.0, ci.lower, ci.upper);
    }
    line += &format!("  {}", e.method);
    for (name, value) in &e.params {
        let value = match value {
            serde_json::Value::String(s) => s.clone(),
            // Lists (per-snapshot values, layer sizes) belong in --format json, not one line.
            serde_json::Value::Array(_) | serde_json::Value::Object(_) => continue,
            serde_json::Value::Number(n) if n.is_f64() => format!("{:.4}", n.as_f64().unwrap_or(f64::NAN)),
            other => other.to_string(),
        };
        line += &format!(" {name}={value}");
    }
    line += &format!("  N={}  {}", e.n, human_seconds(e.seconds));
    line
}

fn human_seconds(seconds: f64) -> String {
    if seconds < 1.0 { format!("{:.1} ms", seconds * 1e3) } else { format!("{seconds:.2} s") }
}
