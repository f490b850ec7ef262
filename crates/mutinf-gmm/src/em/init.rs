//! Seeded k-means++ seeding followed by a few Lloyd iterations; the hard clusters give EM its
//! starting weights, means and covariances.

use rand::Rng;

/// Starting parameters for EM, flat: weights `K`, means `K x d`, covariances `K x d x d`.
pub(crate) struct Start {
    pub weights: Vec<f64>,
    pub means: Vec<f64>,
    pub covs: Vec<f64>,
}

const LLOYD_ITERS: usize = 25;

fn dist2(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// k-means++ centres (D² sampling), refined by Lloyd's algorithm; returns the hard start.
pub(crate) fn kmeans_start<R: Rng + ?Sized>(
    data: &[f64],
    d: usize,
    k: usize,
    reg: f64,
    rng: &mut R,
) -> Start {
    let n = data.len() / d;
    let row = |i: usize| &data[i * d..(i + 1) * d];
    let mut centres = Vec::with_capacity(k * d);
    centres.extend_from_slice(row(rng.random_range(0..n)));
    let mut best: Vec<f64> = (0..n).map(|i| dist2(row(i), &centres[..d])).collect();
    for _ in 1..k {
        let total: f64 = best.iter().sum();
        // All points coincide with a centre: any point will do.
        let pick = if total > 0.0 {
            let mut u = rng.random::<f64>() * total;
            best.iter()
                .position(|&b| {
                    u -= b;
                    u < 0.0
                })
                .unwrap_or(n - 1)
        } else {
            rng.random_range(0..n)
        };
        let c = centres.len();
        centres.extend_from_slice(row(pick));
        for (i, b) in best.iter_mut().enumerate() {
            *b = b.min(dist2(row(i), &centres[c..c + d]));
        }
    }

    let mut labels = vec![usize::MAX; n];
    for _ in 0..LLOYD_ITERS {
        let mut changed = false;
        for (i, label) in labels.iter_mut().enumerate() {
            let nearest = (0..k)
                .min_by(|&a, &b| {
                    dist2(row(i), &centres[a * d..(a + 1) * d])
                        .total_cmp(&dist2(row(i), &centres[b * d..(b + 1) * d]))
                })
                .expect("k >= 1");
            changed |= *label != nearest;
            *label = nearest;
        }
        if !changed {
            break;
        }
        let mut sums = vec![0.0; k * d];
        let mut counts = vec![0usize; k];
        for (i, &l) in labels.iter().enumerate() {
            counts[l] += 1;
            sums[l * d..(l + 1) * d]
                .iter_mut()
                .zip(row(i))
                .for_each(|(s, v)| *s += v);
        }
        for c in 0..k {
            // An empty cluster keeps its centre.
            if counts[c] > 0 {
                for j in 0..d {
                    centres[c * d + j] = sums[c * d + j] / counts[c] as f64;
                }
            }
        }
    }

    // Covariances: the cluster's scatter when it has enough points, else the global variances.
    // A small floor relative to the data's scale keeps the first E-step well defined even for
    // collinear clusters; EM moves away from it at once.
    let global_mean: Vec<f64> = (0..d)
        .map(|j| (0..n).map(|i| row(i)[j]).sum::<f64>() / n as f64)
        .collect();
    let global_var: Vec<f64> = (0..d)
        .map(|j| {
            (0..n)
                .map(|i| (row(i)[j] - global_mean[j]).powi(2))
                .sum::<f64>()
                / n as f64
        })
        .collect();
    let floor = reg + 1e-6 * (global_var.iter().sum::<f64>() / d as f64).max(f64::MIN_POSITIVE);
    let mut counts = vec![0usize; k];
    let mut covs = vec![0.0; k * d * d];
    for (i, &l) in labels.iter().enumerate() {
        counts[l] += 1;
        let x = row(i);
        let m = &centres[l * d..(l + 1) * d];
        for a in 0..d {
            for b in 0..d {
                covs[l * d * d + a * d + b] += (x[a] - m[a]) * (x[b] - m[b]);
            }
        }
    }
    for c in 0..k {
        let block = &mut covs[c * d * d..(c + 1) * d * d];
        if counts[c] > d {
            block.iter_mut().for_each(|v| *v /= counts[c] as f64);
        } else {
            block.iter_mut().for_each(|v| *v = 0.0);
            for j in 0..d {
                block[j * d + j] = global_var[j];
            }
        }
        for j in 0..d {
            block[j * d + j] += floor;
        }
    }
    let total: usize = counts.iter().map(|&c| c.max(1)).sum();
    let weights = counts
        .iter()
        .map(|&c| c.max(1) as f64 / total as f64)
        .collect();
    Start {
        weights,
        means: centres,
        covs,
    }
}
