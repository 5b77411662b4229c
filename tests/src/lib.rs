//! Shared helpers of the SDK's integration tests (`tests/tests/*.rs`) and of the SDK's
//! example: a loopback HTTP server that records every request, the spec's examples and
//! schemas and operations, and a stateful mock of the participant-groups API that checks
//! requests (and its own answers) against the spec.

pub mod examples;
mod loopback;
pub mod mock;
pub mod raw;
mod spec;

pub use loopback::{Canned, Loopback, Recorded};
pub use spec::{Operation, example, operations, schema_errors, schema_errors_in, spec};
