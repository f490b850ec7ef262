//! Kill-and-resume must reproduce an uninterrupted run exactly. A test binary of its own, so
//! it can pin rayon to one thread before anything else touches the pool.

use std::path::Path;

use burn::module::Module;
use burn::tensor::Device;
use mutinf_train::{Silent, StepReport, TrainObserver, train};

mod common;
use common::{config, request};

struct Collect<'a>(&'a mut Vec<f32>);

impl burn::module::ModuleVisitor for Collect<'_> {
    fn visit_float<const D: usize>(&mut self, param: &burn::module::Param<burn::tensor::Tensor<D>>) {
        self.0.extend(param.val().into_data().try_to_vec::<f32>().unwrap());
    }
}

struct StopAt(u64, u64);

impl TrainObserver for StopAt {
    fn on_step(&mut self, r: &StepReport) {
        self.1 = r.step;
    }
    fn should_stop(&mut self) -> bool {
        self.1 == self.0
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

    // Stop after step 6 (as if killed right after that checkpoint... plus a few lost steps).
    let mut rec = StopAt(6, 0);
    let partial = train(request(Some(config(12)), &resumed, false), &mut rec).unwrap();
    assert_eq!(partial.steps, 6);
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
    let (x, y) = mutinf_train::gaussian_pairs(0.6, 200, &mut rand::SeedableRng::seed_from_u64(1));
    assert_eq!(a.model.estimate(&x, &y, 0).unwrap(), b.model.estimate(&x, &y, 0).unwrap());
}
