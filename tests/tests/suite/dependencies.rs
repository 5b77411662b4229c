//! What users of the SDK compile: schemars, the webhooks' HMAC and the JWT code only when they
//! ask for them (the `schemars`, `webhooks` and `study-tokens` features), no crypto at all
//! without TLS, and never the crates of the tests or the mocks.

use std::process::Command;

/// The crates `prolific-sdk` compiles for a user, with `features` on top of the defaults.
fn normal_dependencies(features: &[&str]) -> String {
    tree(&[], features)
}

/// The crates `prolific-sdk` compiles for a user, with `flags` (`--no-default-features`) and
/// `features`.
fn tree(flags: &[&str], features: &[&str]) -> String {
    let features: Vec<&str> = features.iter().flat_map(|f| ["--features", *f]).collect();
    cargo_tree(&[&["--edges", "normal"], flags, &features].concat())
}

/// `cargo tree` of `prolific-sdk` with `args`, one crate a line, without the tree's drawing.
fn cargo_tree(args: &[&str]) -> String {
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../sdk/Cargo.toml");
    let output = Command::new(env!("CARGO"))
        .args(["tree", "--manifest-path", manifest])
        .args(["--prefix", "none", "--offline", "--locked"])
        .args(args)
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

#[test]
fn without_default_features_or_opt_ins_no_crypto_crate_is_compiled() {
    let has = |tree: &str, name: &str| tree.lines().any(|l| l.starts_with(&format!("{name} v")));
    let bare = tree(&["--no-default-features"], &[]);
    assert!(has(&bare, "reqwest"), "{bare}");
    for crypto in [
        "hmac",
        "sha2",
        "jsonwebtoken",
        "aws-lc-rs",
        "ring",
        "rsa",
        "rustls",
    ] {
        assert!(!has(&bare, crypto), "{crypto} in {bare}");
    }
    let webhooks = tree(&["--no-default-features"], &["webhooks"]);
    for crypto in ["hmac", "sha2"] {
        assert!(has(&webhooks, crypto), "{crypto} not in {webhooks}");
    }
    assert!(!has(&webhooks, "jsonwebtoken"), "{webhooks}");
}

#[test]
fn the_sdk_its_examples_and_doctests_depend_only_on_published_crates() {
    let tree = cargo_tree(&["--edges", "normal,dev", "--depth", "1", "--all-features"]);
    let direct: Vec<&str> = tree.lines().skip(1).filter(|l| !l.is_empty()).collect();
    assert!(direct.iter().any(|l| l.starts_with("clap v")), "{tree}");
    // A crate of this workspace is shown with its folder: `prolific-sdk-tests v0.0.0 (/..)`.
    let local: Vec<&&str> = direct.iter().filter(|l| l.contains("(/")).collect();
    assert!(local.is_empty(), "not published: {local:?}");
}
