//! Validated triples (X, Y, Z) for conditional MI.

use mutinf_core::{MutinfError, Result, check_block};
use ndarray::{Array2, ArrayView2};

/// N observations of three blocks: X (N x dx), Y (N x dy) and the conditioning block Z
/// (N x dz), all f64, for I(X; Y | Z).
///
/// Construction checks what the estimators rely on, like `PairedSamples` does for (X, Y):
/// equal row counts, at least two rows, at least one column per block, only finite values and
/// no constant column. Columns have names (default `X0..`, `Y0..`, `Z0..`) so that errors can
/// point at them.
///
/// ```
/// use mutinf_core::MutinfError;
/// use mutinf_estimators::conditional::ConditionalSamples;
/// # fn main() -> mutinf_core::Result<()> {
/// let data = ConditionalSamples::from_columns(&[1.0, 2.0, 3.0], &[2.0, 1.0, 3.0], &[0.5, 0.1, 0.7])?;
/// assert_eq!((data.n(), data.dx(), data.dy(), data.dz()), (3, 1, 1, 1));
///
/// let bad = ConditionalSamples::from_columns(&[1.0, 2.0, 3.0], &[2.0, 1.0, 3.0], &[0.5, f64::NAN, 0.7]);
/// assert!(matches!(bad, Err(MutinfError::NonFinite { row: 1, .. })));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionalSamples {
    x: Array2<f64>,
    y: Array2<f64>,
    z: Array2<f64>,
    names: [Vec<String>; 3],
}

impl ConditionalSamples {
    /// Validates and wraps X, Y and Z, naming the columns `X0..`, `Y0..`, `Z0..`.
    pub fn new(x: Array2<f64>, y: Array2<f64>, z: Array2<f64>) -> Result<Self> {
        let name = |p: &str, d: usize| (0..d).map(|j| format!("{p}{j}")).collect::<Vec<_>>();
        let names = [name("X", x.ncols()), name("Y", y.ncols()), name("Z", z.ncols())];
        Self::with_names(x, y, z, names)
    }

    /// Like [`ConditionalSamples::new`] with one name per column of X, Y and Z (used in
    /// error messages).
    pub fn with_names(x: Array2<f64>, y: Array2<f64>, z: Array2<f64>, names: [Vec<String>; 3]) -> Result<Self> {
        let blocks = [(&x, "X"), (&y, "Y"), (&z, "Z")];
        for ((block, label), names) in blocks.iter().zip(&names) {
            if names.len() != block.ncols() {
                return Err(MutinfError::invalid(
                    format!("{label} column names"),
                    names.len(),
                    format!("need one name per column of {label} ({})", block.ncols()),
                ));
            }
        }
        if x.nrows() != y.nrows() {
            return Err(MutinfError::LengthMismatch { x_rows: x.nrows(), y_rows: y.nrows() });
        }
        if z.nrows() != x.nrows() {
            return Err(MutinfError::invalid(
                "Z rows",
                z.nrows(),
                format!("X and Y have {} rows; Z must be paired with them row by row (same number of rows)", x.nrows()),
            ));
        }
        for (block, label) in blocks {
            if block.ncols() == 0 {
                let hint = if label == "Z" { " (for I(X; Y) without conditioning use plain KSG)" } else { "" };
                return Err(MutinfError::EmptyBlock { block: format!("{label}{hint}") });
            }
        }
        if x.nrows() < 2 {
            return Err(MutinfError::too_few(x.nrows(), 2, "conditional mutual information"));
        }
        for ((block, _), names) in blocks.iter().zip(&names) {
            check_block(block.view(), names)?;
        }
        Ok(Self { x, y, z, names })
    }

    /// Three 1-D columns of equal length.
    pub fn from_columns(x: &[f64], y: &[f64], z: &[f64]) -> Result<Self> {
        let col = |v: &[f64]| Array2::from_shape_vec((v.len(), 1), v.to_vec()).expect("n x 1 shape matches length");
        Self::new(col(x), col(y), col(z))
    }

    /// Number of samples N.
    pub fn n(&self) -> usize {
        self.x.nrows()
    }
    /// Dimension of X.
    pub fn dx(&self) -> usize {
        self.x.ncols()
    }
    /// Dimension of Y.
    pub fn dy(&self) -> usize {
        self.y.ncols()
    }
    /// Dimension of Z.
    pub fn dz(&self) -> usize {
        self.z.ncols()
    }
    /// X, N x dx.
    pub fn x(&self) -> ArrayView2<'_, f64> {
        self.x.view()
    }
    /// Y, N x dy.
    pub fn y(&self) -> ArrayView2<'_, f64> {
        self.y.view()
    }
    /// Z, N x dz.
    pub fn z(&self) -> ArrayView2<'_, f64> {
        self.z.view()
    }
    /// Column names of X, Y and Z.
    pub fn names(&self) -> &[Vec<String>; 3] {
        &self.names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn rejects_bad_blocks_naming_them() {
        let ok = array![[1.0], [2.0], [3.0]];
        let err = ConditionalSamples::new(ok.clone(), ok.clone(), array![[1.0], [2.0]]).unwrap_err();
        assert!(err.to_string().contains("Z rows"), "{err}");
        let err = ConditionalSamples::new(ok.clone(), ok.clone(), Array2::zeros((3, 0))).unwrap_err();
        assert!(matches!(err, MutinfError::EmptyBlock { .. }), "{err}");
        let err = ConditionalSamples::new(ok.clone(), ok.clone(), array![[1.0, 4.0], [1.0, 5.0], [1.0, 6.0]]).unwrap_err();
        assert!(matches!(err, MutinfError::ConstantColumn { ref column, .. } if column == "Z0"), "{err}");
        let err = ConditionalSamples::new(ok.clone(), array![[1.0], [f64::INFINITY], [0.0]], ok.clone()).unwrap_err();
        assert!(matches!(err, MutinfError::NonFinite { row: 1, ref column, .. } if column == "Y0"), "{err}");
        let err = ConditionalSamples::new(ok.clone(), array![[1.0], [2.0]], ok.clone()).unwrap_err();
        assert!(matches!(err, MutinfError::LengthMismatch { x_rows: 3, y_rows: 2 }), "{err}");
        let err = ConditionalSamples::from_columns(&[1.0], &[2.0], &[3.0]).unwrap_err();
        assert!(matches!(err, MutinfError::TooFewSamples { n: 1, .. }), "{err}");
    }
}
