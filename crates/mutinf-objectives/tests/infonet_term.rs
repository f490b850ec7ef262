//! The frozen InfoNet MI term: its gradient against finite differences, its soft-rank value
//! against the hard-rank one as the temperature goes to 0, and its value against a known truth.

use burn::tensor::{Device, Tensor, TensorData};
use mutinf_objectives::InfoNetMi;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

/// x, y standard normal with correlation ρ: I = −½ ln(1 − ρ²).
fn gaussian_pair(n: usize, rho: f64, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let (a, b): (f64, f64) = (rng.sample(StandardNormal), rng.sample(StandardNormal));
            (a, rho * a + (1.0 - rho * rho).sqrt() * b)
        })
        .unzip()
}

fn tensor(v: &[f64], device: &Device) -> Tensor<1> {
    Tensor::from_data(TensorData::new(v.iter().map(|&x| x as f32).collect::<Vec<_>>(), [v.len()]), device)
}

#[test]
fn gradient_matches_finite_differences() {
    let term = InfoNetMi::pretrained("infonet-small", &Device::flex()).unwrap().with_temperature(0.3).unwrap();
    let device = term.device();
    let n = 128;
    let (x, y) = gaussian_pair(n, 0.7, 1);
    let mut rng = StdRng::seed_from_u64(2);
    let direction: Vec<f64> = (0..n).map(|_| rng.random_range(-1.0..1.0)).collect();
    let leaf = tensor(&x, &device).require_grad();
    let mi = term.mi(leaf.clone(), tensor(&y, &device), 7).unwrap();
    let grads = mi.backward();
    let grad: Vec<f32> = leaf.grad(&grads).unwrap().into_data().try_into_vec().unwrap();
    let analytic: f64 = grad.iter().zip(&direction).map(|(g, d)| f64::from(*g) * d).sum();
    let at = |h: f64| {
        let shifted: Vec<f64> = x.iter().zip(&direction).map(|(x, d)| x + h * d).collect();
        f64::from(term.mi(tensor(&shifted, &device), tensor(&y, &device), 7).unwrap().into_scalar::<f32>())
    };
    // Small enough that few points cross a cell centre, where the bilinear readout has a kink.
    let h = 2e-3;
    let numeric = (at(h) - at(-h)) / (2.0 * h);
    let rel = (analytic - numeric).abs() / numeric.abs().max(1e-3);
    assert!(rel <= 1e-2, "directional derivative: autodiff {analytic}, finite differences {numeric}, rel {rel}");
    assert!(analytic.abs() > 1e-3, "the gradient should not vanish ({analytic})");
}

#[test]
fn soft_rank_estimate_approaches_the_hard_rank_estimate() {
    let term = InfoNetMi::pretrained("infonet-small", &Device::flex()).unwrap();
    let device = term.device();
    let (x, y) = gaussian_pair(512, 0.8, 3);
    let hard = term.mi_hard_ranks(&x, &y, 5).unwrap();
    let gap = |temperature: f64| {
        let term = term.clone().with_temperature(temperature).unwrap();
        let soft = f64::from(term.mi(tensor(&x, &device), tensor(&y, &device), 5).unwrap().into_scalar::<f32>());
        (soft - hard).abs()
    };
    let (warm, cold, frozen) = (gap(0.05), gap(0.005), gap(1e-6));
    eprintln!("|soft − hard| at τ = 0.05, 0.005, 1e-6: {warm:.2e}, {cold:.2e}, {frozen:.2e} nats");
    assert!(frozen < 2e-4, "τ → 0 leaves {frozen} nats");
    assert!(frozen < warm, "no closer at τ → 0 ({frozen}) than at 0.05 ({warm})");
    // The value itself reads a known truth: ρ = 0.8 gives 0.511 nats (raw DV bound, N = 512).
    let truth = -0.5 * (1.0f64 - 0.64).ln();
    assert!((hard - truth).abs() < 0.15, "hard-rank bound {hard} vs truth {truth}");
}

#[test]
fn bad_input_is_an_error() {
    let term = InfoNetMi::pretrained("infonet-small", &Device::flex()).unwrap();
    let device = term.device();
    let short = term.mi(tensor(&[1.0; 8], &device), tensor(&[2.0; 8], &device), 0).unwrap_err().to_string();
    assert!(short.contains("at least 16"), "{short}");
    let uneven = term.mi(tensor(&[1.0; 20], &device), tensor(&[2.0; 21], &device), 0).unwrap_err().to_string();
    assert!(uneven.contains("paired"), "{uneven}");
    assert!(term.clone().with_temperature(0.0).is_err());
    let nan = term.mi_hard_ranks(&[f64::NAN; 20], &[1.0; 20], 0).unwrap_err().to_string();
    assert!(nan.contains("non-finite"), "{nan}");
    assert!(InfoNetMi::pretrained("no-such-net", &Device::flex()).unwrap_err().to_string().contains("infonet-small"));
}
