//! The result of an estimation and the trait every estimator implements.

use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{PairedSamples, Result};

/// ln 2: divide nats by this to get bits.
pub const NATS_PER_BIT: f64 = std::f64::consts::LN_2;

/// Below this an estimate is impossible rather than noisy: estimator bias takes values on
/// independent data a little below zero, never by a whole nat (MI ≥ 0).
pub const IMPLAUSIBLE_BELOW_NATS: f64 = -1.0;

/// A two-sided confidence interval in nats.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ConfidenceInterval {
    /// Lower end, nats.
    pub lower: f64,
    /// Upper end, nats.
    pub upper: f64,
    /// Coverage, e.g. 0.95.
    pub level: f64,
}

/// One MI estimate: the value in nats plus everything needed to judge and reproduce it.
///
/// Serialises to the JSON the CLI prints:
/// `{"method", "mi", "std_error", "ci", "n", "seconds", "params"}`, plus `"notes"` when there are any.
///
/// ```
/// use mutinf_core::MiEstimate;
/// let e = MiEstimate::new("ksg", 0.6931471805599453, 2000).with_param("k", 3);
/// assert!((e.bits() - 1.0).abs() < 1e-12);
/// assert_eq!(e.params["k"], 3);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MiEstimate {
    /// Short method name, e.g. `ksg`, `kde`, `infonet`.
    pub method: String,
    /// The estimate in nats.
    pub mi: f64,
    /// Standard error in nats, where the method has one (Monte-Carlo, bootstrap, sliced, ...).
    pub std_error: Option<f64>,
    /// Confidence interval, where one was computed (e.g. bootstrap percentiles).
    pub ci: Option<ConfidenceInterval>,
    /// Number of paired samples the estimate used.
    pub n: usize,
    /// Wall-clock seconds the estimation took.
    pub seconds: f64,
    /// The parameters that produced it (k, bandwidth, steps, ...), for reproducibility.
    pub params: Map<String, Value>,
    /// Warnings about how far to trust this value on this data (few samples, tied columns,
    /// sliced MI, ...), each a sentence that names the alternative. Omitted from JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl MiEstimate {
    /// An estimate with no uncertainty, no parameters and zero time.
    pub fn new(method: impl Into<String>, mi: f64, n: usize) -> Self {
        Self { method: method.into(), mi, std_error: None, ci: None, n, seconds: 0.0, params: Map::new(), notes: Vec::new() }
    }

    /// The estimate in bits.
    pub fn bits(&self) -> f64 {
        self.mi / NATS_PER_BIT
    }

    /// Sets the standard error (nats).
    pub fn with_std_error(mut self, std_error: f64) -> Self {
        self.std_error = Some(std_error);
        self
    }

    /// Sets the confidence interval.
    pub fn with_ci(mut self, ci: ConfidenceInterval) -> Self {
        self.ci = Some(ci);
        self
    }

    /// Sets the wall-clock time.
    pub fn with_seconds(mut self, seconds: f64) -> Self {
        self.seconds = seconds;
        self
    }

    /// Records one parameter.
    pub fn with_param(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.params.insert(name.to_owned(), value.into());
        self
    }

    /// The estimate, or an error when its value is impossible: not finite, or below
    /// [`IMPLAUSIBLE_BELOW_NATS`] (a diverged optimisation, a broken checkpoint). Front ends call
    /// this before printing, so no command reports such a value as a result.
    ///
    /// ```
    /// use mutinf_core::MiEstimate;
    /// assert!(MiEstimate::new("ksg", -0.02, 500).plausible().is_ok());
    /// assert!(MiEstimate::new("mine", -6.9e32, 500).plausible().is_err());
    /// assert!(MiEstimate::new("infonet", f64::NAN, 500).plausible().is_err());
    /// ```
    pub fn plausible(self) -> Result<Self> {
        if self.mi.is_finite() && self.mi >= IMPLAUSIBLE_BELOW_NATS {
            return Ok(self);
        }
        Err(crate::MutinfError::EstimationFailed {
            method: self.method.clone(),
            reason: format!(
                "it returned {} nats, which no dependence can produce (MI ≥ 0): the method diverged or its network is \
                 broken; for the MINE family lower --lr (or raise --batch), for InfoNet check the checkpoint (without \
                 --checkpoint the built-in one is used), or try --method ksg",
                self.mi
            ),
        })
    }

    /// Adds a note on how far to trust the value (see [`MiEstimate::notes`]).
    ///
    /// ```
    /// let e = mutinf_core::MiEstimate::new("ksg", 0.1, 40).with_note("only 40 samples");
    /// assert_eq!(e.notes, vec!["only 40 samples".to_string()]);
    /// ```
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
}

