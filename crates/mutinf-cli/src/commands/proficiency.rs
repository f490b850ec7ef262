//! `mutinf proficiency`: the fraction I(F; A) / H(F) of a feature's entropy that a set of
//! columns (activations) carries.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use mutinf_core::{MiEstimate, PairedSamples};
use mutinf_core::columns::resolve_columns;
use mutinf_estimators::proficiency::{FeatureKind, ProficiencyEstimate, ProficiencyParams};
use serde_json::json;

use super::entropy::{Kind, MAX_DISCRETE_VALUES, detect_kind};
use super::estimate::human_seconds;
use super::methods::{Method, MethodArgs, build_estimator};
use super::statistic::Statistic;
use super::te::{TextOrJson, read_series};
use crate::output::{print_json, print_text};

/// Arguments of `mutinf proficiency`.
#[derive(Debug, Args)]
pub struct ProficiencyArgs {
    /// Input: CSV (header optional) or NumPy .npy (2-D).
    pub file: PathBuf,
    /// The feature F: one column (name or 0-based index).
    #[arg(long)]
    pub feature: String,
    /// The columns A the feature is read from (e.g. `A1,A2,A3` or `h0..h15`).
    #[arg(long)]
    pub given: String,
    /// Treat F as discrete: H(F) is its plug-in entropy (an upper bound of I(F;A)). Default:
    /// discrete when F has at most 20 distinct values.
    #[arg(long, conflicts_with = "continuous")]
    pub discrete: bool,
    /// Treat F as continuous: H(F) is its Kozachenko-Leonenko differential entropy (not an
    /// upper bound of MI, changes with F's units; the ratio is undefined when H(F) ≤ 0).
    #[arg(long)]
    pub continuous: bool,
    #[command(flatten)]
    pub method: MethodArgs,
    /// Whether --method was given (set by `main`). Unset: hist for a discrete F (ties in F
    /// are symbols, not distances), ksg for a continuous one.
    #[arg(skip)]
    pub method_explicit: bool,
    /// Bootstrap resamples for a confidence interval of the ratio (0: none).
    #[arg(long, default_value_t = 0)]
    pub bootstrap: usize,
    /// Confidence level of the bootstrap interval.
    #[arg(long, default_value_t = 0.95)]
    pub level: f64,
    /// Seed for the bootstrap and stochastic methods.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

/// Runs `mutinf proficiency`.
pub fn run(mut args: ProficiencyArgs) -> anyhow::Result<()> {
    let table = crate::input::open_table(&args.file)?;
    let (feature_name, feature) = read_series(&table, &args.feature, "feature")?;
    let given = resolve_columns(&args.given, table.names()).context("--given")?;
    let j = table.column_index(&feature_name).expect("the feature column exists");
    if given.contains(&j) {
        anyhow::bail!("column '{feature_name}' is both the feature and one of --given; choose disjoint columns");
    }
    let data = table.paired_indices(&[j], &given).with_context(|| format!("in {}", args.file.display()))?;
    let (kind, detected) = match (args.discrete, args.continuous) {
        (true, _) => (Kind::Discrete, false),
        (_, true) => (Kind::Continuous, false),
        _ => (detect_kind(data.x()), true),
    };
    if !args.method_explicit {
        args.method.method = if kind == Kind::Discrete { Method::Hist } else { Method::Ksg };
    }
    let estimator = build_estimator(&args.method, args.seed, false)?;
    let proficiency = ProficiencyParams::new()
        .feature_kind(if kind == Kind::Discrete { FeatureKind::Discrete } else { FeatureKind::Continuous })
        .max_discrete_values(MAX_DISCRETE_VALUES)
        .check()?;
    let compute = |d: &PairedSamples| -> mutinf_core::Result<ProficiencyEstimate> {
        proficiency.compute(&d.x().column(0).to_vec(), d.y(), estimator.as_ref())
    };
    let start = std::time::Instant::now();
    let full = compute(&data)?;
    let ratio = if args.bootstrap > 0 {
        Statistic::new("proficiency", |d: &PairedSamples| compute(d).map(|p| MiEstimate::new("proficiency", p.proficiency, d.n())))
            .run(&data, args.bootstrap, args.level, args.seed)?
    } else {
        MiEstimate::new("proficiency", full.proficiency, data.n())
    };
    let seconds = start.elapsed().as_secs_f64();
    let entropy_how = match kind {
        Kind::Discrete => format!("plug-in entropy of its {} values", mutinf_estimators::entropy::distinct_values(&feature)),
        Kind::Continuous => "Kozachenko-Leonenko differential entropy, k = 3".to_string(),
    };
    let given_names = data.y_names().join(",");
    match args.format {
        TextOrJson::Text => {
            let mut line = format!("proficiency I({feature_name};{given_names}) / H({feature_name}) = {:.4}", full.proficiency);
            if let Some(se) = ratio.std_error {
                line += &format!(" ± {se:.4}");
            }
            if let Some(ci) = ratio.ci {
                line += &format!("  {:.0}% CI [{:.4}, {:.4}]", ci.level * 100.0, ci.lower, ci.upper);
            }
            line += &format!("  N={}  {}\n", data.n(), human_seconds(seconds));
            line += &format!("I(F;A) = {:.4} nats ({})\n", full.mi.mi, full.mi.method);
            line += &format!(
                "H(F) = {:.4} nats: F is {} ({}), {entropy_how}\n",
                full.feature_entropy,
                kind.name(),
                match (detected, kind) {
                    (false, _) => "as told",
                    (true, Kind::Discrete) => "detected: at most 20 distinct values",
                    (true, Kind::Continuous) => "detected: more than 20 distinct values",
                }
            );
            if kind == Kind::Continuous {
                line += "note: with a continuous F, H(F) is a differential entropy: not an upper bound of I(F;A) and unit-dependent; compare the ratio only between features on the same scale\n";
            }
            print_text(&line)
        }
        TextOrJson::Json => print_json(&json!({
            "quantity": format!("I({feature_name};{given_names}) / H({feature_name})"),
            "proficiency": full.proficiency,
            "std_error": ratio.std_error,
            "ci": ratio.ci,
            "mi": full.mi,
            "feature_entropy": full.feature_entropy,
            "feature_kind": kind.name(),
            "feature_kind_from": if detected { "data" } else { "flag" },
            "n": data.n(),
            "seconds": seconds,
            "params": ratio.params,
        })),
    }
}
