//! The exact E-step: per animal and component, the observed Gaussian `N(F m_z + d, F Q_z Fᵀ + R)`
//! gives `P(y_t | z)` and the responsibilities (normalised by `P(y_t)` in log space), and the
//! Gaussian posterior of the latent pose, `x | y_t, z ~ N(μ_tz, Σ_z)` with
//! `Σ_z = (Q_z⁻¹ + Fᵀ R⁻¹ F)⁻¹` and `μ_tz = Σ_z (Fᵀ R⁻¹ (y_t - d) + Q_z⁻¹ m_z)` (the seed's
//! equations 19–25 with `y = F x + d + ξ`).

use rayon::prelude::*;

use super::model::Theta;
use crate::density::log_sum_exp;
use crate::error::{GmmError, Result};
use crate::linalg;
use crate::mixture::LN_2PI;

/// Frames per parallel chunk; chunk results are summed in order, so results do not depend on
/// the number of threads.
const CHUNK: usize = 512;

/// Everything about one animal that does not depend on the frame.
///
/// The observed density uses the Woodbury identity with the posterior covariance, so a frame
/// costs O(KD·M + C·M²) instead of a KD x KD triangular solve per component:
/// with `e = y - d`, `u = Fᵀ R⁻¹ e` and `k_z = Fᵀ R⁻¹ F m_z`,
/// `(e - F m_z)ᵀ S_z⁻¹ (e - F m_z) = eᵀR⁻¹e - 2 m_zᵀu + m_zᵀk_z - (u - k_z)ᵀ Σ_z (u - k_z)` and
/// `ln det S_z = ln det R + ln det Q_z - ln det Σ_z`, where `S_z = F Q_z Fᵀ + R`.
pub(crate) struct Prepared {
    p: usize,
    m: usize,
    c: usize,
    /// `ln π_z - ½ (p ln 2π + ln det S_z)`.
    log_norm: Vec<f64>,
    /// `1 / r_k`, p.
    r_inv: Vec<f64>,
    /// `Fᵀ R⁻¹`, m x p.
    ft_rinv: Vec<f64>,
    /// Offset d, p.
    offset: Vec<f64>,
    /// Latent means m_z, c x m.
    means: Vec<f64>,
    /// `k_z = Fᵀ R⁻¹ F m_z`, c x m.
    k: Vec<f64>,
    /// `m_zᵀ k_z - k_zᵀ Σ_z k_z`, c.
    konst: Vec<f64>,
    /// Posterior covariances `Σ_z`, c x m x m.
    pub post_cov: Vec<f64>,
    /// `Σ_z Q_z⁻¹ m_z`, c x m.
    post_shift: Vec<f64>,
}

/// SPD inverse via Cholesky, with the log-determinant; `Err(pivot)` if not positive definite.
pub(crate) fn spd_inverse(a: &[f64], d: usize) -> std::result::Result<Vec<f64>, usize> {
    linalg::cholesky(a, d).map(|l| linalg::inverse_from_cholesky(&l, d))
}

fn spd_inverse_logdet(a: &[f64], d: usize) -> std::result::Result<(Vec<f64>, f64), usize> {
    linalg::cholesky(a, d).map(|l| {
        (
            linalg::inverse_from_cholesky(&l, d),
            linalg::log_det_from_cholesky(&l, d),
        )
    })
}

fn singular(what: String, iteration: usize) -> GmmError {
    GmmError::SizeNormSingular { what, iteration }
}

