//! The KSG computation: joint k-NN, marginal counts, digamma sums.

use std::time::Instant;

use mutinf_core::{Estimator, MiEstimate, MutinfError, PairedSamples, Result};
use ndarray::ArrayView2;
use rayon::prelude::*;

use super::ties::tie_correction;
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
        let (mi, tied_points) = if self.standardize {
            let (x, y) = (scale_columns(data.x()), scale_columns(data.y()));
            ksg_mi_with_ties(x.view(), y.view(), self.k, self.algorithm, self.parallel)?
        } else {
            ksg_mi_with_ties(data.x(), data.y(), self.k, self.algorithm, self.parallel)?
        };
        let mut estimate = MiEstimate::new(self.method(), mi, data.n())
            .with_seconds(start.elapsed().as_secs_f64())
            .with_param("k", self.k)
            .with_param("algorithm", if self.algorithm == KsgAlgorithm::One { 1 } else { 2 })
            .with_param("standardize", self.standardize)
            .with_param("metric", "max-norm");
        if tied_points > 0 {
            // Said only when it happened: these points were read with the tie rule (see `ties`).
            estimate = estimate.with_param("tied_points", tied_points);
        }
        let duplicates = data.duplicate_rows();
        if duplicates * 100 >= data.n() {
            estimate = estimate.with_note(format!(
                "{duplicates} of {} rows ({:.1} %) repeat an earlier row exactly; KSG reads copies as zero-distance \
                 neighbours, which inflates the estimate. If the copies are not real repeated measurements, \
                 estimate on the unique rows",
                data.n(),
                100.0 * duplicates as f64 / data.n() as f64
            ));
        }
        Ok(estimate)
    }
}

/// KSG MI in nats of X (N x dx) and Y (N x dy) *as given* (no scaling): the numerical core
/// behind [`Ksg`]. Exposed for benchmarks and for callers that scale themselves. Points with k
/// or more exact copies are read with the tie rule (see the module docs).
///
/// Errors when N ≤ k (there is no k-th neighbour) or when X and Y differ in length.
pub fn ksg_mi(x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>, k: usize, algorithm: KsgAlgorithm, parallel: bool) -> Result<f64> {
    Ok(ksg_mi_with_ties(x, y, k, algorithm, parallel)?.0)
}

/// [`ksg_mi`] and the number of points read with the tie rule.
fn ksg_mi_with_ties(
    x: ArrayView2<'_, f64>,
    y: ArrayView2<'_, f64>,
    k: usize,
    algorithm: KsgAlgorithm,
    parallel: bool,
) -> Result<(f64, usize)> {
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
    let ties = tie_correction(x, y, k, algorithm);
    Ok((combine(&counts, n, k, algorithm) + ties.shift, ties.tied_points))
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

/// The 1-D x 1-D special case: per point, the joint k-NN by a search on a [`RankGrid`], then
/// both marginal counts by binary search on the sorted coordinates.
/// Returns (n_x, n_y) per point, in the grid's (column-major) order.
#[doc(hidden)]
pub fn counts_1x1(x: &[f64], y: &[f64], k: usize, algorithm: KsgAlgorithm, parallel: bool) -> Vec<(u32, u32)> {
    let n = x.len();
    let ax = AxisOrder::new(x);
    let ay = AxisOrder::new(y);
    let grid = RankGrid::new(x, y, &ax, &ay);
    let point = |best: &mut KBest, q: usize| -> (u32, u32) {
        let (wx, wy) = grid.knn(q, best);
        let worst = best.worst();
        let row = grid.c_row[q] as usize;
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
        if !closed && worst <= 0.0 {
            return (0, 0);
        }
        let (px, py) = (ax.rank[row] as usize, ay.rank[row] as usize);
        let (nx, ny) = if closed {
            marginal_counts::<true>(&ax.sorted, px, ex, wx, &ay.sorted, py, ey, wy)
        } else {
            marginal_counts::<false>(&ax.sorted, px, ex, wx, &ay.sorted, py, ey, wy)
        };
        ((nx - 1) as u32, (ny - 1) as u32)
    };
    if parallel {
        (0..n).into_par_iter().map_init(|| KBest::new(k), |best, q| point(best, q)).collect()
    } else {
        let mut best = KBest::new(k);
        (0..n).map(|q| point(&mut best, q)).collect()
    }
}

/// One coordinate sorted (ties by row).
struct AxisOrder {
    /// Row -> position in sorted order (the rank).
    rank: Vec<u32>,
    /// The coordinate in sorted order.
    sorted: Vec<f64>,
}

impl AxisOrder {
    fn new(a: &[f64]) -> Self {
        let n = a.len();
        // Sort (key, row) pairs rather than rows through an indirect comparator: the key is
        // the f64's bit pattern mapped so that unsigned order is `total_cmp` order, and the
        // radix sort is stable, so ties still go by row: the same permutation as sorting by
        // (value, row).
        let mut keyed: Vec<(u64, u32)> = a
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let b = v.to_bits();
                (if b >> 63 == 1 { !b } else { b | (1 << 63) }, i as u32)
            })
            .collect();
        radix_sort(&mut keyed);
        let mut rank = vec![0u32; n];
        for (p, &(_, i)) in keyed.iter().enumerate() {
            rank[i as usize] = p as u32;
        }
        let sorted = keyed.iter().map(|&(_, i)| a[i as usize]).collect();
        Self { rank, sorted }
    }
}

