//! The public shape of the generated SDK, one snapshot per type and one for the operations, so
//! that a spec change that alters what users compile against shows as a reviewable diff.
//!
//! A type's snapshot is its JSON Schema as schemars derives it from the compiled Rust type
//! (the SDK's `schemars` feature): what the SDK writes and what it reads, field by field,
//! which serde attributes in source text only imply. The operations' snapshot is cut from
//! `sdk/src/generated.rs`, the very code the SDK compiles. Descriptions and doc comments are
//! left out: the snapshots follow shapes, not prose.

use syn::{Attribute, ImplItem, Item};

const GENERATED: &str = include_str!("../../../sdk/src/generated.rs");

fn generated() -> syn::File {
    syn::parse_file(GENERATED).expect("the generated module parses")
}

/// The items of `mod NAME` at the top of the generated file.
fn module(file: &syn::File, name: &str) -> Vec<Item> {
    file.items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| items.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("the generated module has `mod {name}`"))
}

fn without_docs(attrs: &mut Vec<Attribute>) {
    attrs.retain(|a| !a.path().is_ident("doc"));
}

/// Formats items as a file of their own.
fn unparse(items: Vec<Item>) -> String {
    let mut file = syn::parse_file("").expect("an empty file parses");
    file.items = items;
    prettyplease::unparse(&file)
}

#[test]
fn each_generated_type_has_the_schema_in_its_snapshot() {
    let mut seen = Vec::new();
    for line in prolific_sdk_tests::type_schemas::all() {
        let name = line["type"].as_str().expect("a name").to_string();
        let (read, sent) = (shape(&line["deserialize"]), shape(&line["serialize"]));
        // The SDK writes what it reads, unless a field is left out when empty or unset.
        let schema = if read == sent {
            serde_json::json!({ "sent and read": read })
        } else {
            serde_json::json!({ "read": read, "sent": sent })
        };
        let text = serde_json::to_string_pretty(&schema).expect("a schema encodes");
        insta::assert_snapshot!(format!("type_{name}"), text);
        seen.push(name);
    }
    // A type that disappears leaves its snapshot behind: name them all here too.
    insta::assert_snapshot!("type_names", seen.join("\n"));
}

/// A schema without its prose, its dialect's header and the types it refers to (each has its
/// own snapshot): no `description`, `title`, `$schema` or `components`.
fn shape(schema: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    let by_name = |map: &serde_json::Map<String, Value>| -> Value {
        map.iter()
            .map(|(name, schema)| (name.clone(), shape(schema)))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    match schema {
        Value::Object(map) => map
            .iter()
            .filter(|(key, _)| {
                !matches!(
                    key.as_str(),
                    "description" | "title" | "$schema" | "components"
                )
            })
            .map(|(key, value)| match (key.as_str(), value) {
                // Names of properties and definitions, not keywords.
                ("properties", Value::Object(named)) => (key.clone(), by_name(named)),
                _ => (key.clone(), shape(value)),
            })
            .collect::<serde_json::Map<_, _>>()
            .into(),
        Value::Array(items) => items.iter().map(shape).collect(),
        other => other.clone(),
    }
}

/// Each operation's method on the client and its builder's public methods, bodies left
/// out: what a call can set, and what `send()` returns.
#[test]
fn each_operation_has_the_signatures_in_its_snapshot() {
    let file = generated();
    let client_impls = file.items.iter().cloned();
    let builder_impls = module(&file, "builder").into_iter();
    let shapes: Vec<Item> = client_impls
        .chain(builder_impls)
        .filter_map(|item| match item {
            // The generated client's own impls: the constructors the SDK wraps are not
            // what users call, so only impls holding operations are kept.
            Item::Impl(block) if block.trait_.is_none() => signatures_only(block),
            _ => None,
        })
        .collect();
    insta::assert_snapshot!("operations", unparse(shapes));
}

/// The block's public methods with empty bodies and no docs; `None` for constructors only.
fn signatures_only(mut block: syn::ItemImpl) -> Option<Item> {
    block.attrs.clear();
    block.items.retain(|item| {
        matches!(item, ImplItem::Fn(f) if matches!(f.vis, syn::Visibility::Public(_))
            && !matches!(f.sig.ident.to_string().as_str(), "new" | "new_with_client"))
    });
    for item in &mut block.items {
        if let ImplItem::Fn(f) = item {
            without_docs(&mut f.attrs);
            f.block = syn::parse_quote!({});
        }
    }
    (!block.items.is_empty()).then_some(Item::Impl(block))
}
