//! From a lookup table to an MI value: the fixed blur, the bilinear readout and the
//! Donsker-Varadhan bound. Kept apart from the network so each piece is testable by hand.
//!
//! Coordinates: the table has G x G cells over the unit square, cell (i, j) centred at
//! ((i + 0.5) / G, (j + 0.5) / G); row i follows u (the copula of x), column j follows v.
//! A point is read by bilinear interpolation between the four nearest cell centres, clamped at
//! the border, so every part of the table can be read (no quarter-table bug).

use burn::tensor::{Device, Int, Tensor, TensorData};
use rayon::prelude::*;

/// The separable Gaussian blur as a G x G matrix K (row-normalised, so each row sums to 1 and a
/// constant table stays constant, borders included). The blurred table is `K T Kᵀ`.
///
/// `sigma` is in rank units: the kernel's standard deviation in cells is `sigma * grid`.
/// `sigma = 0` gives the identity.
///
/// ```
/// let k = mutinf_models::readout::blur_matrix(8, 0.1);
/// for row in k.chunks(8) {
///     assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-6);
/// }
/// ```
pub fn blur_matrix(grid: usize, sigma: f64) -> Vec<f32> {
    let cells = sigma * grid as f64;
    let mut k = vec![0.0f32; grid * grid];
    for i in 0..grid {
        if cells < 1e-6 {
            k[i * grid + i] = 1.0;
            continue;
        }
        let row: Vec<f64> =
            (0..grid).map(|j| (-((i as f64 - j as f64).powi(2)) / (2.0 * cells * cells)).exp()).collect();
        let total: f64 = row.iter().sum();
        for (j, w) in row.iter().enumerate() {
            k[i * grid + j] = (w / total) as f32;
        }
    }
    k
}

/// Blurs a batch of tables `[B, G, G]` with the constant matrix `kernel` `[G, G]` from
/// [`blur_matrix`]: `K T Kᵀ`.
pub fn blur(table: Tensor<3>, kernel: &Tensor<2>) -> Tensor<3> {
    let [b, g, _] = table.dims();
    let k = kernel.clone().unsqueeze_dim::<3>(0).expand([b, g, g]);
    let kt = kernel.clone().transpose().unsqueeze_dim::<3>(0).expand([b, g, g]);
    k.matmul(table).matmul(kt)
}

/// Bilinear interpolation corners of one point: four flat cell indices (row-major, `i * G + j`)
/// and their weights (summing to 1).
///
/// ```
/// use mutinf_models::readout::bilinear_corners;
/// // The centre of cell (1, 2) of a 4 x 4 table reads that cell alone.
/// let (idx, w) = bilinear_corners(1.5 / 4.0, 2.5 / 4.0, 4);
/// let total: f32 = idx.iter().zip(w).filter(|(i, _)| **i == 6).map(|(_, w)| w).sum();
/// assert!((total - 1.0).abs() < 1e-6);
/// ```
pub fn bilinear_corners(u: f32, v: f32, grid: usize) -> ([i64; 4], [f32; 4]) {
    let axis = |t: f32| -> (usize, f32) {
        let c = (t * grid as f32 - 0.5).clamp(0.0, (grid - 1) as f32);
        let i0 = (c.floor() as usize).min(grid - 2);
        (i0, c - i0 as f32)
    };
    let (i, wu) = axis(u);
    let (j, wv) = axis(v);
    let g = grid as i64;
    let (i, j) = (i as i64, j as i64);
    (
        [i * g + j, i * g + j + 1, (i + 1) * g + j, (i + 1) * g + j + 1],
        [(1.0 - wu) * (1.0 - wv), (1.0 - wu) * wv, wu * (1.0 - wv), wu * wv],
    )
}

/// Host-side description of where the bound reads each table of a batch: for every sequence,
/// `points = n_score * (1 + R)` points — first the `n_score` joint pairs, then R blocks of
/// `n_score` permuted pairs — each as four corner indices and weights.
#[derive(Debug, Clone)]
pub struct ReadoutPlan {
    /// Sequences B.
    pub batch: usize,
    /// Scored samples per sequence.
    pub n_score: usize,
    /// Permutations R in the marginal term.
    pub permutations: usize,
    /// Flat corner indices, `[B, points * 4]` row-major.
    pub corners: Vec<i64>,
    /// Corner weights, same layout as `corners`.
    pub weights: Vec<f32>,
}