/// Stable LSD radix sort of (key, row) pairs by key, 11 bits a pass; passes where every
/// key has the same digit (high exponent bits of data on one scale) are skipped. O(N) with
/// no data-dependent branches, where a comparison sort mispredicts on every random key
/// (the two sorts were ~10% of a 1x1 run).
fn radix_sort(v: &mut Vec<(u64, u32)>) {
    const BITS: usize = 11;
    const PASSES: usize = 64_usize.div_ceil(BITS);
    const BUCKETS: usize = 1 << BITS;
    let mut hist = vec![[0u32; BUCKETS]; PASSES];
    for &(key, _) in v.iter() {
        for (p, h) in hist.iter_mut().enumerate() {
            h[(key >> (p * BITS)) as usize & (BUCKETS - 1)] += 1;
        }
    }
    let n = v.len();
    let mut tmp = vec![(0u64, 0u32); n];
    for (p, h) in hist.iter_mut().enumerate() {
        if h.iter().any(|&c| c as usize == n) {
            continue;
        }
        let mut sum = 0u32;
        for c in h.iter_mut() {
            let here = *c;
            *c = sum;
            sum += here;
        }
        for &e in v.iter() {
            let d = (e.0 >> (p * BITS)) as usize & (BUCKETS - 1);
            tmp[h[d] as usize] = e;
            h[d] += 1;
        }
        std::mem::swap(v, &mut tmp);
    }
}

/// Target mean number of points per grid cell (independent data): small enough that the
/// 3 x 3 cells around a point hold its k nearest, large enough that the per-cell overhead
/// stays below the per-point work.
const POINTS_PER_CELL: f64 = 4.0;

/// A G x G grid over *rank* space: column c holds the points whose x-rank is in
/// [c·s, (c+1)·s), row r those whose y-rank is in [r·s, (r+1)·s). Because the cells are
/// quantiles, heavy tails or wildly different scales still put ~s²/N points in a cell on
/// average. Each column (row) knows the smallest and largest coordinate it holds, which
/// bounds the max-norm distance from any point to any cell from below.
///
/// Points are stored twice, in compressed-sparse-row form sorted by (column, row) and by
/// (row, column), so that a strip of cells along a column *or* a row is one contiguous slice:
/// the search below extends its rectangle by whole strips at O(1) overhead each, however many
/// cells (possibly empty, in the tails) a strip spans.
struct RankGrid {
    /// Cells per side, and ranks per column (row).
    g: usize,
    s: usize,
    /// Column-major: `c_start[c·g + r]..c_start[c·g + r + 1]` are the points of cell (c, r).
    c_start: Vec<u32>,
    c_x: Vec<f64>,
    c_y: Vec<f64>,
    c_row: Vec<u32>,
    /// Row-major: `r_start[r·g + c]..` likewise.
    r_start: Vec<u32>,
    r_x: Vec<f64>,
    r_y: Vec<f64>,
    r_row: Vec<u32>,
    /// Cell of each column-major position, as (column, row).
    c_cell: Vec<(u32, u32)>,
    /// Coordinate range of each column (x) and row (y).
    xlo: Vec<f64>,
    xhi: Vec<f64>,
    ylo: Vec<f64>,
    yhi: Vec<f64>,
}

