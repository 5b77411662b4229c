//! `spec-examples SPEC`: checks every example of SPEC (YAML or JSON) against its schema and the
//! SDK's generated types, and prints the findings as JSON lines. `cargo xtask check` runs it
//! (the xtask cannot link the SDK: it generates it). Exits 0 when it checked every example,
//! whatever the findings say (they are the result); 2 when the spec cannot be read. `check`
//! trusts the lines only after an exit 0: a run cut short is not a pass.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: spec-examples SPEC");
        return ExitCode::from(2);
    };
    let spec: serde_json::Value = match std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_yaml_ng::from_str(&text).map_err(|e| e.to_string()))
    {
        Ok(spec) => spec,
        Err(e) => {
            eprintln!("{path}: cannot read the spec: {e}");
            return ExitCode::from(2);
        }
    };
    for finding in prolific_sdk_tests::examples::check_examples(&spec) {
        println!(
            "{}",
            serde_json::to_string(&finding).expect("a finding encodes")
        );
    }
    ExitCode::SUCCESS
}
