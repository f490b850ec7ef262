//! numpy arrays → paired samples. The Python side hands over 2-D float32 or float64 arrays of
//! any strides (it has already turned lists, pandas and torch objects into arrays and 1-D into
//! one column); they are read in place and copied once, into the library's f64 layout.

use mutinf_core::PairedSamples;
use ndarray::{Array2, ArrayView2, s};
use numpy::{PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;

/// One block (X or Y): a read-only view of a float64 or float32 array.
#[derive(FromPyObject)]
pub enum Block<'py> {
    /// float64, read as is.
    F64(PyReadonlyArray2<'py, f64>),
    /// float32, widened to f64 (exactly) while copying.
    F32(PyReadonlyArray2<'py, f32>),
}

impl Block<'_> {
    /// The block as an owned, standard-layout f64 array. (numpy's own ndarray version may
    /// differ from ours, so the values are read through its view in logical order, whatever
    /// the strides, rather than by sharing ndarray types.)
    pub fn to_f64(&self) -> Array2<f64> {
        let (shape, values): (_, Vec<f64>) = match self {
            Self::F64(a) => (a.shape(), a.as_array().iter().copied().collect()),
            Self::F32(a) => (a.shape(), a.as_array().iter().map(|&v| f64::from(v)).collect()),
        };
        Array2::from_shape_vec((shape[0], shape[1]), values).expect("a 2-D array's values fill its shape")
    }
}

/// A table's columns as our ndarray view (see [`Block::to_f64`] on the versions); one copy.
pub fn table_f64(table: &PyReadonlyArray2<'_, f64>) -> Array2<f64> {
    let shape = table.shape();
    Array2::from_shape_vec((shape[0], shape[1]), table.as_array().iter().copied().collect())
        .expect("a 2-D array's values fill its shape")
}

/// X and Y as validated paired samples (finite, same length, non-empty): the library's checks,
/// so the errors are the CLI's.
pub fn paired(x: &Block<'_>, y: &Block<'_>) -> PyResult<PairedSamples> {
    PairedSamples::new(x.to_f64(), y.to_f64()).map_err(|e| crate::errors::to_py(e.into()))
}

/// Columns `i` and `j` of a table as one X and one Y column named `column i` / `column j`
/// (the names `mutinf_estimators::matrix::pairwise_mi` gives, so errors say which column).
pub fn column_pair(table: ArrayView2<'_, f64>, i: usize, j: usize) -> mutinf_core::Result<PairedSamples> {
    PairedSamples::with_names(
        table.slice(s![.., i..i + 1]).to_owned(),
        table.slice(s![.., j..j + 1]).to_owned(),
        vec![format!("column {i}")],
        vec![format!("column {j}")],
    )
}
