//! A spec as the code of SDK users meets it, read from the Rust progenitor generates for it (in
//! memory, exactly as `cargo xtask generate` runs it: generate::run_final): each operation's
//! method, parameters and request, response and error types; each generated type's fields with
//! their Rust types and whether the type's builder demands them, each enum's variants, whether
//! the type is `#[non_exhaustive]`; and which way each type travels. Beside the Rust, what the
//! SDK does at run time for each operation and the spec alone decides: whether it is sent again
//! (`x-idempotent`), which statuses are a success, and its prose rules. `diff` compares two
//! surfaces.

use std::collections::{BTreeMap, BTreeSet};

use progenitor::Generator;
use serde_json::Value;
use syn::Item;
use typify::{TypeDetails, TypeId};

use crate::generate;
use crate::generate::builders;
use spec_model::{self, Index, Parameter};

use crate::generate::names::RustNames;
use crate::spec::Spec;

/// One operation, as users call it.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `POST`, `GET`, ...
    pub method: String,
    /// The path, e.g. `/api/v1/participant-groups/`.
    pub path: String,
    /// The operationId (the method is its snake case).
    pub id: String,
    /// Its parameters (path, query, header).
    pub parameters: Vec<Parameter>,
    /// What its builder's `body` takes, if it has a body.
    pub request: Option<String>,
    /// What its `send()` returns in the final code: `Result<ResponseValue<…>,Error>`.
    pub returns: String,
    /// Its method on the client, e.g. `get_participant_group`.
    pub rust_method: String,
    /// Whether the SDK sends it again after a 5xx or a timeout (`x-idempotent`).
    pub may_repeat: bool,
    /// The statuses its `send()` returns as a success (`200`, `2XX`), in the spec's order.
    pub success: Vec<String>,
    /// Its prose rules (`x-prose-rules`), each rule's text by its name; checked before sending.
    pub prose_rules: BTreeMap<String, String>,
    /// Its `#[deprecated]` note (`x-deprecation`), when the spec marks it deprecated.
    pub deprecated: Option<String>,
    /// The setters of its builder that the rewrite steps added to progenitor's (a form's
    /// parts), by name.
    pub rewritten_setters: BTreeSet<String>,
    /// The setter progenitor wrote for each path and query parameter, by the parameter's name.
    pub setters: BTreeMap<String, String>,
}

/// A field of a generated struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Its Rust type, e.g. `Option<Vec<String>>`.
    pub rust: String,
    /// Whether the struct's builder fails unless it is set (typify: required, no default).
    pub builder_requires: bool,
    /// Whether the spec lists it in `required` (on the wire only, when `rust` is unchanged).
    pub required: bool,
    /// Whether the spec says `nullable: true`.
    pub nullable: bool,
    /// Whether the spec says `readOnly: true`.
    pub read_only: bool,
}

/// A generated type.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Type {
    /// A struct's fields, by Rust name.
    pub fields: BTreeMap<String, Field>,
    /// An enum's variants.
    pub variants: Vec<String>,
    /// A newtype's inner type.
    pub inner: Option<String>,
    /// Whether the generated type carries `#[non_exhaustive]`: users cannot build it with a
    /// literal nor match it exhaustively, so a field or variant added to it breaks nobody.
    pub non_exhaustive: bool,
}

/// Which way a type travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    /// Sent by users (in a request body).
    Request,
    /// Read by users (in a response body, or an error's).
    Response,
}

/// What the code of SDK users meets.
pub struct Surface {
    /// Every operation, in the spec's order.
    pub operations: Vec<Operation>,
    /// Every generated type, by name.
    pub types: BTreeMap<String, Type>,
    /// Which way each type travels (a type can go both ways).
    pub directions: BTreeMap<String, BTreeSet<Direction>>,
}

