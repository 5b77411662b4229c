//! Shared helpers of the SDK's integration tests (`tests/tests/*.rs`) and of the SDK's
//! example: a loopback HTTP server that records every request, the spec's examples and
//! schemas, and a mock of the create endpoint that checks requests against the spec.

pub mod examples;
mod loopback;
pub mod mock;
mod spec;

pub use loopback::{Canned, Loopback, Recorded};
pub use spec::{example, schema_errors, schema_errors_in, spec};
