//! Conditional MI and transfer entropy (`mutinf.conditional_mi`, `mutinf.transfer_entropy`):
//! the library's `conditional` and `time_series` estimators, as `mutinf estimate --z` and
//! `mutinf te` run them.

use mutinf_estimators::conditional::{ConditionalEstimator, ConditionalSamples, GaussianCmi, KsgCmiParams};
use mutinf_estimators::time_series::{Surrogate, TeParams};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::arrays::Block;
use crate::errors::{Error, to_py};

/// The CMI estimator `method` names (`ksg` with `k`, or `gaussian`).
fn estimator(method: &str, k: usize) -> Result<Box<dyn ConditionalEstimator>, Error> {
    match method {
        "ksg" => Ok(Box::new(KsgCmiParams::new().k(k).check()?)),
        "gaussian" => Ok(Box::new(GaussianCmi)),
        other => Err(Error::Options(format!("method={other:?}: conditional MI is available with method \"ksg\" or \"gaussian\""))),
    }
}

/// I(X;Y|Z) as the CLI's `estimate --z` JSON.
#[pyfunction]
pub fn conditional_mi_json(py: Python<'_>, x: Block<'_>, y: Block<'_>, z: Block<'_>, method: &str, k: usize) -> PyResult<String> {
    let samples = ConditionalSamples::new(x.to_f64(), y.to_f64(), z.to_f64()).map_err(|e| to_py(e.into()))?;
    let estimator = estimator(method, k).map_err(to_py)?;
    py.detach(|| -> Result<String, Error> { Ok(serde_json::to_string(&estimator.estimate(&samples)?)?) }).map_err(to_py)
}

/// One series from a one-column block.
fn series(block: &Block<'_>, name: &str) -> PyResult<Vec<f64>> {
    let values = block.to_f64();
    if values.ncols() != 1 {
        return Err(PyValueError::new_err(format!(
            "{name} has {} columns; transfer entropy reads one series each for source and target (a 1-D array)",
            values.ncols()
        )));
    }
    Ok(values.column(0).to_vec())
}

/// TE(source → target) as JSON, with the p-value and surrogate values when `surrogates > 0`.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
#[pyo3(signature = (source, target, method, k, history, source_history, delay, surrogates, surrogate, surrogate_size, seed))]
pub fn transfer_entropy_json(
    py: Python<'_>,
    source: Block<'_>,
    target: Block<'_>,
    method: &str,
    k: usize,
    history: usize,
    source_history: usize,
    delay: usize,
    surrogates: usize,
    surrogate: &str,
    surrogate_size: Option<usize>,
    seed: u64,
) -> PyResult<(String, Option<f64>, Vec<f64>)> {
    let (source, target) = (series(&source, "source")?, series(&target, "target")?);
    let estimator = estimator(method, k).map_err(to_py)?;
    let kind = match surrogate {
        "time-shift" => Surrogate::TimeShift { exclusion: surrogate_size },
        "block-shuffle" => Surrogate::BlockShuffle { block: surrogate_size },
        other => return Err(PyValueError::new_err(format!("surrogate={other:?} is not one of \"time-shift\", \"block-shuffle\""))),
    };
    let te = TeParams::new()
        .history(history)
        .source_history(source_history)
        .delay(delay)
        .surrogates(surrogates)
        .surrogate(kind)
        .seed(seed)
        .check()
        .map_err(|e| to_py(e.into()))?;
    py.detach(|| -> Result<_, Error> {
        let result = te.run(estimator.as_ref(), &source, &target)?;
        let (p, values) = match result.significance {
            Some(s) => (Some(s.p_value), s.surrogate_values),
            None => (None, Vec::new()),
        };
        Ok((serde_json::to_string(&result.estimate)?, p, values))
    })
    .map_err(to_py)
}
