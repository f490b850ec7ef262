//! The KSG computation: joint k-NN, marginal counts, digamma sums.

use std::time::Instant;

use mutinf_core::{Estimator, MiEstimate, MutinfError, PairedSamples, Result};
use ndarray::ArrayView2;
use rayon::prelude::*;

use super::{Ksg, KsgAlgorithm};
use crate::neighbours::{KdTree, Metric, SortedValues};
use crate::neighbours::kdtree_internal::KBest;
use crate::preprocess::{row_major, scale_columns};
use crate::special::{digamma, digamma_table};

/// Below this N the work is too small for threads to pay off.
const PARALLEL_MIN_N: usize = 20_000;

impl Estimator for Ksg {
    fn method(&self) -> &str {
        self.algorithm.method_name()
    }

    fn estimate(&self, data: &PairedSamples) -> Result<MiEstimate> {
        let start = Instant::now();
        let mi = if self.standardize {
            let (x, y) = (scale_columns(data.x()), scale_columns(data.y()));
            ksg_mi(x.view(), y.view(), self.k, self.algorithm, self.parallel)?
        } else {
            ksg_mi(data.x(), data.y(), self.k, self.algorithm, self.parallel)?
        };
        Ok(MiEstimate::new(self.method(), mi, data.n())
            .with_seconds(start.elapsed().as_secs_f64())
            .with_param("k", self.k)
            .with_param("algorithm", if self.algorithm == KsgAlgorithm::One { 1 } else { 2 })
            .with_param("standardize", self.standardize)
            .with_param("metric", "max-norm"))
    }
}

/// KSG MI in nats of X (N x dx) and Y (N x dy) *as given* (no scaling): the numerical core
/// behind [`Ksg`]. Exposed for benchmarks and for callers that scale themselves.
///
/// Errors when N ≤ k (there is no k-th neighbour) or when X and Y differ in length.
pub fn ksg_mi(x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>, k: usize, algorithm: KsgAlgorithm, parallel: bool) -> Result<f64> {
    let n = x.nrows();
    if y.nrows() != n {
        return Err(MutinfError::LengthMismatch { x_rows: n, y_rows: y.nrows() });
    }
    if k == 0 {
        return Err(MutinfError::invalid("k", 0, "k (number of neighbours) must be at least 1"));
    }
    if n <= k {
        return Err(MutinfError::TooFewSamples {
            n,
            min: k + 1,
            what: format!("KSG with k = {k}"),
            hint: " or lower k".into(),
        });
    }
    let parallel = parallel && n >= PARALLEL_MIN_N;
    let counts = if x.ncols() == 1 && y.ncols() == 1 {
        let xs: Vec<f64> = x.iter().copied().collect();
        let ys: Vec<f64> = y.iter().copied().collect();
        counts_1x1(&xs, &ys, k, algorithm, parallel)
    } else {
        counts_tree(x, y, k, algorithm, parallel)
    };
    Ok(combine(&counts, n, k, algorithm))
}

/// The KSG formula from per-point marginal counts (summed in a fixed order, so the result
/// does not depend on how the counts were computed or on the thread count).
fn combine(counts: &[(u32, u32)], n: usize, k: usize, algorithm: KsgAlgorithm) -> f64 {
    let psi = digamma_table(n + 1);
    let shift = match algorithm {
        KsgAlgorithm::One => 1,
        KsgAlgorithm::Two => 0,
    };
    let sum: f64 = counts.iter().map(|&(nx, ny)| psi[nx as usize + shift] + psi[ny as usize + shift]).sum();
    let base = digamma(k as f64) + psi[n] - sum / n as f64;
    match algorithm {
        KsgAlgorithm::One => base,
        KsgAlgorithm::Two => base - 1.0 / k as f64,
    }
}

