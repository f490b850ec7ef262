//! What a resume finds and says (issue 17): a damaged best model is set aside, unreadable
//! metric lines are reported, a config given with --resume is refused, and a step target the
//! run already reached is said, not silently "trained".

use mutinf_train::{Silent, train};

mod common;
#[allow(unused_imports)]
use common::{WithSteps, config, request};

#[test]
fn resume_validates_what_it_finds() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    // 20 steps: validation every 10 writes best.safetensors.
    let first = train(request(Some(config(20)), &out, false), &mut Silent).unwrap();
    assert!(first.notes.is_empty(), "{:?}", first.notes);
    let best = out.join("best.safetensors");
    let bytes = std::fs::read(&best).unwrap();
    std::fs::write(&best, &bytes[..bytes.len() / 3]).unwrap();
    let metrics = out.join("metrics.jsonl");
    let mut text = std::fs::read_to_string(&metrics).unwrap();
    text.push_str("{\"kind\":\"train\",\"repo");
    std::fs::write(&metrics, text).unwrap();

    // Asking for no more steps than the run has: said, and the damage is found.
    let again = train(request(None, &out, true).with_steps(20), &mut Silent).unwrap();
    let notes = again.notes.join("\n");
    assert!(notes.contains("already at step 20"), "{notes}");
    assert!(notes.contains("did not parse") && notes.contains("metrics.jsonl"), "{notes}");
    assert!(notes.contains("damaged") && out.join("best.safetensors.damaged").exists(), "{notes}");
    assert!(again.best.is_none(), "a damaged best model must not be announced");

    // Continuing writes a new best model at the next validation.
    let more = train(request(None, &out, true).with_steps(30), &mut Silent).unwrap();
    assert!(more.best.is_some() && mutinf_models::read_metadata(&best).is_ok());

    // A config with --resume is refused.
    let err = train(request(Some(config(40)), &out, true), &mut Silent).unwrap_err().to_string();
    assert!(err.contains("--resume") && err.contains("config.toml"), "{err}");
}
