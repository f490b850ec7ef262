//! A static kd-tree with bounding boxes, for exact k-NN and radius counts.

use super::Metric;

/// Points per leaf: small leaves prune well in 2-4 dimensions, where KSG spends its time.
const LEAF_SIZE: usize = 8;

/// One neighbour found by a search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbour {
    /// Distance to the query (true distance, not squared).
    pub distance: f64,
    /// Row of the neighbour in the data the tree was built from.
    pub index: usize,
}

/// A balanced kd-tree over N points of dimension d (median splits on the widest coordinate,
/// a bounding box per node), built once and queried many times, from many threads.
///
/// Searches are exact (see the [module docs](super) for ties): [`KdTree::knn`] returns the
/// same neighbours as sorting all N distances by (distance, row).
///
/// ```
/// use mutinf_estimators::neighbours::{KdTree, Metric};
/// // 4 points in 2-D, row-major.
/// let tree = KdTree::new(&[0.0, 0.0, 1.0, 0.0, 0.0, 2.0, 5.0, 5.0], 2);
/// let nn = tree.knn(&[0.1, 0.1], 2, Metric::MaxNorm, None);
/// assert_eq!((nn[0].index, nn[1].index), (0, 1));
/// assert_eq!(tree.count_within(&[0.0, 0.0], 2.0, false), 2); // max-norm < 2: rows 0 and 1
/// ```
#[derive(Debug, Clone)]
pub struct KdTree {
    dim: usize,
    /// Coordinates in tree order, row-major.
    points: Vec<f64>,
    /// Original row of each tree position.
    rows: Vec<usize>,
    /// Per node (heap numbering: children of n are 2n+1, 2n+2): lo[0..d], hi[0..d].
    boxes: Vec<f64>,
}

/// The k best (distance, row) pairs seen so far, sorted ascending; k is small (KSG's k).
pub(crate) struct KBest {
    k: usize,
    items: Vec<(f64, usize)>,
}

impl KBest {
    pub(crate) fn new(k: usize) -> Self {
        Self { k, items: Vec::with_capacity(k + 1) }
    }

    pub(crate) fn clear(&mut self) {
        self.items.clear();
    }

    /// The k-th smallest reduced distance so far (infinite until k are known).
    #[inline]
    pub(crate) fn worst(&self) -> f64 {
        if self.items.len() < self.k { f64::INFINITY } else { self.items[self.k - 1].0 }
    }

    #[inline]
    pub(crate) fn offer(&mut self, d: f64, row: usize) {
        if self.items.len() == self.k {
            let (wd, wr) = self.items[self.k - 1];
            // Lexicographic (distance, row): equidistant points are ranked by row.
            if d > wd || (d == wd && row > wr) {
                return;
            }
            self.items.pop();
        }
        // Shift larger entries up by one in place (k is tiny: cheaper than `Vec::insert`'s
        // memmove call).
        self.items.push((d, row));
        let mut pos = self.items.len() - 1;
        while pos > 0 {
            let (pd, pr) = self.items[pos - 1];
            if pd < d || (pd == d && pr < row) {
                break;
            }
            self.items[pos] = (pd, pr);
            pos -= 1;
        }
        self.items[pos] = (d, row);
    }

    pub(crate) fn items(&self) -> &[(f64, usize)] {
        &self.items
    }
}

trait Reduced {
    fn dist(a: &[f64], b: &[f64]) -> f64;
    /// Smallest reduced distance from q to any point of the box.
    fn box_min(lo: &[f64], hi: &[f64], q: &[f64]) -> f64;
}

struct MaxNormR;
struct EuclidR;

impl Reduced for MaxNormR {
    #[inline(always)]
    fn dist(a: &[f64], b: &[f64]) -> f64 {
        Metric::MaxNorm.reduced(a, b)
    }
    #[inline(always)]
    fn box_min(lo: &[f64], hi: &[f64], q: &[f64]) -> f64 {
        let mut m = 0.0f64;
        for ((&l, &h), &x) in lo.iter().zip(hi).zip(q) {
            let gap = if x < l { l - x } else if x > h { x - h } else { 0.0 };
            m = m.max(gap);
        }
        m
    }
}

impl Reduced for EuclidR {
    #[inline(always)]
    fn dist(a: &[f64], b: &[f64]) -> f64 {
        Metric::Euclidean.reduced(a, b)
    }
    #[inline(always)]
    fn box_min(lo: &[f64], hi: &[f64], q: &[f64]) -> f64 {
        // Summed in coordinate order like `dist`, so it is a lower bound in floating point too.
        let mut s = 0.0;
        for ((&l, &h), &x) in lo.iter().zip(hi).zip(q) {
            let gap = if x < l { l - x } else if x > h { x - h } else { 0.0 };
            s += gap * gap;
        }
        s
    }
}

impl KdTree {
    /// Builds the tree over `data`: N points of dimension `dim`, row-major (`data.len() = N·dim`).
    ///
    /// # Panics
    /// If `dim == 0` or `data.len()` is not a multiple of `dim` (a programming error: callers
    /// pass validated blocks).
    pub fn new(data: &[f64], dim: usize) -> Self {
        assert!(dim > 0 && data.len().is_multiple_of(dim), "kd-tree data must be N x dim, row-major");
        let n = data.len() / dim;
        let mut perm: Vec<usize> = (0..n).collect();
        let mut tree = Self { dim, points: Vec::new(), rows: Vec::new(), boxes: Vec::new() };
        if n > 0 {
            tree.build(0, 0, n, &mut perm, data);
        }
        tree.points = perm.iter().flat_map(|&i| data[i * dim..(i + 1) * dim].iter().copied()).collect();
        tree.rows = perm;
        tree
    }

