//! Procedurally drawn glyph images: a small, download-free clustering
//! benchmark for Invariant Information Clustering (IIC).
//!
//! Each of the [`GLYPH_CLASSES`] classes is a handful of pen strokes (line
//! segments and circular arcs) in unit coordinates `[-1, 1]^2`. Every sample
//! draws its class's strokes under an independent random affine map, renders
//! them anti-aliased at a fixed pen width, and adds Gaussian pixel noise. The
//! classes are distinct shapes a person sorts at a glance, while the per-image
//! warps make raw-pixel clustering (k-means) imperfect — which is the gap IIC
//! is meant to close.
//!
//! ```
//! use mutinf_objectives::glyphs::{GlyphConfig, draw_glyphs, GLYPH_CLASSES};
//!
//! let set = draw_glyphs(20, &GlyphConfig::default(), 7)?;
//! assert_eq!(set.n(), 20);
//! assert_eq!(set.image(0).len(), 16 * 16);
//! assert!(set.labels.iter().all(|&l| l < GLYPH_CLASSES));
//! # Ok::<(), mutinf_objectives::ObjectiveError>(())
//! ```

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng, rngs::StdRng};
use rand_distr::{Distribution, Normal};

use crate::error::ObjectiveError;

/// Number of glyph classes drawn by [`draw_glyphs`].
pub const GLYPH_CLASSES: usize = 10;

/// Pixels per unit coordinate, as a fraction of the image size: unit `1.0`
/// lands 6 px from the centre of a 16 px image, so the glyphs (which reach
/// about ±0.7) keep a margin for the scale, rotation and shift perturbations.
const PIXELS_PER_UNIT_FRACTION: f64 = 0.375;

/// Arcs are flattened into chords of at most this many degrees; at glyph
/// sizes the chord error is far below a pixel.
const ARC_STEP_DEG: f64 = 7.5;

/// One pen stroke in unit coordinates (x to the right, y up).
#[derive(Clone, Copy, Debug)]
enum Stroke {
    /// Open polyline through the points.
    Poly(&'static [(f64, f64)]),
    /// Circular arc: centre, radius, start and end angle in degrees
    /// (counter-clockwise from +x).
    Arc((f64, f64), f64, f64, f64),
}

/// Stroke definitions, indexed by class; order matches [`class_names`].
const CLASS_STROKES: [&[Stroke]; GLYPH_CLASSES] = [
    // vertical bar
    &[Stroke::Poly(&[(0.0, -0.7), (0.0, 0.7)])],
    // horizontal bar
    &[Stroke::Poly(&[(-0.7, 0.0), (0.7, 0.0)])],
    // plus
    &[
        Stroke::Poly(&[(0.0, -0.7), (0.0, 0.7)]),
        Stroke::Poly(&[(-0.7, 0.0), (0.7, 0.0)]),
    ],
    // cross (X)
    &[
        Stroke::Poly(&[(-0.6, -0.6), (0.6, 0.6)]),
        Stroke::Poly(&[(-0.6, 0.6), (0.6, -0.6)]),
    ],
    // circle: smaller than the square so the two outlines barely overlap
    // even at 16 px, where a same-size circle and square look alike
    &[Stroke::Arc((0.0, 0.0), 0.45, 0.0, 360.0)],
    // square outline
    &[Stroke::Poly(&[
        (-0.6, -0.6),
        (0.6, -0.6),
        (0.6, 0.6),
        (-0.6, 0.6),
        (-0.6, -0.6),
    ])],
    // triangle outline
    &[Stroke::Poly(&[
        (-0.7, -0.55),
        (0.7, -0.55),
        (0.0, 0.65),
        (-0.7, -0.55),
    ])],
    // L
    &[Stroke::Poly(&[(-0.45, 0.7), (-0.45, -0.7), (0.55, -0.7)])],
    // T
    &[
        Stroke::Poly(&[(-0.7, 0.7), (0.7, 0.7)]),
        Stroke::Poly(&[(0.0, 0.7), (0.0, -0.7)]),
    ],
    // zigzag (Z)
    &[Stroke::Poly(&[
        (-0.6, 0.6),
        (0.6, 0.6),
        (-0.6, -0.6),
        (0.6, -0.6),
    ])],
];

/// Human-readable names of the glyph classes, indexed by label.
///
/// ```
/// assert_eq!(mutinf_objectives::glyphs::class_names()[4], "circle");
/// ```
pub fn class_names() -> [&'static str; GLYPH_CLASSES] {
    [
        "vertical bar",
        "horizontal bar",
        "plus",
        "cross",
        "circle",
        "square",
        "triangle",
        "L",
        "T",
        "zigzag",
    ]
}

/// How glyph images are drawn: image size and the ranges of the random
/// per-image affine perturbation, pen width and pixel noise.
///
/// Every perturbation is drawn uniformly and independently per image; setting
/// a range to zero (and `scale` to `(1.0, 1.0)`) turns it off, and with all of
/// them off plus `noise = 0` the images are the clean class templates.
///
/// ```
/// use mutinf_objectives::glyphs::GlyphConfig;
///
/// let clean = GlyphConfig::default()
///     .with_rotation_deg(0.0)
///     .with_scale(1.0, 1.0)
///     .with_shear(0.0)
///     .with_shift(0.0)
///     .with_noise(0.0);
/// assert!(clean.check().is_ok());
/// assert!(GlyphConfig::default().with_size(2).check().is_err());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct GlyphConfig {
    /// Side length of the square images in pixels (at least 4).
    pub size: usize,
    /// Maximum absolute rotation in degrees.
    pub rotation_deg: f64,
    /// Range `(low, high)` of the per-axis scale factors (anisotropic).
    pub scale: (f64, f64),
    /// Maximum absolute horizontal shear factor.
    pub shear: f64,
    /// Maximum absolute translation per axis, in pixels.
    pub shift: f64,
    /// Pen half-width in pixels.
    pub stroke: f64,
    /// Standard deviation of the Gaussian pixel noise (intensities are in `[0, 1]`).
    pub noise: f64,
}

