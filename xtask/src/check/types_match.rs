//! Rule `types-match-spec`: the JSON Schema schemars derives from each generated Rust type
//! (tests crate, `type-schemas`) held against the spec's schema of the same name: properties,
//! required or optional on the wire (as the SDK sends it and as it reads it), nullable, types
//! and item types, enum values. typify makes choices the spec does not state (a non-required
//! array becomes a `Vec` that is left out when empty; a nullable `allOf` may lose its `null`);
//! this is where such a choice is caught, named by type and field.

use std::collections::BTreeSet;

use serde_json::Value;

use spec_model::Index;

use crate::generate::names::RustNames;

/// The schemas of one generated type, as `type-schemas` prints them.
pub struct RustType {
    /// The type's name, e.g. `ParticipantGroup`.
    pub name: String,
    /// Its schema as the SDK writes it.
    pub serialize: Value,
    /// Its schema as the SDK reads it.
    pub deserialize: Value,
}

impl RustType {
    /// Reads one line of `type-schemas`.
    pub fn from_line(line: &Value) -> Option<RustType> {
        Some(RustType {
            name: line.get("type")?.as_str()?.to_string(),
            serialize: openapi_nullable(line.get("serialize")?.clone()),
            deserialize: openapi_nullable(line.get("deserialize")?.clone()),
        })
    }
}

/// schemars' OpenAPI 3.0 dialect rewrites `type: [X, "null"]` as `type: X, nullable: true` at
/// the top of a schema but not inside its definitions; this finishes the job everywhere. It
/// also writes an `Option` of a named type as `anyOf: [{$ref: X}, <null>]`, which the spec
/// writes `allOf: [{$ref: X}], nullable: true`: rewritten so, the referenced type's enum values
/// and fields are compared like any other.
fn openapi_nullable(mut schema: Value) -> Value {
    if let Value::Object(map) = &mut schema {
        let option_of = match map
            .get("anyOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([some, none]) if only_null(none) => Some(some.clone()),
            Some([none, some]) if only_null(none) => Some(some.clone()),
            _ => None,
        };
        if let Some(some) = option_of {
            map.remove("anyOf");
            map.insert("allOf".into(), Value::Array(vec![some]));
            map.insert("nullable".into(), Value::Bool(true));
        }
        if let Some(Value::Array(types)) = map.get("type").cloned() {
            let others: Vec<&Value> = types
                .iter()
                .filter(|t| t.as_str() != Some("null"))
                .collect();
            if let [only] = others.as_slice() {
                map.insert("type".into(), (*only).clone());
                if others.len() < types.len() {
                    map.insert("nullable".into(), Value::Bool(true));
                }
            }
        }
        for value in map.values_mut() {
            *value = openapi_nullable(value.take());
        }
    } else if let Value::Array(items) = &mut schema {
        for value in items {
            *value = openapi_nullable(value.take());
        }
    }
    schema
}

/// A schema that holds only null, as schemars writes one: `type: null` or `enum: [null]`.
fn only_null(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
        || schema.get("enum") == Some(&Value::Array(vec![Value::Null]))
}

/// The types a Rust type's schema defines besides itself: typify names the spec's inline
/// schemas (`BaseStudyProlificIdOption` for an inline enum) and schemars lists them as
/// definitions of the types that use them, where they are compared field by field.
fn defined_within(ty: &RustType) -> impl Iterator<Item = &String> {
    [&ty.serialize, &ty.deserialize]
        .into_iter()
        .flat_map(|schema| {
            schema
                .pointer("/components/schemas")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|definitions| definitions.keys())
        })
}

