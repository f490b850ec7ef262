//! Per-point features of a copula sample: exact k-nearest-neighbour statistics in the unit
//! square, which give the regression head the local dependence a fixed grid cannot resolve.
//!
//! For every point p of the copula sample (u, v) = ((rank − ½)/N) and every k in
//! [`NEIGHBOUR_COUNTS`], ε_k(p) is the max-norm distance to its k-th nearest neighbour and
//!
//! ```text
//! ℓ_k(p) = ψ(k) − ψ(N) − ln (2 ε_k)²
//! ```
//!
//! is the Kozachenko-Leonenko estimate of the log copula density at p, so the sample mean of ℓ_k
//! is a k-NN estimate of I(X;Y) (the copula's negative entropy). Besides the five ℓ_k the token
//! carries the shape of the neighbourhood (|ln| of the u-extent over the v-extent of the k = 4 and
//! k = 16 neighbours: a ridge is elongated) and its distance to the square's edges in units of
//! ε_8 (where the ball is cut by the boundary, ℓ_k reads low). Every feature is unchanged when X
//! and Y swap and when either margin is reversed, so the network built on them is symmetric and
//! monotone-invariant by construction, not by training.

use mutinf_core::copula::rank_transform;
use mutinf_estimators::special::digamma;

use crate::ModelError;

/// The neighbour orders k whose log-density estimates ℓ_k every token carries.
pub const NEIGHBOUR_COUNTS: [usize; 5] = [1, 2, 4, 8, 16];

/// Features per token: five ℓ_k, two anisotropies, two edge distances.
pub const TOKEN_FEATURES: usize = 9;

/// The largest k used: every sequence needs more points than this.
const K_MAX: usize = 16;

/// Fewest samples a sequence may have (k = 16 neighbours and a meaningful estimate).
pub const MIN_REGRESSION_SAMPLES: usize = 32;

/// The neighbour orders whose neighbourhood shape is a feature.
const SHAPE_COUNTS: [usize; 2] = [4, 16];

/// Edge distances are measured in units of ε_8 and capped here: farther than this the ball is not
/// cut by the boundary and the exact value does not matter.
const EDGE_CAP: f64 = 3.0;

/// Anisotropies are capped here (a factor e^5 ≈ 150 between the extents).
const SHAPE_CAP: f64 = 5.0;

/// The copula sample of a pair of columns: (u, v) = ((average rank − ½)/N), so both margins are
/// centred in (0, 1) and reversing a margin maps u to exactly 1 − u.
///
/// ```
/// let (u, v) = mutinf_models::regression::copula_pair(&[3.0, 1.0, 2.0, 2.0], &[0.0, 1.0, 2.0, 3.0]).unwrap();
/// assert_eq!(u, vec![0.875, 0.125, 0.5, 0.5]);
/// assert_eq!(v, vec![0.125, 0.375, 0.625, 0.875]);
/// ```
pub fn copula_pair(x: &[f64], y: &[f64]) -> Result<(Vec<f64>, Vec<f64>), ModelError> {
    if x.len() != y.len() {
        return Err(ModelError::LengthMismatch { x: x.len(), y: y.len() });
    }
    if let Some(&bad) = x.iter().chain(y).find(|v| !v.is_finite()) {
        return Err(ModelError::NonFinite(bad));
    }
    // `rank_transform` is already the workspace's convention, (r − ½)/N.
    Ok((rank_transform(x), rank_transform(y)))
}

/// The token features of one sequence: `n` rows of [`TOKEN_FEATURES`] values, row-major, f32
/// (what the network reads).
#[derive(Debug, Clone, PartialEq)]
pub struct TokenFeatures {
    /// Points in the sequence.
    pub n: usize,
    /// `n x TOKEN_FEATURES` values, one row per point.
    pub values: Vec<f32>,
}

