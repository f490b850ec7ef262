//! The reader behaviours asked for in the "reading real-world tables" issue: `.npy` detected by
//! content, `-` for standard input, header control with a note on what was guessed, pandas
//! index columns, and text columns that only fail when selected.

use std::io::Write as _;
use std::process::{Command, Stdio};

use mutinf_core::MutinfError;
use mutinf_core::io::{
    HeaderMode, ReadOptions, STDIN_ORIGIN, Table, read_csv_str, read_table, read_table_from_bytes, read_table_with, write_npy,
};
use ndarray::array;

fn auto() -> ReadOptions {
    ReadOptions::default()
}

fn with_header(mode: HeaderMode) -> ReadOptions {
    ReadOptions::default().with_header(mode)
}

fn csv(text: &str, options: &ReadOptions) -> mutinf_core::Result<Table> {
    read_table_from_bytes(text.as_bytes(), "t.csv", options)
}

fn npy_bytes(data: &ndarray::Array2<f64>) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.npy");
    write_npy(&path, data).unwrap();
    std::fs::read(path).unwrap()
}

// 1. `.npy` by magic bytes.

#[test]
fn npy_is_detected_by_magic_bytes_whatever_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let data = array![[1.0, 2.0], [3.0, 4.5], [5.0, 6.0]];
    for name in ["data", "data.csv", "data.bin", "data.NPY"] {
        let path = dir.path().join(name);
        write_npy(&path, &data).unwrap();
        let table = read_table(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(table.data(), &data, "{name}");
        let noted = table.notes().iter().any(|n| n.contains("magic bytes"));
        assert_eq!(noted, name != "data.NPY", "{name}: {:?}", table.notes());
    }
}

#[test]
fn a_damaged_npy_file_is_reported_as_npy_not_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.npy");
    std::fs::write(&path, b"\x00\x01garbage").unwrap();
    let err = read_table(&path).unwrap_err().to_string();
    assert!(err.contains("magic"), "{err}");
    // Binary data that is neither: a clear "not UTF-8 and not .npy" instead of an I/O error.
    let err = read_table_from_bytes(b"\xff\xfe\x00abc", "blob", &auto()).unwrap_err();
    assert!(matches!(err, MutinfError::Format { .. }), "{err:?}");
    assert!(err.to_string().contains("not UTF-8"), "{err}");
    // Truncated array data keeps its own message.
    let mut bytes = npy_bytes(&array![[1.0, 2.0], [3.0, 4.0]]);
    bytes.truncate(bytes.len() - 3);
    let err = read_table_from_bytes(&bytes, "x", &auto()).unwrap_err().to_string();
    assert!(err.contains("truncated"), "{err}");
}

// 2. `-` is standard input.

#[test]
fn bytes_as_from_stdin_are_npy_or_csv_by_content() {
    let data = array![[1.0, -2.0], [0.5, 4.0]];
    let table = read_table_from_bytes(&npy_bytes(&data), STDIN_ORIGIN, &auto()).unwrap();
    assert_eq!(table.data(), &data);
    let table = read_table_from_bytes(b"a,b\n1,2\n3,4\n", STDIN_ORIGIN, &auto()).unwrap();
    assert_eq!(table.names(), &["a", "b"]);
    let err = read_table_from_bytes(b"", STDIN_ORIGIN, &auto()).unwrap_err().to_string();
    assert!(err.starts_with("<stdin>: the file has no data"), "{err}");
}

/// Runs only as the child of `dash_reads_all_of_stdin`, with the data on its stdin.
#[test]
fn stdin_child() {
    if std::env::var_os("MUTINF_IO_STDIN_CHILD").is_none() {
        return;
    }
    let table = read_table("-").unwrap();
    println!("CHILD names={:?} rows={} sum={}", table.names(), table.nrows(), table.data().sum());
}

