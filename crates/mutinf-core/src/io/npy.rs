//! NumPy `.npy` files (format versions 1-3): numeric 1-D or 2-D arrays, any byte order,
//! C or Fortran order; written as version 1.0, little-endian f64, C order.

use std::path::Path;

use ndarray::{Array2, ShapeBuilder};

use super::Table;
use crate::{MutinfError, Result};

/// The first bytes of every `.npy` file; [`super::read_table`] detects the format by them.
pub(super) const MAGIC: &[u8] = b"\x93NUMPY";

/// Reads a `.npy` file; a 1-D array becomes one column, columns are named `0`, `1`, ...
pub fn read_npy(path: impl AsRef<Path>) -> Result<Table> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| MutinfError::io(path, e))?;
    read_npy_bytes(&bytes).map_err(|reason| MutinfError::Format { path: path.to_path_buf(), reason })
}

/// Parses the bytes of a `.npy` file; the error is a sentence saying what is wrong.
///
/// ```
/// use mutinf_core::io::{read_npy_bytes, write_npy, Table};
/// use ndarray::array;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("a.npy");
/// write_npy(&path, &array![[1.0, 2.0], [3.0, 4.5]]).unwrap();
/// let table = read_npy_bytes(&std::fs::read(&path).unwrap()).unwrap();
/// assert_eq!(table.data(), &array![[1.0, 2.0], [3.0, 4.5]]);
/// ```
pub fn read_npy_bytes(bytes: &[u8]) -> std::result::Result<Table, String> {
    if !bytes.starts_with(MAGIC) || bytes.len() < 10 {
        return Err("not a NumPy .npy file (bad magic bytes); save arrays with numpy.save".into());
    }
    let major = bytes[6];
    let (header_len, header_start) = match major {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => (u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize, 12),
        _ => return Err(format!("unsupported .npy format version {major}")),
    };
    let data_start = header_start + header_len;
    let header = bytes.get(header_start..data_start).ok_or("truncated .npy header")?;
    let header = std::str::from_utf8(header).map_err(|_| "the .npy header is not text")?;

    let descr = dict_value(header, "descr").ok_or("the .npy header has no 'descr'")?;
    let descr = descr.trim_matches(|c| c == '\'' || c == '"');
    let fortran = match dict_value(header, "fortran_order") {
        Some("True") => true,
        Some("False") => false,
        _ => return Err("the .npy header has no valid 'fortran_order'".into()),
    };
    let shape = parse_shape(header)?;
    let (rows, cols) = match shape.as_slice() {
        [n] => (*n, 1),
        [n, d] => (*n, *d),
        other => return Err(format!("expected a 1-D or 2-D array, found {} dimensions; reshape to (samples, columns)", other.len())),
    };

    let dtype = Dtype::parse(descr)?;
    let count = rows.checked_mul(cols).ok_or("array shape overflows")?;
    if count == 0 {
        // As for an empty CSV: nothing to estimate from (and a (huge, 0) shape is no table).
        return Err(format!("the array is empty (shape ({rows}, {cols})); save an array of shape (samples, columns)"));
    }
    let payload = &bytes[data_start..];
    let needed = count.checked_mul(dtype.size).ok_or("array shape overflows")?;
    if payload.len() < needed {
        return Err(format!("truncated .npy data: the header promises {needed} bytes, the file has {}", payload.len()));
    }
    let values: Vec<f64> = payload[..needed].chunks_exact(dtype.size).map(|c| dtype.decode(c)).collect();
    let shape = if fortran { (rows, cols).f() } else { (rows, cols).into_shape_with_order() };
    let data = Array2::from_shape_vec(shape, values).map_err(|e| e.to_string())?;
    // Re-layout Fortran arrays in standard order so downstream code sees contiguous rows.
    let data = if fortran { data.as_standard_layout().into_owned() } else { data };
    Ok(Table::unnamed(data))
}

/// Writes an N x d array as a version 1.0, little-endian f64, C-order `.npy` file.
pub fn write_npy(path: impl AsRef<Path>, data: &Array2<f64>) -> Result<()> {
    let path = path.as_ref();
    let mut header = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': ({}, {}), }}", data.nrows(), data.ncols());
    // Pad so the data starts on a 64-byte boundary, as NumPy does; the header ends in '\n'.
    let unpadded = MAGIC.len() + 2 + 2 + header.len() + 1;
    header.push_str(&" ".repeat((64 - unpadded % 64) % 64));
    header.push('\n');
    let mut out = Vec::with_capacity(10 + header.len() + data.len() * 8);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for v in data.iter() {
        out.extend_from_slice(&v.to_le_bytes());
    }
    std::fs::write(path, out).map_err(|e| MutinfError::io(path, e))
}

/// The raw text of `'key': value` in the header dict, up to the next top-level comma.
fn dict_value<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let start = header.find(&format!("'{key}'"))? + key.len() + 2;
    let rest = header[start..].trim_start().strip_prefix(':')?.trim_start();
    let end = if rest.starts_with('(') { rest.find(')')? + 1 } else { rest.find([',', '}'])? };
    Some(rest[..end].trim())
}