impl TokenFeatures {
    /// Computes the features of the copula sample `(u, v)` (see the module docs); needs at least
    /// [`MIN_REGRESSION_SAMPLES`] points. Cost O(N k) with a uniform grid (the margins of a copula
    /// sample are uniform, so every grid column and row holds the same number of points); a
    /// sample with points outside the unit square (not a copula sample) is searched exhaustively,
    /// in O(N²).
    ///
    /// ```
    /// use mutinf_models::regression::{TokenFeatures, copula_pair, TOKEN_FEATURES};
    /// let x: Vec<f64> = (0..100).map(|i| (i as f64 * 0.37).sin()).collect();
    /// let y: Vec<f64> = (0..100).map(|i| (i as f64 * 0.11).cos()).collect();
    /// let (u, v) = copula_pair(&x, &y).unwrap();
    /// let f = TokenFeatures::from_copula(&u, &v).unwrap();
    /// assert_eq!(f.values.len(), 100 * TOKEN_FEATURES);
    /// ```
    pub fn from_copula(u: &[f64], v: &[f64]) -> Result<Self, ModelError> {
        let n = u.len();
        if v.len() != n {
            return Err(ModelError::LengthMismatch { x: n, y: v.len() });
        }
        if n < MIN_REGRESSION_SAMPLES {
            return Err(ModelError::TooFewSamples { n, min: MIN_REGRESSION_SAMPLES });
        }
        // Copula coordinates lie on the lattice (2r − 1)/(2N) (r an average rank, a multiple of
        // ½): searching on the integers round(2Nu) makes every distance exact, so ties between
        // distances — common on a lattice — break the same way whatever the margins' direction.
        let mut rows = RowWriter::new(u, v);
        match LatticeGrid::new(u, v) {
            Some(grid) => grid.for_each_neighbourhood(|i, near| rows.write(i, near)),
            None => for_each_neighbourhood_exhaustively(u, v, |i, near| rows.write(i, near)),
        }
        Ok(Self { n, values: rows.values })
    }

    /// Features of raw paired columns: [`copula_pair`], then [`from_copula`](Self::from_copula).
    pub fn from_samples(x: &[f64], y: &[f64]) -> Result<Self, ModelError> {
        let (u, v) = copula_pair(x, y)?;
        Self::from_copula(&u, &v)
    }

    /// The mean of ℓ_k over the sample for `NEIGHBOUR_COUNTS[slot]`: the plain k-NN MI estimate
    /// the head starts from.
    pub fn mean_log_density(&self, slot: usize) -> f64 {
        self.values.chunks_exact(TOKEN_FEATURES).map(|r| f64::from(r[slot])).sum::<f64>() / self.n as f64
    }
}

/// What the features read of one point's neighbourhood, in lattice units (multiples of 1/(2N)).
struct Neighbourhood {
    /// ε_k for each k in [`NEIGHBOUR_COUNTS`]: the k-th smallest max-norm distance from the point
    /// to the others, ties counted with multiplicity.
    eps: [f64; NEIGHBOUR_COUNTS.len()],
    /// For each k in [`SHAPE_COUNTS`], the largest |du| and |dv| over every point within ε_k,
    /// ties at ε_k included (rank data tie distances often, and which tied points come "first"
    /// must not matter).
    extents: [(f64, f64); SHAPE_COUNTS.len()],
}

/// The slot of ε_8 in [`NEIGHBOUR_COUNTS`]: edge distances are measured in its units.
const EDGE_SLOT: usize = 3;
const _: () = assert!(NEIGHBOUR_COUNTS[EDGE_SLOT] == 8 && NEIGHBOUR_COUNTS[4] == K_MAX);
// The extents are gathered in one pass over the sorted candidates, in the order of SHAPE_COUNTS.
const _: () = assert!(SHAPE_COUNTS[0] < SHAPE_COUNTS[1] && SHAPE_COUNTS[1] <= K_MAX);

