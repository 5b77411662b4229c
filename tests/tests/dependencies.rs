//! What users of the SDK compile: schemars and the JWT code only when they ask for them (the
//! `schemars` and `study-tokens` features), and never the crates of the tests or the mocks.

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

#[test]
fn a_default_build_compiles_no_jwt_code_and_study_tokens_brings_it() {
    let has = |tree: &str, name: &str| tree.lines().any(|l| l.starts_with(&format!("{name} v")));
    let default = normal_dependencies(&[]);
    assert!(!has(&default, "jsonwebtoken"), "{default}");
    let with_tokens = normal_dependencies(&["study-tokens"]);
    assert!(has(&with_tokens, "jsonwebtoken"), "{with_tokens}");
    // Its crypto is the one rustls already builds: no second RSA implementation.
    for absent in ["rsa", "ring"] {
        assert!(!has(&with_tokens, absent), "{absent} in {with_tokens}");
    }
}