/// Each mismatch: (place, what differs and what to do).
/// `names` are the Rust names typify gave the spec's types.
pub fn mismatches(spec: &Value, types: &[RustType], names: &RustNames) -> Vec<(String, String)> {
    let spec = Index::new(spec);
    let mut found = Vec::new();
    let mut named: BTreeSet<String> = BTreeSet::new();
    for (name, schema) in spec.schemas() {
        let Some(rust_name) = names.schema(name).map(str::to_string) else {
            found.push((
                format!("components.schemas.{name}"),
                "progenitor generated no type for it; run `cargo xtask generate`".to_string(),
            ));
            continue;
        };
        named.insert(rust_name.clone());
        let Some(ty) = types.iter().find(|t| t.name == rust_name) else {
            found.push((
                format!("components.schemas.{name}"),
                format!("no generated type `{rust_name}`; run `cargo xtask generate` and rebuild"),
            ));
            continue;
        };
        let sides = Sides {
            spec,
            sent: Index::new(&ty.serialize),
            read: Index::new(&ty.deserialize),
        };
        sides.compare(
            &rust_name,
            schema,
            &ty.serialize,
            &ty.deserialize,
            &mut found,
            false,
        );
    }
    // A parameter's inline enum is a type of its own, which typify names after the operation
    // and the parameter (`GetStudiesState`); its values are held against the parameter's.
    for operation in spec.operations() {
        let Some(id) = operation.id else { continue };
        let parameters = operation.value.get("parameters").and_then(Value::as_array);
        for parameter in parameters.into_iter().flatten().map(|p| spec.resolve(p)) {
            let name = parameter
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let Some(schema) = parameter.get("schema").filter(|s| s.get("enum").is_some()) else {
                continue;
            };
            let place = format!("{} parameter `{name}`", operation.label());
            let Some(rust_name) = names.parameter(id, name).map(str::to_string) else {
                found.push((
                    place,
                    "progenitor generated no type for its values; run `cargo xtask generate`"
                        .to_string(),
                ));
                continue;
            };
            named.insert(rust_name.clone());
            let Some(ty) = types.iter().find(|t| t.name == rust_name) else {
                found.push((
                    place,
                    format!(
                        "no generated type `{rust_name}`; run `cargo xtask generate` and rebuild"
                    ),
                ));
                continue;
            };
            let read = Index::new(&ty.deserialize);
            let (want, have) = (values(schema), values(&read.flatten(&ty.deserialize)));
            if want != have {
                found.push((
                    place,
                    format!("the spec's values are {want:?}, the Rust type's {have:?}"),
                ));
            }
        }
    }
    let inline: BTreeSet<&String> = types
        .iter()
        .filter(|t| named.contains(&t.name))
        .flat_map(defined_within)
        .collect();
    for ty in types
        .iter()
        .filter(|t| !named.contains(&t.name) && !inline.contains(&t.name))
    {
        found.push((
            ty.name.clone(),
            "a generated type with no schema in the spec; run `cargo xtask generate` and rebuild"
                .to_string(),
        ));
    }
    found
}

/// The spec, and the Rust type's two schemas (each resolving its own references).
struct Sides<'a> {
    spec: Index<'a>,
    sent: Index<'a>,
    read: Index<'a>,
}

impl Sides<'_> {
    /// Whether `type_name` (as the index writes it) is one of the spec's named schemas.
    fn names_a_schema(&self, type_name: &str) -> bool {
        self.spec.schemas().any(|(name, _)| name == type_name)
    }

    fn compare(
        &self,
        place: &str,
        spec: &Value,
        sent: &Value,
        read: &Value,
        found: &mut Vec<(String, String)>,
        named: bool,
    ) {
        // A recursive schema would recurse forever; real types are far shallower than this.
        if place.matches('.').count() > 8 {
            return;
        }
        let mut differ = |what: String| found.push((place.to_string(), what));
        let (want, have) = (shape(&self.spec, spec), shape(&self.read, read));
        if want != have {
            differ(format!("the spec says {want}, the Rust type holds {have}"));
            return;
        }
        let (want, have) = (
            values(&self.spec.flatten(spec)),
            values(&self.read.flatten(read)),
        );
        if want != have {
            differ(format!(
                "the spec's values are {want:?}, the Rust type's {have:?}"
            ));
        }

        // A field or item that names a schema: its fields are compared under that name.
        if named {
            return;
        }
        let spec_fields = self.spec.fields(spec);
        let (sent_fields, read_fields) = (self.sent.fields(sent), self.read.fields(read));
        for (name, field) in &spec_fields {
            let at = format!("{place}.{name}");
            let (Some(out), Some(back)) = (sent_fields.get(name), read_fields.get(name)) else {
                found.push((at, "in the spec, not in the Rust type".to_string()));
                continue;
            };
            let mut differ = |what: &str| found.push((at.clone(), what.to_string()));
            if field.required && !out.required {
                differ(
                    "required in the spec, but the SDK leaves it out when it is empty or unset \
                     (`skip_serializing_if`)",
                );
            }
            if !field.required && out.required {
                differ("optional in the spec, but the SDK always sends it (as null when unset)");
            }
            if field.required && !back.required && !field.nullable {
                differ(
                    "required in the spec, but the Rust type reads a body without it \
                     (`#[serde(default)]`)",
                );
            }
            if !field.required && back.required {
                differ("optional in the spec, but the Rust type rejects a body without it");
            }
            if field.nullable && !accepts_null(&self.read, &back.schema) {
                differ(
                    "nullable in the spec, but the Rust type cannot hold null; make the spec's \
                     null explicit where typify reads it (`nullable: true` on the property)",
                );
            }
            if !field.nullable && field.required && accepts_null(&self.read, &back.schema) {
                differ("neither nullable nor optional in the spec, but the Rust type holds null");
            }
            let (spec_items, read_items) = (field.schema.get("items"), back.schema.get("items"));
            let sent_items = out.schema.get("items");
            match (spec_items, sent_items, read_items) {
                (Some(s), Some(o), Some(b)) if !self.names_a_schema(&field.ty) => {
                    let named = self.names_a_schema(&self.spec.type_name(s));
                    self.compare(&format!("{at}[]"), s, o, b, found, named)
                }
                _ => self.compare(
                    &at,
                    &field.schema,
                    &out.schema,
                    &back.schema,
                    found,
                    self.names_a_schema(&field.ty),
                ),
            }
        }
        for name in read_fields.keys().filter(|n| !spec_fields.contains_key(*n)) {
            found.push((
                format!("{place}.{name}"),
                "in the Rust type, not in the spec".to_string(),
            ));
        }
    }
}