/// Per-point counts with the generic kd-tree path (any dx, dy). Counts are returned in tree
/// order of the joint points.
#[doc(hidden)]
pub fn counts_tree(x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>, k: usize, algorithm: KsgAlgorithm, parallel: bool) -> Vec<(u32, u32)> {
    let (dx, dy) = (x.ncols(), y.ncols());
    let n = x.nrows();
    let xf = row_major(x);
    let yf = row_major(y);
    let mut joint = Vec::with_capacity(n * (dx + dy));
    for i in 0..n {
        joint.extend_from_slice(&xf[i * dx..(i + 1) * dx]);
        joint.extend_from_slice(&yf[i * dy..(i + 1) * dy]);
    }
    let tree = KdTree::new(&joint, dx + dy);
    let mx = Marginal::new(&xf, dx);
    let my = Marginal::new(&yf, dy);
    let point = |best: &mut KBest, pos: usize| -> (u32, u32) {
        let row = tree.row_at(pos);
        tree.knn_into(tree.point_at(pos), Metric::MaxNorm, row, best);
        let xi = &xf[row * dx..(row + 1) * dx];
        let yi = &yf[row * dy..(row + 1) * dy];
        match algorithm {
            KsgAlgorithm::One => {
                let eps = best.worst();
                // The point itself is within any positive radius; with eps = 0 nothing is.
                let own = (eps > 0.0) as usize;
                ((mx.count(xi, eps, false) - own) as u32, (my.count(yi, eps, false) - own) as u32)
            }
            KsgAlgorithm::Two => {
                let (mut ex, mut ey) = (0.0f64, 0.0f64);
                for &(_, j) in best.items() {
                    ex = ex.max(Metric::MaxNorm.reduced(&xf[j * dx..(j + 1) * dx], xi));
                    ey = ey.max(Metric::MaxNorm.reduced(&yf[j * dy..(j + 1) * dy], yi));
                }
                ((mx.count(xi, ex, true) - 1) as u32, (my.count(yi, ey, true) - 1) as u32)
            }
        }
    };
    if parallel {
        (0..n).into_par_iter().map_init(|| KBest::new(k), |best, pos| point(best, pos)).collect()
    } else {
        let mut best = KBest::new(k);
        (0..n).map(|pos| point(&mut best, pos)).collect()
    }
}

/// Marginal neighbour counts: binary search for 1-D, a kd-tree otherwise.
enum Marginal {
    Sorted(SortedValues),
    Tree(KdTree),
}

impl Marginal {
    fn new(flat: &[f64], dim: usize) -> Self {
        if dim == 1 { Marginal::Sorted(SortedValues::new(flat)) } else { Marginal::Tree(KdTree::new(flat, dim)) }
    }

    #[inline]
    fn count(&self, q: &[f64], r: f64, closed: bool) -> usize {
        match (self, closed) {
            (Marginal::Sorted(s), false) => s.count_within(q[0], r),
            (Marginal::Sorted(s), true) => s.count_within_closed(q[0], r),
            (Marginal::Tree(t), c) => t.count_within(q, r, c),
        }
    }
}

/// The 1-D x 1-D special case. Points are sorted along a walk axis (x, or y when that is
/// cheaper); for each point we walk right, then left, in that order until |Δ| exceeds the
/// current k-th joint distance (no point farther out along the axis can be closer in
/// max-norm). Every point strictly inside the final ε along the walk axis has then been
/// passed, so that marginal count is a trim of the walked range; the other marginal is
/// counted on its own sorted copy, scanning outward from the point's rank.
/// Returns (n_x, n_y) per point, in walk order.
#[doc(hidden)]
pub fn counts_1x1(x: &[f64], y: &[f64], k: usize, algorithm: KsgAlgorithm, parallel: bool) -> Vec<(u32, u32)> {
    let ax = AxisOrder::new(x, y);
    let ay = AxisOrder::new(y, x);
    if walk_cost(&ax, k) <= walk_cost(&ay, k) {
        counts_walk(&ax, &ay, x, y, k, algorithm, parallel)
    } else {
        counts_walk(&ay, &ax, y, x, k, algorithm, parallel).into_iter().map(|(a, b)| (b, a)).collect()
    }
}

/// One coordinate sorted (ties by row), with the other coordinate carried along.
struct AxisOrder {
    /// Walk position -> row.
    order: Vec<u32>,
    /// Row -> walk position.
    rank: Vec<u32>,
    /// This coordinate in sorted order.
    a: Vec<f64>,
    /// The other coordinate in the same order.
    b: Vec<f64>,
}