impl Surface {
    /// Generates `spec` in memory and reads its surface.
    pub fn of(spec: &Spec) -> Result<Surface, String> {
        let generate::Final {
            file,
            builders,
            generator,
            progenitor_calls,
            names,
            ..
        } = generate::run_final(spec)?;
        let index = Index::new(&spec.raw.value);
        let mut types = types(&generator, &index, &names);
        for name in non_exhaustive(&file) {
            if let Some(ty) = types.get_mut(&name) {
                ty.non_exhaustive = true;
            }
        }
        // The variants users match on are the final code's: a rewrite step adds one
        // (`Unrecognized`, open_enums.rs) that the type space never holds.
        for (name, variants) in enum_variants(&file) {
            if let Some(ty) = types.get_mut(&name) {
                ty.variants = variants;
            }
        }
        let calls = builders::calls(&file);
        let mut operations = Vec::new();
        let mut roots = Vec::new();
        for op in index.operations() {
            let id = op.id.unwrap_or_default().to_string();
            let builder =
                builders::of(&builders, &op).map_err(|e| format!("{}: {e}", spec.shown))?;
            let request = builder.body.as_deref().map(rust_name);
            let (now, before) = (
                calls.get(&builder.name).cloned().unwrap_or_default(),
                progenitor_calls
                    .get(&builder.name)
                    .cloned()
                    .unwrap_or_default(),
            );
            let returns = rust_name(&now.returns);
            let rust_method = builder.method.clone();
            roots.extend(request.iter().map(|ty| (ty.clone(), Direction::Request)));
            roots.push((returns.clone(), Direction::Response));
            operations.push(Operation {
                method: op.method.to_uppercase(),
                path: op.path.to_string(),
                parameters: op.parameters(&index),
                id,
                request,
                returns,
                rust_method,
                may_repeat: op.may_repeat(),
                success: op
                    .responses(&index)
                    .into_iter()
                    .map(|(status, _)| status.to_string())
                    .filter(|status| status.starts_with('2'))
                    .collect(),
                prose_rules: prose_rules(&op),
                deprecated: op.deprecation_note(),
                // What a rewrite step gave the builder (a form's parts): the spec's parameters
                // and body, which progenitor's own setters take, are compared by the spec.
                rewritten_setters: now.setters.difference(&before.setters).cloned().collect(),
                setters: op
                    .path_parameters()
                    .into_iter()
                    .map(str::to_string)
                    .zip(builder.path_setters.iter().cloned())
                    .chain(builder.query_setters.iter().cloned())
                    .collect(),
            });
        }
        let directions = directions(&types, roots);
        Ok(Surface {
            operations,
            types,
            directions,
        })
    }
}

/// Every named type of the type space, with the spec's facts of its fields where the type is a
/// named schema.
fn types(generator: &Generator, index: &Index, names: &RustNames) -> BTreeMap<String, Type> {
    let space = generator.get_type_space();
    let schemas: BTreeMap<String, &serde_json::Value> = index
        .schemas()
        .filter_map(|(name, schema)| Some((names.schema(name)?.to_string(), schema)))
        .collect();
    let name_of = |id: &TypeId| {
        space
            .get_type(id)
            .map(|ty| rust_name(&ty.name()))
            .unwrap_or_else(|_| "?".into())
    };
    let mut found = BTreeMap::new();
    for ty in space.iter_types() {
        let generated = match ty.details() {
            TypeDetails::Struct(details) => {
                let facts = schemas
                    .get(&ty.name())
                    .map(|schema| index.fields(schema))
                    .unwrap_or_default();
                let fields = details
                    .properties_info()
                    .map(|property| {
                        let fact = facts.get(property.name);
                        let field = Field {
                            rust: name_of(&property.type_id),
                            builder_requires: property.required,
                            required: fact.is_some_and(|f| f.required),
                            nullable: fact.is_some_and(|f| f.nullable),
                            read_only: fact.is_some_and(|f| f.read_only),
                        };
                        (property.name.to_string(), field)
                    })
                    .collect();
                Type {
                    fields,
                    ..Type::default()
                }
            }
            TypeDetails::Enum(details) => Type {
                variants: details
                    .variants()
                    .map(|(name, _)| name.to_string())
                    .collect(),
                ..Type::default()
            },
            TypeDetails::Newtype(details) => Type {
                inner: Some(name_of(&details.inner())),
                ..Type::default()
            },
            _ => continue,
        };
        found.insert(ty.name(), generated);
    }
    found
}