/// An MI estimator: paired samples in, an estimate in nats out.
///
/// Implementations validate their own parameters at construction (so `estimate` only fails
/// on data the method cannot handle, e.g. N ≤ k) and fill in [`MiEstimate::seconds`]
/// (see [`timed`]). `Sync` so bootstrap and benchmarks can run one estimator on many threads.
///
/// ```
/// use mutinf_core::{Estimator, MiEstimate, PairedSamples, Result, timed};
///
/// /// MI of a bivariate Gaussian fitted by correlation: -1/2 ln(1 - rho^2).
/// struct GaussianFit;
/// impl Estimator for GaussianFit {
///     fn method(&self) -> &str { "gaussian-fit" }
///     fn estimate(&self, data: &PairedSamples) -> Result<MiEstimate> {
///         let (mi, seconds) = timed(|| {
///             let (x, y) = (data.x().column(0).to_owned(), data.y().column(0).to_owned());
///             let (mx, my) = (x.mean().unwrap(), y.mean().unwrap());
///             let cov = ((&x - mx) * (&y - my)).mean().unwrap();
///             let rho = cov / (x.std(0.0) * y.std(0.0));
///             -0.5 * (1.0 - rho * rho).ln()
///         });
///         Ok(MiEstimate::new(self.method(), mi, data.n()).with_seconds(seconds))
///     }
/// }
/// # fn main() -> Result<()> {
/// let data = PairedSamples::from_columns(&[1.0, 2.0, 3.0, 4.0], &[1.0, 3.0, 2.0, 4.0])?;
/// assert!(GaussianFit.estimate(&data)?.mi > 0.0);
/// # Ok(())
/// # }
/// ```
pub trait Estimator: Send + Sync {
    /// Short, stable method name (`ksg`, `kde`, ...), used in output and benchmarks.
    fn method(&self) -> &str;

    /// Estimates I(X;Y) in nats.
    fn estimate(&self, data: &PairedSamples) -> Result<MiEstimate>;

    /// Estimates I(X;Y) for each data set, in order. The default calls
    /// [`estimate`](Self::estimate) once per data set; estimators that batch (InfoNet: one
    /// forward pass per memory-bounded chunk) override it. Each result equals what `estimate`
    /// gives for that data set alone; the first error stops the batch.
    ///
    /// ```
    /// use mutinf_core::{Estimator, MiEstimate, PairedSamples, Result};
    /// struct Rows;
    /// impl Estimator for Rows {
    ///     fn method(&self) -> &str { "rows" }
    ///     fn estimate(&self, data: &PairedSamples) -> Result<MiEstimate> {
    ///         Ok(MiEstimate::new("rows", data.n() as f64, data.n()))
    ///     }
    /// }
    /// # fn main() -> Result<()> {
    /// let a = PairedSamples::from_columns(&[1.0, 2.0, 3.0], &[3.0, 1.0, 2.0])?;
    /// let b = PairedSamples::from_columns(&[1.0, 2.0], &[2.0, 1.0])?;
    /// let all = Rows.estimate_many(&[a, b])?;
    /// assert_eq!(all.iter().map(|e| e.n).collect::<Vec<_>>(), vec![3, 2]);
    /// # Ok(())
    /// # }
    /// ```
    fn estimate_many(&self, data: &[PairedSamples]) -> Result<Vec<MiEstimate>> {
        data.iter().map(|d| self.estimate(d)).collect()
    }
}

/// A borrowed estimator is an estimator, so wrappers such as sliced MI or the bootstrap can
/// run one without owning it.
impl<E: Estimator + ?Sized> Estimator for &E {
    fn method(&self) -> &str {
        (**self).method()
    }

    fn estimate(&self, data: &PairedSamples) -> Result<MiEstimate> {
        (**self).estimate(data)
    }

    fn estimate_many(&self, data: &[PairedSamples]) -> Result<Vec<MiEstimate>> {
        (**self).estimate_many(data)
    }
}

/// Runs `f` and returns its result with the elapsed wall-clock seconds.
///
/// ```
/// let (v, secs) = mutinf_core::timed(|| 2 + 2);
/// assert_eq!(v, 4);
/// assert!(secs >= 0.0);
/// ```
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed().as_secs_f64())
}
