//! What a benchmark ran on: machine, build, versions, model checkpoint, date and command.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

pub use mutinf_core::machine::Machine;

/// The InfoNet checkpoint a run used.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct CheckpointInfo {
    /// Where it came from: a path, or "embedded".
    pub source: String,
    /// Training step, from the metadata (`mutinf.step`).
    pub step: Option<u64>,
    /// Validation Gaussian MAE at that step (`mutinf.validation.gauss_mae`).
    pub gauss_mae: Option<f64>,
    /// Validation order accuracy at that step.
    pub order_accuracy: Option<f64>,
    /// The network configuration (JSON, `mutinf.infonet_config`).
    pub config: Option<String>,
    /// How the estimates read the bound (e.g. `ScaleFitted`, `Trained`), when known.
    pub readout: Option<String>,
}

impl CheckpointInfo {
    /// Reads the fields mutinf-train writes into a checkpoint's metadata.
    pub fn from_metadata(source: impl Into<String>, metadata: &BTreeMap<String, String>) -> Self {
        // A record is informational: a value that does not parse is left out, not an error.
        let meta = mutinf_models::metadata::CheckpointMetadata::from_map(metadata).unwrap_or_default();
        Self {
            source: source.into(),
            step: meta.step,
            gauss_mae: meta.validation_score("gauss_mae"),
            order_accuracy: meta.validation_score("order_accuracy"),
            config: metadata.get(mutinf_models::CONFIG_KEY).cloned(),
            readout: None,
        }
    }
}

/// Everything needed to reproduce or judge a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunRecord {
    /// UTC date and time the run started (`2026-11-22 17:40 UTC`).
    pub date: String,
    /// The command line.
    pub command: String,
    /// The machine.
    pub machine: Machine,
    /// `release` or `debug` (of the binary that ran).
    pub build_profile: String,
    /// Versions: mutinf, burn, ...
    pub versions: BTreeMap<String, String>,
    /// Where the neural networks ran (`Device<Flex(Cpu)>`).
    pub device: String,
    /// The InfoNet checkpoint, when InfoNet ran.
    pub checkpoint: Option<CheckpointInfo>,
    /// The seed.
    pub seed: u64,
    /// Whether this was a `--quick` run.
    pub quick: bool,
}

impl RunRecord {
    /// A record of now on this machine. `build_profile` and `versions` come from the binary
    /// (this crate's own version and burn's are added).
    pub fn new(command: String, build_profile: &str, device: String, seed: u64, quick: bool) -> Self {
        let mut versions = BTreeMap::new();
        versions.insert("mutinf-bench".into(), env!("CARGO_PKG_VERSION").into());
        versions.insert("burn".into(), "0.22.1".into());
        Self {
            date: utc_now(),
            command,
            machine: Machine::detect(),
            build_profile: build_profile.into(),
            versions,
            device,
            checkpoint: None,
            seed,
            quick,
        }
    }

    /// The record as a Markdown bullet list.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "- date: {}", self.date);
        let _ = writeln!(s, "- command: `{}`", self.command);
        let _ = writeln!(s, "- machine: {}", self.machine);
        let _ = writeln!(s, "- build: {} profile; device for neural methods: {}", self.build_profile, self.device);
        let v: Vec<String> = self.versions.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(s, "- versions: {}", v.join(", "));
        if let Some(c) = &self.checkpoint {
            let step = c.step.map_or("?".into(), |s| s.to_string());
            let mae = c.gauss_mae.map_or("?".into(), |v| format!("{v:.4}"));
            let order = c.order_accuracy.map_or("?".into(), |v| format!("{:.1}%", 100.0 * v));
            let readout = c.readout.as_ref().map_or(String::new(), |r| format!("; readout {r}"));
            let _ = writeln!(
                s,
                "- InfoNet checkpoint: {} (step {step}, validation Gaussian MAE {mae}, order accuracy {order}){readout}",
                c.source
            );
        }
        let _ = writeln!(s, "- seed: {}{}", self.seed, if self.quick { " (--quick sizes)" } else { "" });
        s
    }
}

/// Now in UTC as `YYYY-MM-DD HH:MM UTC` (no date crate needed).
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    format_utc(secs)
}

/// Formats Unix seconds as `YYYY-MM-DD HH:MM UTC` (proleptic Gregorian calendar).
pub fn format_utc(unix_seconds: u64) -> String {
    let days = (unix_seconds / 86_400) as i64;
    let rem = unix_seconds % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02} UTC", rem / 3600, (rem % 3600) / 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_utc(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(format_utc(1_700_000_000), "2023-11-14 22:13 UTC");
    }

    #[test]
    fn checkpoint_metadata() {
        let mut m = BTreeMap::new();
        m.insert("mutinf.step".to_string(), "2300".to_string());
        m.insert("mutinf.validation".to_string(), r#"{"gauss_mae":0.0194,"order_accuracy":0.96875}"#.to_string());
        let c = CheckpointInfo::from_metadata("x.safetensors", &m);
        assert_eq!((c.step, c.gauss_mae, c.order_accuracy), (Some(2300), Some(0.0194), Some(0.96875)));
        let mut r = RunRecord::new("mutinf bench gaussian".into(), "release", "cpu".into(), 1, true);
        r.checkpoint = Some(c);
        let md = r.markdown();
        assert!(md.contains("step 2300") && md.contains("96.9%") && md.contains("logical cores"), "{md}");
    }
}