    fn build(&mut self, node: usize, start: usize, end: usize, perm: &mut [usize], data: &[f64]) {
        let d = self.dim;
        let need = (node + 1) * 2 * d;
        if self.boxes.len() < need {
            self.boxes.resize(need.max(self.boxes.len() * 2), f64::NAN);
        }
        let (mut lo, mut hi) = (vec![f64::INFINITY; d], vec![f64::NEG_INFINITY; d]);
        for &i in &perm[start..end] {
            for j in 0..d {
                let v = data[i * d + j];
                lo[j] = lo[j].min(v);
                hi[j] = hi[j].max(v);
            }
        }
        let b = node * 2 * d;
        self.boxes[b..b + d].copy_from_slice(&lo);
        self.boxes[b + d..b + 2 * d].copy_from_slice(&hi);
        if end - start <= LEAF_SIZE {
            return;
        }
        let split = (0..d).max_by(|&a, &c| (hi[a] - lo[a]).total_cmp(&(hi[c] - lo[c]))).unwrap_or(0);
        let mid = (start + end) / 2;
        perm[start..end].select_nth_unstable_by(mid - start, |&a, &c| data[a * d + split].total_cmp(&data[c * d + split]));
        self.build(2 * node + 1, start, mid, perm, data);
        self.build(2 * node + 2, mid, end, perm, data);
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when the tree holds no point.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Dimension of the points.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Coordinates of the point at tree position `pos` (tree order is cache-friendly for
    /// querying every point).
    #[inline]
    pub fn point_at(&self, pos: usize) -> &[f64] {
        &self.points[pos * self.dim..(pos + 1) * self.dim]
    }

    /// Original row of the point at tree position `pos`.
    #[inline]
    pub fn row_at(&self, pos: usize) -> usize {
        self.rows[pos]
    }

    #[inline]
    fn bbox(&self, node: usize) -> (&[f64], &[f64]) {
        let b = node * 2 * self.dim;
        (&self.boxes[b..b + self.dim], &self.boxes[b + self.dim..b + 2 * self.dim])
    }

    /// The k nearest points to `query` sorted by (distance, row), skipping row `exclude`
    /// (pass the query's own row to leave it out). Fewer than k if the tree is that small.
    pub fn knn(&self, query: &[f64], k: usize, metric: Metric, exclude: Option<usize>) -> Vec<Neighbour> {
        let mut best = KBest::new(k.max(1));
        self.knn_into(query, metric, exclude.unwrap_or(usize::MAX), &mut best);
        best.items()
            .iter()
            .take(k)
            .map(|&(d, index)| Neighbour { distance: metric.unreduce(d), index })
            .collect()
    }

    /// Fills `best` (cleared first) with the k nearest in *reduced* distance (squared for
    /// Euclidean); allocation-free for hot loops.
    pub(crate) fn knn_into(&self, query: &[f64], metric: Metric, exclude: usize, best: &mut KBest) {
        best.clear();
        if self.is_empty() {
            return;
        }
        match metric {
            Metric::MaxNorm => self.search::<MaxNormR>(0, 0, self.len(), query, exclude, best),
            Metric::Euclidean => self.search::<EuclidR>(0, 0, self.len(), query, exclude, best),
        }
    }

    fn search<R: Reduced>(&self, node: usize, start: usize, end: usize, q: &[f64], exclude: usize, best: &mut KBest) {
        if end - start <= LEAF_SIZE {
            for pos in start..end {
                let row = self.rows[pos];
                if row != exclude {
                    best.offer(R::dist(self.point_at(pos), q), row);
                }
            }
            return;
        }
        let mid = (start + end) / 2;
        let (l, r) = (2 * node + 1, 2 * node + 2);
        let (ll, lh) = self.bbox(l);
        let (rl, rh) = self.bbox(r);
        let dl = R::box_min(ll, lh, q);
        let dr = R::box_min(rl, rh, q);
        // `<=`: a box at exactly the current k-th distance may hold an equidistant point with a
        // smaller row, which ranks ahead in the (distance, row) order.
        if dl <= dr {
            self.search::<R>(l, start, mid, q, exclude, best);
            if dr <= best.worst() {
                self.search::<R>(r, mid, end, q, exclude, best);
            }
        } else {
            self.search::<R>(r, mid, end, q, exclude, best);
            if dl <= best.worst() {
                self.search::<R>(l, start, mid, q, exclude, best);
            }
        }
    }

    /// Number of points p with max-norm distance `‖p - query‖ < r` (`closed = false`) or
    /// `≤ r` (`closed = true`), the query itself included if it is in the tree.
    pub fn count_within(&self, query: &[f64], r: f64, closed: bool) -> usize {
        if self.is_empty() {
            return 0;
        }
        self.count(0, 0, self.len(), query, r, closed)
    }

    fn count(&self, node: usize, start: usize, end: usize, q: &[f64], r: f64, closed: bool) -> usize {
        let (lo, hi) = self.bbox(node);
        let mut min_d = 0.0f64;
        let mut max_d = 0.0f64;
        for ((&l, &h), &x) in lo.iter().zip(hi).zip(q) {
            let gap = if x < l { l - x } else if x > h { x - h } else { 0.0 };
            min_d = min_d.max(gap);
            max_d = max_d.max((x - l).abs()).max((h - x).abs());
        }
        let inside = |d: f64| if closed { d <= r } else { d < r };
        if !inside(min_d) {
            return 0;
        }
        if inside(max_d) {
            return end - start;
        }
        if end - start <= LEAF_SIZE {
            return (start..end).filter(|&pos| inside(Metric::MaxNorm.reduced(self.point_at(pos), q))).count();
        }
        let mid = (start + end) / 2;
        self.count(2 * node + 1, start, mid, q, r, closed) + self.count(2 * node + 2, mid, end, q, r, closed)
    }
}