impl Default for GlyphConfig {
    fn default() -> Self {
        Self {
            size: 16,
            rotation_deg: 20.0,
            scale: (0.8, 1.1),
            shear: 0.15,
            shift: 2.0,
            stroke: 0.9,
            noise: 0.05,
        }
    }
}

impl GlyphConfig {
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

    /// Sets the range of the per-axis scale factors.
    pub fn with_scale(mut self, low: f64, high: f64) -> Self {
        self.scale = (low, high);
        self
    }

    /// Sets the maximum absolute shear factor.
    pub fn with_shear(mut self, shear: f64) -> Self {
        self.shear = shear;
        self
    }

    /// Sets the maximum absolute translation in pixels.
    pub fn with_shift(mut self, shift: f64) -> Self {
        self.shift = shift;
        self
    }

    /// Sets the pen half-width in pixels.
    pub fn with_stroke(mut self, stroke: f64) -> Self {
        self.stroke = stroke;
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
        if self.size < 4 {
            return bad(format!(
                "glyph size {} is too small to draw a shape; use size >= 4 (default 16)",
                self.size
            ));
        }
        if !(self.rotation_deg.is_finite() && (0.0..=180.0).contains(&self.rotation_deg)) {
            return bad(format!(
                "glyph rotation_deg {} must be a maximum |angle| in [0, 180] degrees (default 20)",
                self.rotation_deg
            ));
        }
        let (lo, hi) = self.scale;
        if !(lo.is_finite() && hi.is_finite() && lo > 0.0) {
            return bad(format!(
                "glyph scale ({lo}, {hi}) must be finite and positive, e.g. (0.8, 1.1)"
            ));
        }
        if lo > hi {
            return bad(format!(
                "glyph scale range ({lo}, {hi}) has low > high; swap them, e.g. ({hi}, {lo})"
            ));
        }
        if !(self.shear.is_finite() && self.shear >= 0.0) {
            return bad(format!(
                "glyph shear {} must be a finite maximum |shear| >= 0 (default 0.15)",
                self.shear
            ));
        }
        if !(self.shift.is_finite() && self.shift >= 0.0) {
            return bad(format!(
                "glyph shift {} must be a finite maximum |shift| in pixels >= 0 (default 2.0)",
                self.shift
            ));
        }
        if !(self.stroke.is_finite() && self.stroke > 0.0) {
            return bad(format!(
                "glyph stroke {} must be a positive pen half-width in pixels (default 0.9)",
                self.stroke
            ));
        }
        if !(self.noise.is_finite() && self.noise >= 0.0) {
            return bad(format!(
                "glyph noise {} must be a finite standard deviation >= 0 (default 0.05)",
                self.noise
            ));
        }
        Ok(())
    }
}

