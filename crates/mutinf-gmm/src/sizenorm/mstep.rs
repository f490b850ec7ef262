//! Closed-form M-steps, the log-prior (MAP penalties) and the canonical gauge.
//!
//! The expected complete log-likelihood splits into a latent part (π^i, m_z, Q_z), maximised
//! jointly in closed form, and an observation part (maps and R). With the map prior
//! `[ΔA^i Δb^i]_k ~ N(0, (r_k/λ) I)` the map update does not depend on R, so maps and then R given
//! the maps is the joint maximiser too: every block is exact and no gradient step is needed.

use super::config::{NoiseModel, SizeNormConfig};
use super::estep::{Prepared, Stats, spd_inverse};
use super::model::Theta;
use crate::error::{GmmError, Result};
use crate::linalg;
use crate::mixture::LN_2PI;

/// Below this pooled count a component is empty: it keeps its mean and covariance.
const EMPTY: f64 = 1e-8;

fn singular(what: impl Into<String>, iteration: usize) -> GmmError {
    GmmError::SizeNormSingular {
        what: what.into(),
        iteration,
    }
}

/// Animal `i`'s `Σ_t E[x̃ x̃ᵀ]` with x̃ = (x, 1), (m+1) x (m+1).
fn sxx(st: &Stats, prep: &Prepared, m: usize, c: usize) -> Vec<f64> {
    let q = m + 1;
    let mut s = vec![0.0; q * q];
    for z in 0..c {
        for a in 0..m {
            for b in 0..m {
                s[a * q + b] +=
                    st.s2[z * m * m + a * m + b] + st.n[z] * prep.post_cov[z * m * m + a * m + b];
            }
            s[a * q + m] += st.s1[z * m + a];
        }
    }
    for a in 0..m {
        s[m * q + a] = s[a * q + m];
    }
    s[m * q + m] = st.frames as f64;
    s
}

fn mat_vec(a: &[f64], v: &[f64], d: usize, out: &mut [f64]) {
    for i in 0..d {
        out[i] = (0..d).map(|j| a[i * d + j] * v[j]).sum();
    }
}

