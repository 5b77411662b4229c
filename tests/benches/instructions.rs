//! Instruction counts of the SDK against the hand-written client (`bench/handwritten`), from
//! Callgrind through gungraun: a count does not drift with the machine's load, so the ratio of
//! two counts means the same on every run. Decoding and encoding are counted here; the inputs
//! are built in each benchmark's setup, which is not counted.
//!
//! Needs Valgrind and the gungraun runner of the same version:
//! `cargo install gungraun-runner --version 0.20.0 --locked`. See BENCHMARKS.md.

// gungraun's macros write a module per benchmark, without documentation.
#![allow(missing_docs)]

mod inputs;

use std::hint::black_box;

use gungraun::{library_benchmark, library_benchmark_group, main};
use handwritten_client::{Group, GroupList, NewGroup};
use prolific_sdk::types::{CreateParticipantGroupRequest, ParticipantGroup, ParticipantGroupList};

use inputs::{created, handwritten_request, list_page, sdk_request};

#[library_benchmark]
#[bench::documented(setup = sdk_request)]
fn encode_sdk(body: CreateParticipantGroupRequest) -> Vec<u8> {
    black_box(serde_json::to_vec(black_box(&body)).expect("encodes"))
}

#[library_benchmark]
#[bench::documented(setup = handwritten_request)]
fn encode_handwritten(body: NewGroup) -> Vec<u8> {
    black_box(serde_json::to_vec(black_box(&body)).expect("encodes"))
}

#[library_benchmark]
#[bench::documented(setup = created)]
fn decode_sdk(bytes: Vec<u8>) -> ParticipantGroup {
    black_box(serde_json::from_slice(black_box(&bytes)).expect("decodes"))
}

#[library_benchmark]
#[bench::documented(setup = created)]
fn decode_handwritten(bytes: Vec<u8>) -> Group {
    black_box(serde_json::from_slice(black_box(&bytes)).expect("decodes"))
}

#[library_benchmark]
#[bench::thousand_groups(setup = list_page)]
fn decode_list_page_sdk(bytes: Vec<u8>) -> ParticipantGroupList {
    black_box(serde_json::from_slice(black_box(&bytes)).expect("decodes"))
}

#[library_benchmark]
#[bench::thousand_groups(setup = list_page)]
fn decode_list_page_handwritten(bytes: Vec<u8>) -> GroupList {
    black_box(serde_json::from_slice(black_box(&bytes)).expect("decodes"))
}

library_benchmark_group!(name = encode; benchmarks = encode_sdk, encode_handwritten);
library_benchmark_group!(name = decode; benchmarks = decode_sdk, decode_handwritten);
library_benchmark_group!(
    name = decode_list_page;
    benchmarks = decode_list_page_sdk, decode_list_page_handwritten
);

main!(library_benchmark_groups = encode, decode, decode_list_page);
