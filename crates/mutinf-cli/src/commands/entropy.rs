//! `mutinf entropy`: the entropy of a column block — Kozachenko-Leonenko k-NN differential
//! entropy for continuous data, plug-in with the Miller-Madow correction for discrete data.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use mutinf_core::columns::resolve_columns;
use mutinf_core::{MiEstimate, PairedSamples};
use mutinf_estimators::entropy::{KlEntropyParams, distinct_values, joint_discrete_entropy, miller_madow_correction};
use ndarray::ArrayView2;
use serde_json::json;

use super::estimate::text_line_for;
use super::statistic::Statistic;
use super::te::TextOrJson;
use crate::output::{print_json, print_text};

/// A column with at most this many distinct values is discrete unless told otherwise (the
/// proficiency library's rule).
pub const MAX_DISCRETE_VALUES: usize = 20;

/// Arguments of `mutinf entropy`.
#[derive(Debug, Args)]
pub struct EntropyArgs {
    /// Input: CSV (header optional) or NumPy .npy (2-D).
    pub file: PathBuf,
    /// Columns (names or 0-based indices, lists and ranges): the joint entropy of all of them.
    /// Default: the first column.
    #[arg(long)]
    pub x: Option<String>,
    /// Treat the values as discrete symbols: plug-in entropy with the Miller-Madow correction
    /// (m - 1)/(2N). Default: discrete when every column has at most 20 distinct values.
    #[arg(long, conflicts_with = "continuous")]
    pub discrete: bool,
    /// Treat the values as continuous: Kozachenko-Leonenko differential entropy (k-NN,
    /// Euclidean; can be negative, changes with units).
    #[arg(long)]
    pub continuous: bool,
    /// Neighbour rank k of the Kozachenko-Leonenko estimate.
    #[arg(long, default_value_t = 3)]
    pub k: usize,
    /// Bootstrap resamples for a confidence interval (0: none; half-samples, as in `estimate`).
    #[arg(long, default_value_t = 0)]
    pub bootstrap: usize,
    /// Confidence level of the bootstrap interval.
    #[arg(long, default_value_t = 0.95)]
    pub level: f64,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

/// Discrete or continuous, and whether the user said so or the data did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Discrete,
    Continuous,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Discrete => "discrete",
            Kind::Continuous => "continuous",
        }
    }
}

/// Discrete if every column has at most [`MAX_DISCRETE_VALUES`] distinct values.
pub fn detect_kind(block: ArrayView2<'_, f64>) -> Kind {
    let discrete = block.columns().into_iter().all(|c| distinct_values(&c.to_vec()) <= MAX_DISCRETE_VALUES);
    if discrete { Kind::Discrete } else { Kind::Continuous }
}

/// Runs `mutinf entropy`.
pub fn run(args: EntropyArgs) -> anyhow::Result<()> {
    let table = crate::input::open_table(&args.file)?;
    let x = match &args.x { Some(spec) => resolve_columns(spec, table.names())?, None => vec![0] };
    // Validated as an X block (finite, non-constant); Y repeats X and is not used.
    let data = table.paired_indices(&x, &x).with_context(|| format!("in {}", args.file.display()))?;
    let (kind, detected) = match (args.discrete, args.continuous) {
        (true, _) => (Kind::Discrete, false),
        (_, true) => (Kind::Continuous, false),
        _ => (detect_kind(data.x()), true),
    };
    let estimate = match kind {
        Kind::Discrete => Statistic::new("plug-in-miller-madow", |d: &PairedSamples| {
            let (plug_in, symbols) = joint_discrete_entropy(d.x());
            let h = plug_in + miller_madow_correction(symbols, d.n());
            Ok(MiEstimate::new("plug-in-miller-madow", h, d.n()).with_param("plug_in", plug_in).with_param("symbols", symbols))
        })
        .run(&data, args.bootstrap, args.level, args.seed)?,
        Kind::Continuous => {
            let kl = KlEntropyParams::new().k(args.k).check()?;
            Statistic::new("kozachenko-leonenko", |d: &PairedSamples| {
                let (h, seconds) = mutinf_core::timed(|| kl.entropy(d.x()));
                Ok(MiEstimate::new("kozachenko-leonenko", h?, d.n())
                    .with_seconds(seconds)
                    .with_param("k", kl.k())
                    .with_param("metric", "euclidean"))
            })
            .run(&data, args.bootstrap, args.level, args.seed)
            .map_err(|e| match detected {
                // Many duplicates usually mean discrete data read as continuous.
                true => e.context("the columns look continuous (more than 20 distinct values); if they are discrete, add --discrete"),
                false => e,
            })?
        }
    };
    let estimate = estimate.with_param("kind", kind.name()).with_param("kind_from", if detected { "data" } else { "flag" });
    let columns = data.x_names().join(",");
    match args.format {
        TextOrJson::Text => {
            let how = match kind {
                Kind::Discrete => "discrete: plug-in entropy with the Miller-Madow correction",
                Kind::Continuous => "continuous: Kozachenko-Leonenko k-NN differential entropy",
            };
            let said = if detected { "detected from the data" } else { "as told" };
            print_text(&format!("{}\n{how} ({said})\n", text_line_for(&format!("H({columns})"), &estimate)))
        }
        TextOrJson::Json => {
            let mut value = serde_json::to_value(&estimate)?;
            let object = value.as_object_mut().expect("an estimate is an object");
            let h = object.remove("mi").unwrap_or_default();
            object.insert("entropy".into(), h);
            object.insert("quantity".into(), json!(format!("H({columns})")));
            object.insert("kind".into(), json!(kind.name()));
            object.insert("columns".into(), json!(data.x_names()));
            print_json(&value)
        }
    }
}
