//! Soft ranks tend to the hard ranks as the temperature goes to 0 and have correct gradients.

use burn::tensor::{Device, Tensor, TensorData};
use mutinf_objectives::soft_rank::{hard_copula, soft_copula, soft_rank};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

fn values(t: Tensor<1>) -> Vec<f64> {
    t.into_data().try_into_vec::<f32>().unwrap().into_iter().map(f64::from).collect()
}

#[test]
fn soft_copula_approaches_the_hard_copula() {
    let device = Device::flex();
    let mut rng = StdRng::seed_from_u64(2);
    let x: Vec<f64> = (0..300).map(|_| rng.sample(StandardNormal)).collect();
    let hard = hard_copula(&x);
    let t = Tensor::<1>::from_data(TensorData::new(x.iter().map(|&v| v as f32).collect::<Vec<_>>(), [300]), &device);
    let mut previous = f64::INFINITY;
    for temperature in [0.2, 0.05, 0.01, 1e-3, 1e-5] {
        let soft = values(soft_copula(t.clone(), temperature));
        let err = soft.iter().zip(&hard).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        assert!(err < previous, "τ {temperature}: max error {err} did not fall below {previous}");
        previous = err;
    }
    // What is left at τ = 1e-5 comes from the closest pair of the 300 draws (f32 sums).
    assert!(previous < 1e-3, "τ → 0 leaves {previous}");
}

#[test]
fn ties_get_mid_ranks() {
    let device = Device::flex();
    let t = Tensor::<1>::from_data(TensorData::new(vec![1.0f32, 3.0, 1.0, 2.0, 1.0], [5]), &device);
    let r = values(soft_rank(t, 1e-4));
    for (a, b) in r.iter().zip([2.0, 5.0, 2.0, 4.0, 2.0]) {
        assert!((a - b).abs() < 1e-4, "{r:?}");
    }
}

#[test]
fn soft_rank_gradient_matches_finite_differences() {
    let device = Device::flex();
    let ad = device.clone().autodiff();
    let mut rng = StdRng::seed_from_u64(4);
    let n = 64;
    let x: Vec<f32> = (0..n).map(|_| rng.sample::<f32, _>(StandardNormal)).collect();
    let d: Vec<f32> = (0..n).map(|_| rng.random_range(-1.0..1.0)).collect();
    let w: Vec<f32> = (0..n).map(|_| rng.random_range(-1.0..1.0)).collect();
    // f(x) = Σ w_i u_i(x), a generic smooth function of the soft copula.
    let f = |x: Tensor<1>, dev: &Device| -> Tensor<1> {
        (soft_copula(x, 0.3) * Tensor::<1>::from_data(TensorData::new(w.clone(), [n]), dev)).sum()
    };
    let leaf = Tensor::<1>::from_data(TensorData::new(x.clone(), [n]), &ad).require_grad();
    let grads = f(leaf.clone(), &ad).backward();
    let g = values(leaf.grad(&grads).unwrap());
    let analytic: f64 = g.iter().zip(&d).map(|(g, d)| g * f64::from(*d)).sum();
    let at = |s: f32| {
        let v: Vec<f32> = x.iter().zip(&d).map(|(x, d)| x + s * d).collect();
        f64::from(f(Tensor::from_data(TensorData::new(v, [n]), &device), &device).into_scalar::<f32>())
    };
    let h = 1e-2;
    let numeric = (at(h) - at(-h)) / (2.0 * f64::from(h));
    let rel = (analytic - numeric).abs() / numeric.abs().max(1e-3);
    assert!(rel < 1e-2, "autodiff {analytic} vs finite differences {numeric} (rel {rel})");
}
