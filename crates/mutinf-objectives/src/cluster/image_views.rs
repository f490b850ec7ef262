//! Random image views for Invariant Information Clustering (IIC).
//!
//! IIC maximises the mutual information between the cluster assignments of
//! two views of the same sample, so the views must differ only by nuisance
//! transformations the clustering should ignore. For images those are small
//! rotations, zooms, shifts and pixel noise, which [`AffineViews`] draws.
//!
//! ```
//! use rand::{SeedableRng, rngs::StdRng};
//! use mutinf_objectives::cluster::AffineViews;
//!
//! let views = AffineViews::default(); // 16 x 16 images
//! let image = vec![0.5f32; 16 * 16];
//! let mut rng = StdRng::seed_from_u64(0);
//! let mut batch = Vec::new();
//! views.affine_view(&image, &mut rng, &mut batch)?;
//! views.affine_view(&image, &mut rng, &mut batch)?;
//! assert_eq!(batch.len(), 2 * 16 * 16);
//! # Ok::<(), mutinf_objectives::ObjectiveError>(())
//! ```

use rand::Rng;
use rand_distr::{Distribution, Normal};

use crate::error::ObjectiveError;

/// Ranges of the random affine warp and pixel noise applied to square,
/// row-major, single-channel images with intensities in `[0, 1]`.
///
/// Rotation, scale and shift are drawn uniformly and independently per view;
/// zero ranges (and `scale = (1.0, 1.0)`) turn a perturbation off.
#[derive(Clone, Debug, PartialEq)]
pub struct AffineViews {
    /// Side length of the square images in pixels.
    pub size: usize,
    /// Maximum absolute rotation in degrees.
    pub rotation_deg: f64,
    /// Range `(low, high)` of the isotropic zoom factor.
    pub scale: (f64, f64),
    /// Maximum absolute translation per axis, in pixels.
    pub shift: f64,
    /// Standard deviation of the Gaussian pixel noise.
    pub noise: f64,
}

impl Default for AffineViews {
    fn default() -> Self {
        Self {
            size: 16,
            rotation_deg: 15.0,
            scale: (0.9, 1.1),
            shift: 1.5,
            noise: 0.03,
        }
    }
}

/// One concrete affine warp about the image centre: the content is rotated by
/// `rotation_deg` (clockwise on screen, since rows grow downwards), zoomed by
/// `scale`, then moved by `shift = (columns, rows)` pixels.
///
/// ```
/// use mutinf_objectives::cluster::Warp;
///
/// let mut image = vec![0.0f32; 4 * 4];
/// image[1] = 1.0; // row 0, column 1
/// let mut out = Vec::new();
/// let right = Warp { shift: (1.0, 0.0), ..Warp::identity() };
/// right.apply(4, &image, &mut out)?;
/// assert_eq!(out[2], 1.0); // the ink moved one column to the right
/// # Ok::<(), mutinf_objectives::ObjectiveError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Warp {
    /// Rotation in degrees.
    pub rotation_deg: f64,
    /// Zoom factor (> 0).
    pub scale: f64,
    /// Translation `(columns, rows)` in pixels.
    pub shift: (f64, f64),
}

impl Warp {
    /// The warp that leaves an image unchanged.
    pub fn identity() -> Self {
        Self {
            rotation_deg: 0.0,
            scale: 1.0,
            shift: (0.0, 0.0),
        }
    }

    /// Appends the warped copy of a `size × size` row-major `image` to `out`.
    ///
    /// Each output pixel is inverse-mapped into the source and read by
    /// bilinear interpolation, treating everything outside the image as 0 —
    /// inverse mapping leaves no holes, and zero padding matches the dark
    /// background of the glyph images.
    pub fn apply(
        &self,
        size: usize,
        image: &[f32],
        out: &mut Vec<f32>,
    ) -> Result<(), ObjectiveError> {
        if size == 0 || size.checked_mul(size) != Some(image.len()) {
            return Err(ObjectiveError::InvalidInput(format!(
                "image has {} values but a {size}x{size} image needs size*size; pass one whole square image per call",
                image.len()
            )));
        }
        if !(self.rotation_deg.is_finite()
            && self.scale.is_finite()
            && self.scale > 0.0
            && self.shift.0.is_finite()
            && self.shift.1.is_finite())
        {
            return Err(ObjectiveError::InvalidInput(format!(
                "warp {self:?} needs a finite rotation and shift and a finite scale > 0"
            )));
        }
        let centre = (size as f64 - 1.0) / 2.0;
        let (s, c) = self.rotation_deg.to_radians().sin_cos();
        let inv = 1.0 / self.scale;
        let pixel = |r: isize, q: isize| -> f64 {
            if r < 0 || q < 0 || r as usize >= size || q as usize >= size {
                0.0
            } else {
                f64::from(image[r as usize * size + q as usize])
            }
        };
        out.reserve(image.len());
        for row in 0..size {
            for col in 0..size {
                // Undo the shift, then the rotation-zoom, about the centre.
                let dx = col as f64 - centre - self.shift.0;
                let dy = row as f64 - centre - self.shift.1;
                let x = centre + inv * (c * dx + s * dy);
                let y = centre + inv * (-s * dx + c * dy);
                let (x0, y0) = (x.floor(), y.floor());
                let (fx, fy) = (x - x0, y - y0);
                let (q0, r0) = (x0 as isize, y0 as isize);
                let mut v = 0.0;
                // Zero-weight taps are skipped so integer positions copy the
                // source pixel exactly.
                for (w, r, q) in [
                    ((1.0 - fx) * (1.0 - fy), r0, q0),
                    (fx * (1.0 - fy), r0, q0 + 1),
                    ((1.0 - fx) * fy, r0 + 1, q0),
                    (fx * fy, r0 + 1, q0 + 1),
                ] {
                    if w != 0.0 {
                        v += w * pixel(r, q);
                    }
                }
                out.push(v as f32);
            }
        }
        Ok(())
    }
}

