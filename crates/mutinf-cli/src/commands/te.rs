//! `mutinf te`: transfer entropy TE(X→Y) between two columns read as time series, with a
//! surrogate significance test.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use mutinf_core::columns::resolve_columns;
use mutinf_estimators::conditional::{ConditionalEstimator, GaussianCmi, KsgCmiParams};
use mutinf_estimators::time_series::{Surrogate, TeParams};
use serde_json::json;

use super::estimate::text_line_for;
use crate::output::{print_json, print_text};

/// Arguments of `mutinf te`.
#[derive(Debug, Args)]
pub struct TeArgs {
    /// Input: CSV (header optional) or NumPy .npy (2-D); rows are time steps, in order.
    pub file: PathBuf,
    /// The source column X (name or 0-based index).
    #[arg(long)]
    pub source: String,
    /// The target column Y (name or 0-based index).
    #[arg(long)]
    pub target: String,
    /// Target history k: the past target values Y_{t-1..t-k} conditioned on.
    #[arg(long, default_value_t = 1)]
    pub history: usize,
    /// Source history l: the source values X_{t-d-l+1..t-d} that carry the transfer.
    #[arg(long, default_value_t = 1)]
    pub source_history: usize,
    /// Delay d: the most recent source value used is X_{t-d}.
    #[arg(long, default_value_t = 1)]
    pub delay: usize,
    /// Surrogate sources for a p-value (0: none; 99 or more for p < 0.01).
    #[arg(long, default_value_t = 0)]
    pub surrogates: usize,
    /// How surrogates are made: the source circularly shifted by a random offset (at least
    /// N/10), or cut into blocks of ⌈√N⌉ steps put back in random order.
    #[arg(long, value_enum, default_value_t = SurrogateArg::TimeShift)]
    pub surrogate: SurrogateArg,
    /// Smallest time shift (time-shift) or block length (block-shuffle), in time steps.
    /// Default: max(N/10, history + 1) for time-shift, ⌈√N⌉ for block-shuffle.
    #[arg(long)]
    pub surrogate_size: Option<usize>,
    /// Seed of the surrogates.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Conditional MI estimator: ksg (Frenzel-Pompe k-NN) or gaussian (linear, log-det).
    #[arg(long, value_enum, default_value_t = CmiMethod::Ksg)]
    pub method: CmiMethod,
    /// Neighbours for ksg.
    #[arg(long, default_value_t = 3)]
    pub k: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

/// The conditional MI estimators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CmiMethod {
    /// Frenzel-Pompe k-NN conditional MI (KSG carried over to conditioning).
    Ksg,
    /// Gaussian (log-determinant) conditional MI: linear transfer only.
    Gaussian,
}

/// Surrogate kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SurrogateArg {
    /// Circular shift of the source by a random offset.
    TimeShift,
    /// Source blocks put back in random order.
    BlockShuffle,
}

/// Text or JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    /// Lines for people.
    Text,
    /// One JSON object.
    Json,
}

/// Reads one column of `file` by name or index, as a series (values checked later).
pub fn read_series(table: &mutinf_core::io::Table, spec: &str, flag: &str) -> anyhow::Result<(String, Vec<f64>)> {
    let columns = resolve_columns(spec, table.names()).with_context(|| format!("--{flag}"))?;
    let [j] = columns[..] else {
        anyhow::bail!("--{flag} {spec}: select exactly one column (a series), not {}", columns.len());
    };
    table.check_numeric(&[j])?;
    Ok((table.names()[j].clone(), table.data().column(j).to_vec()))
}

/// Runs `mutinf te`.
pub fn run(args: TeArgs) -> anyhow::Result<()> {
    let table = crate::input::open_table(&args.file)?;
    let (source_name, source) = read_series(&table, &args.source, "source")?;
    let (target_name, target) = read_series(&table, &args.target, "target")?;
    if source_name == target_name {
        anyhow::bail!("--source and --target are both '{source_name}'; choose two different columns");
    }
    let estimator: Box<dyn ConditionalEstimator> = match args.method {
        CmiMethod::Ksg => Box::new(KsgCmiParams::new().k(args.k).check()?),
        CmiMethod::Gaussian => Box::new(GaussianCmi),
    };
    let surrogate = match args.surrogate {
        SurrogateArg::TimeShift => Surrogate::TimeShift { exclusion: args.surrogate_size },
        SurrogateArg::BlockShuffle => Surrogate::BlockShuffle { block: args.surrogate_size },
    };
    let te = TeParams::new()
        .history(args.history)
        .source_history(args.source_history)
        .delay(args.delay)
        .surrogates(args.surrogates)
        .surrogate(surrogate)
        .seed(args.seed)
        .check()?;
    let result = te
        .run(estimator.as_ref(), &source, &target)
        .with_context(|| format!("TE({source_name}→{target_name}) in {}", args.file.display()))?;
    let estimate = result.estimate.with_param("source", source_name.as_str()).with_param("target", target_name.as_str());
    let quantity = format!("TE({source_name}→{target_name})");
    match args.format {
        TextOrJson::Text => {
            let mut text = text_line_for(&quantity, &estimate) + "\n";
            if let Some(sig) = &result.significance {
                let kind = estimate.params.get("surrogate_kind").and_then(|v| v.as_str()).unwrap_or_default();
                let mean = sig.surrogate_values.iter().sum::<f64>() / sig.surrogate_values.len() as f64;
                text += &format!(
                    "p = {:.4} ({} surrogates, {}: mean {:.4} nats; p = (1 + #surrogates ≥ TE) / (S + 1))\n",
                    sig.p_value,
                    sig.surrogate_values.len(),
                    kind,
                    mean
                );
            }
            print_text(&text)
        }
        TextOrJson::Json => {
            let mut value = serde_json::to_value(&estimate)?;
            value["quantity"] = json!(quantity);
            value["te"] = json!(estimate.mi);
            if let Some(sig) = &result.significance {
                value["p_value"] = json!(sig.p_value);
                value["surrogate_values"] = json!(sig.surrogate_values);
            }
            print_json(&value)
        }
    }
}
