//! The SDK's integration tests, in one test binary: each file below is a module of it, so the
//! SDK and its dependencies are linked once for all of them, not once per file (27 binaries took
//! 1.7 GB of target/ in a debug build, 630 MB in CI's build without debug info).
//! `tests/tracing_events.rs` is the one other binary, for the reason it gives. Snapshots are in
//! `snapshots/`, named `suite__<module>__<name>.snap`.

#[path = "../common/mod.rs"]
mod common;

mod call_settings;
mod client_on_the_wire;
mod create_participant_group;
mod dependencies;
mod errors_and_retries;
mod example_cli;
mod generated_types;
mod json_lines;
mod mock;
mod nothing_lost;
mod operations;
mod pages;
mod paths_and_bodies;
mod presigned_transfers;
mod public_api;
mod request_bodies;
mod requests_on_the_wire;
mod responses;
mod secrets;
mod spec_conformance;
mod study_tokens;
mod subscription_confirmation;
mod text_responses;
mod uploads;
mod webhook_deliveries;
mod webhooks;