impl AffineViews {
    /// Sets the image side length in pixels.
    pub fn with_size(mut self, size: usize) -> Self {
        self.size = size;
        self
    }

    /// Sets the maximum absolute rotation in degrees.
    pub fn with_rotation_deg(mut self, rotation_deg: f64) -> Self {
        self.rotation_deg = rotation_deg;
        self
    }

    /// Sets the range of the zoom factor.
    pub fn with_scale(mut self, low: f64, high: f64) -> Self {
        self.scale = (low, high);
        self
    }

    /// Sets the maximum absolute translation in pixels.
    pub fn with_shift(mut self, shift: f64) -> Self {
        self.shift = shift;
        self
    }

    /// Sets the standard deviation of the Gaussian pixel noise.
    pub fn with_noise(mut self, noise: f64) -> Self {
        self.noise = noise;
        self
    }

    /// Validates the configuration, naming the offending field and a fix.
    pub fn check(&self) -> Result<(), ObjectiveError> {
        let bad = |msg: String| Err(ObjectiveError::InvalidInput(msg));
        if self.size == 0 {
            return bad(
                "view size must be the image side length in pixels, >= 1 (default 16)".into(),
            );
        }
        if !(self.rotation_deg.is_finite() && (0.0..=180.0).contains(&self.rotation_deg)) {
            return bad(format!(
                "view rotation_deg {} must be a maximum |angle| in [0, 180] degrees (default 15)",
                self.rotation_deg
            ));
        }
        let (lo, hi) = self.scale;
        if !(lo.is_finite() && hi.is_finite() && lo > 0.0) {
            return bad(format!(
                "view scale ({lo}, {hi}) must be finite and positive, e.g. (0.9, 1.1)"
            ));
        }
        if lo > hi {
            return bad(format!(
                "view scale range ({lo}, {hi}) has low > high; swap them, e.g. ({hi}, {lo})"
            ));
        }
        if !(self.shift.is_finite() && self.shift >= 0.0) {
            return bad(format!(
                "view shift {} must be a finite maximum |shift| in pixels >= 0 (default 1.5)",
                self.shift
            ));
        }
        if !(self.noise.is_finite() && self.noise >= 0.0) {
            return bad(format!(
                "view noise {} must be a finite standard deviation >= 0 (default 0.03)",
                self.noise
            ));
        }
        Ok(())
    }

    /// Draws one random warp within the configured ranges.
    ///
    /// Always consumes exactly four uniform samples, so the rng stream does
    /// not depend on which ranges are zero.
    pub fn sample_warp(&self, rng: &mut impl Rng) -> Warp {
        let mut uniform = |lo: f64, hi: f64| lo + (hi - lo) * rng.random::<f64>();
        let rotation_deg = uniform(-self.rotation_deg, self.rotation_deg);
        let scale = uniform(self.scale.0, self.scale.1);
        let shift = (
            uniform(-self.shift, self.shift),
            uniform(-self.shift, self.shift),
        );
        Warp {
            rotation_deg,
            scale,
            shift,
        }
    }