/// Turns neighbourhoods into feature rows. The formulas (and so every rounding) are those of the
/// module docs, evaluated on ε = lattice distance / 2N.
struct RowWriter<'a> {
    u: &'a [f64],
    v: &'a [f64],
    scale: f64,
    floor: f64,
    psi_n: f64,
    psi_k: [f64; NEIGHBOUR_COUNTS.len()],
    /// `ln (2 max(d / 2N, floor))` by lattice distance d, NaN until first needed: the ε_k of a
    /// sample take few distinct values, and `ln` is costly next to a table look-up.
    ln_diameter: Vec<f64>,
    values: Vec<f32>,
}

impl<'a> RowWriter<'a> {
    fn new(u: &'a [f64], v: &'a [f64]) -> Self {
        let n = u.len();
        Self {
            u,
            v,
            scale: 2.0 * n as f64,
            floor: 0.5 / n as f64,
            psi_n: digamma(n as f64),
            psi_k: NEIGHBOUR_COUNTS.map(|k| digamma(k as f64)),
            ln_diameter: vec![f64::NAN; 2 * n + 1],
            values: vec![0.0; n * TOKEN_FEATURES],
        }
    }

    /// `ln (2 max(ε, floor))` for the lattice distance `d`, memoised when `d` is a distance within
    /// the unit square (lattice distances are integers; d ≤ 2N).
    fn ln_diameter(&mut self, d: f64) -> f64 {
        let compute = |d: f64| (2.0 * (d / self.scale).max(self.floor)).ln();
        if d.is_nan() || d > (self.ln_diameter.len() - 1) as f64 {
            return compute(d);
        }
        let memo = self.ln_diameter[d as usize];
        if !memo.is_nan() {
            return memo;
        }
        let value = compute(d);
        self.ln_diameter[d as usize] = value;
        value
    }

    /// Writes the features of point `i`.
    fn write(&mut self, i: usize, near: &Neighbourhood) {
        let (scale, floor) = (self.scale, self.floor);
        let row = i * TOKEN_FEATURES;
        for (slot, &eps) in near.eps.iter().enumerate() {
            let ln_diameter = self.ln_diameter(eps);
            self.values[row + slot] = (self.psi_k[slot] - self.psi_n - 2.0 * ln_diameter) as f32;
        }
        for (slot, &(du, dv)) in near.extents.iter().enumerate() {
            // Dividing by the positive scale is monotone, so the scaled largest offset is the
            // largest scaled offset.
            let (du, dv) = (du / scale, dv / scale);
            let shape = (du.max(floor) / dv.max(floor)).ln().abs().min(SHAPE_CAP);
            self.values[row + NEIGHBOUR_COUNTS.len() + slot] = shape as f32;
        }
        let eps8 = (near.eps[EDGE_SLOT] / scale).max(floor);
        let (u, v) = (self.u[i], self.v[i]);
        let (eu, ev) = (u.min(1.0 - u).max(0.0), v.min(1.0 - v).max(0.0));
        let edge = row + NEIGHBOUR_COUNTS.len() + SHAPE_COUNTS.len();
        self.values[edge] = ((eu.min(ev) / eps8).min(EDGE_CAP) / EDGE_CAP) as f32;
        self.values[edge + 1] = ((eu.max(ev) / eps8).min(EDGE_CAP) / EDGE_CAP) as f32;
    }
}

/// The integer lattice points (2N·u, 2N·v) of a copula sample in a grid of `columns` strips
/// along u, each cut into `rows` cells along v. The coordinates are stored by cell, columns
/// outermost and ascending v within each column, in separate arrays, so the points of one column
/// between two v-cells are one contiguous run of memory.
struct LatticeGrid {
    /// The largest lattice coordinate, 2N.
    top: u32,
    columns: usize,
    rows: usize,
    /// Column of each lattice u coordinate 0..=top (any monotone split works).
    column_of: Vec<u32>,
    /// Row of each lattice v coordinate 0..=top.
    row_of: Vec<u32>,
    /// The points of cell (column a, row b) are at positions `start[a·rows + b]..start[a·rows + b + 1]`.
    start: Vec<u32>,
    pu: Vec<u32>,
    pv: Vec<u32>,
    /// The sample index of the point at each position.
    index: Vec<u32>,
}

