//! 100 creates in flight through one client, SDK against hand-written, each side in a process
//! of its own so that its peak memory is its own: the parent starts one loopback server, then
//! runs the two sides as child processes in turn (which goes first alternates), and prints the
//! median of the per-pair ratios of total time with its quartiles, and each side's peak
//! resident memory (`VmHWM`). See BENCHMARKS.md.
//!
//! `cargo bench -p prolific-sdk-tests --bench concurrency`

mod inputs;

use std::process::Command;
use std::time::Instant;

use handwritten_client::create_group;
use prolific_sdk::Client;
use prolific_sdk_tests::{Canned, Loopback, example};

use inputs::{CREATED, handwritten_http, handwritten_request, sdk_request};

/// Calls in flight at once, through one client.
const IN_FLIGHT: usize = 100;
/// Pairs of child processes (one per side each).
const PAIRS: usize = 100;
const TOKEN: &str = "bench-token";

fn main() {
    let mut args = std::env::args().skip(1);
    match (args.next().as_deref(), args.next()) {
        (Some("--child"), Some(side)) => child(&side),
        // `cargo bench` passes `--bench`; anything else runs the parent.
        _ => parent(),
    }
}

/// Starts the server, runs the sides in turn, prints the figures.
fn parent() {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let server = runtime.block_on(Loopback::answering(Canned::json(201, &example(CREATED))));
    let run = |side: &str| -> (f64, u64) {
        let out = Command::new(std::env::current_exe().expect("this benchmark's path"))
            .args(["--child", side])
            .env("BENCH_URL", server.url())
            .output()
            .expect("the child runs");
        assert!(
            out.status.success(),
            "{side}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let mut fields = text.split_whitespace();
        let seconds = fields.next().and_then(|s| s.parse().ok()).expect("seconds");
        let peak_kib = fields
            .next()
            .and_then(|s| s.parse().ok())
            .expect("peak memory");
        (seconds, peak_kib)
    };
    let (mut ratios, mut peaks) = (Vec::new(), (Vec::new(), Vec::new()));
    for pair in 0..PAIRS {
        let (sdk, hand) = if pair % 2 == 0 {
            let sdk = run("sdk");
            (sdk, run("handwritten"))
        } else {
            let hand = run("handwritten");
            (run("sdk"), hand)
        };
        ratios.push(sdk.0 / hand.0);
        peaks.0.push(sdk.1);
        peaks.1.push(hand.1);
    }
    ratios.sort_by(f64::total_cmp);
    peaks.0.sort();
    peaks.1.sort();
    let at = |q: f64| ratios[((PAIRS - 1) as f64 * q).round() as usize];
    println!(
        "{IN_FLIGHT} creates in flight, paired ({PAIRS} pairs of processes): SDK / hand-written \
         total time median {:.3} (quartiles {:.3} to {:.3})",
        at(0.5),
        at(0.25),
        at(0.75)
    );
    println!(
        "peak resident memory, median (min to max) of {PAIRS} processes: SDK {} KiB ({} to {}), \
         hand-written {} KiB ({} to {})",
        peaks.0[PAIRS / 2],
        peaks.0[0],
        peaks.0[PAIRS - 1],
        peaks.1[PAIRS / 2],
        peaks.1[0],
        peaks.1[PAIRS - 1]
    );
}

/// One side: `IN_FLIGHT` creates at once through one client (each a task holding a clone, as a
/// user's concurrent code would); prints the seconds they took and the process's peak resident
/// memory in KiB.
fn child(side: &str) {
    let url = std::env::var("BENCH_URL").expect("BENCH_URL");
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let started = Instant::now();
    runtime.block_on(async {
        let mut calls = tokio::task::JoinSet::new();
        match side {
            "sdk" => {
                let client = Client::builder()
                    .token(TOKEN)
                    .base_url(&url)
                    .build()
                    .expect("the SDK client builds");
                let body = sdk_request();
                for _ in 0..IN_FLIGHT {
                    let (client, body) = (client.clone(), body.clone());
                    calls.spawn(async move {
                        client
                            .create_participant_group()
                            .body(body)
                            .send()
                            .await
                            .map(drop)
                            .map_err(|e| e.to_string())
                    });
                }
            }
            _ => {
                let client = handwritten_http();
                let body = handwritten_request();
                for _ in 0..IN_FLIGHT {
                    let (client, body, url) = (client.clone(), body.clone(), url.clone());
                    calls.spawn(async move {
                        create_group(&client, &url, TOKEN, &body).await.map(drop)
                    });
                }
            }
        }
        while let Some(call) = calls.join_next().await {
            call.expect("the call ran").expect("201");
        }
    });
    let seconds = started.elapsed().as_secs_f64();
    println!("{seconds} {}", peak_resident_kib());
}

/// The process's peak resident memory (`VmHWM` in /proc/self/status), in KiB.
fn peak_resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