/// `x-prose-rules`: a mapping from each rule's name (a snake_case identifier) to its text.
/// Anything else holds no rule.
fn prose_rules(op: &spec_model::Operation) -> BTreeMap<String, String> {
    op.value
        .get("x-prose-rules")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, text)| {
            let text = text
                .as_str()
                .map_or_else(|| text.to_string(), str::to_string);
            (name.clone(), text)
        })
        .collect()
}

/// Each enum of `mod types` in `file`, with its variants as written.
fn enum_variants(file: &syn::File) -> Vec<(String, Vec<String>)> {
    types_module(file)
        .filter_map(|item| match item {
            Item::Enum(e) => Some((
                e.ident.to_string(),
                e.variants.iter().map(|v| v.ident.to_string()).collect(),
            )),
            _ => None,
        })
        .collect()
}

/// The items of `mod types` in `file` (none when it has no such module).
fn types_module(file: &syn::File) -> impl Iterator<Item = &Item> {
    file.items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .into_iter()
        .flatten()
}

/// The names of the types of `mod types` that carry `#[non_exhaustive]`.
fn non_exhaustive(file: &syn::File) -> Vec<String> {
    types_module(file)
        .filter_map(|item| match item {
            Item::Struct(s) => Some((&s.attrs, s.ident.to_string())),
            Item::Enum(e) => Some((&e.attrs, e.ident.to_string())),
            _ => None,
        })
        .filter(|(attrs, _)| attrs.iter().any(|a| a.path().is_ident("non_exhaustive")))
        .map(|(_, name)| name)
        .collect()
}

/// Follows each root's types through the fields, variants and newtypes of named types.
fn directions(
    types: &BTreeMap<String, Type>,
    roots: Vec<(String, Direction)>,
) -> BTreeMap<String, BTreeSet<Direction>> {
    let mut found: BTreeMap<String, BTreeSet<Direction>> = BTreeMap::new();
    let mut stack: Vec<(String, Direction)> = roots
        .into_iter()
        .flat_map(|(text, direction)| names_in(&text).map(move |n| (n, direction)))
        .collect();
    while let Some((name, direction)) = stack.pop() {
        let Some(ty) = types.get(&name) else { continue };
        if !found.entry(name.clone()).or_default().insert(direction) {
            continue;
        }
        let inner = ty
            .fields
            .values()
            .map(|f| f.rust.clone())
            .chain(ty.inner.clone());
        for text in inner {
            stack.extend(names_in(&text).map(|n| (n, direction)));
        }
    }
    found
}

/// The identifiers in a Rust type's text, e.g. `Option`, `Vec`, `ParticipantGroup`.
fn names_in(text: &str) -> std::vec::IntoIter<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect::<Vec<_>>()
        .into_iter()
}

/// A Rust type as users write it: `Option<Vec<String>>`, not
/// `:: std :: option :: Option < :: std :: vec :: Vec < :: std :: string :: String > >`.
pub fn rust_name(tokens: &str) -> String {
    let mut text: String = tokens.chars().filter(|c| !c.is_whitespace()).collect();
    for prefix in [
        "::std::option::",
        "::std::vec::",
        "::std::string::",
        "::std::boxed::",
        "::std::collections::",
        "std::convert::",
        "crate::",
        "types::",
        "super::",
    ] {
        text = text.replace(prefix, "");
    }
    text
}
