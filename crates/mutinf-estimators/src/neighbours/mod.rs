//! Exact nearest-neighbour search: a kd-tree over N points in d dimensions, and counts of
//! 1-D values within a radius by binary search on a sorted copy.
//!
//! Why our own index instead of a crate: KSG must agree with an O(N²) brute-force reference
//! *exactly*, ties included. That needs (a) the very same floating-point distances as the
//! reference (`|a - b|` per coordinate, max or sum of squares), (b) pruning bounds that can
//! never cut off a point at exactly the current k-th distance, and (c) a documented order
//! among equidistant neighbours. Every bound below relies on one fact: IEEE subtraction is
//! monotone, so for a point p inside a box [lo, hi], `|p - q|` lies between the box's
//! nearest and farthest coordinate distances computed the same way.
//!
//! Ties: neighbours are ranked by the pair (distance, original row index), so "the k nearest"
//! is always a well-defined set and the k-th *distance* is the k-th smallest value of the
//! multiset of distances, whichever equidistant point is chosen.

mod kdtree;
pub(crate) mod kdtree_internal {
    pub(crate) use super::kdtree::KBest;
}
mod sorted;

pub use kdtree::{KdTree, Neighbour};
pub use sorted::SortedValues;

/// Distance used by nearest-neighbour searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Metric {
    /// Chebyshev / max-norm: max over coordinates of |a - b|. KSG's metric.
    #[default]
    MaxNorm,
    /// Euclidean. Searches work on squared distances internally.
    Euclidean,
}

impl Metric {
    /// Distance between two points of equal dimension, computed exactly as the kd-tree does
    /// (the brute-force oracles in the tests call this).
    #[inline]
    pub fn distance(self, a: &[f64], b: &[f64]) -> f64 {
        match self {
            Metric::MaxNorm => a.iter().zip(b).fold(0.0, |m, (p, q)| f64::max(m, (p - q).abs())),
            Metric::Euclidean => a.iter().zip(b).map(|(p, q)| (p - q) * (p - q)).sum::<f64>().sqrt(),
        }
    }

    /// The "reduced" distance the tree compares: max-norm itself, or the squared Euclidean.
    #[inline]
    pub(crate) fn reduced(self, a: &[f64], b: &[f64]) -> f64 {
        match self {
            Metric::MaxNorm => {
                let mut m = 0.0f64;
                for (p, q) in a.iter().zip(b) {
                    m = m.max((p - q).abs());
                }
                m
            }
            Metric::Euclidean => {
                let mut s = 0.0;
                for (p, q) in a.iter().zip(b) {
                    s += (p - q) * (p - q);
                }
                s
            }
        }
    }

    #[inline]
    pub(crate) fn unreduce(self, r: f64) -> f64 {
        match self {
            Metric::MaxNorm => r,
            Metric::Euclidean => r.sqrt(),
        }
    }
}
