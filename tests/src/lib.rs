//! Shared helpers of the SDK's integration tests (`tests/tests/suite/` and `tests/tests/tracing_events.rs`) and of the SDK's
//! examples: a recording loopback server (on wiremock), a server of raw bytes for answers no
//! conforming server sends, the spec's examples, schemas and operations, and a stateful mock of
//! the whole API, driven by the spec, that checks requests (and its own answers) against it; the
//! JSON Schema of each generated type.

pub mod examples;
mod loopback;
pub mod mock;
pub mod raw;
mod spec;
pub mod type_schemas;

pub use loopback::{Canned, Loopback, Recorded};
pub use spec::{
    Documented, Operation, example, operations, read_body, schema_errors, schema_errors_in, spec,
};
