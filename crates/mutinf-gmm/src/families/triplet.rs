//! 3-D triplets (X, Y, Z) for the order-accuracy protocol (the paper's Tab. 3): does an estimator
//! order `I(X;Y)` and `I(X;Z)` as the truths do?

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::PaperEvalFamily;
use crate::error::{GmmError, Result};
use crate::mixture::GaussianMixture;
use crate::truth::{MonteCarloOptions, TrueMi};

/// A 3-D mixture over (X, Y, Z) = coordinates (0, 1, 2) with both truths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderTriplet {
    /// The 3-D mixture.
    pub gmm: GaussianMixture,
    /// True `I(X; Y)`.
    pub mi_xy: TrueMi,
    /// True `I(X; Z)`.
    pub mi_xz: TrueMi,
}

impl OrderTriplet {
    /// Whether the truth says `I(X;Y) > I(X;Z)`.
    pub fn xy_greater(&self) -> bool {
        self.mi_xy.value > self.mi_xz.value
    }
}

/// Draws a triplet from the evaluation family with exactly `k` components in 3-D and computes
/// both truths with `mc`.
///
/// Both truths use the same Monte-Carlo seed, so they share their component draws and their X
/// values (common random numbers), which makes the error of their *difference*, the thing that
/// decides the order, smaller than independent runs would.
///
/// ```
/// use rand::SeedableRng;
/// use mutinf_gmm::{MonteCarloOptions, families::order_triplet};
/// let mc = MonteCarloOptions { samples: 5_000, ..Default::default() };
/// let t = order_triplet(3, &mc, &mut rand::rngs::StdRng::seed_from_u64(9)).unwrap();
/// assert_eq!((t.gmm.dim(), t.gmm.n_components()), (3, 3));
/// ```
pub fn order_triplet<R: Rng + ?Sized>(
    k: usize,
    mc: &MonteCarloOptions,
    rng: &mut R,
) -> Result<OrderTriplet> {
    order_triplet_with(&PaperEvalFamily::fixed(3, k), mc, rng)
}

/// [`order_triplet`] from any 3-D evaluation family.
pub fn order_triplet_with<R: Rng + ?Sized>(
    family: &PaperEvalFamily,
    mc: &MonteCarloOptions,
    rng: &mut R,
) -> Result<OrderTriplet> {
    if family.dim != 3 {
        return Err(GmmError::invalid(
            "PaperEvalFamily.dim",
            family.dim,
            "order triplets are 3-D (X, Y, Z)",
        ));
    }
    let gmm: GaussianMixture = family.sample(rng)?;
    let mi_xy = gmm.mutual_information(&[0], &[1], mc)?;
    let mi_xz = gmm.mutual_information(&[0], &[2], mc)?;
    Ok(OrderTriplet { gmm, mi_xy, mi_xz })
}
