//! Step `open_enums`: an enum that a response can hold keeps a value this SDK does not know
//! yet, instead of failing the whole response. Prolific adds values to such enums (a study's
//! `status`, a completion code's `code_type`, a new kind of completion-code action); typify's
//! enums are closed, so one new value made every answer that carried it undecodable. Each such
//! enum gets a last variant, `Unrecognized`, which serde reads for anything the other variants
//! do not, and writes back as it came:
//! - an enum of values (`status`): `Unrecognized(crate::Unrecognized)`, which only the SDK
//!   makes (so a known value always reads as its own variant) and which gives the text with
//!   `as_str()`; the enum's `Deserialize` is the step's own, through
//!   `crate::unrecognized::deserialize` (its `FromStr`, else `Unrecognized`: one pass, where
//!   serde's `untagged` variant would buffer every value); `Display` prints it as it came too;
//! - an untagged enum of shapes (`CompletionCodeAction`, `StudyFilter`):
//!   `Unrecognized(serde_json::Value)`.
//!
//! An enum of one value is a tag, not a set Prolific grows (`AutomaticallyApprove`'s `action`
//! tells that variant from the others): it stays closed, or every action would read as the
//! first variant.
//!
//! Enums only requests hold (a transition's `action`, a list's `state` filter) stay closed:
//! the user writes them, and a typo must not compile. `FromStr`/`TryFrom` stay strict for every
//! enum, since they parse what a user types.
//!
//! Which enums a response can hold is read from typify's type space, from each operation's
//! answer type down through fields, items, options and variants ([`response_enums`]), not
//! from names re-derived from the spec.

use std::collections::BTreeSet;

use syn::{Arm, Expr, ImplItem, Item, ItemEnum, ItemImpl, Meta, parse_quote};
use typify::{TypeDetails, TypeEnumVariant, TypeId, TypeSpace};

/// The variant every open enum gets.
const VARIANT: &str = "Unrecognized";

/// The enums of unit variants a response can hold, by name, sorted: everything reachable from
/// the builders' answer types.
pub fn response_enums(space: &TypeSpace, answers: &[String]) -> Vec<String> {
    let mut open: BTreeSet<String> = BTreeSet::new();
    walk(space, answers, |name, details| {
        if opens(space, details) {
            open.insert(name.to_string());
        }
    });
    open.into_iter().collect()
}

/// The names of the types a response can hold: everything reachable from the builders' answer
/// types (containers by their own names, `Vec<X>` and the like, too).
pub fn response_types(space: &TypeSpace, answers: &[String]) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = BTreeSet::new();
    walk(space, answers, |name, _| {
        names.insert(name.to_string());
    });
    names
}

