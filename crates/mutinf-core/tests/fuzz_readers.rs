//! Robustness: no input, however broken, makes a reader panic. A seeded loop feeds random
//! bytes and mutations of valid CSV and `.npy` files (bit flips, truncation, inserted bytes,
//! huge header lengths and shapes) to every byte- and text-level reader. Seeded and bounded,
//! so a failure reproduces and the test stays fast (well under a second in release).

use std::panic::{AssertUnwindSafe, catch_unwind};

use mutinf_core::io::{HeaderMode, ReadOptions, read_csv_str, read_npy_bytes, read_table_from_bytes, write_npy};
use ndarray::array;

/// xorshift64*: tiny, deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
}

fn npy_seed(data: &ndarray::Array2<f64>) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.npy");
    write_npy(&path, data).unwrap();
    std::fs::read(path).unwrap()
}

/// A hand-built `.npy` with any header text (bad shapes, dtypes, orders) and payload.
fn npy_raw(major: u8, header: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = b"\x93NUMPY".to_vec();
    out.extend_from_slice(&[major, 0]);
    if major == 1 {
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    }
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(payload);
    out
}

fn seeds() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = [
        "a,b\n1,2\n3,4\n5,6\n",
        ",a,b\n0,1,2\n1,3,4\n2,5,6\n",
        "2019;2020\n1;2\n3;4\n",
        "# c\n\nx\ty\n1.5\t-2e3\nnan\tinf\n",
        "id,v\nabc,1\ndef,2\n",
        "\u{feff}\"a\",\"b\"\n\"1\",\"2\"\n",
        "1\n2\n3\n",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    seeds.push(npy_seed(&array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]));
    seeds.push(npy_seed(&array![[0.5], [-1.0]]));
    let payload = [0u8; 64];
    for (major, header) in [
        (1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }"),
        (2, "{'descr': '>i4', 'fortran_order': False, 'shape': (4,), }"),
        (3, "{'descr': '|u1', 'fortran_order': False, 'shape': (8, 8), }"),
        (1, "{'descr': '<f8', 'fortran_order': False, 'shape': (18446744073709551615, 0), }"),
        (1, "{'descr': '<f8', 'fortran_order': True, 'shape': (4611686018427387904, 0), }"),
        (1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"),
        (1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }"),
        (1, "{'descr': '<f8', 'shape': (1, 1), 'fortran_order': False}"),
        (1, "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }"),
        (1, "{'descr': '", ),
        (1, "{'shape': (", ),
    ] {
        seeds.push(npy_raw(major, header, &payload));
    }
    seeds
}

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        match rng.below(7) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 => out.truncate(rng.below(out.len() + 1)),
            2 => {
                let i = rng.below(out.len() + 1);
                let n = 1 + rng.below(8);
                let bytes: Vec<u8> = (0..n).map(|_| rng.byte()).collect();
                out.splice(i..i, bytes);
            }
            3 if out.len() >= 12 => {
                // Header length fields of .npy v1 (bytes 8..10) and v2/3 (8..12): huge or odd.
                let len = [u32::MAX, u32::MAX / 2, 0, 1, 65_535, rng.next() as u32][rng.below(6)];
                out[8..12].copy_from_slice(&len.to_le_bytes());
            }
            4 if out.len() > 6 => out[6] = [0, 1, 2, 3, 4, 255][rng.below(6)],
            5 => {
                // Insert text that the CSV and header parsers treat specially.
                let snippets: [&[u8]; 10] =
                    [b",", b"\n", b"\"", b";", b"\t", b"#", b"nan", b"(", b")", "\u{feff}é".as_bytes()];
                let i = rng.below(out.len() + 1);
                let s = snippets[rng.below(snippets.len())];
                out.splice(i..i, s.iter().copied());
            }
            _ if !out.is_empty() => {
                let i = rng.below(out.len());
                out.remove(i);
            }
            _ => {}
        }
    }
    out
}

fn exercise(bytes: &[u8]) {
    for header in [HeaderMode::Auto, HeaderMode::Yes, HeaderMode::No] {
        let options = ReadOptions::default().with_header(header);
        if let Ok(table) = read_table_from_bytes(bytes, "fuzz", &options) {
            // Using what was read must not panic either.
            let _ = table.notes();
            let numeric = table.numeric_columns();
            let _ = table.check_numeric(&(0..table.ncols()).collect::<Vec<_>>());
            if table.ncols() >= 2 {
                let _ = table.paired_indices(&[0], &[1]);
            }
            let _ = table.select_numeric(&numeric);
        }
    }
    let _ = read_npy_bytes(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = read_csv_str(text);
    }
}

#[test]
fn readers_never_panic_on_mutated_or_random_input() {
    let seeds = seeds();
    for seed in &seeds {
        exercise(seed);
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let cases = 20_000;
    for case in 0..cases {
        let input = if case % 5 == 0 {
            let n = rng.below(64);
            let mut bytes: Vec<u8> = (0..n).map(|_| rng.byte()).collect();
            if case % 10 == 0 {
                bytes.splice(0..0, b"\x93NUMPY".iter().copied());
            }
            bytes
        } else {
            let seed = &seeds[rng.below(seeds.len())];
            mutate(&mut rng, seed)
        };
        let result = catch_unwind(AssertUnwindSafe(|| exercise(&input)));
        assert!(result.is_ok(), "case {case} panicked on input {:?}", String::from_utf8_lossy(&input));
    }
}