impl AxisOrder {
    fn new(a: &[f64], b: &[f64]) -> Self {
        let n = a.len();
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_unstable_by(|&i, &j| a[i as usize].total_cmp(&a[j as usize]).then(i.cmp(&j)));
        let mut rank = vec![0u32; n];
        for (p, &i) in order.iter().enumerate() {
            rank[i as usize] = p as u32;
        }
        let a_sorted = order.iter().map(|&i| a[i as usize]).collect();
        let b_sorted = order.iter().map(|&i| b[i as usize]).collect();
        Self { order, rank, a: a_sorted, b: b_sorted }
    }
}

/// Walking along an axis costs about the number of points in the strip |Δ| ≤ ε around each
/// point; with heavy tails or very different scales one axis can be far cheaper. Estimated
/// on 64 evenly spaced rows (capped walks), deterministically.
fn walk_cost(walk: &AxisOrder, k: usize) -> usize {
    let n = walk.a.len();
    if n < 256 {
        return 0;
    }
    let cap = 64 * ((n as f64).sqrt() as usize + k);
    let mut best = KBest::new(k);
    let mut total = 0;
    for i in 0..64 {
        let p = walk.rank[i * (n / 64)] as usize;
        let (_, _, visits) = knn_walk(&walk.a, &walk.b, &walk.order, p, &mut best, cap);
        total += visits;
    }
    total
}

/// k nearest (max-norm) of walk position p; returns the walked range lo..hi and the visits.
///
/// Most candidates in the strip are farther than the current k-th distance; blocks of
/// `BLOCK` positions are first tested all at once (a branch-free, vectorisable count) and
/// skipped when none can enter, then walked one by one otherwise.
#[inline]
fn knn_walk(a: &[f64], b: &[f64], order: &[u32], p: usize, best: &mut KBest, cap: usize) -> (usize, usize, usize) {
    const BLOCK: usize = 8;
    #[inline(always)]
    fn joint(da: f64, db: f64) -> f64 {
        if da > db { da } else { db } // both finite: same value as f64::max
    }
    let n = a.len();
    best.clear();
    let (ap, bp) = (a[p], b[p]);
    let mut worst = f64::INFINITY;
    // `da > worst` stops; an equal |Δ| may still tie the k-th distance with a lower row.
    let mut hi = p + 1;
    'right: while hi < n && hi - p <= cap {
        if hi + BLOCK <= n && a[hi + BLOCK - 1] - ap <= worst {
            let (ab, bb) = (&a[hi..hi + BLOCK], &b[hi..hi + BLOCK]);
            let mut hits = 0u32;
            for j in 0..BLOCK {
                hits += (joint(ab[j] - ap, (bb[j] - bp).abs()) <= worst) as u32;
            }
            if hits == 0 {
                hi += BLOCK;
                continue;
            }
        }
        let end = (hi + BLOCK).min(n);
        while hi < end {
            let da = a[hi] - ap;
            if da > worst {
                break 'right;
            }
            let d = joint(da, (b[hi] - bp).abs());
            if d <= worst {
                best.offer(d, order[hi] as usize);
                worst = best.worst();
            }
            hi += 1;
        }
    }
    let mut lo = p;
    'left: while lo > 0 && p - lo <= cap {
        if lo >= BLOCK && ap - a[lo - BLOCK] <= worst {
            let (ab, bb) = (&a[lo - BLOCK..lo], &b[lo - BLOCK..lo]);
            let mut hits = 0u32;
            for j in 0..BLOCK {
                hits += (joint(ap - ab[j], (bb[j] - bp).abs()) <= worst) as u32;
            }
            if hits == 0 {
                lo -= BLOCK;
                continue;
            }
        }
        let end = lo.saturating_sub(BLOCK);
        while lo > end {
            let da = ap - a[lo - 1];
            if da > worst {
                break 'left;
            }
            let d = joint(da, (b[lo - 1] - bp).abs());
            if d <= worst {
                best.offer(d, order[lo - 1] as usize);
                worst = best.worst();
            }
            lo -= 1;
        }
    }
    (lo, hi, hi - lo - 1)
}

