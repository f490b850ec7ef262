//! Paired samples (X, Y), validated once so no estimator has to re-check them.

use ndarray::{Array2, ArrayView2, Axis};
use rand::Rng;
use rand::seq::SliceRandom;

use crate::{MutinfError, Result};

/// N paired observations: X is N x dx, Y is N x dy, both f64.
///
/// Construction checks what every estimator relies on: equal row counts, at least two rows,
/// at least one column per block, only finite values, and no constant column. Columns have
/// names (default `X0..`, `Y0..`) so errors can point at them.
///
/// ```
/// use mutinf_core::{MutinfError, PairedSamples};
/// use ndarray::array;
/// # fn main() -> mutinf_core::Result<()> {
/// let data = PairedSamples::new(array![[1.0, 2.0], [2.0, 0.5], [3.0, 1.0]], array![[0.0], [1.0], [5.0]])?;
/// assert_eq!((data.n(), data.dx(), data.dy()), (3, 2, 1));
///
/// let bad = PairedSamples::from_columns(&[1.0, f64::NAN, 3.0], &[1.0, 2.0, 3.0]);
/// assert!(matches!(bad, Err(MutinfError::NonFinite { row: 1, .. })));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PairedSamples {
    x: Array2<f64>,
    y: Array2<f64>,
    x_names: Vec<String>,
    y_names: Vec<String>,
}

impl PairedSamples {
    /// Validates and wraps X (N x dx) and Y (N x dy), naming columns `X0..`, `Y0..`.
    pub fn new(x: Array2<f64>, y: Array2<f64>) -> Result<Self> {
        let x_names = (0..x.ncols()).map(|j| format!("X{j}")).collect();
        let y_names = (0..y.ncols()).map(|j| format!("Y{j}")).collect();
        Self::with_names(x, y, x_names, y_names)
    }

    /// Like [`PairedSamples::new`] with the given column names (used in error messages).
    pub fn with_names(x: Array2<f64>, y: Array2<f64>, x_names: Vec<String>, y_names: Vec<String>) -> Result<Self> {
        if x_names.len() != x.ncols() || y_names.len() != y.ncols() {
            return Err(MutinfError::invalid(
                "column names",
                format!("{} + {}", x_names.len(), y_names.len()),
                format!("need one name per column ({} + {})", x.ncols(), y.ncols()),
            ));
        }
        if x.nrows() != y.nrows() {
            return Err(MutinfError::LengthMismatch { x_rows: x.nrows(), y_rows: y.nrows() });
        }
        if x.ncols() == 0 {
            return Err(MutinfError::EmptyBlock { block: "X".into() });
        }
        if y.ncols() == 0 {
            return Err(MutinfError::EmptyBlock { block: "Y".into() });
        }
        if x.nrows() < 2 {
            return Err(MutinfError::too_few(x.nrows(), 2, "mutual information"));
        }
        check_block(x.view(), &x_names)?;
        check_block(y.view(), &y_names)?;
        Ok(Self { x, y, x_names, y_names })
    }

    /// Two 1-D columns of equal length.
    pub fn from_columns(x: &[f64], y: &[f64]) -> Result<Self> {
        if x.len() != y.len() {
            return Err(MutinfError::LengthMismatch { x_rows: x.len(), y_rows: y.len() });
        }
        let col = |v: &[f64]| Array2::from_shape_vec((v.len(), 1), v.to_vec()).expect("n x 1 shape matches length");
        Self::new(col(x), col(y))
    }

    /// Number of paired samples N.
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