impl RankGrid {
    fn new(x: &[f64], y: &[f64], ax: &AxisOrder, ay: &AxisOrder) -> Self {
        let n = x.len();
        let target = ((n as f64 / POINTS_PER_CELL).sqrt() as usize).max(1);
        let s = n.div_ceil(target);
        let g = n.div_ceil(s);
        let range = |sorted: &[f64]| -> (Vec<f64>, Vec<f64>) {
            (0..g).map(|c| (sorted[c * s], sorted[((c + 1) * s).min(n) - 1])).unzip()
        };
        let (xlo, xhi) = range(&ax.sorted);
        let (ylo, yhi) = range(&ay.sorted);
        // (column, row) of each row of the data, computed once (integer divisions are slow).
        let cells: Vec<(u32, u32)> = (0..n).map(|i| (ax.rank[i] / s as u32, ay.rank[i] / s as u32)).collect();
        let cell = |i: usize| (cells[i].0 as usize, cells[i].1 as usize);
        // Counting sort into both layouts.
        let mut c_start = vec![0u32; g * g + 1];
        let mut r_start = vec![0u32; g * g + 1];
        for i in 0..n {
            let (c, r) = cell(i);
            c_start[c * g + r + 1] += 1;
            r_start[r * g + c + 1] += 1;
        }
        for t in 0..g * g {
            c_start[t + 1] += c_start[t];
            r_start[t + 1] += r_start[t];
        }
        let (mut cfill, mut rfill) = (c_start.clone(), r_start.clone());
        let mut c_row = vec![0u32; n];
        let mut r_row = vec![0u32; n];
        for i in 0..n {
            let (c, r) = cell(i);
            let t = &mut cfill[c * g + r];
            c_row[*t as usize] = i as u32;
            *t += 1;
            let t = &mut rfill[r * g + c];
            r_row[*t as usize] = i as u32;
            *t += 1;
        }
        let c_cell = c_row.iter().map(|&i| cells[i as usize]).collect();
        Self {
            g,
            s,
            c_x: c_row.iter().map(|&i| x[i as usize]).collect(),
            c_y: c_row.iter().map(|&i| y[i as usize]).collect(),
            r_x: r_row.iter().map(|&i| x[i as usize]).collect(),
            r_y: r_row.iter().map(|&i| y[i as usize]).collect(),
            c_start,
            c_row,
            r_start,
            r_row,
            c_cell,
            xlo,
            xhi,
            ylo,
            yhi,
        }
    }

    /// The k nearest (max-norm; ties by row) of the point at column-major position q, into
    /// `best`. Starts with the point's own cell and grows a rectangle of cells one strip at a
    /// time, always on the side whose coordinate gap to the point is smallest; stops when all
    /// four gaps exceed the k-th distance. A gap equal to it is still searched (it may hold a
    /// tie with a lower row). Rows (columns) whose gap exceeds the k-th distance are dropped
    /// from later strips: they can hold no candidate now that the k-th distance only shrinks.
    ///
    /// Returns rank windows [x0, x1), [y0, y1) that hold every point within the k-th
    /// distance along x, resp. y: the columns (rows) just outside the final rectangle are
    /// farther than it, so the marginal counts need only search there.
    #[inline]
    fn knn(&self, q: usize, best: &mut KBest) -> ((usize, usize), (usize, usize)) {
        let g = self.g;
        best.clear();
        let me = self.c_row[q];
        let (xp, yp) = (self.c_x[q], self.c_y[q]);
        let (ci, ri) = (self.c_cell[q].0 as usize, self.c_cell[q].1 as usize);
        let mut worst = f64::INFINITY;
        let scan = |xs: &[f64], ys: &[f64], rows: &[u32], worst: &mut f64, best: &mut KBest| {
            for t in 0..rows.len() {
                let dx = (xs[t] - xp).abs();
                let dy = (ys[t] - yp).abs();
                let d = if dx > dy { dx } else { dy }; // both finite: same value as f64::max
                if d <= *worst && rows[t] != me {
                    best.offer(d, rows[t] as usize);
                    *worst = best.worst();
                }
            }
        };
        let col_strip = |c: usize, r0: usize, r1: usize, worst: &mut f64, best: &mut KBest| {
            let (s, e) = (self.c_start[c * g + r0] as usize, self.c_start[c * g + r1 + 1] as usize);
            scan(&self.c_x[s..e], &self.c_y[s..e], &self.c_row[s..e], worst, best);
        };
        let row_strip = |r: usize, c0: usize, c1: usize, worst: &mut f64, best: &mut KBest| {
            let (s, e) = (self.r_start[r * g + c0] as usize, self.r_start[r * g + c1 + 1] as usize);
            scan(&self.r_x[s..e], &self.r_y[s..e], &self.r_row[s..e], worst, best);
        };
        col_strip(ci, ri, ri, &mut worst, best);
        let (mut c0, mut c1, mut r0, mut r1) = (ci, ci, ri, ri);
        loop {
            // Gaps to the next column left / right and row below / above (∞ past the edge).
            // IEEE subtraction is monotone, so no point of that strip is nearer than its gap.
            let gl = if c0 > 0 { xp - self.xhi[c0 - 1] } else { f64::INFINITY };
            let gr = if c1 + 1 < g { self.xlo[c1 + 1] - xp } else { f64::INFINITY };
            let gb = if r0 > 0 { yp - self.yhi[r0 - 1] } else { f64::INFINITY };
            let gt = if r1 + 1 < g { self.ylo[r1 + 1] - yp } else { f64::INFINITY };
            let gx = gl.min(gr);
            let gy = gb.min(gt);
            if gx.min(gy) > worst || gx.min(gy) == f64::INFINITY {
                break;
            }
            if gx <= gy {
                while r0 < ri && yp - self.yhi[r0] > worst {
                    r0 += 1;
                }
                while r1 > ri && self.ylo[r1] - yp > worst {
                    r1 -= 1;
                }
                let c = if gl <= gr {
                    c0 -= 1;
                    c0
                } else {
                    c1 += 1;
                    c1
                };
                col_strip(c, r0, r1, &mut worst, best);
            } else {
                while c0 < ci && xp - self.xhi[c0] > worst {
                    c0 += 1;
                }
                while c1 > ci && self.xlo[c1] - xp > worst {
                    c1 -= 1;
                }
                let r = if gb <= gt {
                    r0 -= 1;
                    r0
                } else {
                    r1 += 1;
                    r1
                };
                row_strip(r, c0, c1, &mut worst, best);
            }
        }
        let n = self.c_row.len();
        let s = self.s;
        ((c0 * s, ((c1 + 1) * s).min(n)), (r0 * s, ((r1 + 1) * s).min(n)))
    }
}