/// Calls `visit` with each type reachable from the builders' answer types, down through
/// fields, items, options and variants; each named type once.
fn walk(space: &TypeSpace, answers: &[String], mut visit: impl FnMut(&str, &TypeDetails<'_>)) {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut pending: Vec<TypeId> = Vec::new();
    for ty in space.iter_types() {
        let name = ty.name();
        if answers.iter().any(|answer| answer_names(answer, &name)) {
            let details = ty.details();
            pending.extend(children(&details));
            visit(&name, &details);
            seen.insert(name);
        }
    }
    while let Some(id) = pending.pop() {
        let Ok(ty) = space.get_type(&id) else {
            continue;
        };
        let details = ty.details();
        let name = ty.name();
        // Containers (`Vec<X>`, `Option<X>`) share names across uses: only named types stop
        // the walk once seen.
        let named = matches!(
            details,
            TypeDetails::Struct(_) | TypeDetails::Enum(_) | TypeDetails::Newtype(_)
        );
        if named && seen.contains(&name) {
            continue;
        }
        visit(&name, &details);
        if named {
            seen.insert(name);
        }
        pending.extend(children(&details));
    }
}

/// Whether a type is an enum this step opens: of two values or more, or of shapes at least
/// one of which is an object. An enum of plain alternatives (an integer or a string, as a
/// range's bounds) already reads any text, and typify gives it a `Display` of its own.
fn opens(space: &TypeSpace, details: &TypeDetails<'_>) -> bool {
    let TypeDetails::Enum(e) = details else {
        return false;
    };
    let values = e
        .variants()
        .filter(|(_, v)| matches!(v, TypeEnumVariant::Simple))
        .count();
    let plain = |id: &TypeId| {
        space
            .get_type(id)
            .is_ok_and(|ty| matches!(ty.details(), TypeDetails::Builtin(_) | TypeDetails::String))
    };
    let objects = e
        .variants()
        .filter(|(_, v)| match v {
            TypeEnumVariant::Simple => false,
            TypeEnumVariant::Tuple(ids) => !ids.iter().all(plain),
            TypeEnumVariant::Struct(_) => true,
        })
        .count();
    let shapes = e.variants().count() - values;
    (shapes == 0 && values >= 2) || (values == 0 && objects > 0)
}

/// Whether a builder's answer type (`types::Study`, `()`) names the type `name`.
fn answer_names(answer: &str, name: &str) -> bool {
    answer.rsplit("::").next().map(str::trim) == Some(name)
}

/// The types a type holds directly.
fn children(details: &TypeDetails<'_>) -> Vec<TypeId> {
    match details {
        TypeDetails::Struct(s) => s.properties().map(|(_, id)| id).collect(),
        TypeDetails::Enum(e) => e
            .variants()
            .flat_map(|(_, variant)| match variant {
                TypeEnumVariant::Simple => Vec::new(),
                TypeEnumVariant::Tuple(ids) => ids,
                TypeEnumVariant::Struct(fields) => fields.into_iter().map(|(_, id)| id).collect(),
            })
            .collect(),
        TypeDetails::Newtype(n) => vec![n.inner()],
        TypeDetails::Option(id)
        | TypeDetails::Vec(id)
        | TypeDetails::Set(id)
        | TypeDetails::Box(id)
        | TypeDetails::Array(id, _) => vec![id.clone()],
        TypeDetails::Map(key, value) => vec![key.clone(), value.clone()],
        _ => Vec::new(),
    }
}

/// Opens each enum of `names` in the module `types` of `file`; returns how many it opened.
pub fn keep_unknown_values(file: &mut syn::File, names: &[String]) -> Result<usize, String> {
    let Some(types) = file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return Err("no `mod types` in progenitor's output".to_string());
    };
    let mut opened = 0;
    for name in names {
        let enumeration = types.iter_mut().find_map(|item| match item {
            Item::Enum(e) if e.ident == name => Some(e),
            _ => None,
        });
        let Some(enumeration) = enumeration else {
            return Err(format!("no enum `{name}` in `mod types`"));
        };
        if is_untagged(enumeration) {
            open_shapes(enumeration)?;
            opened += 1;
            continue;
        }
        open(enumeration)?;
        let ty = syn::Ident::new(name, proc_macro2::Span::call_site());
        types.push(parse_quote! {
            impl<'de> ::serde::Deserialize<'de> for #ty {
                fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                where
                    D: ::serde::Deserializer<'de>,
                {
                    crate::unrecognized::deserialize(deserializer, Self::Unrecognized)
                }
            }
        });
        let display = types.iter_mut().find_map(|item| match item {
            Item::Impl(i) if implements(i, "Display", name) => Some(i),
            _ => None,
        });
        let Some(display) = display else {
            return Err(format!("no `impl Display for {name}`"));
        };
        display_as_it_came(display, name)?;
        opened += 1;
    }
    Ok(opened)
}

/// Whether the enum is `#[serde(untagged)]` as a whole (typify's enum of shapes).
fn is_untagged(enumeration: &ItemEnum) -> bool {
    enumeration.attrs.iter().any(|attr| {
        attr.path().is_ident("serde")
            && matches!(&attr.meta, Meta::List(list) if list.tokens.to_string() == "untagged")
    })
}

/// Adds `Unrecognized(serde_json::Value)` last: the enum is untagged, so serde tries it only
/// when no known shape fits.
fn open_shapes(enumeration: &mut ItemEnum) -> Result<(), String> {
    let name = enumeration.ident.to_string();
    if enumeration.variants.iter().any(|v| v.ident == VARIANT) {
        return Err(format!(
            "`{name}` already has a variant `{VARIANT}`; rename the step's variant"
        ));
    }
    let doc = "A shape this SDK does not know yet, as Prolific sent it (the enum policy: \
               spec/README.md). Match the known variants and keep a wildcard arm for this one.";
    let variant = syn::Ident::new(VARIANT, proc_macro2::Span::call_site());
    enumeration.variants.push(parse_quote! {
        #[doc = #doc]
        #variant(::serde_json::Value)
    });
    Ok(())
}