fn parse_shape(header: &str) -> std::result::Result<Vec<usize>, String> {
    let raw = dict_value(header, "shape").ok_or("the .npy header has no 'shape'")?;
    raw.trim_matches(|c| c == '(' || c == ')')
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>().map_err(|_| format!("bad shape entry '{s}' in the .npy header")))
        .collect()
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Float,
    Int,
    Unsigned,
}

#[derive(Debug, Clone, Copy)]
struct Dtype {
    kind: Kind,
    size: usize,
    big_endian: bool,
}

impl Dtype {
    fn parse(descr: &str) -> std::result::Result<Self, String> {
        let unsupported = || format!("unsupported dtype '{descr}'; convert to float64 (numpy: a.astype('f8'))");
        let mut chars = descr.chars();
        let order = chars.next().ok_or_else(unsupported)?;
        let big_endian = match order {
            '<' | '|' | '=' => false,
            '>' => true,
            _ => return Err(unsupported()),
        };
        let kind = match chars.next() {
            Some('f') => Kind::Float,
            Some('i') => Kind::Int,
            Some('u') => Kind::Unsigned,
            _ => return Err(unsupported()),
        };
        let size: usize = chars.as_str().parse().map_err(|_| unsupported())?;
        let ok = match kind {
            Kind::Float => matches!(size, 4 | 8),
            Kind::Int | Kind::Unsigned => matches!(size, 1 | 2 | 4 | 8),
        };
        if !ok {
            return Err(unsupported());
        }
        Ok(Self { kind, size, big_endian })
    }

    fn decode(&self, raw: &[u8]) -> f64 {
        let mut b = [0u8; 8];
        b[..self.size].copy_from_slice(raw);
        if self.big_endian {
            b[..self.size].reverse();
        }
        // `b` now holds the value little-endian in its first `size` bytes.
        match (self.kind, self.size) {
            (Kind::Float, 4) => f32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
            (Kind::Float, _) => f64::from_le_bytes(b),
            (Kind::Int, 1) => b[0] as i8 as f64,
            (Kind::Int, 2) => i16::from_le_bytes([b[0], b[1]]) as f64,
            (Kind::Int, 4) => i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
            (Kind::Int, _) => i64::from_le_bytes(b) as f64,
            (Kind::Unsigned, _) => u64::from_le_bytes(b) as f64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn npy(descr: &str, fortran: bool, shape: &str, payload: &[u8]) -> Vec<u8> {
        let header = format!("{{'descr': '{descr}', 'fortran_order': {}, 'shape': {shape}, }}\n", if fortran { "True" } else { "False" });
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&[1, 0]);
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(payload);
        out
    }

    #[test]
    fn round_trip_through_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.npy");
        let data = array![[1.5, -2.0, 3.0], [f64::MIN_POSITIVE, 1e300, -0.0]];
        write_npy(&path, &data).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
        assert_eq!((10 + header_len) % 64, 0, "data must start 64-byte aligned");
        assert_eq!(read_npy(&path).unwrap().data(), &data);
    }

    #[test]
    fn fortran_order_big_endian_and_ints() {
        // [[1, 2], [3, 4]] stored column-major as big-endian f8: 1, 3, 2, 4.
        let payload: Vec<u8> = [1.0f64, 3.0, 2.0, 4.0].iter().flat_map(|v| v.to_be_bytes()).collect();
        let t = read_npy_bytes(&npy(">f8", true, "(2, 2)", &payload)).unwrap();
        assert_eq!(t.data(), &array![[1.0, 2.0], [3.0, 4.0]]);

        let payload: Vec<u8> = [-1i32, 7, 9].iter().flat_map(|v| v.to_le_bytes()).collect();
        let t = read_npy_bytes(&npy("<i4", false, "(3,)", &payload)).unwrap();
        assert_eq!(t.data(), &array![[-1.0], [7.0], [9.0]]);

        let t = read_npy_bytes(&npy("|u1", false, "(1, 2)", &[200, 3])).unwrap();
        assert_eq!(t.data(), &array![[200.0, 3.0]]);
        let payload: Vec<u8> = [0.25f32, -8.0].iter().flat_map(|v| v.to_le_bytes()).collect();
        let t = read_npy_bytes(&npy("<f4", false, "(2,)", &payload)).unwrap();
        assert_eq!(t.data(), &array![[0.25], [-8.0]]);
    }

    #[test]
    fn bad_files_say_why() {
        assert!(read_npy_bytes(b"hello world").unwrap_err().contains("magic"));
        let err = read_npy_bytes(&npy("<f8", false, "(2, 2)", &[0; 8])).unwrap_err();
        assert!(err.contains("truncated"), "{err}");
        let err = read_npy_bytes(&npy("<c16", false, "(1,)", &[0; 16])).unwrap_err();
        assert!(err.contains("unsupported dtype"), "{err}");
        let err = read_npy_bytes(&npy("<f8", false, "(1, 1, 1)", &[0; 8])).unwrap_err();
        assert!(err.contains("3 dimensions"), "{err}");
    }
}
