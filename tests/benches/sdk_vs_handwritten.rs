//! The SDK against a hand-written reqwest + serde client of the same operation
//! (`bench/handwritten`), side by side: the end-to-end create call on loopback with keep-alive,
//! encoding the documented request, decoding the documented response, and decoding a page of
//! 1,000 groups (the list operation's answer). Prints SDK / hand-written for each (the goal is
//! at most 1.05). See BENCHMARKS.md.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::Criterion;
use handwritten_client::{Group, GroupList, create_group};
use prolific_sdk::Client;
use prolific_sdk::types::{ParticipantGroup, ParticipantGroupList};
use prolific_sdk_tests::{Canned, Loopback, example};

mod inputs;

use inputs::{
    CONNECT_TIMEOUT, CREATED, TIMEOUT, created, handwritten_http, handwritten_request, list_page,
    sdk_request,
};

/// Both sides send the same request with the same settings.
const TOKEN: &str = "bench-token";

fn output_directory() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/criterion")
}

fn main() {
    let mut criterion = Criterion::default()
        .output_directory(&output_directory())
        .configure_from_args();

    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let server = runtime.block_on(Loopback::answering(Canned::json(201, &example(CREATED))));
    let sdk = Client::builder()
        .token(TOKEN)
        .base_url(server.url())
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(TIMEOUT)
        .build()
        .expect("the SDK client builds");
    let http = handwritten_http();
    let (sdk_body, hand_body) = (sdk_request(), handwritten_request());
    let url = server.url();

    let mut group = criterion.benchmark_group("create");
    group.bench_function("sdk", |b| {
        b.iter(|| {
            runtime
                .block_on(sdk.create_participant_group().body(sdk_body.clone()).send())
                .expect("201")
        })
    });
    group.bench_function("handwritten", |b| {
        b.iter(|| {
            runtime
                .block_on(create_group(&http, &url, TOKEN, &hand_body))
                .expect("201")
        })
    });
    group.finish();

    let mut group = criterion.benchmark_group("encode_request");
    group.bench_function("sdk", |b| {
        b.iter(|| serde_json::to_vec(black_box(&sdk_body)).unwrap())
    });
    group.bench_function("handwritten", |b| {
        b.iter(|| serde_json::to_vec(black_box(&hand_body)).unwrap())
    });
    group.finish();

    let response = created();
    let mut group = criterion.benchmark_group("decode_response");
    group.bench_function("sdk", |b| {
        b.iter(|| serde_json::from_slice::<ParticipantGroup>(black_box(&response)).unwrap())
    });
    group.bench_function("handwritten", |b| {
        b.iter(|| serde_json::from_slice::<Group>(black_box(&response)).unwrap())
    });
    group.finish();

    let page = list_page();
    let mut group = criterion.benchmark_group("decode_list_page");
    group.bench_function("sdk", |b| {
        b.iter(|| serde_json::from_slice::<ParticipantGroupList>(black_box(&page)).unwrap())
    });
    group.bench_function("handwritten", |b| {
        b.iter(|| serde_json::from_slice::<GroupList>(black_box(&page)).unwrap())
    });
    group.finish();

    criterion.final_summary();
    let sdk_create = || {
        runtime
            .block_on(sdk.create_participant_group().body(sdk_body.clone()).send())
            .expect("201");
    };
    let hand_create = || {
        runtime
            .block_on(create_group(&http, &url, TOKEN, &hand_body))
            .expect("201");
    };
    paired("create", 20, sdk_create, hand_create);
    paired(
        "encode_request",
        2_000,
        || drop(black_box(serde_json::to_vec(black_box(&sdk_body)).unwrap())),
        || {
            drop(black_box(
                serde_json::to_vec(black_box(&hand_body)).unwrap(),
            ))
        },
    );
    paired(
        "decode_response",
        2_000,
        || {
            drop(black_box(
                serde_json::from_slice::<ParticipantGroup>(&response).unwrap(),
            ))
        },
        || {
            drop(black_box(
                serde_json::from_slice::<Group>(&response).unwrap(),
            ))
        },
    );
    paired(
        "decode_list_page",
        20,
        || {
            drop(black_box(
                serde_json::from_slice::<ParticipantGroupList>(&page).unwrap(),
            ))
        },
        || {
            drop(black_box(
                serde_json::from_slice::<GroupList>(&page).unwrap(),
            ))
        },
    );
    drop(server);
    print_ratios(&[
        "create",
        "encode_request",
        "decode_response",
        "decode_list_page",
    ]);
}

/// Times `sdk` and `hand` interleaved, so that the machine's drift in speed falls on both
/// alike: 100 rounds, each timing a batch of `batch` calls of one side then as many of the
/// other (which side goes first alternates), and prints the median of the per-round ratios with
/// its quartiles.
fn paired(name: &str, batch: usize, mut sdk: impl FnMut(), mut hand: impl FnMut()) {
    const ROUNDS: usize = 100;
    let time = |f: &mut dyn FnMut()| {
        let started = std::time::Instant::now();
        for _ in 0..batch {
            f();
        }
        started.elapsed().as_secs_f64()
    };
    let mut ratios: Vec<f64> = (0..ROUNDS)
        .map(|round| {
            let (s, h) = if round % 2 == 0 {
                let s = time(&mut sdk);
                (s, time(&mut hand))
            } else {
                let h = time(&mut hand);
                (time(&mut sdk), h)
            };
            s / h
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| ratios[((ROUNDS - 1) as f64 * q).round() as usize];
    println!(
        "\n{name}, paired ({ROUNDS} rounds of {batch} calls a side, interleaved): SDK / \
         hand-written median {:.3} (quartiles {:.3} to {:.3})",
        at(0.5),
        at(0.25),
        at(0.75)
    );
}

/// Reads criterion's median estimates and prints SDK / hand-written per group.
fn print_ratios(groups: &[&str]) {
    let median = |group: &str, side: &str| -> Option<f64> {
        let path = output_directory()
            .join(group)
            .join(side)
            .join("new/estimates.json");
        let text = std::fs::read_to_string(path).ok()?;
        let json: serde_json::Value = serde_json::from_str(&text).ok()?;
        json.pointer("/median/point_estimate")?.as_f64()
    };
    println!(
        "\n{:<16} {:>14} {:>14} {:>8}",
        "benchmark", "sdk", "handwritten", "ratio"
    );
    for group in groups {
        match (median(group, "sdk"), median(group, "handwritten")) {
            (Some(sdk), Some(hand)) => println!(
                "{group:<16} {:>14} {:>14} {:>8.3}",
                format_ns(sdk),
                format_ns(hand),
                sdk / hand
            ),
            _ => println!("{group:<16} (not measured in this run)"),
        }
    }
}

fn format_ns(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{ns:.0} ns")
    }
}
