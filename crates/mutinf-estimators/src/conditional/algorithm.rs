//! The Frenzel-Pompe computation: joint k-NN, counts in (X, Z), (Y, Z) and Z, digamma sums.

use std::time::Instant;

use mutinf_core::{MiEstimate, MutinfError, Result};
use ndarray::ArrayView2;
use rayon::prelude::*;

use super::counts1d::counts_1d;
use super::{ConditionalEstimator, ConditionalSamples, KsgCmi};
use crate::neighbours::kdtree_internal::KBest;
use crate::neighbours::{KdTree, Metric, SortedValues};
use crate::preprocess::{row_major, scale_columns};
use crate::special::digamma_table;

/// Below this N the work is too small for threads to pay off (each point costs one joint
/// k-NN search and three radius counts, ~4x a KSG point, hence a lower bar than KSG's).
const PARALLEL_MIN_N: usize = 4_000;

impl ConditionalEstimator for KsgCmi {
    fn method(&self) -> &str {
        "ksg-cmi"
    }

    fn estimate(&self, data: &ConditionalSamples) -> Result<MiEstimate> {
        let start = Instant::now();
        let (cmi, tied_points) = if self.standardize {
            let (x, y, z) = (scale_columns(data.x()), scale_columns(data.y()), scale_columns(data.z()));
            ksg_cmi_with_ties(x.view(), y.view(), z.view(), self.k, self.parallel, false)?
        } else {
            ksg_cmi_with_ties(data.x(), data.y(), data.z(), self.k, self.parallel, false)?
        };
        let mut estimate = MiEstimate::new(self.method(), cmi, data.n())
            .with_seconds(start.elapsed().as_secs_f64())
            .with_param("k", self.k)
            .with_param("standardize", self.standardize)
            .with_param("metric", "max-norm")
            .with_param("dz", data.dz());
        if tied_points > 0 {
            // Said only when it happened, as KSG does: these points were read with the tie rule.
            estimate = estimate.with_param("tied_points", tied_points);
        }
        Ok(estimate)
    }
}

/// Frenzel-Pompe conditional MI I(X; Y | Z) in nats of X (N x dx), Y (N x dy) and
/// Z (N x dz) *as given* (no scaling, no validation of values): the numerical core behind
/// [`KsgCmi`], for callers that scale themselves and for benchmarks.
///
/// Errors when the blocks differ in length, a block has no column, k = 0 or N ≤ k.
///
/// ```
/// use mutinf_estimators::conditional::ksg_cmi;
/// use ndarray::Array2;
/// # fn main() -> mutinf_core::Result<()> {
/// // X and Y are both noisy copies of Z: dependent, but not beyond what Z explains.
/// let z = Array2::from_shape_fn((400, 1), |(i, _)| ((i * 7919) % 400) as f64 / 400.0);
/// let x = Array2::from_shape_fn((400, 1), |(i, _)| z[[i, 0]] + 0.05 * (((i * 104_729) % 89) as f64 / 89.0));
/// let y = Array2::from_shape_fn((400, 1), |(i, _)| z[[i, 0]] + 0.05 * (((i * 15_485_863) % 97) as f64 / 97.0));
/// let cmi = ksg_cmi(x.view(), y.view(), z.view(), 3, false)?;
/// assert!(cmi.abs() < 0.2);
/// # Ok(())
/// # }
/// ```
pub fn ksg_cmi(x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>, z: ArrayView2<'_, f64>, k: usize, parallel: bool) -> Result<f64> {
    Ok(ksg_cmi_with_ties(x, y, z, k, parallel, false)?.0)
}

/// [`ksg_cmi`] through the kd-tree path even for a 1-D Z (tests compare the two paths).
#[doc(hidden)]
pub fn ksg_cmi_tree(x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>, z: ArrayView2<'_, f64>, k: usize, parallel: bool) -> Result<f64> {
    Ok(ksg_cmi_with_ties(x, y, z, k, parallel, true)?.0)
}

