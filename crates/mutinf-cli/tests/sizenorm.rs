//! `mutinf sizenorm`: generate synthetic animals, fit them back, posteriors CSV, bad input.

mod e2e;

use mutinf_core::io::read_csv;
use e2e::{run_json, run_usage_error};

#[test]
fn generate_then_fit_recovers_the_animal_component_mi() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let truth = run_json([
        "sizenorm", "generate", "--out", &path("a.csv"), "--out", &path("b.npy"), "--keypoints", "4", "--dims", "2",
        "--latent-dim", "2", "--components", "3", "--frames", "1500", "--seed", "3", "--params-out", &path("truth.json"),
    ]);
    assert_eq!(truth["animals"].as_u64(), Some(2));
    let true_mi = truth["mi_animal_component"].as_f64().unwrap();
    let a = read_csv(path("a.csv")).unwrap();
    assert_eq!((a.nrows(), a.ncols()), (1500, 8));
    assert_eq!(a.names()[..2], ["k0_0".to_string(), "k0_1".to_string()]);
    let params: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path("truth.json")).unwrap()).unwrap();
    assert_eq!(params["weights"].as_array().unwrap().len(), 2);

    let fit = run_json([
        "sizenorm", "fit", "--animal", &path("a.csv"), "--animal", &path("b.npy"), "--latent-dim", "2", "--components",
        "3", "--out", &path("fit.json"), "--posteriors", &path("post.csv"), "--format", "json", "--bootstrap", "50",
    ]);
    for key in ["log_likelihood", "iterations", "mi_animal_component"] {
        assert!(fit.get(key).is_some(), "{key} missing: {fit}");
    }
    let mi = fit["mi_animal_component"].as_f64().unwrap();
    assert!((mi - true_mi).abs() < 0.03, "MI {mi} vs true {true_mi}");
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path("fit.json")).unwrap()).unwrap();
    assert_eq!(doc["animals"].as_array().unwrap().len(), 2);
    assert_eq!(doc["animals"][0]["map"].as_array().unwrap().len(), 8);
    assert_eq!(doc["model"]["means"].as_array().unwrap().len(), 3);

    let post = read_csv(path("post.csv")).unwrap();
    let names: Vec<&str> = post.names().iter().map(String::as_str).collect();
    assert_eq!(names, ["animal", "frame", "p0", "p1", "p2", "x0", "x1"]);
    assert_eq!(post.nrows(), 3000);
    let d = post.data();
    assert_eq!((d[[1499, 0]], d[[1499, 1]], d[[1500, 0]], d[[1500, 1]]), (0.0, 1499.0, 1.0, 0.0));
    for r in 0..post.nrows() {
        assert!((d[[r, 2]] + d[[r, 3]] + d[[r, 4]] - 1.0).abs() < 1e-9);
    }
}

#[test]
fn bad_input_is_a_usage_error_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    std::fs::write(path("a.csv"), "a,b,c\n1,2,3\n4,5,6\n7,8,9\n1,0,2\n").unwrap();
    std::fs::write(path("narrow.csv"), "a,b\n1,2\n4,5\n7,8\n1,0\n").unwrap();
    std::fs::write(path("nan.csv"), "a,b,c\n1,2,3\n4,NaN,6\n7,8,9\n1,0,2\n").unwrap();
    let fit = |animals: &[&str], m: &str| {
        let mut args = vec!["sizenorm".to_string(), "fit".into()];
        for a in animals {
            args.extend(["--animal".to_string(), path(a)]);
        }
        args.extend(["--latent-dim", m, "--components", "2", "--out"].map(String::from));
        args.push(path("fit.json"));
        run_usage_error(args)
    };
    assert!(fit(&["a.csv", "narrow.csv"], "1").contains("same keypoint layout"));
    assert!(fit(&["a.csv"], "4").contains("M <= KD"));
    assert!(fit(&["a.csv"], "3").contains("supply more frames"));
    let nan = fit(&["nan.csv"], "1");
    assert!(nan.contains("nan.csv") || nan.contains("non-finite") || nan.contains("NaN"), "{nan}");
    assert!(fit(&["a.csv"], "0").contains("latent_dim"));
}