/// What a schema holds, in words both sides share: `string`, `array<integer>`, `object`, or
/// `one of (string | array<string> | object)`. An untagged enum is an `anyOf` to schemars and
/// a `oneOf` in a spec whose alternatives exclude each other; either reads as "one of".
fn shape(index: &Index, schema: &Value) -> String {
    let flat = index.flatten(schema);
    let alternatives = flat
        .get("oneOf")
        .or_else(|| flat.get("anyOf"))
        .and_then(Value::as_array);
    match alternatives {
        Some(parts) if flat.get("type").is_none() => {
            let mut kinds: Vec<String> = parts
                .iter()
                .filter(|part| !is_null(index, part))
                .map(|part| shape(index, part))
                .collect();
            // The enum policy's catch-all (`Unrecognized(serde_json::Value)`, rewrite step
            // `open_enums`) holds what the spec's alternatives do not: it is not one of them.
            if kinds.len() > 1 {
                kinds.retain(|kind| kind != "any");
            }
            kinds.sort();
            kinds.dedup();
            if kinds.len() == 1 {
                kinds.remove(0)
            } else {
                format!("one of ({})", kinds.join(" | "))
            }
        }
        _ => index.kind(&flat),
    }
}

/// A schema that holds only null (schemars writes `Option<$ref>` as `anyOf: [$ref, null]` in
/// some dialects).
fn is_null(index: &Index, schema: &Value) -> bool {
    let flat = index.flatten(schema);
    flat.get("type").and_then(Value::as_str) == Some("null")
        || flat.get("enum") == Some(&Value::Array(vec![Value::Null]))
}

/// Whether a Rust property's schema lets null through.
fn accepts_null(index: &Index, schema: &Value) -> bool {
    let flat = index.flatten(schema);
    flat.get("nullable").and_then(Value::as_bool) == Some(true)
        || ["oneOf", "anyOf"].iter().any(|key| {
            flat.get(*key)
                .and_then(Value::as_array)
                .is_some_and(|parts| {
                    parts
                        .iter()
                        .any(|p| accepts_null(index, p) || is_null(index, p))
                })
        })
}

/// An enum's values, in order of neither side: `enum`, or the `const`/`enum` of each
/// alternative (schemars writes documented variants so).
fn values(schema: &Value) -> BTreeSet<String> {
    let text = |v: &Value| {
        v.as_str()
            .map(str::to_string)
            .unwrap_or_else(|| v.to_string())
    };
    let own = schema
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|v| !v.is_null())
        .map(text);
    let parts = ["oneOf", "anyOf"]
        .iter()
        .filter_map(|key| schema.get(*key).and_then(Value::as_array))
        .flatten()
        .flat_map(|part| {
            let listed = part
                .get("enum")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            listed.into_iter().chain(part.get("const").cloned())
        })
        .filter(|v| !v.is_null())
        .map(|v| text(&v));
    own.chain(parts).collect()
}
