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

/// The points one sequence's bound reads, in the order both readouts use: the `scored` pairs,
/// then one block per permutation with v permuted, `(u_k, v_perm[k])`.
fn read_points<'a>(scored: &'a [(f32, f32)], perms: &'a [Vec<u32>]) -> impl Iterator<Item = (f32, f32)> + 'a {
    let permuted = perms.iter().flat_map(move |perm| perm.iter().enumerate().map(move |(k, &p)| (scored[k].0, scored[p as usize].1)));
    scored.iter().copied().chain(permuted)
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
        perms: &[Vec<Vec<u32>>],
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
                for (u, v) in read_points(&scored[b], &perms[b]) {
                    push(u, v);
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

/// The scores one table gives one sequence, on the host: at the `n` scored pairs (`joint`) and
/// at R permutations of their pairing (`marginal`, R blocks of `n`), as [`ReadoutPlan::read`]
/// returns them.
#[derive(Debug, Clone, PartialEq)]
pub struct SequenceScores {
    /// Scores at the paired samples, `[n]`.
    pub joint: Vec<f32>,
    /// Scores at the permuted pairs, `[R * n]`, permutation-major.
    pub marginal: Vec<f32>,
}

impl SequenceScores {
    /// Reads one (blurred) table on the host: `table` is `[G * G]` row-major, the scores are
    /// taken at the `scored` pairs and at their R permutations (`perms`, each a permutation of
    /// `0..scored.len()` applied to v), with the same bilinear weights as
    /// [`ReadoutPlan::read`]. Estimates read this way: a table is only G² values, so reading
    /// it on the host needs no `[B, (1 + R) n, 4]` index and weight tensors (which were most of
    /// an estimate's memory at large N).
    ///
    /// ```
    /// use mutinf_models::readout::SequenceScores;
    /// // 2 x 2 table; points at the cell centres read single cells.
    /// let table = [1.0f32, 0.0, 0.0, 2.0];
    /// let s = SequenceScores::read(&table, 2, &[(0.25, 0.25), (0.75, 0.75)], &[vec![1, 0]]);
    /// assert_eq!(s.joint, vec![1.0, 2.0]);
    /// assert_eq!(s.marginal, vec![0.0, 0.0]);
    /// assert!((s.dv_bound() - 1.5).abs() < 1e-12);
    /// ```
    pub fn read(table: &[f32], grid: usize, scored: &[(f32, f32)], perms: &[Vec<u32>]) -> Self {
        assert_eq!(table.len(), grid * grid, "a table of G x G values");
        let at = |u: f32, v: f32| -> f32 {
            let (idx, w) = bilinear_corners(u, v, grid);
            idx.iter().zip(w).map(|(&i, w)| table[i as usize] * w).sum()
        };
        let mut joint: Vec<f32> = read_points(scored, perms).map(|(u, v)| at(u, v)).collect();
        let marginal = joint.split_off(scored.len());
        Self { joint, marginal }
    }

    /// The Donsker-Varadhan bound of these scores (nats), in f64: what [`dv_bound`] gives on
    /// the device.
    pub fn dv_bound(&self) -> f64 {
        scaled_bound(std::slice::from_ref(self), 1.0).0
    }
}

/// The result of [`scale_fitted_bound`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScaleFit {
    /// The bound at the chosen scale (nats): never below 0, since λ = 0 is allowed.
    pub value: f64,
    /// The chosen scale λ of the table.
    pub scale: f64,
}

/// The Donsker-Varadhan bound of the scaled table λT, averaged over `folds`, and its first and
/// second derivatives in λ. The bound is concave in λ (a linear term minus log-mean-exps of
/// linear functions), so the second derivative is ≤ 0.
fn scaled_bound(folds: &[SequenceScores], lambda: f64) -> (f64, f64, f64) {
    let (mut value, mut slope, mut curvature) = (0.0, 0.0, 0.0);
    for fold in folds {
        let n = fold.joint.len();
        let joint_mean = fold.joint.iter().map(|&t| f64::from(t)).sum::<f64>() / n as f64;
        value += lambda * joint_mean;
        slope += joint_mean;
        let r = (fold.marginal.len() / n) as f64;
        for block in fold.marginal.chunks(n) {
            // log mean exp(λ m), stabilised by its largest term; with weights w ∝ exp(λ m) the
            // derivatives are the weighted mean and (minus) the weighted variance of m.
            let top = block.iter().map(|&m| lambda * f64::from(m)).fold(f64::NEG_INFINITY, f64::max);
            let (mut w_sum, mut wm, mut wmm) = (0.0, 0.0, 0.0);
            for &m in block {
                let m = f64::from(m);
                let w = (lambda * m - top).exp();
                w_sum += w;
                wm += w * m;
                wmm += w * m * m;
            }
            let mean = wm / w_sum;
            value -= ((w_sum / n as f64).ln() + top) / r;
            slope -= mean / r;
            curvature -= (wmm / w_sum - mean * mean).max(0.0) / r;
        }
    }
    let f = folds.len() as f64;
    (value / f, slope / f, curvature / f)
}

/// The held-out bound with the table's scale fitted: `max over λ in [0, max_scale]` of the
/// Donsker-Varadhan bound of λT averaged over `folds` (all folds share one λ).
///
/// Why: a network that cannot tell a 100-point sample's noise from structure draws a table with
/// spurious relief; read on held-out points, relief that is not there costs about half its
/// variance, so small independent samples read well below zero. Shrinking the table (λ < 1)
/// removes that cost, and λ = 0 reads exactly 0, so the result is never negative. Choosing one
/// scalar on the scored points themselves biases the bound up only by about 1/(4n) at
/// independence (n scored points per fold). The bound is concave in λ, so a safeguarded Newton
/// iteration finds the maximum.
///
/// ```
/// use mutinf_models::readout::{SequenceScores, scale_fitted_bound};
/// // A table that is pure noise relative to the scored points: flat joint, varied marginal.
/// let fold = SequenceScores { joint: vec![0.0; 4], marginal: vec![-1.0, 1.0, -1.0, 1.0] };
/// let fit = scale_fitted_bound(&[fold], 4.0);
/// assert_eq!((fit.scale, fit.value), (0.0, 0.0));
/// ```
pub fn scale_fitted_bound(folds: &[SequenceScores], max_scale: f64) -> ScaleFit {
    let at = |lambda: f64| ScaleFit { value: scaled_bound(folds, lambda).0, scale: lambda };
    if folds.is_empty() || folds.iter().any(|f| f.joint.is_empty()) {
        return ScaleFit { value: 0.0, scale: 0.0 };
    }
    let max_scale = max_scale.max(0.0);
    if scaled_bound(folds, 0.0).1 <= 0.0 {
        return at(0.0);
    }
    if scaled_bound(folds, max_scale).1 >= 0.0 {
        return at(max_scale);
    }
    // Bracket [lo, hi] with slope(lo) > 0 > slope(hi); Newton steps that leave it bisect.
    let (mut lo, mut hi) = (0.0, max_scale);
    let mut lambda = 1.0f64.clamp(lo, hi);
    for _ in 0..100 {
        let (_, slope, curvature) = scaled_bound(folds, lambda);
        if slope > 0.0 {
            lo = lambda;
        } else {
            hi = lambda;
        }
        let newton = if curvature < 0.0 { lambda - slope / curvature } else { f64::NAN };
        let next = if newton > lo && newton < hi { newton } else { 0.5 * (lo + hi) };
        if (next - lambda).abs() < 1e-10 || hi - lo < 1e-10 {
            lambda = next;
            break;
        }
        lambda = next;
    }
    at(lambda)
}
