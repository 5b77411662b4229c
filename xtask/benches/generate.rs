//! The xtask's in-process generation (parse, progenitor, wrap `send()`, prettyplease, header)
//! for the real spec, and for synthesized specs of 10 and 50 operations to show how it grows.
//! The goal for the real spec is under 100 ms. See BENCHMARKS.md.

use std::path::Path;

use criterion::{BenchmarkId, Criterion};
use serde_json::Value;
use xtask::{generate, spec};

/// The real spec with its one operation copied to `n` paths, each with its own operationId.
fn synthesized(real: &Value, n: usize) -> Value {
    let mut spec = real.clone();
    let (path, item) = real["paths"]
        .as_object()
        .and_then(|paths| paths.iter().next())
        .expect("the spec has a path");
    let mut paths = serde_json::Map::new();
    for i in 0..n {
        let mut item = item.clone();
        let id = item["post"]["operationId"].as_str().unwrap().to_string();
        item["post"]["operationId"] = Value::String(format!("{id}-{i}"));
        paths.insert(format!("{path}copy-{i}/"), item);
    }
    spec["paths"] = Value::Object(paths);
    spec
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut criterion = Criterion::default()
        .output_directory(&root.join("target/criterion"))
        .configure_from_args();

    let real =
        spec::load(&root.join("spec/openapi.yaml"), "spec/openapi.yaml").expect("the spec loads");
    let mut group = criterion.benchmark_group("generate");
    group.bench_function("real spec (1 operation)", |b| {
        b.iter(|| generate::generate(&real).expect("it generates"))
    });
    for n in [10, 50] {
        let spec = spec::from_json(&synthesized(&real.raw.value, n), "synthesized")
            .expect("the synthesized spec parses");
        group.bench_with_input(BenchmarkId::new("operations", n), &spec, |b, spec| {
            b.iter(|| generate::generate(spec).expect("it generates"))
        });
    }
    group.finish();
    criterion.final_summary();
}
