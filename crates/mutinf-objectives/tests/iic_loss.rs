//! The IIC loss against the discrete MI computed by hand, and its gradient against finite
//! differences.

use burn::tensor::activation::softmax;
use burn::tensor::{Device, Tensor, TensorData};
use mutinf_objectives::iic::{discrete_mi, iic_joint, iic_loss};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn tensor(values: &[f32], shape: [usize; 2], device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(values.to_vec(), shape), device)
}

fn host(t: Tensor<2>) -> Vec<f64> {
    t.into_data().try_into_vec::<f32>().unwrap().into_iter().map(f64::from).collect()
}

/// The symmetrised joint of two probability tables `[b, c]`, in f64, by explicit sums.
fn joint_by_hand(p: &[f64], q: &[f64], b: usize, c: usize) -> Vec<f64> {
    let mut joint = vec![0.0; c * c];
    for r in 0..b {
        for i in 0..c {
            for j in 0..c {
                joint[i * c + j] += (p[r * c + i] * q[r * c + j] + p[r * c + j] * q[r * c + i]) / (2.0 * b as f64);
            }
        }
    }
    joint
}

/// −Σ P_ij (ln P_ij − λ ln P_i − λ ln P_j) in f64.
fn loss_by_hand(joint: &[f64], c: usize, lambda: f64) -> f64 {
    let row = |i: usize| (0..c).map(|j| joint[i * c + j]).sum::<f64>();
    let col = |j: usize| (0..c).map(|i| joint[i * c + j]).sum::<f64>();
    let mut loss = 0.0;
    for i in 0..c {
        for j in 0..c {
            let p = joint[i * c + j];
            loss -= p * (p.ln() - lambda * row(i).ln() - lambda * col(j).ln());
        }
    }
    loss
}

fn random_probs(rng: &mut StdRng, b: usize, c: usize, device: &Device) -> Tensor<2> {
    let logits: Vec<f32> = (0..b * c).map(|_| rng.random_range(-2.0..2.0)).collect();
    softmax(tensor(&logits, [b, c], device), 1)
}

#[test]
fn hand_tables_give_their_exact_mutual_information() {
    let device = Device::flex();
    // Two samples, certain and agreeing: the joint is diag(½, ½), I = ln 2.
    let p = tensor(&[1.0, 0.0, 0.0, 1.0], [2, 2], &device);
    let loss = iic_loss(p.clone(), p, 1.0).into_scalar::<f32>();
    assert!((f64::from(loss) + 2f64.ln()).abs() < 1e-5, "{loss}");
    // Independent views: view 2 is uniform whatever view 1 says, so I = 0.
    let p = tensor(&[0.9, 0.1, 0.2, 0.8, 0.6, 0.4], [3, 2], &device);
    let q = tensor(&[0.5, 0.5, 0.5, 0.5, 0.5, 0.5], [3, 2], &device);
    assert!(iic_loss(p, q, 1.0).into_scalar::<f32>().abs() < 1e-5);
    // A 3 x 3 table by hand: joint [[.2,.05,.05],[.05,.2,.05],[.05,.05,.3]] has
    // I = Σ P ln(P / (P_i P_j)) with marginals (.3, .3, .4): 2(.2 ln(.2/.09)) + .3 ln(.3/.16)
    // + 2(.05 ln(.05/.09)) + 4(.05 ln(.05/.12)) = 0.27411.
    let joint: [f64; 9] = [0.2, 0.05, 0.05, 0.05, 0.2, 0.05, 0.05, 0.05, 0.3];
    let marg: [f64; 3] = [0.3, 0.3, 0.4];
    let by_hand: f64 = (0..9).map(|k| joint[k] * (joint[k] / (marg[k / 3] * marg[k % 3])).ln()).sum();
    assert!((discrete_mi(&joint, 3) - by_hand).abs() < 1e-12);
    assert!((by_hand - 0.27411).abs() < 1e-4, "{by_hand}");
}

#[test]
fn loss_equals_the_discrete_mi_of_the_batch_joint() {
    let device = Device::flex();
    let mut rng = StdRng::seed_from_u64(3);
    for (b, c, lambda) in [(7, 2, 1.0), (32, 5, 1.0), (64, 10, 1.0), (32, 4, 1.5), (16, 3, 2.0)] {
        let (p, q) = (random_probs(&mut rng, b, c, &device), random_probs(&mut rng, b, c, &device));
        let joint = joint_by_hand(&host(p.clone()), &host(q.clone()), b, c);
        let from_tensor = host(iic_joint(p.clone(), q.clone()));
        for (a, e) in from_tensor.iter().zip(&joint) {
            assert!((a - e).abs() < 1e-6, "joint entry {a} vs {e}");
        }
        let loss = f64::from(iic_loss(p, q, lambda).into_scalar::<f32>());
        let expected = loss_by_hand(&joint, c, lambda);
        assert!((loss - expected).abs() < 1e-5, "b {b} c {c} λ {lambda}: {loss} vs {expected}");
        if lambda == 1.0 {
            assert!((loss + discrete_mi(&joint, c)).abs() < 1e-5);
        }
    }
}

#[test]
fn gradient_matches_finite_differences() {
    let device = Device::flex();
    let ad = device.clone().autodiff();
    let mut rng = StdRng::seed_from_u64(11);
    let (b, c) = (24, 4);
    let logits: Vec<f32> = (0..2 * b * c).map(|_| rng.random_range(-1.5..1.5)).collect();
    let direction: Vec<f32> = (0..2 * b * c).map(|_| rng.random_range(-1.0..1.0)).collect();
    let loss_at = |values: &[f32], dev: &Device| -> Tensor<1> {
        let all = tensor(values, [2 * b, c], dev);
        let p = softmax(all.clone().slice([0..b, 0..c]), 1);
        let q = softmax(all.slice([b..2 * b, 0..c]), 1);
        iic_loss(p, q, 1.0)
    };
    let leaf = tensor(&logits, [2 * b, c], &ad).require_grad();
    let p = softmax(leaf.clone().slice([0..b, 0..c]), 1);
    let q = softmax(leaf.clone().slice([b..2 * b, 0..c]), 1);
    let grads = iic_loss(p, q, 1.0).backward();
    let grad = host(leaf.grad(&grads).unwrap());
    let analytic: f64 = grad.iter().zip(&direction).map(|(g, d)| g * f64::from(*d)).sum();
    let h = 1e-2f32;
    let shifted = |sign: f32| -> f64 {
        let v: Vec<f32> = logits.iter().zip(&direction).map(|(x, d)| x + sign * h * d).collect();
        f64::from(loss_at(&v, &device).into_scalar::<f32>())
    };
    let numeric = (shifted(1.0) - shifted(-1.0)) / (2.0 * f64::from(h));
    let rel = (analytic - numeric).abs() / numeric.abs().max(1e-3);
    assert!(rel <= 1e-2, "directional derivative: autodiff {analytic}, finite differences {numeric}, rel {rel}");
}