impl ReadoutPlan {
    /// Plans the readout of `batch` sequences. `joint(b)` yields the scored (u, v) pairs of
    /// sequence b (all of the same length); `perm(b, r)` the r-th permutation of 0..n_score
    /// applied to v.
    pub fn new(
        grid: usize,
        batch: usize,
        permutations: usize,
        scored: &[Vec<(f32, f32)>],
        perms: &[Vec<Vec<usize>>],
    ) -> Self {
        let n_score = scored.first().map_or(0, Vec::len);
        let points = n_score * (1 + permutations);
        // One sequence's corners per task (order preserved).
        let per_sequence: Vec<(Vec<i64>, Vec<f32>)> = (0..batch)
            .into_par_iter()
            .map(|b| {
                let mut corners = Vec::with_capacity(points * 4);
                let mut weights = Vec::with_capacity(points * 4);
                let mut push = |u: f32, v: f32| {
                    let (i, w) = bilinear_corners(u, v, grid);
                    corners.extend_from_slice(&i);
                    weights.extend_from_slice(&w);
                };
                let pairs = &scored[b];
                for &(u, v) in pairs {
                    push(u, v);
                }
                for perm in &perms[b] {
                    for (k, &p) in perm.iter().enumerate() {
                        push(pairs[k].0, pairs[p].1);
                    }
                }
                (corners, weights)
            })
            .collect();
        let mut corners = Vec::with_capacity(batch * points * 4);
        let mut weights = Vec::with_capacity(batch * points * 4);
        for (c, w) in per_sequence {
            corners.extend(c);
            weights.extend(w);
        }
        Self { batch, n_score, permutations, corners, weights }
    }

    /// Stacks plans of the same grid, `n_score` and R into one (batches in order).
    ///
    /// # Panics
    /// If the plans differ in `n_score` or `permutations`.
    pub fn concat(plans: Vec<ReadoutPlan>) -> Self {
        let mut plans = plans.into_iter();
        let mut out = plans.next().expect("at least one plan");
        for p in plans {
            assert_eq!((p.n_score, p.permutations), (out.n_score, out.permutations), "plans of different shapes");
            out.batch += p.batch;
            out.corners.extend(p.corners);
            out.weights.extend(p.weights);
        }
        out
    }

    /// Reads the tables `[B, G, G]` at the planned points: returns the joint scores `[B, n]` and
    /// the permuted scores `[B, R, n]`, ready for [`dv_bound`].
    pub fn read(&self, table: Tensor<3>, device: &Device) -> (Tensor<2>, Tensor<3>) {
        let [b, g, _] = table.dims();
        let points = self.n_score * (1 + self.permutations);
        let flat = table.reshape([b, g * g]);
        let idx = Tensor::<2, Int>::from_data(TensorData::new(self.corners.clone(), [b, points * 4]), device);
        let w = Tensor::<2>::from_data(TensorData::new(self.weights.clone(), [b, points * 4]), device);
        let values = (flat.gather(1, idx) * w).reshape([b, points, 4]).sum_dim(2).reshape([b, points]);
        let joint = values.clone().slice([0..b, 0..self.n_score]);
        let marginal =
            values.slice([0..b, self.n_score..points]).reshape([b, self.permutations, self.n_score]);
        (joint, marginal)
    }
}

/// The Donsker-Varadhan lower bound per sequence:
/// `mean_i T(joint_i) − mean_r log mean_i exp T(marginal_{r,i})`, the log-mean-exp stabilised by
/// subtracting each row's maximum (exact, since it is added back).
///
/// # Shapes
/// - joint: `[B, n]` scores at the paired samples
/// - marginal: `[B, R, n]` scores at R permutations of the pairing
/// - output: `[B]`
pub fn dv_bound(joint: Tensor<2>, marginal: Tensor<3>) -> Tensor<1> {
    let [b, _] = joint.dims();
    let joint_mean = joint.mean_dim(1).reshape([b]);
    let max = marginal.clone().max_dim(2).detach();
    let log_mean_exp = (marginal - max.clone()).exp().mean_dim(2).log() + max;
    joint_mean - log_mean_exp.mean_dim(1).reshape([b])
}