/// Walk positions grouped in consecutive blocks of `len` (≈ √N / 2, a power of two in
/// 16..=256), each block's points also sorted by the other coordinate, so a block is
/// searched for |Δb| ≤ ε by binary search instead of point by point: the strip |Δa| ≤ ε
/// holds O(√N) points but only a handful of blocks.
struct Blocks {
    len: usize,
    /// Other coordinate, sorted within each block.
    b: Vec<f64>,
    /// Walk position of each entry of `b`.
    pos: Vec<u32>,
}

impl Blocks {
    fn new(walk: &AxisOrder) -> Self {
        let n = walk.a.len();
        let len = (((n as f64).sqrt() / 2.0) as usize).next_power_of_two().clamp(16, 256);
        let mut pos: Vec<u32> = (0..n as u32).collect();
        for chunk in pos.chunks_mut(len) {
            chunk.sort_unstable_by(|&i, &j| walk.b[i as usize].total_cmp(&walk.b[j as usize]).then(i.cmp(&j)));
        }
        let b = pos.iter().map(|&p| walk.b[p as usize]).collect();
        Self { len, b, pos }
    }
}

/// k nearest (max-norm) of walk position p using the blocks: the k nearest along the walk
/// axis on each side first (a finite starting ε), then the own block and blocks outward until
/// the gap along the walk axis exceeds the k-th distance.
#[inline]
fn knn_blocks(walk: &AxisOrder, blocks: &Blocks, p: usize, best: &mut KBest) {
    let (a, order) = (&walk.a, &walk.order);
    let n = a.len();
    best.clear();
    let (ap, bp) = (a[p], walk.b[p]);
    let mut worst = f64::INFINITY;
    let bl = blocks.len;
    let k = best.k();
    let own = p / bl;
    let nblocks = n.div_ceil(bl);
    // Seed with the walk-axis neighbours p-k..p+k (skipped below, so none is offered twice).
    for q in p.saturating_sub(k)..(p + k + 1).min(n) {
        if q != p {
            let da = (a[q] - ap).abs();
            let db = (walk.b[q] - bp).abs();
            best.offer(if da > db { da } else { db }, order[q] as usize);
        }
    }
    worst = worst.min(best.worst());
    let visit = |t: usize, worst: &mut f64, best: &mut KBest| {
        let (start, end) = (t * bl, ((t + 1) * bl).min(n));
        let bs = &blocks.b[start..end];
        let (lo, hi) = if worst.is_finite() {
            let w = *worst;
            // |v - bp| ≤ worst, as exact differences (monotone in v).
            (bs.partition_point(|&v| v < bp && bp - v > w), bs.partition_point(|&v| v < bp || v - bp <= w))
        } else {
            (0, bs.len())
        };
        #[allow(clippy::needless_range_loop)] // i indexes bs and blocks.pos together
        for i in lo..hi {
            let q = blocks.pos[start + i] as usize;
            if q.abs_diff(p) <= k {
                continue; // p itself, or already offered above
            }
            let da = (a[q] - ap).abs();
            let db = (bs[i] - bp).abs();
            let d = if da > db { da } else { db };
            if d <= *worst {
                best.offer(d, order[q] as usize);
                *worst = best.worst();
            }
        }
    };
    visit(own, &mut worst, best);
    // `gap > worst` stops: an equal gap may still hold a tie with a lower row.
    for t in own + 1..nblocks {
        if a[t * bl] - ap > worst {
            break;
        }
        visit(t, &mut worst, best);
    }
    for t in (0..own).rev() {
        if ap - a[((t + 1) * bl).min(n) - 1] > worst {
            break;
        }
        visit(t, &mut worst, best);
    }
}

