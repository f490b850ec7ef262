//! Stop-and-resume must reproduce an uninterrupted run exactly. A test binary of its own, so
//! it can pin rayon to one thread before anything else touches the pool.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use burn::module::Module;
use burn::tensor::Device;
use mutinf_train::{RunDir, Silent, StepReport, TrainObserver, train};

mod common;
use common::{config, request};

struct Collect<'a>(&'a mut Vec<f32>);

impl burn::module::ModuleVisitor for Collect<'_> {
    fn visit_float<const D: usize>(&mut self, param: &burn::module::Param<burn::tensor::Tensor<D>>) {
        self.0.extend(param.val().into_data().try_to_vec::<f32>().unwrap());
    }
}

/// A stop request the way `mutinf train`'s Ctrl-C handler makes one: a shared flag, set here
/// (as if by the handler thread) during step `at`, read by `should_stop` at the step boundary.
struct StopAt {
    at: u64,
    flag: Arc<AtomicBool>,
}

impl TrainObserver for StopAt {
    fn on_step(&mut self, r: &StepReport) {
        if r.step == self.at {
            self.flag.store(true, Ordering::SeqCst);
        }
    }
    fn should_stop(&mut self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
}

#[test]
fn kill_and_resume_equals_an_uninterrupted_run() {
    // Bit-exact comparison needs a fixed floating-point summation order: with several rayon
    // threads, parallel reductions may add in a different order from run to run.
    let _ = rayon::ThreadPoolBuilder::new().num_threads(1).build_global();
    let dir = tempfile::tempdir().unwrap();
    let straight = dir.path().join("straight");
    let resumed = dir.path().join("resumed");
    let a = train(request(Some(config(12)), &straight, false), &mut Silent).unwrap();

    // Stop request during step 6 (Ctrl-C): the run stops there and checkpoints step 6, which
    // is not a multiple of the config's checkpoint interval (4).
    let mut rec = StopAt { at: 6, flag: Arc::new(AtomicBool::new(false)) };
    let partial = train(request(Some(config(12)), &resumed, false), &mut rec).unwrap();
    assert_eq!(partial.steps, 6);
    assert!(partial.last_checkpoint.ends_with("checkpoints/step-00000006"), "{}", partial.last_checkpoint.display());
    let (latest, state) = RunDir::open(&resumed).unwrap().latest_state().unwrap();
    assert_eq!((latest, state.step), (partial.last_checkpoint.clone(), 6));
    let b = train(request(None, &resumed, true), &mut Silent).unwrap();
    assert_eq!(b.steps, 12);

    // Same weights, tensor for tensor (the files' metadata differ: wall time).
    let weights = |p: &Path| {
        let file = p.join("checkpoints/step-00000012/model.safetensors");
        let (net, _) = mutinf_models::load_checkpoint(&file, &Device::flex()).unwrap();
        let mut out = Vec::new();
        net.visit(&mut Collect(&mut out));
        out
    };
    let (wa, wb) = (weights(&straight), weights(&resumed));
    assert!(!wa.is_empty());
    let max_diff = wa.iter().zip(&wb).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    assert!(wa == wb, "resumed weights differ from the uninterrupted run (max |diff| {max_diff})");
    let (x, y) = mutinf_train::gaussian_pairs(0.6, 200, &mut <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(1));
    assert_eq!(a.model.estimate(&x, &y, 0).unwrap(), b.model.estimate(&x, &y, 0).unwrap());
}
