//! The bound losses are mutinf-mine's bounds negated, and DV's moving average corrects the
//! gradient the way MINE describes.

use burn::tensor::{Device, Tensor, TensorData};
use mutinf_mine::bounds;
use mutinf_objectives::losses::{DvLoss, infonce_loss, nwj_loss};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn random(rng: &mut StdRng, shape: [usize; 2], device: &Device) -> Tensor<2> {
    let v: Vec<f32> = (0..shape[0] * shape[1]).map(|_| rng.random_range(-1.0..1.0)).collect();
    Tensor::from_data(TensorData::new(v, shape), device)
}

fn grad_of(leaf: &Tensor<2>, loss: Tensor<1>) -> Vec<f32> {
    let grads = loss.sum().backward();
    leaf.grad(&grads).unwrap().into_data().try_into_vec::<f32>().unwrap()
}

#[test]
fn losses_are_the_negated_bounds() {
    let device = Device::flex();
    let mut rng = StdRng::seed_from_u64(5);
    let (joint, marginal) = (random(&mut rng, [3, 40], &device), random(&mut rng, [3, 40], &device));
    let nwj = nwj_loss(joint.clone(), marginal.clone()) + bounds::nwj(joint.clone(), marginal.clone());
    assert!(nwj.abs().max().into_scalar::<f32>() < 1e-6);
    let scores = random(&mut rng, [16, 16], &device).reshape([1, 16, 16]);
    let nce = infonce_loss(scores.clone()) + bounds::infonce(scores.clone());
    assert!(nce.abs().max().into_scalar::<f32>() < 1e-6);
    // InfoNCE can never exceed ln n, so its loss is never below −ln n.
    let perfect = Tensor::<2>::eye(16, &device).reshape([1, 16, 16]) * 50.0;
    let best = infonce_loss(perfect).into_scalar::<f32>();
    assert!(best >= -(16f32.ln()) - 1e-4 && best < -(16f32.ln()) + 1e-3, "{best}");
}

#[test]
fn dv_moving_average_corrects_the_partition_gradient() {
    let ad = Device::flex().autodiff();
    let mut rng = StdRng::seed_from_u64(9);
    let joint = random(&mut rng, [1, 32], &ad).require_grad();
    let marginal = random(&mut rng, [1, 32], &ad).require_grad();
    let mut dv = DvLoss::new(0.1);
    // First batch: the average is this batch's mean, so the gradient is the plain DV gradient.
    let step = dv.step(joint.clone(), marginal.clone());
    let expected_bound = bounds::dv(joint.clone().detach(), marginal.clone().detach()).into_scalar::<f32>();
    assert!((step.bound.into_scalar::<f32>() - expected_bound).abs() < 1e-6);
    let corrected = grad_of(&marginal, step.loss);
    let plain = grad_of(&marginal, bounds::dv(joint.clone(), marginal.clone()).neg());
    for (a, b) in corrected.iter().zip(&plain) {
        assert!((a - b).abs() < 1e-6, "{a} vs {b}");
    }
    // Second batch with scores shifted by +1: the batch mean of e^T grows by e, the average by
    // only 1 + rate (e − 1), so the corrected marginal gradient is e / (1 + 0.1 (e − 1)) times
    // the plain one.
    let values: Vec<f32> = marginal.clone().into_data().try_into_vec::<f32>().unwrap().iter().map(|v| v + 1.0).collect();
    let shifted = Tensor::<2>::from_data(TensorData::new(values, [1, 32]), &ad).require_grad();
    let step = dv.step(joint.clone(), shifted.clone());
    let corrected = grad_of(&shifted, step.loss);
    let plain = grad_of(&shifted, bounds::dv(joint, shifted.clone()).neg());
    let e = std::f32::consts::E;
    let factor = e / (1.0 + 0.1 * (e - 1.0));
    for (a, b) in corrected.iter().zip(&plain) {
        assert!((a - factor * b).abs() < 1e-5 * (1.0 + b.abs()), "{a} vs {factor} x {b}");
    }
}
