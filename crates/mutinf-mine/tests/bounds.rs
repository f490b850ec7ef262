//! Each bound on fixed scores against a value computed by hand, and MINE's corrected gradient
//! against the plain DV gradient.

use burn::tensor::{Device, Tensor, TensorData};
use mutinf_mine::bounds;

fn dev() -> Device {
    Device::flex()
}

fn t2(rows: &[&[f32]], device: &Device) -> Tensor<2> {
    let n = rows[0].len();
    let flat: Vec<f32> = rows.iter().flat_map(|r| r.iter().copied()).collect();
    Tensor::from_data(TensorData::new(flat, [rows.len(), n]), device)
}

fn host(t: Tensor<1>) -> Vec<f64> {
    t.without_autodiff()
        .into_data()
        .try_into_vec::<f32>()
        .unwrap()
        .into_iter()
        .map(f64::from)
        .collect()
}

fn close(a: f64, b: f64) {
    // f32 arithmetic on O(1) values: 1e-5 relative is ~100 ulps.
    assert!((a - b).abs() < 1e-5 * (1.0 + b.abs()), "{a} vs {b}");
}

// joint = [1, 2, 3] (mean 2); marginal = [0, ln 2, ln 3] so e^marginal = [1, 2, 3] (mean 2).
const L2: f32 = std::f32::consts::LN_2;
fn ln3() -> f32 {
    3f32.ln()
}

#[test]
fn log_mean_exp_matches_hand_value_and_is_stable() {
    let d = dev();
    let v = host(bounds::log_mean_exp(t2(
        &[&[0.0, L2, ln3()], &[1000.0, 1000.0, 1000.0]],
        &d,
    )));
    close(v[0], 2f64.ln()); // ln((1 + 2 + 3) / 3)
    close(v[1], 1000.0); // no overflow thanks to the max shift
}

#[test]
fn dv_on_fixed_scores() {
    let d = dev();
    // Two rows = two independent estimations. Row 2: joint [0, 0, 0], marginal [0, 0, 0] → 0.
    let v = host(bounds::dv(
        t2(&[&[1.0, 2.0, 3.0], &[0.0, 0.0, 0.0]], &d),
        t2(&[&[0.0, L2, ln3()], &[0.0, 0.0, 0.0]], &d),
    ));
    close(v[0], 2.0 - 2f64.ln()); // 2 − ln 2 = 1.3068528
    close(v[1], 0.0);
}

#[test]
fn nwj_on_fixed_scores() {
    let d = dev();
    let v = host(bounds::nwj(
        t2(&[&[1.0, 2.0, 3.0]], &d),
        t2(&[&[0.0, L2, ln3()]], &d),
    ));
    close(v[0], 2.0 - 2.0 / std::f64::consts::E); // 2 − mean(e^m)/e = 2 − 2/e
}

#[test]
fn smile_on_fixed_scores_clips_the_partition_term() {
    let d = dev();
    let joint = t2(&[&[1.0, 2.0, 3.0]], &d);
    let marginal = t2(&[&[-2.0, 0.0, 2.0]], &d);
    // τ = 1: marginal clipped to [−1, 0, 1] → 2 − ln((e^−1 + 1 + e)/3).
    let e = std::f64::consts::E;
    let v = host(bounds::smile(joint.clone(), marginal.clone(), 1.0));
    close(v[0], 2.0 - ((1.0 / e + 1.0 + e) / 3.0).ln());
    // Large τ: plain DV, 2 − ln((e^−2 + 1 + e^2)/3).
    let v = host(bounds::smile(joint.clone(), marginal.clone(), 50.0));
    close(v[0], 2.0 - ((e.powi(-2) + 1.0 + e.powi(2)) / 3.0).ln());
    // The training surrogate has SMILE's value.
    let s = host(bounds::smile_surrogate(joint, marginal, 1.0));
    close(s[0], 2.0 - ((1.0 / e + 1.0 + e) / 3.0).ln());
}

#[test]
fn js_fgan_on_fixed_scores() {
    let d = dev();
    let sp = |x: f64| (1.0 + x.exp()).ln();
    let v = host(bounds::js_fgan(
        t2(&[&[1.0, -1.0]], &d),
        t2(&[&[0.5, 0.0]], &d),
    ));
    close(
        v[0],
        -(sp(-1.0) + sp(1.0)) / 2.0 - (sp(0.5) + sp(0.0)) / 2.0,
    );
}

#[test]
fn infonce_on_fixed_score_matrix() {
    let d = dev();
    // S = [[2, 0], [0, 1]]: mean of (2 − ln((e²+1)/2), 1 − ln((1+e)/2)); capped at ln 2.
    let s = Tensor::<3>::from_data(TensorData::new(vec![2.0f32, 0.0, 0.0, 1.0], [1, 2, 2]), &d);
    let e = std::f64::consts::E;
    let want = ((2.0 - ((e * e + 1.0) / 2.0).ln()) + (1.0 - ((1.0 + e) / 2.0).ln())) / 2.0;
    let v = host(bounds::infonce(s));
    close(v[0], want);
    assert!(v[0] <= 2f64.ln());
    // Perfectly separated scores approach the cap ln n.
    let s = Tensor::<3>::from_data(
        TensorData::new(vec![50.0f32, 0.0, 0.0, 50.0], [1, 2, 2]),
        &d,
    );
    close(host(bounds::infonce(s))[0], 2f64.ln());
}