/// A batch of glyph images with their class labels.
#[derive(Clone, Debug, PartialEq)]
pub struct GlyphSet {
    /// Side length of every image in pixels.
    pub size: usize,
    /// All images back to back, each `size * size` values, row-major (row 0
    /// at the top), intensities in `[0, 1]` with ink near 1.
    pub images: Vec<f32>,
    /// Class label of each image, in `0..GLYPH_CLASSES`.
    pub labels: Vec<usize>,
}

impl GlyphSet {
    /// Number of images.
    pub fn n(&self) -> usize {
        self.labels.len()
    }

    /// Pixels of image `i`, row-major.
    ///
    /// # Panics
    /// If `i >= self.n()`, like slice indexing.
    pub fn image(&self, i: usize) -> &[f32] {
        let len = self.size * self.size;
        &self.images[i * len..(i + 1) * len]
    }
}

/// Draws `n` glyph images with balanced labels, reproducibly from `seed`.
///
/// Labels are `i % GLYPH_CLASSES` shuffled with the seeded rng, so every class
/// gets `n / 10` or `n / 10 + 1` images. Each image applies an independent
/// affine map `rotation · shear · diag(sx, sy)` plus a translation, drawn
/// uniformly within `config`, to its class strokes. Rendering is anti-aliased
/// with a 1 px linear ramp: a pixel whose centre lies at distance `d` from the
/// nearest stroke gets `clamp(stroke + 0.5 - d, 0, 1)`, which approximates the
/// fraction of the pixel covered by a pen of half-width `stroke`. Gaussian
/// noise of std `noise` is then added and the result clamped to `[0, 1]`.
///
/// The pen width is applied after the warp, so strokes keep the same pixel
/// width whatever the scale — as a real pen would.
///
/// Same `seed` and `config` give bit-identical output (rand's `StdRng`).
///
/// ```
/// use mutinf_objectives::glyphs::{GlyphConfig, draw_glyphs};
///
/// let a = draw_glyphs(30, &GlyphConfig::default(), 1)?;
/// let b = draw_glyphs(30, &GlyphConfig::default(), 1)?;
/// assert_eq!(a, b);
/// # Ok::<(), mutinf_objectives::ObjectiveError>(())
/// ```
pub fn draw_glyphs(n: usize, config: &GlyphConfig, seed: u64) -> Result<GlyphSet, ObjectiveError> {
    config.check()?;
    if n == 0 {
        return Err(ObjectiveError::InvalidInput(
            "draw_glyphs needs n >= 1 images; ask for at least one (10 gives one per class)".into(),
        ));
    }
    let pixels = config.size * config.size;
    let total = n.checked_mul(pixels).ok_or_else(|| {
        ObjectiveError::InvalidInput(format!(
            "{n} glyph images of {size}x{size} pixels do not fit in memory; draw fewer or smaller images",
            size = config.size
        ))
    })?;

    let mut rng = StdRng::seed_from_u64(seed);
    let mut labels: Vec<usize> = (0..n).map(|i| i % GLYPH_CLASSES).collect();
    labels.shuffle(&mut rng);

    // Validated above, so construction cannot fail; zero noise skips sampling.
    let noise = (config.noise > 0.0)
        .then(|| Normal::new(0.0, config.noise).expect("noise std validated by check()"));

    let mut images = Vec::with_capacity(total);
    let mut segments = Vec::new();
    for &label in &labels {
        let map = random_map(config, &mut rng);
        segments.clear();
        flatten_class(label, &map, &mut segments);
        let start = images.len();
        render(config.size, config.stroke, &segments, &mut images);
        if let Some(noise) = &noise {
            for v in &mut images[start..] {
                *v = (f64::from(*v) + noise.sample(&mut rng)).clamp(0.0, 1.0) as f32;
            }
        }
    }
    Ok(GlyphSet {
        size: config.size,
        images,
        labels,
    })
}

/// A map from unit glyph coordinates to pixel coordinates `(col, row)`.
struct PixelMap {
    /// Linear part in unit space (x right, y up).
    a: [[f64; 2]; 2],
    /// Image centre plus translation, in pixels.
    offset: (f64, f64),
    pixels_per_unit: f64,
}

impl PixelMap {
    fn apply(&self, (x, y): (f64, f64)) -> (f64, f64) {
        let u = self.a[0][0] * x + self.a[0][1] * y;
        let v = self.a[1][0] * x + self.a[1][1] * y;
        // Rows grow downwards, hence the minus on the y axis.
        (
            self.offset.0 + self.pixels_per_unit * u,
            self.offset.1 - self.pixels_per_unit * v,
        )
    }
}

