//! Instruction counts of the SDK against the hand-written client (`bench/handwritten`), from
//! Callgrind through gungraun: a count does not drift with the machine's load, so the ratio of
//! two counts means the same on every run. Decoding, encoding, and the create call end to end
//! are counted here; the inputs are built in each benchmark's setup, which is not counted.
//!
//! The end-to-end call goes to `created-server`, a process of its own (Valgrind does not follow
//! it), on one current-thread runtime, over a connection the setup has already opened with one
//! call: what is counted is one steady-state call of the client, request to decoded answer.
//!
//! Needs Valgrind and the gungraun runner of the same version:
//! `cargo install gungraun-runner --version 0.20.0 --locked`. See BENCHMARKS.md.

// gungraun's macros write a module per benchmark, without documentation.
#![allow(missing_docs)]

mod inputs;

use std::hint::black_box;

use gungraun::{library_benchmark, library_benchmark_group, main};
use handwritten_client::{Group, GroupList, NewGroup, StudyList};
use prolific_sdk::types::{
    CreateParticipantGroupRequest, ParticipantGroup, ParticipantGroupList, StudiesListResponse,
};

use inputs::{
    created, handwritten_http, handwritten_request, list_page, sdk_request,
    sdk_request_as_built_for_both, study_page,
};

/// A `created-server` process, stopped when dropped (its input closes).
struct Server {
    child: std::process::Child,
    url: String,
}

impl Server {
    fn start() -> Self {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_created-server"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("created-server starts");
        let mut url = String::new();
        std::io::BufReader::new(child.stdout.take().expect("its output"))
            .read_line(&mut url)
            .expect("created-server prints its URL");
        Server {
            child,
            url: url.trim().to_string(),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

const TOKEN: &str = "bench-token";

/// One side, ready for its steady-state call: the server, a current-thread runtime, the
/// client (one call already made, so the connection is open), and the body for the call. Each
/// side's call owns its body and drops it, as a user's code that builds one per call does.
struct Ready<C, B> {
    _server: Server,
    runtime: tokio::runtime::Runtime,
    client: C,
    body: Option<B>,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn sdk_ready() -> Ready<prolific_sdk::Client, CreateParticipantGroupRequest> {
    let server = Server::start();
    let client = prolific_sdk::Client::builder()
        .token(TOKEN)
        .base_url(&server.url)
        .build()
        .expect("the SDK client builds");
    let ready = Ready {
        runtime: runtime(),
        client,
        body: Some(sdk_request()),
        _server: server,
    };
    create_sdk_once(&ready, sdk_request());
    ready
}

fn handwritten_ready() -> Ready<(reqwest::Client, String), NewGroup> {
    let server = Server::start();
    let client = (handwritten_http(), server.url.clone());
    let ready = Ready {
        runtime: runtime(),
        client,
        body: Some(handwritten_request()),
        _server: server,
    };
    create_handwritten_once(&ready, handwritten_request());
    ready
}

fn create_sdk_once(
    ready: &Ready<prolific_sdk::Client, CreateParticipantGroupRequest>,
    body: CreateParticipantGroupRequest,
) -> ParticipantGroup {
    ready.runtime.block_on(async {
        ready
            .client
            .create_participant_group()
            .body(body)
            .send()
            .await
            .expect("201")
            .into_inner()
    })
}

fn create_handwritten_once(
    ready: &Ready<(reqwest::Client, String), NewGroup>,
    body: NewGroup,
) -> Group {
    ready.runtime.block_on(async {
        let (client, url) = &ready.client;
        handwritten_client::create_group(client, url, TOKEN, &body)
            .await
            .expect("201")
    })
}

#[library_benchmark]
#[bench::documented(setup = sdk_request_as_built_for_both)]
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

#[library_benchmark]
#[bench::hundred_studies(setup = study_page)]
fn decode_study_page_sdk(bytes: Vec<u8>) -> StudiesListResponse {
    black_box(serde_json::from_slice(black_box(&bytes)).expect("decodes"))
}

#[library_benchmark]
#[bench::hundred_studies(setup = study_page)]
fn decode_study_page_handwritten(bytes: Vec<u8>) -> StudyList {
    black_box(serde_json::from_slice(black_box(&bytes)).expect("decodes"))
}

// Each returns its `Ready` beside the answer: dropping the server, the runtime and the client
// then happens after the count, not in it.
#[library_benchmark]
#[bench::documented(setup = sdk_ready)]
fn create_sdk(
    mut ready: Ready<prolific_sdk::Client, CreateParticipantGroupRequest>,
) -> (
    ParticipantGroup,
    Ready<prolific_sdk::Client, CreateParticipantGroupRequest>,
) {
    let body = ready.body.take().expect("one body per call");
    (black_box(create_sdk_once(black_box(&ready), body)), ready)
}

#[library_benchmark]
#[bench::documented(setup = handwritten_ready)]
fn create_handwritten(
    mut ready: Ready<(reqwest::Client, String), NewGroup>,
) -> (Group, Ready<(reqwest::Client, String), NewGroup>) {
    let body = ready.body.take().expect("one body per call");
    (
        black_box(create_handwritten_once(black_box(&ready), body)),
        ready,
    )
}

library_benchmark_group!(name = encode; benchmarks = encode_sdk, encode_handwritten);
library_benchmark_group!(name = create; benchmarks = create_sdk, create_handwritten);
library_benchmark_group!(name = decode; benchmarks = decode_sdk, decode_handwritten);
library_benchmark_group!(
    name = decode_list_page;
    benchmarks = decode_list_page_sdk, decode_list_page_handwritten
);

library_benchmark_group!(
    name = decode_study_page;
    benchmarks = decode_study_page_sdk, decode_study_page_handwritten
);

main!(
    library_benchmark_groups = encode,
    decode,
    decode_list_page,
    decode_study_page,
    create
);
