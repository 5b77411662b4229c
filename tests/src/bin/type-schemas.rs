//! `type-schemas`: prints, as JSON lines, the JSON Schema schemars derives from each of the
//! SDK's generated types, once as the SDK sends it (`serialize`) and once as it reads it
//! (`deserialize`): `{"type": NAME, "serialize": SCHEMA, "deserialize": SCHEMA}`.
//! `cargo xtask check` holds them against the spec (rule `types-match-spec`); the xtask cannot
//! link the SDK it generates, so it runs this.

fn main() {
    for line in prolific_sdk_tests::type_schemas::all() {
        println!("{line}");
    }
}