/// Both marginal counts of one point: the number of values v in sorted `xs` with
/// |v - xs[px]| < rx (or ≤ rx when `CLOSED`), itself included, and the same for `ys`, `py`,
/// `ry`. Requires rx, ry > 0 unless `CLOSED`.
///
/// Each window's ends are partition points over the whole sorted array of "v is below the
/// window" (c - v outside the radius) and "v is below or inside" (v - c inside it). These
/// compare exactly the |v - c| a brute-force scan computes (for v < c, |v - c| = c - v and
/// v - c < 0 is inside any radius; for v ≥ c, c - v ≤ 0 is inside), and IEEE subtraction is
/// monotone, so the counts are exact, ties and rounding included. The four binary searches
/// are independent and equally long, so they run in lock-step and branch-free (each step a
/// compare and an add): their load-compare chains overlap, and nothing mispredicts, unlike
/// a short-circuit predicate or a scan/gallop from the point's rank.
#[inline]
#[allow(clippy::too_many_arguments)] // two (values, rank, radius, window) quadruples
fn marginal_counts<const CLOSED: bool>(
    xs: &[f64],
    px: usize,
    rx: f64,
    wx: (usize, usize),
    ys: &[f64],
    py: usize,
    ry: f64,
    wy: (usize, usize),
) -> (usize, usize) {
    let n = xs.len();
    let (cx, cy) = (xs[px], ys[py]);
    let inside = |d: f64, r: f64| if CLOSED { d <= r } else { d < r };
    let below = |v: f64, c: f64, r: f64| !inside(c - v, r) as usize;
    let upto = |v: f64, c: f64, r: f64| inside(v - c, r) as usize;
    // One common length; a window that would then run past the end starts earlier instead
    // (it still contains its partition points, which is all the search needs).
    let mut size = (wx.1 - wx.0).max(wy.1 - wy.0);
    let (sx, sy) = (wx.0.min(n - size), wy.0.min(n - size));
    // Invariant per search: its partition point lies in [base, base + size].
    let (mut bxl, mut bxh, mut byl, mut byh) = (sx, sx, sy, sy);
    while size > 1 {
        let half = size / 2;
        bxl += half * below(xs[bxl + half], cx, rx);
        bxh += half * upto(xs[bxh + half], cx, rx);
        byl += half * below(ys[byl + half], cy, ry);
        byh += half * upto(ys[byh + half], cy, ry);
        size -= half;
    }
    let nx = bxh + upto(xs[bxh], cx, rx) - bxl - below(xs[bxl], cx, rx);
    let ny = byh + upto(ys[byh], cy, ry) - byl - below(ys[byl], cy, ry);
    (nx, ny)
}

/// KSG MI through the generic kd-tree path even for 1-D x 1-D (benchmarks compare the paths).
#[doc(hidden)]
pub fn ksg_mi_tree(x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>, k: usize, algorithm: KsgAlgorithm, parallel: bool) -> f64 {
    let counts = counts_tree(x, y, k, algorithm, parallel && x.nrows() >= PARALLEL_MIN_N);
    combine(&counts, x.nrows(), k, algorithm) + tie_correction(x, y, k, algorithm).shift
}
