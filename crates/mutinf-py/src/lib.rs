//! The native half of mutinf's Python package (`mutinf._mutinf`): numpy arrays in, estimates
//! out, through the same library API the `mutinf` CLI uses. The pure-Python half
//! (`python/mutinf`) checks and converts array-likes, names the options and wraps results.
//!
//! Every entry point releases the GIL while Rust computes, and every user error becomes a
//! `ValueError` carrying the library's message (the one the CLI prints).

mod arrays;
mod conditional;
mod errors;
mod generate;
mod methods;

use numpy::{PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;

use mutinf_core::{MiEstimate, PairedSamples};

use crate::arrays::{Block, column_pair, paired, table_f64};
use crate::errors::to_py;
use crate::methods::{MethodOptions, Prepared};

/// burn's CPU backends allocate many short-lived buffers; mimalloc keeps that cheap (as in the CLI).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Estimates I(X;Y) with the method and options in `options` (JSON, see `MethodOptions`);
/// returns the estimate as JSON (the CLI's `--format json` object) and, with `shuffle > 0`, the
/// shuffled-Y baseline's JSON.
#[pyfunction]
fn estimate_json(py: Python<'_>, x: Block<'_>, y: Block<'_>, options: &str) -> PyResult<(String, Option<String>)> {
    let options = MethodOptions::from_json(options).map_err(to_py)?;
    let data = paired(&x, &y)?;
    let prepared = methods::prepared(&options).map_err(to_py)?;
    py.detach(|| run_one(&prepared, &options, &data)).map_err(to_py)
}

fn run_one(prepared: &Prepared, options: &MethodOptions, data: &PairedSamples) -> Result<(String, Option<String>), errors::Error> {
    let estimator = prepared.estimator();
    let estimate = match prepared.bootstrap() {
        Some(bootstrap) => bootstrap.run(estimator, data)?,
        None => estimator.estimate(data)?,
    }
    .plausible()?;
    let baseline = match options.shuffle {
        0 => None,
        repeats => Some(mutinf_estimators::bootstrap::shuffle_baseline(estimator, data, repeats, options.seed)?),
    };
    Ok((serde_json::to_string(&estimate)?, baseline.map(|b| serde_json::to_string(&b)).transpose()?))
}

/// Estimates I(X;Y) for each (x, y) pair: one batched pass per chunk for InfoNet, pairs in
/// parallel for the classical methods. Returns one JSON object per pair, in order.
#[pyfunction]
fn estimate_many_json(py: Python<'_>, pairs: Vec<(Block<'_>, Block<'_>)>, options: &str) -> PyResult<Vec<String>> {
    let options = MethodOptions::from_json(options).map_err(to_py)?;
    let data = pairs.iter().map(|(x, y)| paired(x, y)).collect::<PyResult<Vec<_>>>()?;
    let prepared = methods::prepared(&options).map_err(to_py)?;
    py.detach(|| -> Result<Vec<String>, errors::Error> {
        let estimates = prepared.estimate_many(&data)?.into_iter().map(MiEstimate::plausible).collect::<Result<Vec<_>, _>>()?;
        Ok(estimates.iter().map(serde_json::to_string).collect::<Result<_, _>>()?)
    })
    .map_err(to_py)
}

/// The MI of the column pairs `pairs` (i, j) of the 2-D array `table` (nats, in order): what
/// `mutinf.matrix` fills its matrix with, one chunk of pairs per call.
#[pyfunction]
fn column_pairs_mi(py: Python<'_>, table: PyReadonlyArray2<'_, f64>, pairs: Vec<(usize, usize)>, options: &str) -> PyResult<Vec<f64>> {
    let options = MethodOptions::from_json(options).map_err(to_py)?;
    let ncols = table.shape()[1];
    if let Some(&(i, j)) = pairs.iter().find(|&&(i, j)| i >= ncols || j >= ncols || i == j) {
        return Err(pyo3::exceptions::PyValueError::new_err(format!(
            "column pair ({i}, {j}) is not two different columns of a table with {ncols} columns"
        )));
    }
    let prepared = methods::prepared(&options).map_err(to_py)?;
    let columns = table_f64(&table);
    let columns = columns.view();
    py.detach(|| -> Result<Vec<f64>, errors::Error> {
        let data = pairs.iter().map(|&(i, j)| column_pair(columns, i, j)).collect::<Result<Vec<_>, _>>()?;
        Ok(prepared.estimate_many(&data)?.into_iter().map(|e| e.plausible().map(|e| e.mi)).collect::<Result<_, _>>()?)
    })
    .map_err(to_py)
}

/// Loads (and caches) the estimator `options` describe, so a bad checkpoint or option fails at
/// construction (`mutinf.InfoNet.load`); returns the checkpoint's metadata.
#[pyfunction]
fn prepare(options: &str) -> PyResult<std::collections::BTreeMap<String, String>> {
    let options = MethodOptions::from_json(options).map_err(to_py)?;
    Ok(methods::prepared(&options).map_err(to_py)?.metadata().clone())
}

/// The names of the checkpoints built into the package.
#[pyfunction]
fn pretrained_names() -> Vec<&'static str> {
    mutinf_models::pretrained::names()
}

/// The native module.
#[pymodule]
fn _mutinf(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(estimate_json, m)?)?;
    m.add_function(wrap_pyfunction!(estimate_many_json, m)?)?;
    m.add_function(wrap_pyfunction!(column_pairs_mi, m)?)?;
    m.add_function(wrap_pyfunction!(prepare, m)?)?;
    m.add_function(wrap_pyfunction!(pretrained_names, m)?)?;
    m.add_function(wrap_pyfunction!(conditional::conditional_mi_json, m)?)?;
    m.add_function(wrap_pyfunction!(conditional::transfer_entropy_json, m)?)?;
    m.add_function(wrap_pyfunction!(generate::gaussian, m)?)?;
    m.add_function(wrap_pyfunction!(generate::gmm, m)?)?;
    m.add("DEFAULT_SLICES", mutinf_core::slicing::DEFAULT_SLICES)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