/// Precomputes animal `i`'s frame-independent quantities.
pub(crate) fn prepare(t: &Theta, i: usize, iteration: usize) -> Result<Prepared> {
    let (p, m, c, q) = (t.p, t.m, t.c, t.q());
    let g = t.g(i);
    let r_inv: Vec<f64> = t.r.iter().map(|r| 1.0 / r).collect();
    let log_det_r: f64 = t.r.iter().map(|r| r.ln()).sum();
    let mut ft_rinv = vec![0.0; m * p];
    for j in 0..m {
        for k in 0..p {
            ft_rinv[j * p + k] = g[k * q + j] * r_inv[k];
        }
    }
    // Fᵀ R⁻¹ F, m x m.
    let mut ftrf = vec![0.0; m * m];
    for a in 0..m {
        for b in 0..m {
            ftrf[a * m + b] = (0..p).map(|k| ft_rinv[a * p + k] * g[k * q + b]).sum();
        }
    }
    let mut log_norm = Vec::with_capacity(c);
    let mut k_all = Vec::with_capacity(c * m);
    let mut konst = Vec::with_capacity(c);
    let mut post_cov = Vec::with_capacity(c * m * m);
    let mut post_shift = Vec::with_capacity(c * m);
    for z in 0..c {
        let qz = &t.covs[z * m * m..(z + 1) * m * m];
        let (qinv, log_det_q) = spd_inverse_logdet(qz, m)
            .map_err(|_| singular(format!("the latent covariance of component {z}"), iteration))?;
        let prec: Vec<f64> = qinv.iter().zip(&ftrf).map(|(a, b)| a + b).collect();
        let (sigma, log_det_prec) = spd_inverse_logdet(&prec, m).map_err(|_| {
            singular(
                format!("the latent posterior precision of animal {i}, component {z}"),
                iteration,
            )
        })?;
        let mz = &t.means[z * m..(z + 1) * m];
        let mat_vec = |a: &[f64], v: &[f64]| -> Vec<f64> {
            (0..m)
                .map(|r| (0..m).map(|s| a[r * m + s] * v[s]).sum())
                .collect()
        };
        let kz = mat_vec(&ftrf, mz);
        let sk = mat_vec(&sigma, &kz);
        let h = mat_vec(&qinv, mz);
        post_shift.extend(mat_vec(&sigma, &h));
        konst.push(dot(mz, &kz) - dot(&kz, &sk));
        // ln det S = ln det R + ln det Q + ln det(Q⁻¹ + FᵀR⁻¹F).
        let log_det_s = log_det_r + log_det_q + log_det_prec;
        log_norm.push(t.pi[i * c + z].ln() - 0.5 * (p as f64 * LN_2PI + log_det_s));
        k_all.extend(kz);
        post_cov.extend_from_slice(&sigma);
    }
    Ok(Prepared {
        p,
        m,
        c,
        log_norm,
        r_inv,
        ft_rinv,
        offset: (0..p).map(|k| g[k * q + m]).collect(),
        means: t.means.clone(),
        k: k_all,
        konst,
        post_cov,
        post_shift,
    })
}

#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Scratch buffers for one frame.
struct Scratch {
    e: Vec<f64>,
    u: Vec<f64>,
}

impl Prepared {
    fn scratch(&self) -> Scratch {
        Scratch {
            e: vec![0.0; self.p],
            u: vec![0.0; self.m],
        }
    }

    /// For frame `y`: responsibilities into `resp` (c), posterior means into `mu` (c x m);
    /// returns `ln P(y)`.
    #[inline]
    fn frame(&self, y: &[f64], s: &mut Scratch, resp: &mut [f64], mu: &mut [f64]) -> f64 {
        let (p, m, c) = (self.p, self.m, self.c);
        let mut a = 0.0;
        for k in 0..p {
            let e = y[k] - self.offset[k];
            s.e[k] = e;
            a += e * e * self.r_inv[k];
        }
        for j in 0..m {
            s.u[j] = dot(&self.ft_rinv[j * p..(j + 1) * p], &s.e);
        }
        for z in 0..c {
            let sig = &self.post_cov[z * m * m..(z + 1) * m * m];
            let w = &mut mu[z * m..(z + 1) * m];
            for r in 0..m {
                w[r] = dot(&sig[r * m..(r + 1) * m], &s.u);
            }
            let kz = &self.k[z * m..(z + 1) * m];
            let quad = a - 2.0 * dot(&self.means[z * m..(z + 1) * m], &s.u) + self.konst[z]
                - dot(&s.u, w)
                + 2.0 * dot(kz, w);
            resp[z] = self.log_norm[z] - 0.5 * quad;
            w.iter_mut()
                .zip(&self.post_shift[z * m..(z + 1) * m])
                .for_each(|(v, h)| *v += h);
        }
        let ll = log_sum_exp(resp);
        resp.iter_mut().for_each(|v| *v = (*v - ll).exp());
        ll
    }
}

/// Expected sufficient statistics of one animal.
#[derive(Debug, Clone)]
pub(crate) struct Stats {
    /// Σ_t r_tz, c.
    pub n: Vec<f64>,
    /// Σ_t r_tz μ_tz, c x m.
    pub s1: Vec<f64>,
    /// Σ_t r_tz μ_tz μ_tzᵀ, c x m x m (without the posterior covariance).
    pub s2: Vec<f64>,
    /// Σ_t y_t E[x̃_t]ᵀ with x̃ = (x, 1), p x (m+1).
    pub yx: Vec<f64>,
    /// Σ_t y_t², p.
    pub yy: Vec<f64>,
    /// Σ_t ln P(y_t).
    pub ll: f64,
    /// Frames.
    pub frames: usize,
}

