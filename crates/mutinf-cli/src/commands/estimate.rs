//! `mutinf estimate`: the MI between two column blocks of a file.

use clap::{Args, ValueEnum};
use mutinf_core::MiEstimate;
use serde_json::json;

use super::data::DataArgs;
use super::methods::{MethodArgs, build_estimator};
use crate::output::{print_json, print_text};

/// Arguments of `mutinf estimate`.
#[derive(Debug, Args)]
pub struct EstimateArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Conditioning columns Z (same syntax as --x): estimate the conditional MI I(X;Y|Z)
    /// (--method ksg: Frenzel-Pompe k-NN, the default with --z; --method gaussian:
    /// log-determinant). --bootstrap resamples rows; --shuffle is not available.
    #[arg(long, conflicts_with = "dims")]
    pub z: Option<String>,
    #[command(flatten)]
    pub method: MethodArgs,
    /// Whether --method was given on the command line (set by `main`; with --z an unset
    /// method means ksg instead of infonet).
    #[arg(skip)]
    pub method_explicit: bool,
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
    /// One JSON object: method, mi (nats), std_error, ci, n, seconds, params, notes.
    Json,
    /// The bare estimate in nats and nothing else: the protocol of BMI's external-script
    /// estimators (`mutinf estimate FILE --dims DX,DY --format value`).
    Value,
}

/// Runs `mutinf estimate`.
pub fn run(mut args: EstimateArgs) -> anyhow::Result<()> {
    if let Some(z) = args.z.take() {
        if !args.method_explicit {
            args.method.method = super::methods::Method::Ksg;
        }
        return super::conditional::run(&args, &z);
    }
    let data = args.data.load()?;
    let mut notes = Vec::new();
    if (data.dx() > 1 || data.dy() > 1) && args.method.method == super::methods::Method::Infonet && args.method.sliced.is_none() {
        if args.method_explicit {
            anyhow::bail!(
                "InfoNet reads one column per side, and X has {} and Y {} columns: ask for sliced MI (a different, \
                 smaller quantity) with --sliced P, or estimate I(X;Y) with --method ksg",
                data.dx(),
                data.dy()
            );
        }
        // A user who asks for I(X;Y) gets an estimate of I(X;Y), not sliced MI.
        args.method.method = super::methods::Method::Ksg;
        notes.push(format!(
            "X has {} and Y {} columns: I(X;Y) estimated by KSG (InfoNet reads one column per side; \
             --method infonet --sliced P gives sliced MI, a different quantity)",
            data.dx(),
            data.dy()
        ));
    }
    let estimator = build_estimator(&args.method, args.seed, args.bootstrap == 0 && args.shuffle == 0)?;
    let estimate = if args.bootstrap > 0 {
        let bootstrap = super::methods::bootstrap(args.bootstrap, args.level, args.seed)?;
        bootstrap.run(estimator.as_ref(), &data)?
    } else {
        estimator.estimate(&data)?
    }
    .plausible()?;
    let mut estimate = estimate;
    estimate.notes.splice(0..0, notes);
    let baseline = if args.shuffle > 0 {
        Some(mutinf_estimators::bootstrap::shuffle_baseline(estimator.as_ref(), &data, args.shuffle, args.seed)?)
    } else {
        None
    };
    match args.format {
        Format::Text => {
            let mut text = text_line_for(&quantity(&data), &estimate) + "\n";
            for note in &estimate.notes {
                text += &format!("note: {note}\n");
            }
            if let Some(b) = &baseline {
                text += &format!("shuffled Y ({} times): {}\n", args.shuffle, text_line(b));
            }
            print_text(&text)?;
        }
        Format::Value => print_text(&format!("{}\n", estimate.mi))?,
        Format::Json => {
            let mut value = serde_json::to_value(&estimate)?;
            value["x_columns"] = json!(data.x_names());
            value["y_columns"] = json!(data.y_names());
            if let Some(b) = &baseline {
                value["shuffle_baseline"] = json!({ "mi": b.mi, "std_error": b.std_error, "repeats": args.shuffle });
            }
            print_json(&value)?;
        }
    }
    Ok(())
}

/// `I(a;b)` for the columns used, so the output says what was measured (`I(X0,X1;Y0)`).
pub fn quantity(data: &mutinf_core::PairedSamples) -> String {
    format!("I({};{})", data.x_names().join(","), data.y_names().join(","))
}

/// `I(X;Y) = 0.4133 nats (0.5963 bits)  ksg k=3  N=2000  0.6 ms`, plus uncertainty if any.
pub fn text_line(e: &MiEstimate) -> String {
    text_line_for("I(X;Y)", e)
}

/// [`text_line`] for another quantity: `I(X;Y|Z) = …`, `TE(X→Y) = …`.
pub fn text_line_for(quantity: &str, e: &MiEstimate) -> String {
    let mut line = format!("{quantity} = {:.4} nats ({:.4} bits)", e.mi, e.bits());
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

pub fn human_seconds(seconds: f64) -> String {
    if seconds < 1.0 { format!("{:.1} ms", seconds * 1e3) } else { format!("{seconds:.2} s") }
}
