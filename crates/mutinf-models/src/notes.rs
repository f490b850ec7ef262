//! Notes InfoNet attaches to its estimates ([`MiEstimate::notes`](mutinf_core::MiEstimate)):
//! where its value should be read with care, and what to use instead. Worded for any front end
//! (the CLI prints them as `note:` lines, Python returns them in `Estimate.notes`).

use mutinf_core::PairedSamples;
use mutinf_estimators::entropy::distinct_values;

/// Below this many samples the table readouts read dependence low (BENCHMARKS.md, "The
/// scale-fitted readout": −0.13 nats at N = 200, ρ = 0.9; within 0.05 from N = 500).
pub const TABLE_SMALL_N: usize = 500;

/// The notes every InfoNet readout shares: heavily tied X or Y (it is trained on continuous data).
pub(crate) fn tie_notes(data: &PairedSamples) -> Vec<String> {
    let mut notes = Vec::new();
    for (name, block) in [("X", data.x()), ("Y", data.y())] {
        // "Heavily tied": fewer distinct values than half the rows.
        let distinct = distinct_values(&block.column(0).to_vec());
        if distinct * 2 < data.n() {
            notes.push(format!(
                "{name} has {distinct} distinct values in {} rows: InfoNet is trained on continuous data and reads \
                 heavily tied columns low; the ksg method handles ties (Gao et al. 2017), hist suits discrete columns",
                data.n()
            ));
        }
    }
    notes
}

/// The table readouts' small-sample note.
pub(crate) fn small_n_note(n: usize) -> Option<String> {
    (n < TABLE_SMALL_N).then(|| {
        format!(
            "N = {n}: below N ≈ {TABLE_SMALL_N} InfoNet's table readouts read dependence low (Gaussians at N = 200: \
             ρ = 0.9 reads 0.70 for 0.83 nats on average; independent data still ≈ 0); the regression readout or \
             the ksg method suit small samples"
        )
    })
}

/// The note of a sliced estimate of multi-column X or Y.
pub(crate) fn sliced_note(data: &PairedSamples, slices: usize) -> String {
    format!(
        "X has {} column(s) and Y {}; InfoNet reads one of each, so this is sliced MI: the mean over {slices} random \
         projection pairs (never more than I(X;Y); compare it with sliced MI only, or use the ksg method for I(X;Y))",
        data.dx(),
        data.dy()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tied_columns_are_noted_and_continuous_ones_are_not() {
        let x: Vec<f64> = (0..100).map(|i| (i % 3) as f64).collect();
        let y: Vec<f64> = (0..100).map(|i| (i as f64 * 0.37).sin()).collect();
        let notes = tie_notes(&PairedSamples::from_columns(&x, &y).unwrap());
        assert_eq!(notes.len(), 1);
        assert!(notes[0].starts_with("X has 3 distinct values in 100 rows"), "{notes:?}");
        assert!(tie_notes(&PairedSamples::from_columns(&y, &y.iter().map(|v| v * 2.0).collect::<Vec<_>>()).unwrap()).is_empty());
    }

    #[test]
    fn small_samples_are_noted_below_the_threshold_only() {
        assert!(small_n_note(TABLE_SMALL_N - 1).is_some());
        assert!(small_n_note(TABLE_SMALL_N).is_none());
    }
}
