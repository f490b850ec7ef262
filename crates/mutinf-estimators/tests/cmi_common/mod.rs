//! Seeded generators with analytic truths for the conditional-MI and time-series tests (and
//! the `cmi_accuracy` example, which measures the seed spreads the tests' tolerances cite).
#![allow(dead_code)]

use mutinf_estimators::conditional::{ConditionalSamples, gaussian_cmi_from_covariance};
use ndarray::{Array2, array};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

pub fn normals(n: usize, seed: u64) -> impl FnMut() -> f64 {
    let mut r = StdRng::seed_from_u64(seed);
    let _ = n;
    move || r.sample::<f64, _>(StandardNormal)
}

/// (X, Y, Z) = A·e for e standard normal (rows of A: X, Y, Z...): covariance A Aᵀ.
/// Returns the samples with `dz` Z columns (the last rows of A) and the exact I(X; Y | Z).
pub fn linear_gaussian(n: usize, a: &Array2<f64>, dz: usize, seed: u64) -> (ConditionalSamples, f64) {
    let d = a.nrows();
    let mut g = normals(n, seed);
    let e = Array2::from_shape_fn((n, a.ncols()), |_| g());
    let v = e.dot(&a.t());
    let x = v.slice(ndarray::s![.., 0..1]).to_owned();
    let y = v.slice(ndarray::s![.., 1..2]).to_owned();
    let z = v.slice(ndarray::s![.., 2..2 + dz]).to_owned();
    assert_eq!(d, 2 + dz);
    let cov = a.dot(&a.t());
    let zs: Vec<usize> = (2..2 + dz).collect();
    let truth = gaussian_cmi_from_covariance(cov.view(), &[0], &[1], &zs).unwrap();
    (ConditionalSamples::new(x, y, z).unwrap(), truth)
}

/// Z ~ N(0, 1), X = 0.8 Z + 0.6 e₁, Y = 0.5 X + 0.5 Z + 0.7 e₂: X informs Y beyond Z.
pub fn gaussian_chain(n: usize, seed: u64) -> (ConditionalSamples, f64) {
    // Columns: e_z, e_1, e_2.
    let x = [0.8, 0.6, 0.0];
    let z = [1.0, 0.0, 0.0];
    let y = [0.5 * x[0] + 0.5 * z[0], 0.5 * x[1], 0.7];
    linear_gaussian(n, &array![x, y, z], 1, seed)
}

/// X = Z + 0.3 e₁, Y = Z + 0.3 e₂: I(X; Y) ≈ 1.2 nats, but X ⫫ Y | Z (truth 0).
pub fn common_cause(n: usize, seed: u64) -> (ConditionalSamples, f64) {
    linear_gaussian(n, &array![[1.0, 0.3, 0.0], [1.0, 0.0, 0.3], [1.0, 0.0, 0.0]], 1, seed)
}

/// Two-dimensional Z: X = Z₁ + 0.5 Z₂ + 0.8 e₁, Y = 0.6 X − Z₂ + 0.4 Z₁ + 0.9 e₂.
pub fn gaussian_two_z(n: usize, seed: u64) -> (ConditionalSamples, f64) {
    // Columns: e_z1, e_z2, e_1, e_2.
    let x = [1.0, 0.5, 0.8, 0.0];
    let y = [0.6 * x[0] + 0.4, 0.6 * x[1] - 1.0, 0.6 * x[2], 0.9];
    linear_gaussian(n, &array![x, y, [1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]], 2, seed)
}

/// X, Y standard bivariate normal with correlation rho and Z an independent N(0, 1):
/// I(X; Y | Z) = I(X; Y) = −½ ln(1 − rho²).
pub fn independent_z(n: usize, rho: f64, seed: u64) -> (ConditionalSamples, f64) {
    let s = (1.0 - rho * rho).sqrt();
    linear_gaussian(n, &array![[1.0, 0.0, 0.0], [rho, s, 0.0], [0.0, 0.0, 1.0]], 1, seed)
}

/// VAR(1): X_t = b X_{t−1} + e_x, Y_t = a Y_{t−1} + c X_{t−1} + e_y (unit noise variances),
/// N steps after a burn-in of 500. Returns (x, y).
pub fn var1(n: usize, a: f64, b: f64, c: f64, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut g = normals(n, seed);
    let (mut xs, mut ys) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut x, mut y) = (0.0, 0.0);
    for t in 0..n + 500 {
        let (nx, ny) = (b * x + g(), a * y + c * x + g());
        (x, y) = (nx, ny);
        if t >= 500 {
            xs.push(x);
            ys.push(y);
        }
    }
    (xs, ys)
}

/// Analytic TE(X → Y) with k = l = d = 1 of [`var1`]: ½ ln(Var(Y_t | Y_{t−1}) / Var(e_y)).
///
/// Stationary moments (unit noise variances): S_x = 1 / (1 − b²);
/// S_xy = Cov(X_t, Y_t) = b c S_x / (1 − a b) (from X_t Y_t = (b X + e_x)(a Y + c X + e_y));
/// S_y = (c² S_x + 2 a c S_xy + 1) / (1 − a²); Cov(Y_t, Y_{t−1}) = a S_y + c S_xy; then
/// Var(Y_t | Y_{t−1}) = S_y − Cov(Y_t, Y_{t−1})² / S_y, while Var(Y_t | Y_{t−1}, X_{t−1}) = 1.
/// TE(Y → X) = 0: X_t depends on its own past only.
pub fn var1_te(a: f64, b: f64, c: f64) -> f64 {
    let sx = 1.0 / (1.0 - b * b);
    let sxy = b * c * sx / (1.0 - a * b);
    let sy = (c * c * sx + 2.0 * a * c * sxy + 1.0) / (1.0 - a * a);
    let lag = a * sy + c * sxy;
    0.5 * (sy - lag * lag / sy).ln()
}
