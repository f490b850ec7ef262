//! KSG-1 of the first two columns of a CSV file, with timing: the Rust half of
//! `scripts/compare_sklearn.sh` until the CLI exists.
//!
//! ```text
//! cargo run --release -p mutinf-estimators --example ksg_file -- data.csv [k] [repeats]
//! ```
//! Prints `mi=<nats> ms=<median wall ms over repeats> n=<rows>`; runs single-threaded
//! (`parallel(false)`) unless `KSG_PARALLEL=1`.

use anyhow::{Context, Result};
use mutinf_core::Estimator;
use mutinf_estimators::ksg::KsgParams;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args.next().context("usage: ksg_file FILE.csv [k] [repeats]")?;
    let k: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(3);
    let repeats: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(5);
    let table = mutinf_core::io::read_csv(&path)?;
    let data = table.paired_indices(&[0], &[1])?;
    let parallel = std::env::var("KSG_PARALLEL").is_ok_and(|v| v == "1");
    let ksg = KsgParams::new().k(k).parallel(parallel).check()?;
    let mut times = Vec::new();
    let mut mi = f64::NAN;
    for _ in 0..repeats.max(1) {
        let est = ksg.estimate(&data)?;
        mi = est.mi;
        times.push(est.seconds * 1e3);
    }
    times.sort_by(f64::total_cmp);
    println!("mi={mi:.12} ms={:.3} n={}", times[times.len() / 2], data.n());
    Ok(())
}