fn counts_walk(
    walk: &AxisOrder,
    other: &AxisOrder,
    x: &[f64],
    y: &[f64],
    k: usize,
    algorithm: KsgAlgorithm,
    parallel: bool,
) -> Vec<(u32, u32)> {
    let n = walk.a.len();
    let (xs, order) = (&walk.a, &walk.order);
    // The other coordinate sorted, and its rank for each walk position.
    let ysorted = &other.a;
    let blocks = Blocks::new(walk);
    let point = |best: &mut KBest, p: usize| -> (u32, u32) {
        knn_blocks(walk, &blocks, p, best);
        let worst = best.worst();
        let row = order[p] as usize;
        let (xp, yp) = (x[row], y[row]);
        let (ex, ey, closed) = match algorithm {
            KsgAlgorithm::One => (worst, worst, false),
            KsgAlgorithm::Two => {
                let (mut ex, mut ey) = (0.0f64, 0.0f64);
                for &(_, j) in best.items() {
                    ex = ex.max((x[j] - xp).abs());
                    ey = ey.max((y[j] - yp).abs());
                }
                (ex, ey, true)
            }
        };
        // Algorithm 1 with ε = 0: nothing is strictly inside, not even the point itself.
        let empty = !closed && worst <= 0.0;
        let nx = if empty { 0 } else { count_from_rank(xs, p, ex, closed) - 1 };
        let ny = if empty { 0 } else { count_from_rank(ysorted, other.rank[row] as usize, ey, closed) - 1 };
        (nx as u32, ny as u32)
    };
    if parallel {
        (0..n).into_par_iter().map_init(|| KBest::new(k), |best, p| point(best, p)).collect()
    } else {
        let mut best = KBest::new(k);
        (0..n).map(|p| point(&mut best, p)).collect()
    }
}

/// Number of values v in sorted `s` with |v - s[pos]| < r (or ≤ r when `closed`), itself
/// included (for r > 0 or closed). Scans outward from `pos` in blocks (the usual count is a
/// few dozen), then gallops, so both small and huge counts (heavy tails) are cheap.
#[inline]
fn count_from_rank(s: &[f64], pos: usize, r: f64, closed: bool) -> usize {
    let c = s[pos];
    let inside = |d: f64| if closed { d <= r } else { d < r };
    // Upper end: first index ≥ pos where !(v < c || inside(v - c)) — a prefix predicate.
    let up = |v: f64| v < c || inside(v - c);
    let down = |v: f64| v < c && !inside(c - v);
    let hi = boundary_from(s, pos, &up);
    let lo = boundary_from(s, pos, &down);
    hi - lo
}

/// partition_point of the prefix predicate `pred` over `s`, searched outward from `pos`:
/// 4 blocks of 8 linearly, then exponential + binary search.
#[inline]
fn boundary_from(s: &[f64], pos: usize, pred: &impl Fn(f64) -> bool) -> usize {
    let n = s.len();
    if pred(s[pos]) {
        // Boundary is above pos.
        let mut j = pos + 1;
        for _ in 0..8 {
            if j + 8 > n {
                return j + s[j..].partition_point(|&v| pred(v));
            }
            let c = s[j..j + 8].iter().filter(|&&v| pred(v)).count();
            if c < 8 {
                return j + c;
            }
            j += 8;
        }
        let mut step = 16;
        let mut known = j - 1; // pred true here
        while known + step < n && pred(s[known + step]) {
            known += step;
            step *= 2;
        }
        let end = (known + step).min(n);
        known + 1 + s[known + 1..end].partition_point(|&v| pred(v))
    } else {
        // Boundary is at or below pos.
        let mut j = pos; // pred false at j
        for _ in 0..8 {
            if j < 8 {
                return s[..j].partition_point(|&v| pred(v));
            }
            let c = s[j - 8..j].iter().filter(|&&v| !pred(v)).count();
            if c < 8 {
                return j - c;
            }
            j -= 8;
        }
        let mut step = 16;
        let mut known = j; // pred false here
        while known >= step && !pred(s[known - step]) {
            known -= step;
            step *= 2;
        }
        let start = known.saturating_sub(step);
        start + s[start..known].partition_point(|&v| pred(v))
    }
}

/// KSG MI through the generic kd-tree path even for 1-D x 1-D (benchmarks compare the paths).
#[doc(hidden)]
pub fn ksg_mi_tree(x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>, k: usize, algorithm: KsgAlgorithm, parallel: bool) -> f64 {
    let counts = counts_tree(x, y, k, algorithm, parallel && x.nrows() >= PARALLEL_MIN_N);
    combine(&counts, x.nrows(), k, algorithm)
}
