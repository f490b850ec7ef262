//! Column selections as users type them: names, 0-based indices, lists and inclusive ranges.
//!
//! Grammar: a comma-separated list of items; an item is a column name, a 0-based index, or
//! an inclusive range `A..B` whose ends are names or indices (`X0..X4` is five columns,
//! `0..2` is three). Names take precedence over indices, so a header of numbers still works.

use crate::{MutinfError, Result};

/// Resolves a selection against the column names of a table, in the order given.
///
/// ```
/// use mutinf_core::columns::resolve_columns;
/// let names: Vec<String> = ["X0", "X1", "X2", "Y0", "Y1"].iter().map(|s| s.to_string()).collect();
/// assert_eq!(resolve_columns("X0..X2", &names).unwrap(), vec![0, 1, 2]);
/// assert_eq!(resolve_columns("Y1,0", &names).unwrap(), vec![4, 0]);
/// assert_eq!(resolve_columns("3..4", &names).unwrap(), vec![3, 4]);
/// assert!(resolve_columns("Z9", &names).is_err());
/// ```
pub fn resolve_columns(spec: &str, names: &[String]) -> Result<Vec<usize>> {
    let mut out = Vec::new();
    for item in spec.split(',').map(str::trim) {
        if item.is_empty() {
            return Err(MutinfError::invalid("column selection", format!("'{spec}'"), "it has an empty item; write e.g. 0,2 or X0..X3"));
        }
        match item.split_once("..") {
            Some((a, b)) => {
                let (start, end) = (resolve_one(a.trim(), names)?, resolve_one(b.trim(), names)?);
                if start > end {
                    return Err(MutinfError::invalid(
                        "column range",
                        format!("'{item}'"),
                        "its start comes after its end; ranges are inclusive and ascending, e.g. X0..X3",
                    ));
                }
                out.extend(start..=end);
            }
            None => out.push(resolve_one(item, names)?),
        }
    }
    Ok(out)
}

fn resolve_one(item: &str, names: &[String]) -> Result<usize> {
    if let Some(j) = names.iter().position(|n| n == item) {
        return Ok(j);
    }
    match item.parse::<usize>() {
        Ok(index) if index < names.len() => Ok(index),
        Ok(index) => Err(MutinfError::ColumnOutOfRange { index, count: names.len() }),
        Err(_) => Err(MutinfError::UnknownColumn { name: item.to_owned(), available: preview(names) }),
    }
}

/// The column names for an error message, shortened for very wide files.
fn preview(names: &[String]) -> String {
    const SHOWN: usize = 12;
    if names.len() <= SHOWN {
        names.join(", ")
    } else {
        format!("{}, ... ({} columns in all)", names[..SHOWN].join(", "), names.len())
    }
}

/// Splits `d` columns in order into the first `dx` (X) and the next `dy` (Y): the "external
/// estimator" convention behind `--dims DX,DY`.
///
/// ```
/// assert_eq!(mutinf_core::columns::split_dims(5, 2, 3).unwrap(), (vec![0, 1], vec![2, 3, 4]));
/// assert!(mutinf_core::columns::split_dims(4, 2, 3).is_err());
/// ```
pub fn split_dims(ncols: usize, dx: usize, dy: usize) -> Result<(Vec<usize>, Vec<usize>)> {
    if dx == 0 || dy == 0 {
        return Err(MutinfError::invalid("--dims", format!("{dx},{dy}"), "both dimensions must be at least 1"));
    }
    if dx + dy > ncols {
        return Err(MutinfError::invalid(
            "--dims",
            format!("{dx},{dy}"),
            format!("the file has only {ncols} columns; DX + DY must not exceed that"),
        ));
    }
    Ok(((0..dx).collect(), (dx..dx + dy).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn errors_name_the_problem() {
        let cols = names(&["a", "b", "c"]);
        assert!(matches!(resolve_columns("d", &cols), Err(MutinfError::UnknownColumn { ref name, ref available }) if name == "d" && available == "a, b, c"));
        assert!(matches!(resolve_columns("7", &cols), Err(MutinfError::ColumnOutOfRange { index: 7, count: 3 })));
        assert!(matches!(resolve_columns("c..a", &cols), Err(MutinfError::InvalidParameter { .. })));
        assert!(matches!(resolve_columns("a,,b", &cols), Err(MutinfError::InvalidParameter { .. })));
    }

    #[test]
    fn names_win_over_indices() {
        let cols = names(&["1", "0"]);
        assert_eq!(resolve_columns("0", &cols).unwrap(), vec![1]);
    }

    #[test]
    fn long_name_lists_are_shortened() {
        let cols: Vec<String> = (0..40).map(|i| format!("c{i}")).collect();
        let err = resolve_columns("nope", &cols).unwrap_err().to_string();
        assert!(err.contains("40 columns in all"), "{err}");
    }
}
