//! The machine a computation ran on, for the records benchmarks and checkpoints keep.

use serde::{Deserialize, Serialize};

/// A machine: CPU, cores, memory, OS.
///
/// ```
/// let m = mutinf_core::machine::Machine::detect();
/// assert!(m.cores >= 1);
/// assert!(m.to_string().contains("cores"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    /// Logical CPUs available to this process.
    pub cores: usize,
    /// The CPU model from /proc/cpuinfo ("unknown" elsewhere).
    pub cpu: String,
    /// OS and architecture (`linux x86_64`).
    pub os: String,
    /// Total memory in GiB from /proc/meminfo, when readable.
    pub memory_gib: Option<f64>,
}

impl Machine {
    /// Reads this machine's description.
    pub fn detect() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(':'))
            .map_or_else(|| "unknown".to_string(), |(_, v)| v.trim().to_string());
        let memory_gib = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
                .map(|kb| (kb / 1024.0 / 1024.0 * 10.0).round() / 10.0)
        });
        Self { cores, cpu, os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH), memory_gib }
    }
}

impl std::fmt::Display for Machine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({} logical cores", self.cpu, self.cores)?;
        if let Some(m) = self.memory_gib {
            write!(f, ", {m} GiB RAM")?;
        }
        write!(f, "), {}", self.os)
    }
}
