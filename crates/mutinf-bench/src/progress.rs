//! Progress bars: shown on a terminal, hidden otherwise (CI logs, pipes, tests).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// A bar of `len` steps labelled `label`; hidden unless `enabled` and stderr is a terminal.
pub fn bar(enabled: bool, len: u64, label: &str) -> ProgressBar {
    if !enabled || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {prefix:>14} [{elapsed_precise}] {bar:30} {pos}/{len} ETA {eta} {msg}")
            .expect("valid template"),
    );
    bar.set_prefix(label.to_string());
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}
