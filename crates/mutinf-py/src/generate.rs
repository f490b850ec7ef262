//! Samples with known MI from the library's generators (`mutinf.generate`), seeded exactly as
//! `mutinf generate` is, so the same seed gives the same samples and truth in both.

use mutinf_gmm::families::{PaperEvalFamily, PaperTrainFamily};
use mutinf_gmm::{GaussianMixture, MonteCarloOptions};
use numpy::{PyArray1, PyArray2, PyArrayMethods};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::errors::{Error, to_py};

type Drawn<'py> = (Bound<'py, PyArray2<f64>>, Bound<'py, PyArray2<f64>>, f64, f64);

/// `n` samples of a standard bivariate Gaussian with correlation `rho`: (x, y, mi, 0.0).
#[pyfunction]
pub fn gaussian(py: Python<'_>, n: usize, rho: f64, seed: u64) -> PyResult<Drawn<'_>> {
    if n < 2 {
        return Err(PyValueError::new_err(format!("n={n} is too small: generate at least 2 samples")));
    }
    if !(rho.is_finite() && rho.abs() < 1.0) {
        return Err(PyValueError::new_err(format!("rho={rho} is not a correlation strictly between -1 and 1; try e.g. rho=0.5")));
    }
    let gmm = GaussianMixture::bivariate_gaussian(rho).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let samples = py.detach(|| gmm.sample(n, &mut StdRng::seed_from_u64(seed)));
    let mi = -0.5 * (1.0 - rho * rho).ln();
    split(py, samples, 1, mi, 0.0)
}

/// `n` samples of a random Gaussian mixture of `components` components from `family`
/// (`paper-eval` or `paper-train`) in `dx + dy` dimensions: (x, y, mi, std_error), the truth
/// by Monte-Carlo over `truth_samples` points.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub fn gmm<'py>(
    py: Python<'py>,
    n: usize,
    dx: usize,
    dy: usize,
    components: usize,
    family: &str,
    truth_samples: usize,
    seed: u64,
) -> PyResult<Drawn<'py>> {
    if n < 2 {
        return Err(PyValueError::new_err(format!("n={n} is too small: generate at least 2 samples")));
    }
    if dx == 0 || dy == 0 {
        return Err(PyValueError::new_err(format!("dims=({dx}, {dy}): X and Y need at least one dimension each")));
    }
    if components == 0 {
        return Err(PyValueError::new_err("components=0: a mixture needs at least one component"));
    }
    if truth_samples < 1000 {
        return Err(PyValueError::new_err(format!("truth_samples={truth_samples} is too few for a Monte-Carlo truth; use at least 1000")));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let gmm = match family {
        "paper-train" if dx + dy == 2 => PaperTrainFamily { components: (components, components), ..Default::default() }.sample(&mut rng),
        "paper-train" => return Err(PyValueError::new_err("family=\"paper-train\" is two-dimensional; use dims=(1, 1) or family=\"paper-eval\"")),
        "paper-eval" => PaperEvalFamily::fixed(dx + dy, components).sample(&mut rng),
        other => return Err(PyValueError::new_err(format!("family={other:?} is not one of \"paper-eval\", \"paper-train\""))),
    }
    .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let (samples, truth) = py.detach(|| {
        let samples = gmm.sample(n, &mut rng);
        let x: Vec<usize> = (0..dx).collect();
        let y: Vec<usize> = (dx..dx + dy).collect();
        // The truth's seed is derived from the user's as in `mutinf generate gmm`.
        let options = MonteCarloOptions { samples: truth_samples, seed: seed ^ 0x9e37_79b9_7f4a_7c15, ..Default::default() };
        (samples, gmm.mutual_information(&x, &y, &options))
    });
    let truth = truth.map_err(|e| to_py(Error::Options(e.to_string())))?;
    split(py, samples, dx, truth.value, truth.std_error)
}

fn split(py: Python<'_>, samples: ndarray::Array2<f64>, dx: usize, mi: f64, std_error: f64) -> PyResult<Drawn<'_>> {
    // Through flat vectors: numpy's ndarray version may differ from ours.
    let block = |cols: ndarray::ArrayView2<'_, f64>| -> PyResult<Bound<'_, PyArray2<f64>>> {
        let shape = [cols.nrows(), cols.ncols()];
        PyArray1::from_vec(py, cols.iter().copied().collect()).reshape(shape)
    };
    Ok((block(samples.slice(ndarray::s![.., ..dx]))?, block(samples.slice(ndarray::s![.., dx..]))?, mi, std_error))
}