/// [`ksg_cmi`] and the number of points read with the tie rule.
fn ksg_cmi_with_ties(
    x: ArrayView2<'_, f64>,
    y: ArrayView2<'_, f64>,
    z: ArrayView2<'_, f64>,
    k: usize,
    parallel: bool,
    force_tree: bool,
) -> Result<(f64, usize)> {
    let n = x.nrows();
    if y.nrows() != n {
        return Err(MutinfError::LengthMismatch { x_rows: n, y_rows: y.nrows() });
    }
    if z.nrows() != n {
        return Err(MutinfError::invalid("Z rows", z.nrows(), format!("Z must have one row per sample like X and Y ({n})")));
    }
    for (cols, label) in [(x.ncols(), "X"), (y.ncols(), "Y"), (z.ncols(), "Z")] {
        if cols == 0 {
            return Err(MutinfError::EmptyBlock { block: label.into() });
        }
    }
    if k == 0 {
        return Err(MutinfError::invalid("k", 0, "k (number of neighbours) must be at least 1"));
    }
    if n <= k {
        return Err(MutinfError::TooFewSamples {
            n,
            min: k + 1,
            what: format!("conditional KSG with k = {k}"),
            hint: " or lower k".into(),
        });
    }
    let parallel = parallel && n >= PARALLEL_MIN_N;
    let terms = if (x.ncols(), y.ncols(), z.ncols()) == (1, 1, 1) && !force_tree {
        point_terms_1d(x, y, z, k, parallel)
    } else {
        point_terms(x, y, z, k, parallel)
    };
    let psi = digamma_table(n + 1);
    // Summed in the fixed order the terms come in (row or tree order): the value does not
    // depend on the thread count.
    let (mut sum, mut tied) = (0.0, 0usize);
    for t in &terms {
        let k_term = if t.copies == 0 { psi[k] } else { psi[t.copies as usize] };
        sum += k_term - psi[t.xz as usize] - psi[t.yz as usize] + psi[t.z as usize];
        tied += (t.copies > 0) as usize;
    }
    Ok((sum / n as f64, tied))
}

/// One point's counts; each includes the point itself, so ψ(count) is ψ(n + 1) of the
/// formula.
pub(super) struct PointCounts {
    pub(super) xz: u32,
    pub(super) yz: u32,
    pub(super) z: u32,
    /// 0 for an ordinary point; for a point with ε = 0 (k or more exact copies in the joint
    /// space) the number of its copies, which replaces k (see the module docs on ties).
    pub(super) copies: u32,
}

/// A row-major block of points with the counting structure for its dimension: binary search
/// for 1-D (exact like the tree, and faster), a kd-tree otherwise.
struct Space {
    flat: Vec<f64>,
    dim: usize,
    index: Index,
}

enum Index {
    Sorted(SortedValues),
    Tree(KdTree),
}

impl Space {
    /// The row-major concatenation of `blocks`, row by row.
    fn new(blocks: &[&[f64]], dims: &[usize], n: usize) -> Self {
        let dim: usize = dims.iter().sum();
        let mut flat = Vec::with_capacity(n * dim);
        for i in 0..n {
            for (b, &d) in blocks.iter().zip(dims) {
                flat.extend_from_slice(&b[i * d..(i + 1) * d]);
            }
        }
        let index = if dim == 1 { Index::Sorted(SortedValues::new(&flat)) } else { Index::Tree(KdTree::new(&flat, dim)) };
        Self { flat, dim, index }
    }

    #[inline]
    fn row(&self, i: usize) -> &[f64] {
        &self.flat[i * self.dim..(i + 1) * self.dim]
    }

    /// Points of this space within max-norm distance r of row i (< r, or ≤ r if `closed`),
    /// row i itself included.
    #[inline]
    fn count(&self, i: usize, r: f64, closed: bool) -> u32 {
        let q = self.row(i);
        let c = match (&self.index, closed) {
            (Index::Sorted(s), false) => s.count_within(q[0], r),
            (Index::Sorted(s), true) => s.count_within_closed(q[0], r),
            (Index::Tree(t), c) => t.count_within(q, r, c),
        };
        c as u32
    }
}