/// Uniform draw in `[lo, hi]` that always consumes exactly one sample, so the
/// rng stream does not depend on which ranges are zero.
fn uniform(rng: &mut impl Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

fn random_map(config: &GlyphConfig, rng: &mut impl Rng) -> PixelMap {
    let angle = uniform(rng, -config.rotation_deg, config.rotation_deg).to_radians();
    let sx = uniform(rng, config.scale.0, config.scale.1);
    let sy = uniform(rng, config.scale.0, config.scale.1);
    let k = uniform(rng, -config.shear, config.shear);
    let tx = uniform(rng, -config.shift, config.shift);
    let ty = uniform(rng, -config.shift, config.shift);
    let (s, c) = angle.sin_cos();
    // rotation · [[1, k], [0, 1]] · diag(sx, sy)
    let m = [[sx, k * sy], [0.0, sy]];
    let a = [
        [c * m[0][0] - s * m[1][0], c * m[0][1] - s * m[1][1]],
        [s * m[0][0] + c * m[1][0], s * m[0][1] + c * m[1][1]],
    ];
    let centre = (config.size as f64 - 1.0) / 2.0;
    PixelMap {
        a,
        offset: (centre + tx, centre + ty),
        pixels_per_unit: PIXELS_PER_UNIT_FRACTION * config.size as f64,
    }
}

type Segment = ((f64, f64), (f64, f64));

/// Turns a class's strokes into pixel-space segments under `map`.
fn flatten_class(label: usize, map: &PixelMap, out: &mut Vec<Segment>) {
    for stroke in CLASS_STROKES[label] {
        match *stroke {
            Stroke::Poly(points) => {
                for pair in points.windows(2) {
                    out.push((map.apply(pair[0]), map.apply(pair[1])));
                }
            }
            Stroke::Arc((cx, cy), r, start, end) => {
                let steps = ((end - start).abs() / ARC_STEP_DEG).ceil().max(1.0) as usize;
                let point = |i: usize| {
                    let t = (start + (end - start) * i as f64 / steps as f64).to_radians();
                    map.apply((cx + r * t.cos(), cy + r * t.sin()))
                };
                for i in 0..steps {
                    out.push((point(i), point(i + 1)));
                }
            }
        }
    }
}

fn distance_to_segment(p: (f64, f64), (a, b): Segment) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (p.0 - (a.0 + t * dx), p.1 - (a.1 + t * dy));
    (ex * ex + ey * ey).sqrt()
}

