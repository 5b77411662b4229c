//! What users of the SDK compile: schemars only when they ask for it (the `schemars`
//! feature), and never the crates of the tests or the mocks.

use std::process::Command;

/// The crates `prolific-sdk` compiles for a user, with `features` on top of the defaults.
fn normal_dependencies(features: &[&str]) -> String {
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../sdk/Cargo.toml");
    let output = Command::new(env!("CARGO"))
        .args(["tree", "--manifest-path", manifest, "--edges", "normal"])
        .args(["--prefix", "none", "--offline", "--locked"])
        .args(features.iter().flat_map(|f| ["--features", f]))
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_default_build_compiles_no_schemars_and_the_feature_brings_it() {
    let default = normal_dependencies(&[]);
    assert!(default.contains("reqwest v"), "{default}");
    for absent in ["schemars", "httpmock", "wiremock", "insta"] {
        assert!(
            !default
                .lines()
                .any(|l| l.starts_with(&format!("{absent} v"))),
            "{absent} in {default}"
        );
    }
    let with_schemars = normal_dependencies(&["schemars"]);
    assert!(
        with_schemars.lines().any(|l| l.starts_with("schemars v1.")),
        "{with_schemars}"
    );
}
