//! Tests of the Prolific SDK; see `tests/`.
