//! Counting 1-D values within a radius in O(log N).

/// A sorted copy of one column, for counting neighbours within a radius by binary search.
///
/// The predicates compare `v - x` and `x - v` with the radius, i.e. exactly the distance
/// `|v - x|` a brute-force loop computes; both differences are monotone in `v`, so the
/// binary searches return the same count as the O(N) scan, ties and rounding included.
///
/// ```
/// use mutinf_estimators::neighbours::SortedValues;
/// let s = SortedValues::new(&[0.0, 1.0, 2.0, 3.0, 2.0]);
/// assert_eq!(s.count_within(2.0, 1.0), 2);  // |v - 2| < 1: the two 2.0s
/// assert_eq!(s.count_within_closed(2.0, 1.0), 4); // |v - 2| <= 1: 1, 2, 2, 3
/// ```
#[derive(Debug, Clone)]
pub struct SortedValues {
    pub(crate) values: Vec<f64>,
}

impl SortedValues {
    /// Sorts a copy of `values` (finite values expected).
    pub fn new(values: &[f64]) -> Self {
        let mut values = values.to_vec();
        values.sort_unstable_by(f64::total_cmp);
        Self { values }
    }

    /// The sorted values.
    pub fn as_slice(&self) -> &[f64] {
        &self.values
    }

    /// Number of values v with |v - x| < r (x itself included if present and r > 0).
    #[inline]
    pub fn count_within(&self, x: f64, r: f64) -> usize {
        let v = &self.values;
        let lo = v.partition_point(|&u| u < x && x - u >= r);
        let hi = v.partition_point(|&u| u < x || u - x < r);
        hi - lo
    }

    /// Number of values v with |v - x| <= r.
    #[inline]
    pub fn count_within_closed(&self, x: f64, r: f64) -> usize {
        let v = &self.values;
        let lo = v.partition_point(|&u| u < x && x - u > r);
        let hi = v.partition_point(|&u| u < x || u - x <= r);
        hi - lo
    }
}