/// Appends one `size × size` image of the segments drawn with a pen of
/// half-width `stroke`, anti-aliased by a 1 px linear ramp.
fn render(size: usize, stroke: f64, segments: &[Segment], out: &mut Vec<f32>) {
    for row in 0..size {
        for col in 0..size {
            let p = (col as f64, row as f64);
            let d = segments
                .iter()
                .map(|&s| distance_to_segment(p, s))
                .fold(f64::INFINITY, f64::min);
            out.push((stroke + 0.5 - d).clamp(0.0, 1.0) as f32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean() -> GlyphConfig {
        GlyphConfig::default()
            .with_rotation_deg(0.0)
            .with_scale(1.0, 1.0)
            .with_shear(0.0)
            .with_shift(0.0)
            .with_noise(0.0)
    }

    fn ink(image: &[f32]) -> f64 {
        image.iter().map(|&v| f64::from(v)).sum()
    }

    #[test]
    fn same_seed_is_bit_identical() {
        let a = draw_glyphs(57, &GlyphConfig::default(), 42).unwrap();
        let b = draw_glyphs(57, &GlyphConfig::default(), 42).unwrap();
        let bits = |s: &GlyphSet| s.images.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a), bits(&b));
        assert_eq!(a.labels, b.labels);
    }

    #[test]
    fn different_seeds_differ() {
        let a = draw_glyphs(50, &GlyphConfig::default(), 1).unwrap();
        let b = draw_glyphs(50, &GlyphConfig::default(), 2).unwrap();
        assert_ne!(a.images, b.images);
        assert_ne!(a.labels, b.labels);
    }

    #[test]
    fn shape_and_value_range() {
        let cfg = GlyphConfig::default().with_size(12);
        let set = draw_glyphs(23, &cfg, 3).unwrap();
        assert_eq!(set.n(), 23);
        assert_eq!(set.size, 12);
        assert_eq!(set.images.len(), 23 * 144);
        assert_eq!(set.image(22).len(), 144);
        assert!(set.images.iter().all(|v| (0.0..=1.0).contains(v)));
    }

    #[test]
    fn labels_are_balanced() {
        for n in [10, 95, 1000] {
            let set = draw_glyphs(n, &GlyphConfig::default(), 9).unwrap();
            let mut counts = [0usize; GLYPH_CLASSES];
            for &l in &set.labels {
                counts[l] += 1;
            }
            let (lo, hi) = (n / GLYPH_CLASSES, n.div_ceil(GLYPH_CLASSES));
            assert!(counts.iter().all(|&c| c == lo || c == hi), "{counts:?}");
            assert_eq!(counts.iter().sum::<usize>(), n);
        }
        // Shuffled, not in i % 10 order.
        let set = draw_glyphs(100, &GlyphConfig::default(), 9).unwrap();
        assert_ne!(set.labels, (0..100).map(|i| i % 10).collect::<Vec<_>>());
    }

    #[test]
    fn every_class_has_sane_ink() {
        let set = draw_glyphs(500, &GlyphConfig::default(), 5).unwrap();
        let pixels = (set.size * set.size) as f64;
        let mut per_class = [f64::INFINITY; GLYPH_CLASSES];
        for i in 0..set.n() {
            let s = ink(set.image(i));
            // At least a short bar's worth of ink, and mostly background.
            assert!(s > 8.0 && s < 0.5 * pixels, "image {i} ink {s}");
            per_class[set.labels[i]] = per_class[set.labels[i]].min(s);
        }
        assert!(per_class.iter().all(|s| s.is_finite()));
        // Clean templates: noise-free ink also nonzero and bounded.
        let t = draw_glyphs(GLYPH_CLASSES, &clean(), 0).unwrap();
        for i in 0..t.n() {
            let s = ink(t.image(i));
            assert!(
                s > 8.0 && s < 0.5 * pixels,
                "template {} ink {s}",
                t.labels[i]
            );
        }
    }

    #[test]
    fn templates_are_pairwise_far_apart() {
        let set = draw_glyphs(GLYPH_CLASSES, &clean(), 0).unwrap();
        let mut templates = [&[][..]; GLYPH_CLASSES];
        for i in 0..set.n() {
            templates[set.labels[i]] = set.image(i);
        }
        let norm = |a: &[f32]| ink(&a.iter().map(|v| v * v).collect::<Vec<_>>()).sqrt();
        let dist = |a: &[f32], b: &[f32]| {
            a.iter()
                .zip(b)
                .map(|(x, y)| f64::from(x - y).powi(2))
                .sum::<f64>()
                .sqrt()
        };
        let names = class_names();
        for i in 0..GLYPH_CLASSES {
            for j in i + 1..GLYPH_CLASSES {
                let d = dist(templates[i], templates[j]);
                let scale = norm(templates[i]).max(norm(templates[j]));
                // Nearest pairs (bar vs plus, bar vs T) differ by a whole bar.
                assert!(
                    d > 3.0 && d > 0.5 * scale,
                    "{} vs {}: distance {d:.2}, larger norm {scale:.2}",
                    names[i],
                    names[j]
                );
            }
        }
    }

    #[test]
    fn bad_inputs_are_rejected() {
        let d = GlyphConfig::default();
        let cases = [
            d.clone().with_size(3),
            d.clone().with_stroke(-0.5),
            d.clone().with_stroke(0.0),
            d.clone().with_scale(1.2, 0.8),
            d.clone().with_scale(0.0, 1.0),
            d.clone().with_rotation_deg(f64::NAN),
            d.clone().with_rotation_deg(270.0),
            d.clone().with_shear(-0.1),
            d.clone().with_shift(f64::INFINITY),
            d.clone().with_noise(-1.0),
        ];
        for cfg in cases {
            let err = draw_glyphs(10, &cfg, 0).unwrap_err();
            assert!(!err.to_string().is_empty());
        }
        let err = draw_glyphs(0, &d, 0).unwrap_err().to_string();
        assert!(err.contains("n >= 1"), "{err}");
        assert!(
            draw_glyphs(usize::MAX, &d, 0)
                .unwrap_err()
                .to_string()
                .contains("fewer")
        );
    }
}