    /// X, N x dx.
    pub fn x(&self) -> ArrayView2<'_, f64> {
        self.x.view()
    }

    /// Y, N x dy.
    pub fn y(&self) -> ArrayView2<'_, f64> {
        self.y.view()
    }

    /// Column names of X.
    pub fn x_names(&self) -> &[String] {
        &self.x_names
    }

    /// Column names of Y.
    pub fn y_names(&self) -> &[String] {
        &self.y_names
    }

    /// How many rows repeat an earlier row exactly (X and Y together): 0 for continuous data
    /// without copies. k-NN estimators read repeated rows as zero-distance neighbours.
    ///
    /// ```
    /// let d = mutinf_core::PairedSamples::from_columns(&[1.0, 2.0, 1.0, 1.0], &[5.0, 6.0, 5.0, 7.0]).unwrap();
    /// assert_eq!(d.duplicate_rows(), 1);
    /// ```
    pub fn duplicate_rows(&self) -> usize {
        let mut seen = std::collections::HashSet::with_capacity(self.n());
        (0..self.n())
            .filter(|&i| {
                // Bit patterns, with -0.0 read as 0.0 so equal values compare equal.
                let key: Vec<u64> =
                    self.x.row(i).iter().chain(self.y.row(i).iter()).map(|v| (v + 0.0).to_bits()).collect();
                !seen.insert(key)
            })
            .count()
    }

    /// X and Y side by side, N x (dx + dy): the joint space.
    pub fn joint(&self) -> Array2<f64> {
        ndarray::concatenate(Axis(1), &[self.x.view(), self.y.view()]).expect("same row count")
    }

    /// Errors unless there are at least `min` samples; `what` names the method and its
    /// parameter for the message (e.g. `"KSG with k = 3"`).
    pub fn require_samples(&self, min: usize, what: &str) -> Result<()> {
        if self.n() < min {
            return Err(MutinfError::too_few(self.n(), min, what));
        }
        Ok(())
    }

    /// The samples at the given rows (repeats allowed), e.g. a bootstrap resample.
    ///
    /// Not re-validated: a resample of valid data is finite, and estimators must already cope
    /// with ties. Indices must be `< n()`.
    pub fn select_rows(&self, rows: &[usize]) -> Self {
        Self {
            x: self.x.select(Axis(0), rows),
            y: self.y.select(Axis(0), rows),
            x_names: self.x_names.clone(),
            y_names: self.y_names.clone(),
        }
    }

    /// The same X with the rows of Y randomly permuted: a sample from the product of the
    /// marginals, whose true MI is 0. Used for shuffle baselines.
    pub fn with_shuffled_y(&self, rng: &mut impl Rng) -> Self {
        let mut perm: Vec<usize> = (0..self.n()).collect();
        perm.shuffle(rng);
        Self {
            x: self.x.clone(),
            y: self.y.select(Axis(0), &perm),
            x_names: self.x_names.clone(),
            y_names: self.y_names.clone(),
        }
    }

    /// Swaps the roles of X and Y (MI is symmetric; used in invariance tests).
    pub fn swapped(&self) -> Self {
        Self { x: self.y.clone(), y: self.x.clone(), x_names: self.y_names.clone(), y_names: self.x_names.clone() }
    }
}

/// Checks one block of columns as [`PairedSamples`] does: no NaN or infinite value, no constant
/// column; errors name the column (`names[j]`) and the row. Other sample types (conditional
/// blocks) use it so their errors read the same.
///
/// ```
/// use ndarray::array;
/// let err = mutinf_core::check_block(array![[1.0, 2.0], [1.0, 3.0]].view(), &["a".into(), "b".into()]).unwrap_err();
/// assert!(err.to_string().contains("column 'a' is constant"));
/// ```
pub fn check_block(block: ArrayView2<'_, f64>, names: &[String]) -> Result<()> {
    for (j, column) in block.axis_iter(Axis(1)).enumerate() {
        if let Some((row, &value)) = column.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(MutinfError::NonFinite { row, column: names[j].clone(), value });
        }
        let first = column[0];
        if column.iter().all(|&v| v == first) {
            return Err(MutinfError::ConstantColumn { column: names[j].clone(), value: first });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use rand::SeedableRng;

    #[test]
    fn rejects_mismatched_lengths() {
        let err = PairedSamples::from_columns(&[1.0, 2.0, 3.0], &[1.0, 2.0]).unwrap_err();
        assert!(matches!(err, MutinfError::LengthMismatch { x_rows: 3, y_rows: 2 }));
    }

    #[test]
    fn rejects_non_finite_naming_row_and_column() {
        let x = array![[1.0, 2.0], [2.0, f64::INFINITY], [3.0, 1.0]];
        let err = PairedSamples::new(x, array![[0.0], [1.0], [2.0]]).unwrap_err();
        match err {
            MutinfError::NonFinite { row, column, value } => {
                assert_eq!((row, column.as_str()), (1, "X1"));
                assert!(value.is_infinite());
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn rejects_constant_and_empty_and_short() {
        assert!(matches!(
            PairedSamples::from_columns(&[1.0, 2.0], &[4.0, 4.0]),
            Err(MutinfError::ConstantColumn { ref column, .. }) if column == "Y0"
        ));
        assert!(matches!(
            PairedSamples::new(Array2::zeros((3, 0)), array![[0.0], [1.0], [2.0]]),
            Err(MutinfError::EmptyBlock { .. })
        ));
        assert!(matches!(PairedSamples::from_columns(&[1.0], &[2.0]), Err(MutinfError::TooFewSamples { n: 1, .. })));
    }

    #[test]
    fn shuffled_y_is_a_permutation_of_y() {
        let data = PairedSamples::from_columns(&[1.0, 2.0, 3.0, 4.0, 5.0], &[10.0, 20.0, 30.0, 40.0, 50.0]).unwrap();
        let shuffled = data.with_shuffled_y(&mut rand::rngs::StdRng::seed_from_u64(7));
        let mut ys: Vec<f64> = shuffled.y().iter().copied().collect();
        ys.sort_by(f64::total_cmp);
        assert_eq!(ys, vec![10.0, 20.0, 30.0, 40.0, 50.0]);
        assert_eq!(shuffled.x(), data.x());
    }

    #[test]
    fn joint_and_swapped() {
        let data = PairedSamples::from_columns(&[1.0, 2.0], &[3.0, 4.0]).unwrap();
        assert_eq!(data.joint(), array![[1.0, 3.0], [2.0, 4.0]]);
        assert_eq!(data.swapped().x(), data.y());
        assert_eq!(data.swapped().x_names(), &["Y0".to_string()]);
    }
}