    /// Appends a randomly warped, noisy copy of a `size × size` image to `out`.
    ///
    /// The warp comes from [`sample_warp`](Self::sample_warp) and is applied by
    /// [`Warp::apply`]; Gaussian noise of std `noise` is then added and every
    /// value clamped to `[0, 1]`. On error `out` is left unchanged.
    pub fn affine_view(
        &self,
        image: &[f32],
        rng: &mut impl Rng,
        out: &mut Vec<f32>,
    ) -> Result<(), ObjectiveError> {
        self.check()?;
        let start = out.len();
        self.sample_warp(rng).apply(self.size, image, out)?;
        if self.noise > 0.0 {
            let noise = Normal::new(0.0, self.noise).expect("noise std validated by check()");
            for v in &mut out[start..] {
                *v = (f64::from(*v) + noise.sample(rng)).clamp(0.0, 1.0) as f32;
            }
        } else {
            for v in &mut out[start..] {
                *v = v.clamp(0.0, 1.0);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{SeedableRng, rngs::StdRng};

    fn ramp(size: usize) -> Vec<f32> {
        (0..size * size)
            .map(|i| ((i * 37) % 101) as f32 / 100.0)
            .collect()
    }

    #[test]
    fn identity_warp_returns_the_image() {
        let views = AffineViews {
            size: 9,
            rotation_deg: 0.0,
            scale: (1.0, 1.0),
            shift: 0.0,
            noise: 0.0,
        };
        let image = ramp(9);
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..5 {
            let mut out = vec![7.0];
            views.affine_view(&image, &mut rng, &mut out).unwrap();
            assert_eq!(out.len(), 1 + 81);
            assert_eq!(out[0], 7.0);
            for (a, b) in out[1..].iter().zip(&image) {
                assert!((a - b).abs() <= 1e-6);
            }
        }
    }

    #[test]
    fn one_pixel_shift_moves_mass_by_one_pixel() {
        let size = 10;
        let mut image = vec![0.0f32; size * size];
        // A small blob well inside the frame.
        for (r, c, v) in [(4, 4, 1.0), (4, 5, 0.5), (5, 4, 0.25), (5, 5, 0.75)] {
            image[r * size + c] = v;
        }
        let centroid = |img: &[f32]| {
            let (mut m, mut x, mut y) = (0.0, 0.0, 0.0);
            for (i, &v) in img.iter().enumerate() {
                let v = f64::from(v);
                m += v;
                x += v * (i % size) as f64;
                y += v * (i / size) as f64;
            }
            (m, x / m, y / m)
        };
        let (m0, x0, y0) = centroid(&image);
        for (shift, expect) in [((1.0, 0.0), (1, 0)), ((0.0, -1.0), (0, -1))] {
            let mut out = Vec::new();
            Warp {
                shift,
                ..Warp::identity()
            }
            .apply(size, &image, &mut out)
            .unwrap();
            let (m1, x1, y1) = centroid(&out);
            assert!((m1 - m0).abs() < 1e-9);
            assert!((x1 - x0 - expect.0 as f64).abs() < 1e-9);
            assert!((y1 - y0 - expect.1 as f64).abs() < 1e-9);
            // Pixel-exact: every source pixel reappears one step over.
            for r in 0..size {
                for c in 0..size {
                    let (r2, c2) = (r as isize + expect.1, c as isize + expect.0);
                    if (0..size as isize).contains(&r2) && (0..size as isize).contains(&c2) {
                        assert_eq!(out[r2 as usize * size + c2 as usize], image[r * size + c]);
                    }
                }
            }
        }
    }

    #[test]
    fn half_pixel_shift_interpolates() {
        let mut image = vec![0.0f32; 16];
        image[5] = 1.0; // row 1, col 1
        let mut out = Vec::new();
        Warp {
            shift: (0.5, 0.0),
            ..Warp::identity()
        }
        .apply(4, &image, &mut out)
        .unwrap();
        assert!((out[5] - 0.5).abs() < 1e-6 && (out[6] - 0.5).abs() < 1e-6);
    }

    #[test]
    fn rotation_by_90_degrees_is_a_pixel_permutation() {
        let size = 6;
        let image = ramp(size);
        let mut out = Vec::new();
        Warp {
            rotation_deg: 90.0,
            ..Warp::identity()
        }
        .apply(size, &image, &mut out)
        .unwrap();
        let mut a: Vec<u32> = image.iter().map(|v| (v * 100.0).round() as u32).collect();
        let mut b: Vec<u32> = out.iter().map(|v| (v * 100.0).round() as u32).collect();
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b);
    }

    #[test]
    fn default_views_have_right_length_and_range() {
        let views = AffineViews::default();
        let image = ramp(16);
        let mut rng = StdRng::seed_from_u64(11);
        let mut out = Vec::new();
        for k in 1..=4 {
            views.affine_view(&image, &mut rng, &mut out).unwrap();
            assert_eq!(out.len(), k * 256);
        }
        assert!(out.iter().all(|v| (0.0..=1.0).contains(v)));
        assert_ne!(&out[..256], &out[256..512]);
    }

    #[test]
    fn seeded_views_are_deterministic() {
        let views = AffineViews::default();
        let image = ramp(16);
        let run = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            let mut out = Vec::new();
            for _ in 0..3 {
                views.affine_view(&image, &mut rng, &mut out).unwrap();
            }
            out
        };
        assert_eq!(run(5), run(5));
        assert_ne!(run(5), run(6));
    }

    #[test]
    fn bad_inputs_are_rejected() {
        let mut rng = StdRng::seed_from_u64(0);
        let mut out = vec![1.0];
        let d = AffineViews::default();
        let err = d.affine_view(&[0.0; 10], &mut rng, &mut out).unwrap_err();
        assert!(err.to_string().contains("16x16"), "{err}");
        for bad in [
            d.clone().with_size(0),
            d.clone().with_scale(1.1, 0.9),
            d.clone().with_scale(-1.0, 1.0),
            d.clone().with_rotation_deg(f64::NAN),
            d.clone().with_shift(-1.0),
            d.clone().with_noise(f64::INFINITY),
        ] {
            assert!(bad.affine_view(&[0.0; 256], &mut rng, &mut out).is_err());
        }
        assert_eq!(out, vec![1.0]);
        let zero_scale = Warp {
            scale: 0.0,
            ..Warp::identity()
        };
        assert!(zero_scale.apply(2, &[0.0; 4], &mut out).is_err());
    }
}

/// Square single-channel images as a [`ViewSource`](super::ViewSource) for IIC: each view is an
/// independent [`AffineViews`] warp of the image. The network sees intensities standardised by
/// the data set's pixel mean and standard deviation: raw [0, 1] pixels, mostly background, give
/// nearly equal logits at initialisation, where the MI and its gradient vanish (the uniform
/// assignment is a saddle) and training never leaves it.
///
/// ```
/// use mutinf_objectives::cluster::{AffineViews, ImageViews, ViewSource};
/// let images: Vec<f32> = (0..3 * 16 * 16).map(|i| (i % 7) as f32 / 7.0).collect();
/// let views = ImageViews::new(images, AffineViews::default()).unwrap();
/// assert_eq!((views.len(), views.dims()), (3, 256));
/// ```
#[derive(Debug, Clone)]
pub struct ImageViews {
    images: Vec<f32>,
    views: AffineViews,
    mean: f32,
    scale: f32,
}

impl ImageViews {
    /// Views of `images` (row-major, `views.size²` values each). Errors on a length that is not a
    /// whole number of images, non-finite pixels or bad view settings.
    pub fn new(images: Vec<f32>, views: AffineViews) -> Result<Self, ObjectiveError> {
        views.check()?;
        let pixels = views.size * views.size;
        if images.is_empty() || !images.len().is_multiple_of(pixels) {
            return Err(ObjectiveError::InvalidInput(format!(
                "{} pixel values are not a whole number of {s} x {s} images",
                images.len(),
                s = views.size
            )));
        }
        if let Some(k) = images.iter().position(|v| !v.is_finite()) {
            return Err(ObjectiveError::InvalidInput(format!(
                "image {}, pixel {} is not finite; images must hold finite intensities",
                k / pixels + 1,
                k % pixels + 1
            )));
        }
        let count = images.len() as f64;
        let mean = images.iter().map(|&v| f64::from(v)).sum::<f64>() / count;
        let var = images.iter().map(|&v| (f64::from(v) - mean).powi(2)).sum::<f64>() / count;
        if var <= 0.0 {
            return Err(ObjectiveError::InvalidInput("every pixel of every image has the same value; there is nothing to cluster".into()));
        }
        Ok(Self { images, views, mean: mean as f32, scale: (1.0 / var.sqrt()) as f32 })
    }

    fn standardise(&self, out: &mut [f32]) {
        out.iter_mut().for_each(|v| *v = (*v - self.mean) * self.scale);
    }
}

impl super::ViewSource for ImageViews {
    fn dims(&self) -> usize {
        self.views.size * self.views.size
    }

    fn len(&self) -> usize {
        self.images.len() / self.dims()
    }

    fn original(&self, i: usize, out: &mut Vec<f32>) {
        let (d, start) = (self.dims(), out.len());
        out.extend_from_slice(&self.images[i * d..(i + 1) * d]);
        self.standardise(&mut out[start..]);
    }

    fn view(&self, i: usize, rng: &mut rand::rngs::StdRng, out: &mut Vec<f32>) {
        let (d, start) = (self.dims(), out.len());
        let image = &self.images[i * d..(i + 1) * d];
        // The settings and the image size were checked in `new`, so the warp cannot fail; if it
        // ever did, the unperturbed image is the safe view.
        if self.views.affine_view(image, rng, out).is_err() {
            out.extend_from_slice(image);
        }
        self.standardise(&mut out[start..]);
    }
}