/// One M-step: returns the updated parameters (not yet in the canonical gauge).
pub(crate) fn m_step(
    t: &Theta,
    stats: &[Stats],
    preps: &[Prepared],
    cfg: &SizeNormConfig,
    iteration: usize,
) -> Result<Theta> {
    let (n, p, m, c, q) = (t.n, t.p, t.m, t.c, t.q());
    let mut new = t.clone();

    // Weights, per animal (Dirichlet MAP when α > 1).
    let alpha = cfg.dirichlet_alpha.unwrap_or(1.0);
    for (i, st) in stats.iter().enumerate() {
        let denom = st.frames as f64 + c as f64 * (alpha - 1.0);
        for z in 0..c {
            new.pi[i * c + z] = (st.n[z] + alpha - 1.0) / denom;
        }
    }

    // Shared components, pooled over animals (NIW MAP when set).
    for z in 0..c {
        let nz: f64 = stats.iter().map(|s| s.n[z]).sum();
        if nz < EMPTY {
            continue;
        }
        let mut s1 = vec![0.0; m];
        let mut s2 = vec![0.0; m * m];
        for (st, prep) in stats.iter().zip(preps) {
            for a in 0..m {
                s1[a] += st.s1[z * m + a];
                for b in 0..m {
                    s2[a * m + b] += st.s2[z * m * m + a * m + b]
                        + st.n[z] * prep.post_cov[z * m * m + a * m + b];
                }
            }
        }
        let (kappa, dof, psi) = match cfg.niw {
            Some(pr) => (pr.kappa, pr.nu + m as f64 + 2.0, pr.psi),
            None => (0.0, 0.0, 0.0),
        };
        let mean: Vec<f64> = s1.iter().map(|v| v / (nz + kappa)).collect();
        let mut cov = vec![0.0; m * m];
        for a in 0..m {
            for b in 0..=a {
                let mut v = (s2[a * m + b] - (nz + kappa) * mean[a] * mean[b]) / (nz + dof);
                if a == b {
                    v += cfg.reg_covar + psi / (nz + dof);
                }
                cov[a * m + b] = v;
                cov[b * m + a] = v;
            }
        }
        new.means[z * m..(z + 1) * m].copy_from_slice(&mean);
        new.covs[z * m * m..(z + 1) * m * m].copy_from_slice(&cov);
    }

    // Maps: ridge-weighted least squares on the expected sufficient statistics.
    let lambda = cfg.map_prior;
    let sxxs: Vec<Vec<f64>> = stats
        .iter()
        .zip(preps)
        .map(|(st, prep)| sxx(st, prep, m, c))
        .collect();
    let mut g = vec![0.0; n * p * q];
    let mut tmp = vec![0.0; q];
    if lambda == 0.0 || n == 1 {
        for i in 0..n {
            let l = linalg::cholesky(&sxxs[i], q).map_err(|_| {
                singular(
                    format!("animal {i}'s latent second moment (the map's normal equations)"),
                    iteration,
                )
            })?;
            for k in 0..p {
                let row = &mut g[(i * p + k) * q..(i * p + k + 1) * q];
                row.copy_from_slice(&stats[i].yx[k * q..(k + 1) * q]);
                linalg::solve_lower_in_place(&l, q, row);
                linalg::solve_upper_t_in_place(&l, q, row);
            }
        }
        for k in 0..p {
            for j in 0..q {
                new.w[k * q + j] = (0..n).map(|i| g[(i * p + k) * q + j]).sum::<f64>() / n as f64;
            }
        }
    } else {
        let mut hinv = Vec::with_capacity(n);
        let mut b = vec![0.0; q * q];
        for (i, s) in sxxs.iter().enumerate() {
            let mut h = s.clone();
            (0..q).for_each(|a| h[a * q + a] += lambda);
            let hi = spd_inverse(&h, q)
                .map_err(|_| singular(format!("animal {i}'s ridge normal equations"), iteration))?;
            for a in 0..q {
                for bb in 0..q {
                    b[a * q + bb] += f64::from(u8::from(a == bb)) - lambda * hi[a * q + bb];
                }
            }
            hinv.push(hi);
        }
        let binv = spd_inverse(&b, q)
            .map_err(|_| singular("the common map's normal equations", iteration))?;
        let mut rhs = vec![0.0; q];
        for k in 0..p {
            rhs.iter_mut().for_each(|v| *v = 0.0);
            for i in 0..n {
                mat_vec(&hinv[i], &stats[i].yx[k * q..(k + 1) * q], q, &mut tmp);
                rhs.iter_mut().zip(&tmp).for_each(|(r, v)| *r += v);
            }
            mat_vec(&binv, &rhs, q, &mut new.w[k * q..(k + 1) * q]);
            let wk = new.w[k * q..(k + 1) * q].to_vec();
            for i in 0..n {
                let v: Vec<f64> = stats[i].yx[k * q..(k + 1) * q]
                    .iter()
                    .zip(&wk)
                    .map(|(y, w)| y + lambda * w)
                    .collect();
                mat_vec(
                    &hinv[i],
                    &v,
                    q,
                    &mut g[(i * p + k) * q..(i * p + k + 1) * q],
                );
            }
        }
    }
    for i in 0..n {
        for kj in 0..p * q {
            new.delta[i * p * q + kj] = g[i * p * q + kj] - new.w[kj];
        }
    }

    // Noise, given the new maps (with the map prior's r-dependence when λ > 0).
    if !matches!(cfg.noise, NoiseModel::Fixed { .. }) {
        let total: usize = stats.iter().map(|s| s.frames).sum();
        let extra = if lambda > 0.0 && n > 1 {
            (n * q) as f64
        } else {
            0.0
        };
        let mut per_row = vec![0.0; p];
        for k in 0..p {
            let mut acc = 0.0;
            for i in 0..n {
                let gk = &g[(i * p + k) * q..(i * p + k + 1) * q];
                let yx = &stats[i].yx[k * q..(k + 1) * q];
                mat_vec(&sxxs[i], gk, q, &mut tmp);
                let quad: f64 = gk.iter().zip(&tmp).map(|(a, b)| a * b).sum();
                let cross: f64 = gk.iter().zip(yx).map(|(a, b)| a * b).sum();
                acc += stats[i].yy[k] - 2.0 * cross + quad;
                if lambda > 0.0 {
                    let d = &new.delta[i * p * q + k * q..i * p * q + (k + 1) * q];
                    acc += lambda * d.iter().map(|v| v * v).sum::<f64>();
                }
            }
            per_row[k] = acc.max(0.0);
        }
        match cfg.noise {
            NoiseModel::Diagonal => {
                for k in 0..p {
                    new.r[k] = (per_row[k] / (total as f64 + extra)).max(cfg.min_noise_variance);
                }
            }
            NoiseModel::Isotropic => {
                let s2 = (per_row.iter().sum::<f64>() / (p as f64 * (total as f64 + extra)))
                    .max(cfg.min_noise_variance);
                new.r.iter_mut().for_each(|r| *r = s2);
            }
            NoiseModel::Fixed { .. } => unreachable!(),
        }
    }
    Ok(new)
}

