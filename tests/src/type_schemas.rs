//! The JSON Schema of each generated type, as schemars derives it from the Rust type (the
//! SDK's `schemars` feature), in OpenAPI 3.0's dialect: `nullable`, and references to
//! `#/components/schemas/NAME`, as the spec writes them.

use schemars::generate::SchemaSettings;
use serde_json::{Value, json};

/// One JSON line per generated type: its name and its schema as sent and as read.
pub fn all() -> Vec<Value> {
    let mut lines = Vec::new();
    macro_rules! each {
        ($($name:ident),* $(,)?) => {
            $(lines.push(json!({
                "type": stringify!($name),
                "serialize": schema::<prolific_sdk::types::$name>(Contract::Serialize),
                "deserialize": schema::<prolific_sdk::types::$name>(Contract::Deserialize),
            }));)*
        };
    }
    prolific_sdk::for_each_generated_type!(each);
    lines
}

/// Which way a type travels: schemars tells apart what serde writes (a field skipped when
/// empty is optional) from what it accepts (a field with a default is optional).
#[derive(Clone, Copy)]
pub enum Contract {
    /// What `serde::Serialize` writes.
    Serialize,
    /// What `serde::Deserialize` accepts.
    Deserialize,
}

/// The schema of `T` under `contract`, as a JSON value.
pub fn schema<T: schemars::JsonSchema>(contract: Contract) -> Value {
    let settings = match contract {
        Contract::Serialize => SchemaSettings::openapi3().for_serialize(),
        Contract::Deserialize => SchemaSettings::openapi3().for_deserialize(),
    };
    settings
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value()
}
