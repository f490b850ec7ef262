//! Arbitrary and damaged bytes through the checkpoint readers never panic: each is an error
//! or (for an undamaged region) a load. Seeded, bounded, part of the normal test run.

use std::path::Path;

use burn::tensor::Device;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A damaged copy of `good`: bit flips, a truncation, inserted bytes or an overwritten header
/// length, chosen by `rng`.
fn damage(good: &[u8], rng: &mut StdRng) -> Vec<u8> {
    let mut bytes = good.to_vec();
    match rng.random_range(0..5) {
        0 => {
            for _ in 0..rng.random_range(1..16) {
                let i = rng.random_range(0..bytes.len());
                bytes[i] ^= 1 << rng.random_range(0..8);
            }
        }
        1 => bytes.truncate(rng.random_range(0..bytes.len())),
        2 => {
            let at = rng.random_range(0..bytes.len());
            let junk: Vec<u8> = (0..rng.random_range(1..64)).map(|_| rng.random()).collect();
            bytes.splice(at..at, junk);
        }
        3 => {
            // The header length: huge, zero, or just past the end.
            let len: u64 = match rng.random_range(0..3) {
                0 => u64::MAX,
                1 => 0,
                _ => bytes.len() as u64,
            };
            bytes[..8].copy_from_slice(&len.to_le_bytes());
        }
        _ => {
            // Damage inside the JSON header only (the metadata and tensor table).
            let header = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
            for _ in 0..rng.random_range(1..8) {
                let i = 8 + rng.random_range(0..header.max(1));
                bytes[i] = rng.random_range(32..127);
            }
        }
    }
    bytes
}

#[test]
fn damaged_and_random_checkpoints_are_errors_not_panics() {
    let device = Device::flex();
    let good = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../checkpoints/infonet-small.safetensors")).unwrap();
    let origin = Path::new("fuzz.safetensors");
    let mut rng = StdRng::seed_from_u64(17);
    let mut loaded = 0;
    for case in 0..120 {
        let bytes = if case % 10 == 0 {
            (0..rng.random_range(0..4096)).map(|_| rng.random()).collect()
        } else {
            damage(&good, &mut rng)
        };
        let outcome = std::panic::catch_unwind(|| {
            let _ = mutinf_models::metadata_from_bytes(&bytes, origin);
            mutinf_models::load_checkpoint_bytes(&bytes, origin, &device).is_ok()
        });
        match outcome {
            Ok(true) => loaded += 1,
            Ok(false) => {}
            Err(_) => panic!("case {case}: a checkpoint reader panicked on damaged input"),
        }
    }
    // Flips deep inside the weights leave a loadable (if wrong) file; most cases must fail.
    assert!(loaded < 60, "{loaded} of 120 damaged files loaded");
}