/// Moves `t` to the canonical gauge: the pooled latent mixture (animals weighted by their frame
/// counts) has mean 0 and covariance I. An exact reparametrisation `x = L x' + μ̄`: the
/// likelihood does not change.
pub(crate) fn canonicalise(t: &mut Theta, frames: &[usize], iteration: usize) -> Result<()> {
    let (n, p, m, c, q) = (t.n, t.p, t.m, t.c, t.q());
    let total: usize = frames.iter().sum();
    let wbar: Vec<f64> = (0..c)
        .map(|z| {
            (0..n)
                .map(|i| frames[i] as f64 * t.pi[i * c + z])
                .sum::<f64>()
                / total as f64
        })
        .collect();
    let mut mu = vec![0.0; m];
    for z in 0..c {
        for a in 0..m {
            mu[a] += wbar[z] * t.means[z * m + a];
        }
    }
    let mut cov = vec![0.0; m * m];
    for z in 0..c {
        for a in 0..m {
            for b in 0..m {
                cov[a * m + b] += wbar[z]
                    * (t.covs[z * m * m + a * m + b] + t.means[z * m + a] * t.means[z * m + b]);
            }
        }
    }
    for a in 0..m {
        for b in 0..m {
            cov[a * m + b] -= mu[a] * mu[b];
        }
    }
    let l = linalg::cholesky(&cov, m)
        .map_err(|_| singular("the pooled latent covariance", iteration))?;
    let linv = linalg::inverse_lower(&l, m);
    let mut dev = vec![0.0; m];
    for z in 0..c {
        dev.iter_mut()
            .zip(&t.means[z * m..(z + 1) * m])
            .zip(&mu)
            .for_each(|((d, a), b)| *d = a - b);
        for a in 0..m {
            t.means[z * m + a] = (0..=a).map(|b| linv[a * m + b] * dev[b]).sum();
        }
        // Q' = L⁻¹ Q L⁻ᵀ
        let qz = t.covs[z * m * m..(z + 1) * m * m].to_vec();
        let mut lq = vec![0.0; m * m];
        for a in 0..m {
            for b in 0..m {
                lq[a * m + b] = (0..=a).map(|k| linv[a * m + k] * qz[k * m + b]).sum();
            }
        }
        for a in 0..m {
            for b in 0..=a {
                let v: f64 = (0..=b).map(|k| lq[a * m + k] * linv[b * m + k]).sum();
                t.covs[z * m * m + a * m + b] = v;
                t.covs[z * m * m + b * m + a] = v;
            }
        }
    }
    // Map rows [a, b] -> [a L, b + a·μ̄], for the common map and every perturbation.
    let fix = |row: &mut [f64]| {
        let a = row[..m].to_vec();
        row[m] += a.iter().zip(&mu).map(|(x, y)| x * y).sum::<f64>();
        for j in 0..m {
            row[j] = (j..m).map(|k| a[k] * l[k * m + j]).sum();
        }
    };
    t.w.chunks_exact_mut(q).for_each(fix);
    t.delta.chunks_exact_mut(q).for_each(fix);
    debug_assert_eq!(t.w.len(), p * q);
    Ok(())
}

/// The log-prior of the MAP penalties (up to constants that do not depend on the parameters),
/// evaluated in the current (canonical) gauge.
pub(crate) fn log_prior(t: &Theta, cfg: &SizeNormConfig) -> f64 {
    let (n, p, m, c, q) = (t.n, t.p, t.m, t.c, t.q());
    let mut lp = 0.0;
    let lambda = cfg.map_prior;
    if lambda > 0.0 && n > 1 {
        for i in 0..n {
            for k in 0..p {
                let d = &t.delta[i * p * q + k * q..i * p * q + (k + 1) * q];
                let ss: f64 = d.iter().map(|v| v * v).sum();
                lp += -0.5 * lambda * ss / t.r[k]
                    - 0.5 * q as f64 * (LN_2PI + t.r[k].ln() - lambda.ln());
            }
        }
    }
    if let Some(alpha) = cfg.dirichlet_alpha
        && alpha > 1.0
    {
        lp += (alpha - 1.0) * t.pi.iter().map(|v| v.ln()).sum::<f64>();
    }
    if let Some(pr) = cfg.niw {
        for z in 0..c {
            let qz = &t.covs[z * m * m..(z + 1) * m * m];
            if let Ok(l) = linalg::cholesky(qz, m) {
                let inv = linalg::inverse_from_cholesky(&l, m);
                let mz = &t.means[z * m..(z + 1) * m];
                let tr: f64 = (0..m).map(|a| inv[a * m + a]).sum();
                let quad: f64 = (0..m)
                    .map(|a| (0..m).map(|b| mz[a] * inv[a * m + b] * mz[b]).sum::<f64>())
                    .sum();
                lp += -0.5 * (pr.nu + m as f64 + 2.0) * linalg::log_det_from_cholesky(&l, m)
                    - 0.5 * pr.psi * tr
                    - 0.5 * pr.kappa * quad;
            }
        }
    }
    lp
}
