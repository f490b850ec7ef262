//! Raw-pixel k-means baselines: a sanity check of the scoring on easy data,
//! and the reference accuracy on glyphs that IIC should improve on.

#[path = "../examples/support/kmeans.rs"]
mod kmeans_support;

use kmeans_support::kmeans_labels;
use rand::{SeedableRng, rngs::StdRng};
use rand_distr::{Distribution, Normal};
use mutinf_objectives::accuracy::{clustering_accuracy, normalized_mutual_information};
use mutinf_objectives::glyphs::{GlyphConfig, draw_glyphs};
use mutinf_objectives::cluster::AffineViews;

#[test]
fn separated_blobs_are_found_exactly() {
    let centres = [
        (-10.0, -10.0),
        (10.0, -10.0),
        (-10.0, 10.0),
        (10.0, 10.0),
        (0.0, 0.0),
    ];
    let mut rng = StdRng::seed_from_u64(4);
    let noise = Normal::new(0.0, 1.0).unwrap();
    let (mut data, mut truth) = (Vec::new(), Vec::new());
    for i in 0..250 {
        let c = (i * 3) % centres.len();
        data.push((centres[c].0 + noise.sample(&mut rng)) as f32);
        data.push((centres[c].1 + noise.sample(&mut rng)) as f32);
        truth.push(c);
    }
    let predicted = kmeans_labels(&data, 2, centres.len(), 7);
    assert_eq!(clustering_accuracy(&predicted, &truth).unwrap(), 1.0);
    assert_eq!(kmeans_labels(&data, 2, centres.len(), 7), predicted);
}

#[test]
fn glyph_baseline_accuracy() {
    let set = draw_glyphs(2000, &GlyphConfig::default(), 1).unwrap();
    let dims = set.size * set.size;
    let predicted = kmeans_labels(&set.images, dims, 10, 0);
    let acc = clustering_accuracy(&predicted, &set.labels).unwrap();
    let nmi = normalized_mutual_information(&predicted, &set.labels).unwrap();
    println!("k-means on glyphs (n=2000, default config, seed 1): accuracy {acc:.4}, NMI {nmi:.4}");
    assert!(acc > 0.1);

    // The same images seen through one default IIC view each: harder still.
    let views = AffineViews::default().with_size(set.size);
    let mut rng = StdRng::seed_from_u64(2);
    let mut warped = Vec::with_capacity(set.images.len());
    for i in 0..set.n() {
        views
            .affine_view(set.image(i), &mut rng, &mut warped)
            .unwrap();
    }
    let predicted = kmeans_labels(&warped, dims, 10, 0);
    let acc = clustering_accuracy(&predicted, &set.labels).unwrap();
    let nmi = normalized_mutual_information(&predicted, &set.labels).unwrap();
    println!("k-means on glyphs + one default view each: accuracy {acc:.4}, NMI {nmi:.4}");
    assert!(acc > 0.1);
}