impl LatticeGrid {
    /// Rows per column: short cells keep the scanned runs close to the box actually searched.
    /// (Timings are flat in this and in the column count around √N.)
    const ROWS_PER_COLUMN: usize = 4;

    /// The grid of the copula sample `(u, v)`, or `None` unless every lattice coordinate
    /// round(2N·u) lies in [0, 2N] (always so for a copula sample).
    fn new(u: &[f64], v: &[f64]) -> Option<Self> {
        let n = u.len();
        // Below 2³¹, sums of two distances cannot overflow.
        let top = u32::try_from(2 * n).ok().filter(|&top| top < 1 << 31)?;
        let scale = 2.0 * n as f64;
        let lattice = |t: &[f64]| {
            let on = |a: f64| (0.0..=f64::from(top)).contains(&a).then_some(a as u32);
            t.iter().map(|&a| on((a * scale).round())).collect::<Option<Vec<u32>>>()
        };
        let (lu, lv) = (lattice(u)?, lattice(v)?);
        let columns = ((n as f64).sqrt().round() as usize).max(1);
        let rows = columns * Self::ROWS_PER_COLUMN;
        let split = |parts: usize| {
            let mut of = Vec::with_capacity(top as usize + 1);
            for part in 0..parts {
                of.resize((part + 1) * (top as usize + 1) / parts, part as u32);
            }
            of
        };
        let (column_of, row_of) = (split(columns), split(rows));
        let cell: Vec<usize> =
            lu.iter().zip(&lv).map(|(&a, &b)| column_of[a as usize] as usize * rows + row_of[b as usize] as usize).collect();
        let mut start = vec![0u32; columns * rows + 1];
        for &c in &cell {
            start[c + 1] += 1;
        }
        for c in 0..columns * rows {
            start[c + 1] += start[c];
        }
        // Placing the points in ascending v (a counting sort) sorts every cell by v, so
        // consecutive queries along a column are close together even where cells are crowded.
        let mut below = vec![0u32; top as usize + 2];
        for &b in &lv {
            below[b as usize + 1] += 1;
        }
        for b in 0..=top as usize {
            below[b + 1] += below[b];
        }
        let mut ascending_v = vec![0u32; n];
        for (i, &b) in lv.iter().enumerate() {
            ascending_v[below[b as usize] as usize] = i as u32;
            below[b as usize] += 1;
        }
        let mut fill = start.clone();
        let (mut pu, mut pv, mut index) = (vec![0u32; n], vec![0u32; n], vec![0u32; n]);
        for &i in &ascending_v {
            let i = i as usize;
            let p = fill[cell[i]] as usize;
            fill[cell[i]] += 1;
            (pu[p], pv[p], index[p]) = (lu[i], lv[i], i as u32);
        }
        Some(Self { top, columns, rows, column_of, row_of, start, pu, pv, index })
    }