#[test]
fn dash_reads_all_of_stdin() {
    let run = |input: &[u8]| -> String {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "stdin_child", "--nocapture", "--test-threads=1"])
            .env("MUTINF_IO_STDIN_CHILD", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
        stdout
    };
    let out = run(b"a,b\n1,2\n3,4\n");
    assert!(out.contains(r#"CHILD names=["a", "b"] rows=2 sum=10"#), "{out}");
    let out = run(&npy_bytes(&array![[1.0], [2.0], [4.0]]));
    assert!(out.contains(r#"CHILD names=["0"] rows=3 sum=7"#), "{out}");
}

// 3. Header control and a note on what was guessed.

#[test]
fn a_numeric_header_is_data_in_auto_mode_with_a_note() {
    let table = csv("2019,2020\n1,2\n3,4\n", &auto()).unwrap();
    assert_eq!(table.names(), &["0", "1"]);
    assert_eq!(table.nrows(), 3);
    assert_eq!(
        table.notes(),
        &["no header: the first row is numeric and was read as data; pass --header yes if it is a header".to_string()]
    );
    let table = csv("x,y\n1,2\n", &auto()).unwrap();
    assert!(table.notes()[0].starts_with("header: the first row has the non-numeric field 'x'"), "{:?}", table.notes());
}

#[test]
fn header_yes_takes_a_numeric_first_line_as_names() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("years.csv");
    std::fs::write(&path, "2019,2020\n1,2\n3,1\n4,4\n").unwrap();
    let table = read_table_with(&path, &with_header(HeaderMode::Yes)).unwrap();
    assert_eq!(table.names(), &["2019", "2020"]);
    assert_eq!(table.nrows(), 3);
    assert!(table.notes().is_empty(), "nothing was guessed: {:?}", table.notes());
    let data = table.paired("2019", "2020").unwrap();
    assert_eq!(data.x()[[0, 0]], 1.0);
    // A header and nothing else.
    let err = csv("2019,2020\n", &with_header(HeaderMode::Yes)).unwrap_err();
    assert!(matches!(err, MutinfError::Format { .. }), "{err:?}");
}

#[test]
fn header_no_reads_the_first_line_as_data() {
    let table = csv("1,2\n3,4\n", &with_header(HeaderMode::No)).unwrap();
    assert_eq!((table.names(), table.nrows()), (&["0".to_string(), "1".to_string()][..], 2));
    // Text in the first line then makes those columns text; here no column is left numeric.
    let err = csv("a,b\n1,2\n", &with_header(HeaderMode::No)).unwrap_err();
    assert!(matches!(err, MutinfError::Parse { line: 1, ref text, .. } if text == "a"), "{err:?}");
    let table = csv("label,2\n1,3\n", &with_header(HeaderMode::No)).unwrap();
    assert_eq!(table.names(), &["0", "1"]);
    assert_eq!(table.non_numeric(), &[(0, "line 1: 'label'".to_string())]);
    assert_eq!(table.numeric_columns(), vec![1]);
    assert!(table.notes().iter().all(|n| !n.contains("header")));
}

#[test]
fn header_modes_parse_from_flag_values() {
    for (text, mode) in [("auto", HeaderMode::Auto), ("yes", HeaderMode::Yes), ("No", HeaderMode::No), ("true", HeaderMode::Yes)] {
        assert_eq!(text.parse::<HeaderMode>().unwrap(), mode);
    }
    let err = "sometimes".parse::<HeaderMode>().unwrap_err().to_string();
    assert!(err.contains("yes, no or auto"), "{err}");
    assert_eq!(ReadOptions::default().header, HeaderMode::Auto);
}

// 4. pandas index column.

#[test]
fn a_pandas_index_column_is_dropped_with_a_note() {
    let table = csv(",a,b\n0,1.5,2\n1,3,4\n2,5,7\n", &auto()).unwrap();
    assert_eq!(table.names(), &["a", "b"]);
    assert_eq!(table.data(), &array![[1.5, 2.0], [3.0, 4.0], [5.0, 7.0]]);
    assert!(table.notes().contains(&"skipped the leading unnamed column (a pandas index 0..2)".to_string()), "{:?}", table.notes());
    assert!(table.notes()[0].contains("non-numeric field 'a'"), "{:?}", table.notes());
    // Quoted empty name, as some writers produce.
    assert_eq!(csv("\"\",a\n0,1\n1,2\n", &auto()).unwrap().names(), &["a"]);
}

#[test]
fn a_leading_column_that_is_not_a_plain_index_is_kept() {
    // Named: the user's own column.
    let table = csv("idx,a,b\n0,1,2\n1,3,4\n", &auto()).unwrap();
    assert_eq!(table.names(), &["idx", "a", "b"]);
    // Unnamed but not 0..N-1 (a filtered frame's index, or shuffled).
    for text in [",a,b\n1,1,2\n2,3,4\n", ",a,b\n0,1,2\n2,3,4\n", ",a,b\n1,1,2\n0,3,4\n"] {
        let table = csv(text, &auto()).unwrap();
        assert_eq!(table.names(), &["", "a", "b"], "{text}");
        assert!(table.notes().iter().all(|n| !n.contains("pandas")), "{text}");
    }
    // Only in Auto mode: an explicit header keeps every column.
    assert_eq!(csv(",a,b\n0,1,2\n1,3,4\n", &with_header(HeaderMode::Yes)).unwrap().names(), &["", "a", "b"]);
}

// 5. Notes and non-numeric columns.

#[test]
fn a_text_column_is_kept_and_only_selecting_it_fails() {
    let table = csv("id,a,b\nabc,1,2\ndef,2,1\nghi,3,5\n", &auto()).unwrap();
    assert_eq!(table.names(), &["id", "a", "b"]);
    assert_eq!(table.non_numeric(), &[(0, "line 2: 'abc'".to_string())]);
    assert_eq!(table.numeric_columns(), vec![1, 2]);
    assert!(table.data().column(0).iter().all(|v| v.is_nan()));
    assert!(table.notes().iter().any(|n| n.starts_with("column 'id' is not numeric (line 2: 'abc')")), "{:?}", table.notes());

    let data = table.paired("a", "b").unwrap();
    assert_eq!(data.n(), 3);
    for err in [table.paired("id", "b").unwrap_err(), table.paired_indices(&[1], &[0]).unwrap_err(), table.select_numeric(&[0, 1]).unwrap_err()] {
        let msg = err.to_string();
        assert!(msg.starts_with("t.csv: column 'id' is not numeric (line 2: 'abc'); select numeric columns with --x/--y"), "{msg}");
        assert!(msg.contains("the numeric columns are: a, b"), "{msg}");
    }
    assert!(table.check_numeric(&[1, 2]).is_ok());
    assert!(matches!(table.check_numeric(&[3]), Err(MutinfError::ColumnOutOfRange { index: 3, count: 3 })));
    // `select` keeps the marks, re-indexed, so a later check still catches the column.
    let picked = table.select(&[2, 0]);
    assert_eq!(picked.non_numeric(), &[(1, "line 2: 'abc'".to_string())]);
    assert!(picked.check_numeric(&[1]).is_err());
}

#[test]
fn a_late_text_cell_names_its_line() {
    let table = csv("a,b\n1,2\n3,4\n5,n/a\n6,7\n", &auto()).unwrap();
    assert_eq!(table.non_numeric(), &[(1, "line 4: 'n/a'".to_string())]);
    assert_eq!(table.data()[[0, 1]], 2.0);
    let err = table.paired("a", "b").unwrap_err().to_string();
    assert!(err.contains("column 'b' is not numeric (line 4: 'n/a')"), "{err}");
}

#[test]
fn nan_and_inf_cells_are_numbers_that_validation_rejects() {
    for (text, row) in [("a,b\n1,2\nnan,3\n4,5\n", 1), ("a,b\n1,2\n3,1\n-inf,5\n", 2)] {
        let table = csv(text, &auto()).unwrap();
        assert!(table.non_numeric().is_empty(), "{text}");
        let err = table.paired("a", "b").unwrap_err();
        assert!(matches!(err, MutinfError::NonFinite { row: r, ref column, .. } if r == row && column == "a"), "{err:?}");
    }
}

#[test]
fn files_without_numbers_ragged_rows_and_empty_files_still_fail() {
    let err = csv("name,city\nann,oslo\nbob,rome\n", &auto()).unwrap_err();
    assert!(matches!(err, MutinfError::Parse { line: 2, ref column, ref text, .. } if column == "name" && text == "ann"), "{err:?}");
    let err = csv(",a\n0,x\n1,y\n", &auto()).unwrap_err();
    assert!(matches!(err, MutinfError::Parse { ref column, .. } if column == "a"), "{err:?}");
    let err = csv("a,b\n1,2\nx\n", &auto()).unwrap_err();
    assert!(matches!(err, MutinfError::RaggedRow { line: 3, expected: 2, found: 1, .. }), "{err:?}");
    assert!(matches!(csv("", &auto()), Err(MutinfError::Format { .. })));
    assert!(matches!(csv("# only a comment\n\n", &auto()), Err(MutinfError::Format { .. })));
    assert!(matches!(csv("a,b\n", &auto()), Err(MutinfError::Format { .. })));
}

#[test]
fn notes_do_not_affect_equality_and_built_tables_have_none() {
    let read = read_csv_str("x,y\n1,2\n").unwrap();
    assert!(!read.notes().is_empty());
    let built = Table::new(vec!["x".into(), "y".into()], array![[1.0, 2.0]]).unwrap();
    assert!(built.notes().is_empty());
    assert_eq!(read, built);
}
