//! Special functions the estimators need: digamma (ψ) and ln Γ.
//!
//! Small hand-written versions instead of a dependency: KSG and Kozachenko-Leonenko only need
//! ψ at integers (a table) and at a handful of reals, and ln Γ for ball volumes.

/// Euler-Mascheroni constant γ = -ψ(1).
pub const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

/// ψ(x) for real x > 0: recurrence up to x ≥ 12, then the asymptotic series
/// (error < 1e-15 relative there).
///
/// ```
/// use mutinf_estimators::special::digamma;
/// assert!((digamma(1.0) + 0.5772156649015329).abs() < 1e-14);
/// assert!((digamma(10.0) - 2.251752589066721).abs() < 1e-14);
/// ```
pub fn digamma(mut x: f64) -> f64 {
    debug_assert!(x > 0.0);
    let mut acc = 0.0;
    while x < 12.0 {
        acc -= 1.0 / x;
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    // ψ(x) ~ ln x - 1/(2x) - Σ B_2n / (2n x^2n)
    let series = inv2
        * (1.0 / 12.0
            - inv2 * (1.0 / 120.0 - inv2 * (1.0 / 252.0 - inv2 * (1.0 / 240.0 - inv2 * (1.0 / 132.0)))));
    acc + x.ln() - 0.5 * inv - series
}

/// Table of ψ(0..=n) at integers (entry 0 is NaN): `table[m] = ψ(m)`.
///
/// Built by the recurrence ψ(m+1) = ψ(m) + 1/m from ψ(1) = -γ, re-anchored on the series
/// every 4096 entries so rounding does not accumulate (error < 1e-14 for any n).
pub fn digamma_table(n: usize) -> Vec<f64> {
    let mut t = Vec::with_capacity(n + 1);
    t.push(f64::NAN);
    if n == 0 {
        return t;
    }
    t.push(-EULER_GAMMA);
    for m in 2..=n {
        let v = if m % 4096 == 0 { digamma(m as f64) } else { t[m - 1] + 1.0 / (m - 1) as f64 };
        t.push(v);
    }
    t
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error ~1e-15).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1-x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, &c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digamma_table_matches_series() {
        let t = digamma_table(20_000);
        for m in [1usize, 2, 3, 7, 100, 4095, 4097, 12_345, 20_000] {
            assert!((t[m] - digamma(m as f64)).abs() < 1e-13, "m = {m}");
        }
        assert!((t[2] - (1.0 - EULER_GAMMA)).abs() < 1e-15);
    }

    #[test]
    fn ln_gamma_known_values() {
        assert!(ln_gamma(1.0).abs() < 1e-14);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-14);
        assert!((ln_gamma(10.0) - 362_880f64.ln()).abs() < 1e-12);
        assert!((ln_gamma(7.5) - 7.534_364_236_758_733).abs() < 1e-12);
    }
}
