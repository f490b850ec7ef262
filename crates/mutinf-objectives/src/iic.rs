//! Invariant Information Clustering (Ji, Henriques & Vedaldi, ICCV 2019; seed 003): the mutual
//! information between the cluster assignments of two views of the same samples, as a loss.
//!
//! Two softmax heads read paired views x_i and x'_i (the same sample under two perturbations).
//! Their joint distribution over C x C cluster pairs is estimated from the batch,
//! `P = (1/B) Σ_i Φ(x_i) Φ(x'_i)ᵀ`, symmetrised, and the loss is the negative of its exact
//! discrete mutual information, with the IIC paper's weight λ on the marginal entropies:
//!
//! `L = −Σ_ij P_ij (ln P_ij − λ ln P_i − λ ln P_j)`, so `L = −I(Z; Z')` at λ = 1.
//!
//! Maximising I(Z; Z') = H(Z) − H(Z | Z') rewards balanced clusters (the marginal entropy) and
//! agreement between views (the conditional entropy), which is why IIC does not collapse to one
//! cluster the way a plain agreement loss can; λ > 1 weights balance more.

use burn::tensor::Tensor;

/// Entries of the joint and its marginals below this are raised to it before the logarithm (the
/// IIC reference code's guard against ln 0; f32 machine epsilon). Above it the loss is exact.
pub const JOINT_FLOOR: f32 = f32::EPSILON;

/// The symmetrised joint distribution of two heads' assignments over a paired batch:
/// `P = (1/B) Σ_i p_i p'_iᵀ`, then `(P + Pᵀ) / 2`. Every entry is ≥ 0 and they sum to 1 when
/// the rows of `p` and `p_prime` are probability vectors.
///
/// # Shapes
/// - p, p_prime: `[B, C]`, row i the softmax output for view 1 and view 2 of sample i
/// - output: `[C, C]`
pub fn iic_joint(p: Tensor<2>, p_prime: Tensor<2>) -> Tensor<2> {
    let [b, _] = p.dims();
    let joint = p.transpose().matmul(p_prime) / b.max(1) as f32;
    (joint.clone() + joint.transpose()) / 2.0
}

/// The IIC loss of a paired batch: `−Σ_ij P_ij (ln P_ij − λ ln P_i − λ ln P_j)` with `P` from
/// [`iic_joint`]; equal to `−I(Z; Z')` in nats at `lambda = 1`. Minimise it.
///
/// The marginals are taken before the [`JOINT_FLOOR`] is applied, as in the reference code.
///
/// # Shapes
/// - p, p_prime: `[B, C]` softmax outputs of the two views
/// - output: `[1]`
///
/// ```
/// use burn::tensor::{Device, Tensor, TensorData};
/// let device = Device::flex();
/// // Two samples, each assigned with certainty to its own cluster in both views: I = ln 2.
/// let p = Tensor::<2>::from_data(TensorData::new(vec![1.0f32, 0.0, 0.0, 1.0], [2, 2]), &device);
/// let loss = mutinf_objectives::iic::iic_loss(p.clone(), p, 1.0).into_scalar::<f32>();
/// assert!((loss + 2f32.ln()).abs() < 1e-5);
/// ```
pub fn iic_loss(p: Tensor<2>, p_prime: Tensor<2>, lambda: f64) -> Tensor<1> {
    let joint = iic_joint(p, p_prime);
    let [c, _] = joint.dims();
    let p_i = joint.clone().sum_dim(1).expand([c, c]).clamp_min(JOINT_FLOOR);
    let p_j = joint.clone().sum_dim(0).expand([c, c]).clamp_min(JOINT_FLOOR);
    let joint = joint.clamp_min(JOINT_FLOOR);
    let lambda = lambda as f32;
    let terms = joint.clone() * (joint.log() - p_i.log() * lambda - p_j.log() * lambda);
    terms.sum().neg()
}

/// The exact mutual information (nats) of a discrete joint distribution given as a row-major
/// `c x c` table of probabilities (zeros allowed: 0 ln 0 = 0). The host-side reference for
/// [`iic_loss`] and the value `mutinf cluster` reports.
///
/// ```
/// // Independent: P = p qᵀ has no information.
/// let joint = [0.12, 0.28, 0.18, 0.42];
/// assert!(mutinf_objectives::iic::discrete_mi(&joint, 2).abs() < 1e-12);
/// ```
pub fn discrete_mi(joint: &[f64], c: usize) -> f64 {
    let total: f64 = joint.iter().sum();
    let row = |i: usize| (0..c).map(|j| joint[i * c + j]).sum::<f64>() / total;
    let col = |j: usize| (0..c).map(|i| joint[i * c + j]).sum::<f64>() / total;
    let (rows, cols): (Vec<f64>, Vec<f64>) = ((0..c).map(row).collect(), (0..c).map(col).collect());
    let mut mi = 0.0;
    for i in 0..c {
        for j in 0..c {
            let p = joint[i * c + j] / total;
            if p > 0.0 {
                mi += p * (p / (rows[i] * cols[j])).ln();
            }
        }
    }
    mi
}
