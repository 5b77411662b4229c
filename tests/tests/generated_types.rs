//! The public shape of the generated SDK, one snapshot per type and one for the operations, so
//! that a spec change that alters what users compile against shows as a reviewable diff.
//!
//! The snapshots are cut from `sdk/src/generated.rs`, the very code the SDK compiles (and
//! `cargo xtask check` proves it is what the spec generates). Doc comments are left out; serde
//! attributes stay, because they decide what goes on the wire.

use syn::{Attribute, ImplItem, Item};

const GENERATED: &str = include_str!("../../sdk/src/generated.rs");

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

/// An item as users see its shape: no docs, no function bodies.
fn render(mut item: Item) -> String {
    match &mut item {
        Item::Struct(s) => {
            without_docs(&mut s.attrs);
            s.fields.iter_mut().for_each(|f| without_docs(&mut f.attrs));
        }
        Item::Enum(e) => {
            without_docs(&mut e.attrs);
            e.variants
                .iter_mut()
                .for_each(|v| without_docs(&mut v.attrs));
        }
        _ => {}
    }
    unparse(vec![item])
}

/// Formats items as a file of their own.
fn unparse(items: Vec<Item>) -> String {
    let mut file = syn::parse_file("").expect("an empty file parses");
    file.items = items;
    prettyplease::unparse(&file)
}

#[test]
fn each_generated_type_has_the_shape_in_its_snapshot() {
    let types = module(&generated(), "types");
    let mut seen = Vec::new();
    for item in types {
        let name = match &item {
            Item::Struct(s) => s.ident.to_string(),
            Item::Enum(e) => e.ident.to_string(),
            _ => continue,
        };
        insta::assert_snapshot!(format!("type_{name}"), render(item));
        seen.push(name);
    }
    // A type that disappears leaves its snapshot behind: name them all here too.
    insta::assert_snapshot!("type_names", seen.join("\n"));
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
