//! The training stream: a fresh GMM from the paper's training family for every sequence of every
//! step, prepared on a background thread. Step `s` is a pure function of (seed, s), so a resumed
//! run sees exactly the batches an uninterrupted one would.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use mutinf_gmm::families::PaperTrainFamily;
use mutinf_models::{CopulaSequence, Fold, InfoNetConfig, PreparedBatch, prepare_batch};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::{DataConfig, TrainError};

/// Seed of an independent stream: `base` mixed with a tag, then an index
/// ([`mutinf_core::seed::mix_path`]).
pub fn stream_seed(base: u64, tag: u64, index: u64) -> u64 {
    mutinf_core::seed::mix_path(base, &[tag, index])
}

const TAG_DATA: u64 = 1;

/// One training step's batch.
pub struct StepBatch {
    /// The step it belongs to.
    pub step: u64,
    /// Samples per sequence this step.
    pub samples: usize,
    /// The prepared batch.
    pub batch: PreparedBatch,
}

/// The GMM family a `data.family` name stands for: `"paper-train"` (the paper's training
/// family) or `"paper-mixed"` (the same with half the components' covariances drawn as
/// `A Aᵀ + 0.01 I`, see [`PaperTrainFamily::aat_fraction`]).
pub fn family_by_name(name: &str) -> Result<PaperTrainFamily, TrainError> {
    match name {
        "paper-train" => Ok(PaperTrainFamily::default()),
        "paper-mixed" => Ok(PaperTrainFamily { aat_fraction: 0.5, ..Default::default() }),
        other => Err(TrainError::Config(format!(
            "data.family: unknown family {other:?}; use \"paper-train\" or \"paper-mixed\""
        ))),
    }
}

/// Draws `count` sequences of `n` samples, each from a fresh training-family GMM.
pub fn training_sequences(count: usize, n: usize, rng: &mut StdRng) -> Result<Vec<CopulaSequence>, TrainError> {
    family_sequences(&PaperTrainFamily::default(), count, n, rng)
}

/// Draws `count` sequences of `n` samples, each from a fresh GMM of `family`.
pub fn family_sequences(
    family: &PaperTrainFamily,
    count: usize,
    n: usize,
    rng: &mut StdRng,
) -> Result<Vec<CopulaSequence>, TrainError> {
    (0..count)
        .map(|_| {
            let gmm = family.sample(rng).map_err(|e| TrainError::data("drawing a training mixture", e))?;
            let data = gmm.sample(n, rng);
            let x: Vec<f64> = data.column(0).to_vec();
            let y: Vec<f64> = data.column(1).to_vec();
            CopulaSequence::from_samples(&x, &y).map_err(|e| TrainError::data("copula transform of a sequence", e))
        })
        .collect()
}

/// Builds the batch of one step (deterministic in `seed` and `step`).
pub fn make_step_batch(data: &DataConfig, model: &InfoNetConfig, seed: u64, step: u64) -> Result<StepBatch, TrainError> {
    let mut rng = StdRng::seed_from_u64(stream_seed(seed, TAG_DATA, step));
    let half_min = data.min_samples / 2;
    let half_max = data.max_samples / 2;
    let samples = 2 * rng.random_range(half_min..=half_max);
    let sequences = family_sequences(&family_by_name(&data.family)?, data.batch_size, samples, &mut rng)?;
    let fold = if model.holdout { Fold::FirstToSecond } else { Fold::InSample };
    let batch = prepare_batch(&sequences, model, fold, rng.random())
        .map_err(|e| TrainError::data(format_args!("preparing the batch of step {}", step + 1), e))?;
    Ok(StepBatch { step, samples, batch })
}

/// Background producers of step batches `first..end`: `threads` workers, worker w building
/// steps `first + w, first + w + threads, …`, each `prefetch` ahead; [`next`](Self::next) takes
/// them round-robin, so the batches arrive in step order whatever the number of workers.
pub struct DataStream {
    receivers: Vec<Receiver<Result<StepBatch, TrainError>>>,
    handles: Vec<JoinHandle<()>>,
    next_worker: usize,
}

impl DataStream {
    /// Starts the producer threads (`data.threads`, at least one).
    pub fn start(data: DataConfig, model: InfoNetConfig, seed: u64, first: u64, end: u64) -> Self {
        let workers = data.threads.max(1);
        let mut receivers = Vec::with_capacity(workers);
        let mut handles = Vec::with_capacity(workers);
        for w in 0..workers {
            let (sender, receiver): (SyncSender<_>, _) = sync_channel(data.prefetch.max(1));
            let (data, model) = (data.clone(), model.clone());
            let handle = std::thread::Builder::new()
                .name(format!("infonet-data-{w}"))
                .spawn(move || {
                    for step in (first + w as u64..end).step_by(workers) {
                        let batch = make_step_batch(&data, &model, seed, step);
                        let failed = batch.is_err();
                        if sender.send(batch).is_err() || failed {
                            return;
                        }
                    }
                })
                .expect("spawning a data thread");
            receivers.push(receiver);
            handles.push(handle);
        }
        Self { receivers, handles, next_worker: 0 }
    }

    /// The next batch in step order (blocks until it is ready).
    pub fn next_batch(&mut self) -> Result<StepBatch, TrainError> {
        let worker = self.next_worker;
        self.next_worker = (worker + 1) % self.receivers.len();
        self.receivers[worker].recv().map_err(|_| TrainError::DataThreadStopped)?
    }
}

impl Drop for DataStream {
    fn drop(&mut self) {
        // Unblock the producers by dropping the receivers first, then join them.
        self.receivers.clear();
        for h in self.handles.drain(..) {
            let _ = h.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(threads: usize) -> DataConfig {
        DataConfig {
            batch_size: 3,
            min_samples: 40,
            max_samples: 80,
            family: "paper-train".into(),
            prefetch: 2,
            threads,
        }
    }

    #[test]
    fn the_stream_is_the_same_for_any_number_of_threads() {
        let model = InfoNetConfig::new().with_grid(8);
        let read = |threads: usize| -> Vec<(u64, usize, Vec<f32>)> {
            let mut stream = DataStream::start(data(threads), model.clone(), 9, 5, 12);
            (5..12)
                .map(|_| {
                    let b = stream.next_batch().unwrap();
                    (b.step, b.samples, b.batch.context)
                })
                .collect()
        };
        let one = read(1);
        assert_eq!(one.iter().map(|b| b.0).collect::<Vec<_>>(), (5..12).collect::<Vec<_>>());
        assert_eq!(read(3), one);
        assert_eq!(read(8), one, "more workers than steps");
    }
}