    /// Calls `emit(i, neighbourhood of point i)` for every point.
    ///
    /// Queries go down one column and up the next, so each is close to the one before, and that
    /// bounds the search radius: the max-norm ball of radius ε_16(p) around the previous query p
    /// holds at least K_MAX + 1 points (p among them), all within ε_16(p) + |q − p| of the next
    /// query q, so ε_16(q) ≤ ε_16(p) + |q − p|. Usually ε_16(p) + |q − p|/4 is already enough and
    /// holds fewer points to sort; if it holds too few, the search widens up to the bound. Every
    /// point within the final radius of q (q itself included) is collected, and the sorted
    /// distances give every ε_k and, ties included, the neighbourhood extents.
    fn for_each_neighbourhood(&self, mut emit: impl FnMut(usize, &Neighbourhood)) {
        let n = self.pu.len();
        let mut keys = vec![0u64; n];
        let mut previous = None;
        for a in 0..self.columns {
            let (lo, hi) = (self.start[a * self.rows] as usize, self.start[(a + 1) * self.rows] as usize);
            for step in 0..hi - lo {
                let q = if a % 2 == 0 { lo + step } else { hi - 1 - step };
                let (uq, vq) = (self.pu[q], self.pv[q]);
                let (mut radius, bound) = match previous {
                    Some((up, vp, eps)) => {
                        let step = u32::abs_diff(uq, up).max(vq.abs_diff(vp));
                        (eps + step / 4, eps + step)
                    }
                    // The first query has no predecessor: widen from a column's width.
                    None => (self.top / self.columns as u32, self.top),
                };
                let mut found = self.collect(uq, vq, radius, &mut keys);
                while found <= K_MAX {
                    debug_assert!(radius < bound, "the bound always holds K_MAX + 1 points");
                    radius = bound.min(2 * radius + 1);
                    found = self.collect(uq, vq, radius, &mut keys);
                }
                let near = &mut keys[..found];
                near.sort_unstable();
                // One distance 0 stands for q itself, so the k-th other point is at index k.
                let mut extents = [(0u32, 0u32); SHAPE_COUNTS.len()];
                let (mut extent, mut next) = ((0u32, 0u32), 0);
                for (slot, &k) in SHAPE_COUNTS.iter().enumerate() {
                    let limit = distance(near[k]);
                    while let Some(&key) = near.get(next).filter(|&&key| distance(key) <= limit) {
                        let (du, dv) = offsets(key);
                        extent = (extent.0.max(du), extent.1.max(dv));
                        next += 1;
                    }
                    extents[slot] = extent;
                }
                previous = Some((uq, vq, distance(near[K_MAX])));
                let neighbourhood = Neighbourhood {
                    eps: NEIGHBOUR_COUNTS.map(|k| f64::from(distance(near[k]))),
                    extents: extents.map(|(du, dv)| (f64::from(du), f64::from(dv))),
                };
                emit(self.index[q] as usize, &neighbourhood);
            }
        }
    }

    /// Writes the key of every point within `radius` of (uq, vq), itself included, to the front
    /// of `keys` and returns how many there are.
    fn collect(&self, uq: u32, vq: u32, radius: u32, keys: &mut [u64]) -> usize {
        let (a0, a1) = self.span(&self.column_of, uq, radius);
        let (b0, b1) = self.span(&self.row_of, vq, radius);
        let mut found = 0;
        for column in a0..=a1 {
            let cells = column * self.rows;
            let run = self.start[cells + b0] as usize..self.start[cells + b1 + 1] as usize;
            for (&x, &y) in self.pu[run.clone()].iter().zip(&self.pv[run]) {
                let (du, dv) = (x.abs_diff(uq), y.abs_diff(vq));
                // Branch-free append: the slot is overwritten unless the point is kept.
                keys[found] = key(du, dv);
                found += usize::from(du.max(dv) <= radius);
            }
        }
        found
    }

    /// The first and last part (column or row, by `part_of`) meeting [centre − radius, centre + radius].
    fn span(&self, part_of: &[u32], centre: u32, radius: u32) -> (usize, usize) {
        let first = part_of[centre.saturating_sub(radius) as usize];
        let last = part_of[centre.saturating_add(radius).min(self.top) as usize];
        (first as usize, last as usize)
    }
}

/// A neighbour's offsets (du, dv) packed into one integer that sorts by max-norm distance:
/// the distance in the high half, then the smaller offset, then whether it is du. Offsets are
/// below 2³¹ (lattice coordinates are at most 2N).
fn key(du: u32, dv: u32) -> u64 {
    (u64::from(du.max(dv)) << 32) | (u64::from(du.min(dv)) << 1) | u64::from(du < dv)
}

