//! Every generated type gets two attributes, written where typify writes a patch's (after its
//! documentation):
//! - `#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]`: the JSON Schema of
//!   each type, behind the SDK's `schemars` feature;
//! - `#[non_exhaustive]`, so that a field or variant Prolific adds is a minor release: users
//!   build these types with their builders (`X::builder()`), never with a struct literal, and
//!   match their enums with a wildcard arm. `cargo xtask diff` reads the attribute from the
//!   final code and judges changes by it (diff.rs).
//!
//! typify's per-type patch (`TypePatch::with_attr`) needs each type's name before generation,
//! which only a first run of progenitor gives, and its global `with_attr` is not reachable
//! through progenitor's settings; `with_derive` cannot be put behind a feature. One pass here
//! replaces the second run of progenitor.

use syn::Item;

use super::module_mut;

/// Adds both attributes to every struct and enum of `mod types`; returns to how many.
pub fn add(file: &mut syn::File) -> Result<usize, String> {
    let types = module_mut(&mut file.items, "types")?;
    let mut changed = 0;
    for item in types.iter_mut() {
        let attrs = match item {
            Item::Struct(s) => &mut s.attrs,
            Item::Enum(e) => &mut e.attrs,
            _ => continue,
        };
        let after_docs = attrs
            .iter()
            .position(|attr| !attr.path().is_ident("doc"))
            .unwrap_or(attrs.len());
        attrs.splice(
            after_docs..after_docs,
            [
                syn::parse_quote!(#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]),
                syn::parse_quote!(#[non_exhaustive]),
            ],
        );
        changed += 1;
    }
    Ok(changed)
}
