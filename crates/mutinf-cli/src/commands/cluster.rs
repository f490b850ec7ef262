//! `mutinf cluster`: Invariant Information Clustering of tabular data — a small MLP whose
//! softmax heads maximise the MI between the cluster assignments of two perturbed views of
//! every row (`mutinf_objectives::cluster`).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use mutinf_core::columns::resolve_columns;
use mutinf_objectives::cluster::{IicConfig, TabularViews, fit_iic};
use serde_json::json;

use super::te::TextOrJson;
use crate::device::{CpuBackend, DeviceChoice, select};
use crate::output::{print_json, print_text};

/// Arguments of `mutinf cluster`.
#[derive(Debug, Args)]
pub struct ClusterArgs {
    /// Input: CSV (header optional) or NumPy .npy (2-D), one sample per row.
    pub file: PathBuf,
    /// Number of clusters C.
    #[arg(long)]
    pub clusters: usize,
    /// Write one integer label per input row here (CSV with the header `label`).
    #[arg(long)]
    pub out: PathBuf,
    /// Auxiliary over-clustering head with C2 > C clusters (IIC's trick for finer structure;
    /// 0 = none).
    #[arg(long, default_value_t = 0)]
    pub overcluster: usize,
    /// Columns to cluster on (names or 0-based indices, lists and ranges). Default: all.
    #[arg(long)]
    pub columns: Option<String>,
    /// View perturbation: Gaussian jitter with this standard deviation, in units of each
    /// column's spread (columns are standardised first).
    #[arg(long, default_value_t = 0.1)]
    pub jitter: f64,
    /// View perturbation: each value is replaced by its column mean with this probability.
    #[arg(long, default_value_t = 0.1)]
    pub dropout: f64,
    /// Optimiser steps.
    #[arg(long, default_value_t = 1500)]
    pub steps: usize,
    /// Rows per step (two views each).
    #[arg(long, default_value_t = 512)]
    pub batch: usize,
    /// Hidden widths of the MLP, comma-separated.
    #[arg(long, default_value = "256,256")]
    pub hidden: String,
    /// Independent heads trained side by side; the one with the highest MI labels the data.
    #[arg(long, default_value_t = 5)]
    pub sub_heads: usize,
    /// IIC's weight λ on the marginal entropies (1 = exact MI; more favours balanced clusters).
    #[arg(long, default_value_t = 1.0)]
    pub lambda: f64,
    /// Adam's learning rate.
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f64,
    /// Seed of the weights, batches and views.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Where the network trains.
    #[arg(long, value_enum, default_value_t = DeviceChoice::Cpu)]
    pub device: DeviceChoice,
    /// CPU backend (with --device cpu).
    #[arg(long, value_enum, default_value_t = CpuBackend::Flex)]
    pub backend: CpuBackend,
    /// Output format of the summary (the labels always go to --out).
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

/// Runs `mutinf cluster`.
pub fn run(args: ClusterArgs) -> anyhow::Result<()> {
    let table = crate::input::open_table(&args.file)?;
    let columns = match &args.columns {
        Some(spec) => resolve_columns(spec, table.names())?,
        None => (0..table.ncols()).collect(),
    };
    let table = table.select_numeric(&columns)?;
    let (rows, cols) = (table.nrows(), table.names().len());
    let data: Vec<f64> = table.data().iter().copied().collect();
    let views = TabularViews::new(&data, rows, cols, args.jitter, args.dropout).with_context(|| format!("in {}", args.file.display()))?;
    let hidden = args
        .hidden
        .split(',')
        .map(|w| w.trim().parse::<usize>())
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("--hidden '{}' must be comma-separated widths, e.g. 256,256", args.hidden))?;
    let config = IicConfig::new(args.clusters)
        .with_overcluster((args.overcluster > 0).then_some(args.overcluster))
        .with_hidden(hidden)
        .with_batch(args.batch)
        .with_steps(args.steps)
        .with_sub_heads(args.sub_heads)
        .with_lambda(args.lambda)
        .with_lr(args.lr)
        .with_seed(args.seed);
    config.check(rows)?;
    if let Some(c2) = config.overcluster
        && c2 <= args.clusters
    {
        anyhow::bail!("--overcluster {c2} must exceed --clusters {} (or be 0 for none)", args.clusters);
    }
    let device = select(args.device, args.backend)?;
    // Opened before training, so an unwritable path fails at once, not after the run.
    let mut labels_file =
        std::fs::File::create(&args.out).with_context(|| format!("creating the labels file {}", args.out.display()))?;
    let bar = ProgressBar::new(args.steps as u64).with_style(
        ProgressStyle::with_template("{spinner} IIC [{bar:30}] {pos}/{len} steps  {msg}  ETA {eta}")
            .expect("the template is valid")
            .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let fit = fit_iic(&views, &config, &device, &mut |p| {
        bar.set_position(p.step as u64);
        if p.step % 10 == 0 {
            bar.set_message(format!("I(Z;Z') ≈ {:.3} nats", -p.loss));
        }
    })?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();

    let mut out = String::with_capacity(rows * 3 + 6);
    out.push_str("label\n");
    for label in &fit.labels {
        out.push_str(&label.to_string());
        out.push('\n');
    }
    labels_file
        .write_all(out.as_bytes())
        .with_context(|| format!("writing the labels to {}", args.out.display()))?;

    let empty = fit.sizes.iter().filter(|&&s| s == 0).count();
    let ceiling = (args.clusters as f64).ln();
    match args.format {
        TextOrJson::Text => {
            let mut text = format!(
                "IIC: {rows} rows, {cols} columns -> {} clusters ({} labels written to {})\n",
                args.clusters,
                fit.labels.len(),
                args.out.display()
            );
            text += &format!("cluster sizes: {}\n", fit.sizes.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "));
            text += &format!(
                "I(Z; Z') = {:.4} nats of at most ln {} = {ceiling:.4} (head {} of {}; {} steps, {seconds:.1} s)\n",
                fit.mi, args.clusters, fit.head, args.sub_heads, args.steps
            );
            if empty > 0 {
                text += &format!(
                    "note: {empty} of {} clusters are empty; the data may hold fewer groups, or try --lambda 1.5 or more --steps\n",
                    args.clusters
                );
            }
            print_text(&text)
        }
        TextOrJson::Json => print_json(&json!({
            "rows": rows,
            "columns": table.names(),
            "clusters": args.clusters,
            "sizes": fit.sizes,
            "empty_clusters": empty,
            "mi": fit.mi,
            "mi_ceiling": ceiling,
            "head": fit.head,
            "head_mi": fit.head_mi,
            "steps": args.steps,
            "seconds": seconds,
            "labels_file": args.out,
            "seed": args.seed,
        })),
    }
}