#[test]
fn moving_average_update_in_log_space() {
    let d = dev();
    // ma = 2, batch mean = 4, rate 0.25 → 0.75·2 + 0.25·4 = 2.5.
    let log_ma = Tensor::<1>::from_data(TensorData::new(vec![2f32.ln()], [1]), &d);
    let lme = Tensor::<1>::from_data(TensorData::new(vec![4f32.ln()], [1]), &d);
    close(
        host(bounds::update_log_moving_average(log_ma, lme, 0.25))[0],
        2.5f64.ln(),
    );
}

/// Gradient of `f(joint, marginal)` (summed over rows) with respect to the marginal scores.
fn marginal_grad(
    f: impl Fn(Tensor<2>, Tensor<2>) -> Tensor<1>,
    joint: &[f32],
    marginal: &[f32],
) -> Vec<f64> {
    let ad = dev().autodiff();
    let j = t2(&[joint], &ad).require_grad();
    let m = t2(&[marginal], &ad).require_grad();
    let grads = f(j, m.clone()).sum().backward();
    m.grad(&grads)
        .unwrap()
        .into_data()
        .try_into_vec::<f32>()
        .unwrap()
        .into_iter()
        .map(f64::from)
        .collect()
}

#[test]
fn ema_corrected_gradient_differs_from_plain_dv_as_documented() {
    let joint = [1.0f32, 2.0, 3.0];
    let marginal = [0.0f32, L2, ln3()]; // e^m = [1, 2, 3], batch mean 2, sum 6
    // Plain DV: ∂/∂m_i [−ln mean e^m] = −e^{m_i} / Σ e^m.
    let plain = marginal_grad(bounds::dv, &joint, &marginal);
    for (g, e) in plain.iter().zip([1.0, 2.0, 3.0]) {
        close(*g, -e / 6.0);
    }
    // MINE with moving average ma = 4: −(1/n) e^{m_i} / ma — the batch mean (2) is replaced by
    // ma (4), so every marginal gradient is scaled by batch_mean / ma = 0.5.
    let log_ma = |d: &Device| Tensor::<1>::from_data(TensorData::new(vec![4f32.ln()], [1]), d);
    let ema = marginal_grad(
        |j, m| {
            let d = m.device();
            bounds::dv_ema_surrogate(j, m, log_ma(&d))
        },
        &joint,
        &marginal,
    );
    for ((g, p), e) in ema.iter().zip(&plain).zip([1.0, 2.0, 3.0]) {
        close(*g, -e / 3.0 / 4.0);
        close(*g, 0.5 * p);
        assert!(
            (g - p).abs() > 1e-3,
            "the corrected gradient must differ here"
        );
    }
    // With ma equal to the batch mean the two gradients coincide.
    let same = marginal_grad(
        |j, m| {
            let d = m.device();
            bounds::dv_ema_surrogate(
                j,
                m,
                Tensor::<1>::from_data(TensorData::new(vec![2f32.ln()], [1]), &d),
            )
        },
        &joint,
        &marginal,
    );
    for (g, p) in same.iter().zip(&plain) {
        close(*g, *p);
    }
}

#[test]
fn host_values_match_the_tensor_bounds() {
    let d = dev();
    let joint = [0.3f32, -1.2, 2.5, 0.0, 1.1];
    let marginal = [-0.7f32, 0.4, 3.0, -6.0, 0.9];
    let (j64, m64): (Vec<f64>, Vec<f64>) = (
        joint.iter().map(|&v| v as f64).collect(),
        marginal.iter().map(|&v| v as f64).collect(),
    );
    let (jt, mt) = (t2(&[&joint], &d), t2(&[&marginal], &d));
    close(
        bounds::host::dv(&j64, &m64),
        host(bounds::dv(jt.clone(), mt.clone()))[0],
    );
    close(
        bounds::host::nwj(&j64, &m64),
        host(bounds::nwj(jt.clone(), mt.clone()))[0],
    );
    close(
        bounds::host::smile(&j64, &m64, 2.0),
        host(bounds::smile(jt, mt, 2.0))[0],
    );
    let s: Vec<f32> = (0..9).map(|i| ((i * 7) % 5) as f32 * 0.7 - 1.0).collect();
    let s64: Vec<f64> = s.iter().map(|&v| v as f64).collect();
    let st = Tensor::<3>::from_data(TensorData::new(s, [1, 3, 3]), &d);
    close(bounds::host::infonce(&s64, 3), host(bounds::infonce(st))[0]);
}