/// Per-point counts by kd-trees (any dz), in the joint tree's order.
fn point_terms(x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>, z: ArrayView2<'_, f64>, k: usize, parallel: bool) -> Vec<PointCounts> {
    let n = x.nrows();
    let (dx, dy, dz) = (x.ncols(), y.ncols(), z.ncols());
    let (xf, yf, zf) = (row_major(x), row_major(y), row_major(z));
    let joint = Space::new(&[&xf, &yf, &zf], &[dx, dy, dz], n);
    let tree = match &joint.index {
        Index::Tree(t) => t,
        Index::Sorted(_) => unreachable!("the joint space has at least 3 dimensions"),
    };
    let xz = Space::new(&[&xf, &zf], &[dx, dz], n);
    let yz = Space::new(&[&yf, &zf], &[dy, dz], n);
    let zs = Space::new(&[&zf], &[dz], n);
    let point = |best: &mut KBest, pos: usize| -> PointCounts {
        let row = tree.row_at(pos);
        tree.knn_into(tree.point_at(pos), Metric::MaxNorm, row, best);
        let eps = best.worst();
        if eps > 0.0 {
            // Strictly inside ε in each subspace: the max-norm over the concatenated
            // coordinates is max(‖x_j − x_i‖, ‖z_j − z_i‖), Frenzel & Pompe's distance.
            PointCounts { xz: xz.count(row, eps, false), yz: yz.count(row, eps, false), z: zs.count(row, eps, false), copies: 0 }
        } else {
            // ε = 0: k or more exact copies. As in KSG (Gao et al. 2017), k becomes the
            // number of copies and the counts take distance ≤ 0 (the copies in each subspace).
            let copies = joint.count(row, 0.0, true) - 1;
            PointCounts { xz: xz.count(row, 0.0, true), yz: yz.count(row, 0.0, true), z: zs.count(row, 0.0, true), copies }
        }
    };
    if parallel {
        (0..n).into_par_iter().map_init(|| KBest::new(k), |best, pos| point(best, pos)).collect()
    } else {
        let mut best = KBest::new(k);
        (0..n).map(|pos| point(&mut best, pos)).collect()
    }
}

/// Per-point counts for 1-D X, Y and Z, in row order: the joint k-NN by the kd-tree, then
/// all counts by one offline sweep (see `counts1d`).
fn point_terms_1d(x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>, z: ArrayView2<'_, f64>, k: usize, parallel: bool) -> Vec<PointCounts> {
    let n = x.nrows();
    let (xf, yf, zf) = (row_major(x), row_major(y), row_major(z));
    let joint = Space::new(&[&xf, &yf, &zf], &[1, 1, 1], n);
    let Index::Tree(tree) = &joint.index else { unreachable!("the joint space has 3 dimensions") };
    let radius = |best: &mut KBest, pos: usize| -> (usize, f64) {
        let row = tree.row_at(pos);
        tree.knn_into(tree.point_at(pos), Metric::MaxNorm, row, best);
        (row, best.worst())
    };
    let found: Vec<(usize, f64)> = if parallel {
        (0..n).into_par_iter().map_init(|| KBest::new(k), |best, pos| radius(best, pos)).collect()
    } else {
        let mut best = KBest::new(k);
        (0..n).map(|pos| radius(&mut best, pos)).collect()
    };
    let mut eps = vec![0.0; n];
    for (row, e) in found {
        eps[row] = e;
    }
    let mut counts = counts_1d(&xf, &yf, &zf, &eps);
    for (row, c) in counts.iter_mut().enumerate() {
        if eps[row] <= 0.0 {
            // The tie rule: k becomes the number of exact copies (see the module docs).
            c.copies = joint.count(row, 0.0, true) - 1;
        }
    }
    counts
}
