//! Small dense linear algebra on row-major `d x d` slices: Cholesky, triangular solves, log-det.
//!
//! Hand-written because mixtures here have small `d` (2 or 3 in the paper's protocols) and the
//! hot loops (sampling, log-densities) want flat, allocation-free kernels rather than a general
//! matrix library.

/// Lower Cholesky factor `L` (row-major, upper triangle zero) with `L L^T = a`.
///
/// Reads only the lower triangle of `a`. Returns `Err(pivot)` at the first non-positive (or
/// non-finite) pivot, i.e. when `a` is not numerically positive definite.
pub(crate) fn cholesky(a: &[f64], d: usize) -> Result<Vec<f64>, usize> {
    debug_assert_eq!(a.len(), d * d);
    let mut l = vec![0.0; d * d];
    for i in 0..d {
        for j in 0..=i {
            let mut s = a[i * d + j];
            for k in 0..j {
                s -= l[i * d + k] * l[j * d + k];
            }
            if i == j {
                // Written so that NaN fails too.
                if !(s > 0.0 && s.is_finite()) {
                    return Err(i);
                }
                l[i * d + i] = s.sqrt();
            } else {
                l[i * d + j] = s / l[j * d + j];
            }
        }
    }
    Ok(l)
}

/// Solves `L v = b` in place (forward substitution); `L` lower triangular.
#[inline]
pub(crate) fn solve_lower_in_place(l: &[f64], d: usize, v: &mut [f64]) {
    for i in 0..d {
        let row = &l[i * d..i * d + i];
        let mut s = v[i];
        for (lij, vj) in row.iter().zip(v.iter()) {
            s -= lij * vj;
        }
        v[i] = s / l[i * d + i];
    }
}

/// Solves `L^T v = b` in place (back substitution); `L` lower triangular.
pub(crate) fn solve_upper_t_in_place(l: &[f64], d: usize, v: &mut [f64]) {
    for i in (0..d).rev() {
        let mut s = v[i];
        for j in i + 1..d {
            s -= l[j * d + i] * v[j];
        }
        v[i] = s / l[i * d + i];
    }
}

/// `ln det(L L^T)` from the Cholesky factor.
pub(crate) fn log_det_from_cholesky(l: &[f64], d: usize) -> f64 {
    2.0 * (0..d).map(|i| l[i * d + i].ln()).sum::<f64>()
}

/// Inverse of the SPD matrix whose Cholesky factor is `l` (row-major, full).
pub(crate) fn inverse_from_cholesky(l: &[f64], d: usize) -> Vec<f64> {
    let mut inv = vec![0.0; d * d];
    let mut col = vec![0.0; d];
    for j in 0..d {
        col.iter_mut().for_each(|c| *c = 0.0);
        col[j] = 1.0;
        solve_lower_in_place(l, d, &mut col);
        solve_upper_t_in_place(l, d, &mut col);
        for i in 0..d {
            inv[i * d + j] = col[i];
        }
    }
    inv
}

/// `L⁻¹` (lower triangular, row-major) of a lower Cholesky factor, so that quadratic forms need
/// only multiply-adds: `(x-m)ᵀ Σ⁻¹ (x-m) = |L⁻¹ (x-m)|²`.
pub(crate) fn inverse_lower(l: &[f64], d: usize) -> Vec<f64> {
    let mut w = vec![0.0; d * d];
    let mut col = vec![0.0; d];
    for j in 0..d {
        col.iter_mut().for_each(|c| *c = 0.0);
        col[j] = 1.0;
        solve_lower_in_place(l, d, &mut col);
        for i in 0..d {
            w[i * d + j] = col[i];
        }
    }
    w
}

/// Flattens nested rows into a row-major vector (caller has checked the shape).
pub(crate) fn flatten(rows: &[Vec<f64>]) -> Vec<f64> {
    rows.iter().flat_map(|r| r.iter().copied()).collect()
}

/// Splits a row-major `d x d` vector into nested rows.
pub(crate) fn unflatten(a: &[f64], d: usize) -> Vec<Vec<f64>> {
    a.chunks(d).map(<[f64]>::to_vec).collect()
}

/// The sub-matrix of rows and columns `idx` (in that order) of a row-major `d x d` matrix.
pub(crate) fn sub_matrix(a: &[f64], d: usize, idx: &[usize]) -> Vec<f64> {
    let m = idx.len();
    let mut out = Vec::with_capacity(m * m);
    for &i in idx {
        for &j in idx {
            out.push(a[i * d + j]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_reconstructs_and_solves() {
        let a = [4.0, 2.0, 0.6, 2.0, 5.0, 1.0, 0.6, 1.0, 3.0];
        let l = cholesky(&a, 3).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let s: f64 = (0..3).map(|k| l[i * 3 + k] * l[j * 3 + k]).sum();
                assert!((s - a[i * 3 + j]).abs() < 1e-12);
            }
        }
        let inv = inverse_from_cholesky(&l, 3);
        for i in 0..3 {
            for j in 0..3 {
                let s: f64 = (0..3).map(|k| a[i * 3 + k] * inv[k * 3 + j]).sum();
                assert!((s - if i == j { 1.0 } else { 0.0 }).abs() < 1e-12);
            }
        }
        // det via cofactor expansion
        let det = a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6])
            + a[2] * (a[3] * a[7] - a[4] * a[6]);
        assert!((log_det_from_cholesky(&l, 3) - det.ln()).abs() < 1e-12);
    }

    #[test]
    fn cholesky_reports_the_failing_pivot() {
        assert_eq!(cholesky(&[1.0, 2.0, 2.0, 1.0], 2), Err(1));
        assert_eq!(cholesky(&[-1.0, 0.0, 0.0, 1.0], 2), Err(0));
        assert_eq!(cholesky(&[f64::NAN, 0.0, 0.0, 1.0], 2), Err(0));
    }
}