impl Stats {
    fn zeros(p: usize, m: usize, c: usize) -> Self {
        Self {
            n: vec![0.0; c],
            s1: vec![0.0; c * m],
            s2: vec![0.0; c * m * m],
            yx: vec![0.0; p * (m + 1)],
            yy: vec![0.0; p],
            ll: 0.0,
            frames: 0,
        }
    }

    fn add(&mut self, o: &Stats) {
        let add = |a: &mut [f64], b: &[f64]| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        add(&mut self.n, &o.n);
        add(&mut self.s1, &o.s1);
        add(&mut self.s2, &o.s2);
        add(&mut self.yx, &o.yx);
        add(&mut self.yy, &o.yy);
        self.ll += o.ll;
        self.frames += o.frames;
    }
}

/// Sufficient statistics of animal data `y` (row-major T x p) under `prep`.
pub(crate) fn animal_stats(prep: &Prepared, y: &[f64]) -> Stats {
    let (p, m, c) = (prep.p, prep.m, prep.c);
    let q = m + 1;
    let parts: Vec<Stats> = y
        .par_chunks(CHUNK * p)
        .map(|chunk| {
            let mut st = Stats::zeros(p, m, c);
            let mut s = prep.scratch();
            let mut resp = vec![0.0; c];
            let mut mu = vec![0.0; c * m];
            let mut ex = vec![0.0; m];
            for yt in chunk.chunks_exact(p) {
                st.ll += prep.frame(yt, &mut s, &mut resp, &mut mu);
                st.frames += 1;
                ex.iter_mut().for_each(|v| *v = 0.0);
                for z in 0..c {
                    let r = resp[z];
                    if r == 0.0 {
                        continue;
                    }
                    st.n[z] += r;
                    let muz = &mu[z * m..(z + 1) * m];
                    let s2 = &mut st.s2[z * m * m..(z + 1) * m * m];
                    for a in 0..m {
                        let ra = r * muz[a];
                        st.s1[z * m + a] += ra;
                        ex[a] += ra;
                        for b in 0..=a {
                            s2[a * m + b] += ra * muz[b];
                        }
                    }
                }
                for k in 0..p {
                    let yk = yt[k];
                    let row = &mut st.yx[k * q..(k + 1) * q];
                    for a in 0..m {
                        row[a] += yk * ex[a];
                    }
                    row[m] += yk;
                    st.yy[k] += yk * yk;
                }
            }
            st
        })
        .collect();
    let mut total = Stats::zeros(p, m, c);
    for part in &parts {
        total.add(part);
    }
    // Fill the upper triangles of s2.
    for z in 0..c {
        let s2 = &mut total.s2[z * m * m..(z + 1) * m * m];
        for a in 0..m {
            for b in 0..a {
                s2[b * m + a] = s2[a * m + b];
            }
        }
    }
    total
}

/// Per-frame responsibilities (T x c), posterior latent means `E[x_t | y_t]` (T x m) and
/// `ln P(y_t)` (T) of animal data `y` under `prep`.
pub(crate) fn animal_posteriors(prep: &Prepared, y: &[f64]) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let (p, m, c) = (prep.p, prep.m, prep.c);
    let parts: Vec<(Vec<f64>, Vec<f64>, Vec<f64>)> = y
        .par_chunks(CHUNK * p)
        .map(|chunk| {
            let frames = chunk.len() / p;
            let mut s = prep.scratch();
            let mut resp = vec![0.0; frames * c];
            let mut latent = vec![0.0; frames * m];
            let mut lls = Vec::with_capacity(frames);
            let mut mu = vec![0.0; c * m];
            for (t, yt) in chunk.chunks_exact(p).enumerate() {
                let r = &mut resp[t * c..(t + 1) * c];
                lls.push(prep.frame(yt, &mut s, r, &mut mu));
                let x = &mut latent[t * m..(t + 1) * m];
                for z in 0..c {
                    for a in 0..m {
                        x[a] += r[z] * mu[z * m + a];
                    }
                }
            }
            (resp, latent, lls)
        })
        .collect();
    let mut out = (Vec::new(), Vec::new(), Vec::new());
    for (r, x, l) in parts {
        out.0.extend(r);
        out.1.extend(x);
        out.2.extend(l);
    }
    out
}