/// The max-norm distance of a [`key`].
fn distance(key: u64) -> u32 {
    (key >> 32) as u32
}

/// The offsets (du, dv) of a [`key`].
fn offsets(key: u64) -> (u32, u32) {
    let (larger, smaller) = (distance(key), (key as u32) >> 1);
    if key & 1 == 1 { (smaller, larger) } else { (larger, smaller) }
}

/// [`LatticeGrid::for_each_neighbourhood`] for a sample with points outside the unit square, in
/// O(N²): every distance on the lattice round(2N·u), then the same selection. (With a
/// non-finite lattice coordinate — NaN, or 2N·u overflowing — the features are meaningless and
/// need not match those of the earlier grid search, whose result there depended on the order it
/// visited the points.)
fn for_each_neighbourhood_exhaustively(u: &[f64], v: &[f64], mut emit: impl FnMut(usize, &Neighbourhood)) {
    let scale = 2.0 * u.len() as f64;
    let lattice = |t: &[f64]| t.iter().map(|a| (a * scale).round()).collect::<Vec<f64>>();
    let (lu, lv) = (lattice(u), lattice(v));
    for (i, (&ui, &vi)) in lu.iter().zip(&lv).enumerate() {
        let offsets: Vec<(f64, f64)> = lu.iter().zip(&lv).map(|(&a, &b)| ((a - ui).abs(), (b - vi).abs())).collect();
        let mut dist: Vec<f64> = offsets.iter().map(|&(du, dv)| du.max(dv)).collect();
        // Index 0 holds the point itself, at distance 0.
        dist.select_nth_unstable_by(K_MAX, f64::total_cmp);
        dist[..K_MAX].sort_unstable_by(f64::total_cmp);
        let extents = SHAPE_COUNTS.map(|k| {
            let within = offsets.iter().filter(|&&(du, dv)| du.max(dv) <= dist[k]);
            within.fold((0.0f64, 0.0f64), |(a, b), &(du, dv)| (a.max(du), b.max(dv)))
        });
        emit(i, &Neighbourhood { eps: NEIGHBOUR_COUNTS.map(|k| dist[k]), extents });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    /// O(N²) oracle: every distance, sorted.
    fn brute_force(u: &[f64], v: &[f64], i: usize, k: usize) -> Vec<f64> {
        let mut d: Vec<f64> =
            (0..u.len()).filter(|&j| j != i).map(|j| (u[j] - u[i]).abs().max((v[j] - v[i]).abs())).collect();
        d.sort_by(f64::total_cmp);
        d.truncate(k);
        d
    }

    fn sample(n: usize, rho: f64, ties: bool, seed: u64) -> (Vec<f64>, Vec<f64>) {
        let mut rng = StdRng::seed_from_u64(seed);
        let x: Vec<f64> = (0..n).map(|_| rng.random::<f64>() - 0.5).collect();
        let y: Vec<f64> = x.iter().map(|a| rho * a + (1.0 - rho) * (rng.random::<f64>() - 0.5)).collect();
        if ties {
            (x.iter().map(|a| (a * 6.0).round()).collect(), y)
        } else {
            (x, y)
        }
    }

    #[test]
    fn neighbour_distances_match_brute_force() {
        for (n, rho, ties, seed) in [(40, 0.0, false, 1), (333, 0.9, false, 2), (1000, 0.99, false, 3), (500, 0.5, true, 4)] {
            let (x, y) = sample(n, rho, ties, seed);
            let (u, v) = copula_pair(&x, &y).unwrap();
            let lattice = |t: &[f64]| t.iter().map(|a| (a * 2.0 * n as f64).round()).collect::<Vec<f64>>();
            let (lu, lv) = (lattice(&u), lattice(&v));
            let mut seen = vec![false; n];
            LatticeGrid::new(&u, &v).unwrap().for_each_neighbourhood(|i, near| {
                seen[i] = true;
                let all = brute_force(&lu, &lv, i, K_MAX);
                assert_eq!(near.eps.to_vec(), NEIGHBOUR_COUNTS.map(|k| all[k - 1]).to_vec(), "n={n} point {i}");
            });
            assert!(seen.iter().all(|&s| s));
        }
    }

    /// O(N²) oracle of the documented features: every distance on the lattice 2N·u, the k-th
    /// smallest for ε_k, the neighbourhood shape over every point within ε_k (ties included),
    /// and the same floating-point formulas as [`TokenFeatures::from_copula`].
    fn reference_features(u: &[f64], v: &[f64]) -> Vec<f32> {
        let n = u.len();
        let scale = 2.0 * n as f64;
        let lattice = |t: &[f64]| t.iter().map(|a| (a * scale).round()).collect::<Vec<f64>>();
        let (lu, lv) = (lattice(u), lattice(v));
        let floor = 0.5 / n as f64;
        let psi_n = digamma(n as f64);
        let mut out = Vec::with_capacity(n * TOKEN_FEATURES);
        for i in 0..n {
            let mut near: Vec<(f64, f64, f64)> = (0..n)
                .filter(|&j| j != i)
                .map(|j| {
                    let (du, dv) = ((lu[j] - lu[i]).abs(), (lv[j] - lv[i]).abs());
                    (du.max(dv) / scale, du / scale, dv / scale)
                })
                .collect();
            let by_distance = |a: &(f64, f64, f64), b: &(f64, f64, f64)| a.0.total_cmp(&b.0);
            near.select_nth_unstable_by(K_MAX - 1, by_distance);
            near[..K_MAX].sort_by(by_distance);
            let eps = |k: usize| near[k - 1].0;
            for k in NEIGHBOUR_COUNTS {
                out.push((digamma(k as f64) - psi_n - 2.0 * (2.0 * eps(k).max(floor)).ln()) as f32);
            }
            for k in SHAPE_COUNTS {
                let (du, dv) = near
                    .iter()
                    .filter(|nb| nb.0 <= eps(k))
                    .fold((0.0f64, 0.0f64), |(a, b), nb| (a.max(nb.1), b.max(nb.2)));
                out.push((du.max(floor) / dv.max(floor)).ln().abs().min(SHAPE_CAP) as f32);
            }
            let eps8 = eps(8).max(floor);
            let (eu, ev) = (u[i].min(1.0 - u[i]).max(0.0), v[i].min(1.0 - v[i]).max(0.0));
            out.push(((eu.min(ev) / eps8).min(EDGE_CAP) / EDGE_CAP) as f32);
            out.push(((eu.max(ev) / eps8).min(EDGE_CAP) / EDGE_CAP) as f32);
        }
        out
    }

    /// The features feed a trained network: any change to the neighbour search must leave every
    /// value bit-identical to the O(N²) oracle, on continuous, near-deterministic, independent and
    /// heavily tied samples alike.
    #[test]
    fn features_match_brute_force_bit_for_bit() {
        let mut seed = 100;
        for n in [32, 100, 2000, 5000] {
            let tied_both = |(x, y): (Vec<f64>, Vec<f64>)| {
                let y: Vec<f64> = y.iter().map(|b| (b * 4.0).round()).collect();
                (x, y)
            };
            let cases = [
                ("continuous", sample(n, 0.6, false, seed)),
                ("rho 0.99", sample(n, 0.99, false, seed + 1)),
                ("independent", sample(n, 0.0, false, seed + 2)),
                ("tied x", sample(n, 0.5, true, seed + 3)),
                ("tied x and y", tied_both(sample(n, 0.8, true, seed + 4))),
            ];
            seed += 10;
            for (name, (x, y)) in cases {
                let (u, v) = copula_pair(&x, &y).unwrap();
                let got = TokenFeatures::from_copula(&u, &v).unwrap().values;
                let want = reference_features(&u, &v);
                for (at, (g, w)) in got.iter().zip(&want).enumerate() {
                    assert_eq!(g.to_bits(), w.to_bits(), "{name}, n = {n}, point {}, feature {}: {g} vs {w}", at / TOKEN_FEATURES, at % TOKEN_FEATURES);
                }
                // Off the copula lattice the same holds: coordinates inside the unit square (grid
                // search on rounded coordinates) and outside it (exhaustive search).
                let inside = |t: &[f64]| t.iter().map(|a| (a + 0.5).clamp(0.0, 1.0)).collect::<Vec<f64>>();
                let mut raw = vec![(inside(&x), inside(&y))];
                if n <= 100 {
                    raw.push((x, y));
                }
                for (x, y) in raw {
                    let got = TokenFeatures::from_copula(&x, &y).unwrap().values;
                    let want = reference_features(&x, &y);
                    assert!(got.iter().zip(&want).all(|(g, w)| g.to_bits() == w.to_bits()), "{name}, n = {n}, raw");
                }
            }
        }
    }

    #[test]
    fn features_are_symmetric_and_monotone_invariant() {
        let (x, y) = sample(700, 0.7, false, 9);
        let f = TokenFeatures::from_samples(&x, &y).unwrap();
        let swapped = TokenFeatures::from_samples(&y, &x).unwrap();
        let mapped_x: Vec<f64> = x.iter().map(|a| -(a * 3.0).exp()).collect();
        let mapped_y: Vec<f64> = y.iter().map(|b| b.powi(3) + b).collect();
        let mapped = TokenFeatures::from_samples(&mapped_x, &mapped_y).unwrap();
        for other in [&swapped, &mapped] {
            for (a, b) in f.values.iter().zip(&other.values) {
                assert!((a - b).abs() < 1e-5, "{a} vs {b}");
            }
        }
    }

    #[test]
    fn mean_log_density_is_near_zero_for_independent_uniforms_and_tracks_a_gaussian() {
        let mut rng = StdRng::seed_from_u64(5);
        let n = 4000;
        let x: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
        let y: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
        let f = TokenFeatures::from_samples(&x, &y).unwrap();
        // The edge bias of k-NN estimates on the square reads slightly low; it stays small.
        for slot in 0..3 {
            assert!(f.mean_log_density(slot).abs() < 0.05, "slot {slot}: {}", f.mean_log_density(slot));
        }
        let (gx, gy) = mutinf_gaussian(0.9, n, 6);
        let truth = -0.5 * (1.0f64 - 0.81).ln();
        let g = TokenFeatures::from_samples(&gx, &gy).unwrap();
        assert!((g.mean_log_density(2) - truth).abs() < 0.1, "{} vs {truth}", g.mean_log_density(2));
    }

    fn mutinf_gaussian(rho: f64, n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
        let mut rng = StdRng::seed_from_u64(seed);
        let normal = |rng: &mut StdRng| {
            let (a, b): (f64, f64) = (rng.random::<f64>().max(1e-300), rng.random());
            (-2.0 * a.ln()).sqrt() * (2.0 * std::f64::consts::PI * b).cos()
        };
        let x: Vec<f64> = (0..n).map(|_| normal(&mut rng)).collect();
        let y: Vec<f64> = x.iter().map(|a| rho * a + (1.0 - rho * rho).sqrt() * normal(&mut rng)).collect();
        (x, y)
    }

    #[test]
    fn too_few_or_mismatched_samples_are_errors() {
        assert!(matches!(TokenFeatures::from_samples(&[0.0; 10], &[0.0; 10]), Err(ModelError::TooFewSamples { .. })));
        assert!(matches!(copula_pair(&[0.0; 3], &[0.0; 4]), Err(ModelError::LengthMismatch { .. })));
        assert!(matches!(copula_pair(&[0.0, f64::NAN], &[0.0, 1.0]), Err(ModelError::NonFinite(_))));
    }
}