/// Adds the variant, and drops `Copy` (a `String` is not `Copy`) and the derived `Deserialize`
/// (the step writes its own).
fn open(enumeration: &mut ItemEnum) -> Result<(), String> {
    let name = enumeration.ident.to_string();
    if enumeration.variants.iter().any(|v| v.ident == VARIANT) {
        return Err(format!(
            "`{name}` already has a variant `{VARIANT}`; rename the step's variant"
        ));
    }
    if enumeration
        .variants
        .iter()
        .any(|v| !matches!(v.fields, syn::Fields::Unit))
    {
        return Err(format!(
            "`{name}` has a variant with data; only unit enums open"
        ));
    }
    for attr in &mut enumeration.attrs {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Meta::List(list) = &attr.meta else {
            continue;
        };
        let derived: syn::punctuated::Punctuated<syn::Path, syn::Token![,]> = list
            .parse_args_with(syn::punctuated::Punctuated::parse_terminated)
            .map_err(|e| format!("`{name}`'s derive does not parse: {e}"))?;
        // Read by `crate::unrecognized::deserialize` instead of serde's derive, which would
        // buffer every value to try the `untagged` variant.
        let kept: Vec<&syn::Path> = derived
            .iter()
            .filter(|p| !p.is_ident("Copy"))
            .filter(|p| p.segments.last().is_none_or(|s| s.ident != "Deserialize"))
            .collect();
        *attr = parse_quote!(#[derive(#(#kept),*)]);
    }
    let doc = "A value this SDK does not know yet, as Prolific sent it (the enum policy: \
               spec/README.md). Match the known variants and keep a wildcard arm for this one.";
    let variant = syn::Ident::new(VARIANT, proc_macro2::Span::call_site());
    enumeration.variants.push(parse_quote! {
        #[doc = #doc]
        #[serde(untagged)]
        #variant(crate::Unrecognized)
    });
    Ok(())
}

/// Whether `item` is `impl <...>::<trait_name> for <ty>`.
fn implements(item: &ItemImpl, trait_name: &str, ty: &str) -> bool {
    let is_trait = item
        .trait_
        .as_ref()
        .and_then(|(path, _)| path.segments.last())
        .is_some_and(|last| last.ident == trait_name);
    let is_type = matches!(&*item.self_ty, syn::Type::Path(p) if p.path.is_ident(ty));
    is_trait && is_type
}

/// typify's `match *self { Self::A => f.write_str("A"), ... }` becomes `match self`, with an
/// arm that writes the unrecognized value as it came.
fn display_as_it_came(display: &mut ItemImpl, name: &str) -> Result<(), String> {
    let fmt = display.items.iter_mut().find_map(|item| match item {
        ImplItem::Fn(f) if f.sig.ident == "fmt" => Some(f),
        _ => None,
    });
    let matched = fmt.and_then(|f| {
        f.block.stmts.iter_mut().find_map(|stmt| match stmt {
            syn::Stmt::Expr(Expr::Match(m), _) => Some(m),
            _ => None,
        })
    });
    let Some(matched) = matched else {
        return Err(format!(
            "`impl Display for {name}` is not one `match` on `*self` any more"
        ));
    };
    matched.expr = parse_quote!(self);
    let variant = syn::Ident::new(VARIANT, proc_macro2::Span::call_site());
    let arm: Arm = parse_quote!(Self::#variant(value) => f.write_str(value.as_str()),);
    matched.arms.push(arm);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> syn::File {
        parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug, PartialEq)]
                pub enum Status {
                    #[serde(rename = "ACTIVE")]
                    Active,
                }
                impl ::std::fmt::Display for Status {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match *self {
                            Self::Active => f.write_str("ACTIVE"),
                        }
                    }
                }
                #[derive(Clone, Copy)]
                pub enum Action {
                    Publish,
                }
            }
        }
    }

    #[test]
    fn a_response_enum_keeps_unknown_values_and_a_request_enum_stays_closed() {
        let mut file = file();
        assert_eq!(
            keep_unknown_values(&mut file, &["Status".to_string()]),
            Ok(1)
        );
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("#[derive(::serde::Serialize, Clone, Debug, PartialEq)]"),
            "{text}"
        );
        assert!(
            text.contains("#[serde(untagged)]\n        Unrecognized(crate::Unrecognized),"),
            "{text}"
        );
        assert!(text.contains("match self {"), "{text}");
        assert!(
            text.contains("Self::Unrecognized(value) => f.write_str(value.as_str()),"),
            "{text}"
        );
        assert!(
            text.contains("crate::unrecognized::deserialize(deserializer, Self::Unrecognized)"),
            "{text}"
        );
        // `Action` was not named: still closed, still `Copy`.
        assert!(
            text.contains("#[derive(Clone, Copy)]\n    pub enum Action {\n        Publish,\n    }"),
            "{text}"
        );
    }

    #[test]
    fn a_named_enum_that_is_missing_or_already_open_is_named() {
        let mut file = file();
        assert_eq!(
            keep_unknown_values(&mut file, &["Gone".to_string()]),
            Err("no enum `Gone` in `mod types`".to_string())
        );
        keep_unknown_values(&mut file, &["Status".to_string()]).unwrap();
        assert!(
            keep_unknown_values(&mut file, &["Status".to_string()])
                .unwrap_err()
                .contains("already has a variant `Unrecognized`")
        );
    }
}
