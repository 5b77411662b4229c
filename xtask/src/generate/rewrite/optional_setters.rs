//! The setters of optional fields accept a plain value as well as an `Option` of one.
//!
//! typify's struct builders (`types::builder`) give an optional field a setter bounded by
//! `T: TryInto<Option<X>>`: a `String` or an `Option<String>` converts, a `&str` does not, so
//! users would write `.workspace_id(Some("…".to_string()))`. The bound becomes
//! `T: crate::IntoOptional<X, M>` (sdk/src/optional.rs), which takes anything that converts to
//! `X` (`"…"`, a `String`) or an `Option` of it; `M` only tells those two apart.
//!
//! progenitor's request builders (`builder`) give an optional query parameter a setter bounded
//! by `V: TryInto<X>`, which sets it or fails: no `None`. Those take `crate::IntoOptional` too,
//! so `.workspace_id(id)`, `.workspace_id("…")` and `.workspace_id(Some(id))` all work, and
//! `None` leaves the parameter out.

use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItem, Item, PredicateType, Type, TypeParamBound, WherePredicate};

use super::{first_type_argument, flat, module_mut};

/// Rewrites every optional-field setter in `types::builder`; returns how many. There must be
/// one per optional field of the builders' structs (a field `Result<Option<X>, String>`).
pub fn accept_plain_values(file: &mut syn::File) -> Result<usize, String> {
    let types = module_mut(&mut file.items, "types")?;
    let builder = module_mut(types, "builder")?;
    let fields = optional_fields(builder).len();
    let mut rewritten = 0;
    for item in builder.iter_mut() {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        for item in &mut block.items {
            if let ImplItem::Fn(setter) = item {
                rewritten += usize::from(rewrite_setter(setter)?);
            }
        }
    }
    if rewritten != fields {
        return Err(format!(
            "`types::builder` has {fields} optional field(s) but {rewritten} setter(s) bounded \
             by `T: TryInto<Option<X>>`"
        ));
    }
    Ok(rewritten)
}

/// Rewrites the setter of every optional query parameter in progenitor's `builder`; returns how
/// many. There must be one per field `Result<Option<X>, String>` of the request builders.
pub fn accept_plain_query_values(file: &mut syn::File) -> Result<usize, String> {
    let builder = module_mut(&mut file.items, "builder")?;
    let fields = optional_fields(builder);
    let mut rewritten = 0;
    for item in builder.iter_mut() {
        let Item::Impl(block) = item else { continue };
        let owner = flat(&block.self_ty);
        let owner = owner.split('<').next().unwrap_or_default();
        for item in &mut block.items {
            let ImplItem::Fn(setter) = item else { continue };
            let Some((_, _, inner)) = fields
                .iter()
                .find(|(ty, field, _)| ty == owner && setter.sig.ident == *field)
            else {
                continue;
            };
            let name = &setter.sig.ident;
            let shown = name.to_string();
            let assigns = flat(&setter.block);
            if !assigns.starts_with(&format!("{{self.{shown}=value.try_into().map(Some)")) {
                return Err(format!(
                    "the query setter `{shown}` does not set `self.{shown}` from \
                     `value.try_into().map(Some)`"
                ));
            }
            *setter = syn::parse_quote! {
                pub fn #name<V, M>(mut self, value: V) -> Self
                where
                    V: crate::IntoOptional<#inner, M>,
                {
                    self.#name = crate::IntoOptional::into_optional(value)
                        .map_err(|e| format!(concat!("conversion for `", #shown, "` failed: {}"), e));
                    self
                }
            };
            rewritten += 1;
        }
    }
    if rewritten != fields.len() {
        return Err(format!(
            "the request builders have {} optional query parameter(s) but {rewritten} setter(s) \
             of them",
            fields.len()
        ));
    }
    Ok(rewritten)
}

/// Every field `Result<Option<X>, String>` of the structs among `items`: (struct, field, X).
fn optional_fields(items: &[Item]) -> Vec<(String, syn::Ident, Type)> {
    let mut found = Vec::new();
    for item in items {
        let Item::Struct(strukt) = item else { continue };
        for field in &strukt.fields {
            let (Some(name), Type::Path(ty)) = (&field.ident, &field.ty) else {
                continue;
            };
            let Some(result) = ty.path.segments.last() else {
                continue;
            };
            if result.ident != "Result" {
                continue;
            }
            let Some(Type::Path(option)) = first_type_argument(&result.arguments) else {
                continue;
            };
            let Some(last) = option.path.segments.last() else {
                continue;
            };
            if last.ident != "Option" {
                continue;
            }
            if let Some(inner) = first_type_argument(&last.arguments) {
                found.push((strukt.ident.to_string(), name.clone(), inner.clone()));
            }
        }
    }
    found
}

/// Rewrites `setter` when its bound is `T: TryInto<Option<X>>` (and says so); leaves any other
/// fn alone.
fn rewrite_setter(setter: &mut syn::ImplItemFn) -> Result<bool, String> {
    let Some(where_clause) = &mut setter.sig.generics.where_clause else {
        return Ok(false);
    };
    let Some(inner) = where_clause.predicates.iter().find_map(optional_target) else {
        return Ok(false);
    };
    let name = setter.sig.ident.to_string();
    // `T: TryInto<Option<X>>` and `T::Error: Display` give way to one bound.
    where_clause.predicates = syn::parse_quote!(T: crate::IntoOptional<#inner, M>);
    setter.sig.generics.params.push(syn::parse_quote!(M));

    let mut calls = TryIntoCalls(0);
    calls.visit_block_mut(&mut setter.block);
    if calls.0 != 1 {
        return Err(format!(
            "the setter `{name}` calls `value.try_into()` {} times, not once",
            calls.0
        ));
    }
    Ok(true)
}

/// `X` out of the predicate `T: ::std::convert::TryInto<::std::option::Option<X>>`.
fn optional_target(predicate: &WherePredicate) -> Option<Type> {
    let WherePredicate::Type(PredicateType {
        bounded_ty, bounds, ..
    }) = predicate
    else {
        return None;
    };
    if flat(bounded_ty) != "T" {
        return None;
    }
    let TypeParamBound::Trait(bound) = bounds.first()? else {
        return None;
    };
    let try_into = bound.path.segments.last()?;
    if try_into.ident != "TryInto" {
        return None;
    }
    let option = first_type_argument(&try_into.arguments)?;
    let Type::Path(option) = option else {
        return None;
    };
    let last = option.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    first_type_argument(&last.arguments).cloned()
}

/// Replaces `value.try_into()` with `crate::IntoOptional::into_optional(value)`, counting.
struct TryIntoCalls(usize);

impl VisitMut for TryIntoCalls {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::MethodCall(call) = expr
            && call.method == "try_into"
            && call.args.is_empty()
            && flat(&call.receiver) == "value"
        {
            *expr = syn::parse_quote!(crate::IntoOptional::into_optional(value));
            self.0 += 1;
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_optional_setter_takes_into_optional_and_a_required_one_is_left_alone() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub mod builder {
                    pub struct Thing {
                        label: ::std::result::Result<
                            ::std::option::Option<::std::string::String>,
                            ::std::string::String,
                        >,
                        name: ::std::result::Result<::std::string::String, ::std::string::String>,
                    }
                    impl Thing {
                        pub fn label<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                            T::Error: ::std::fmt::Display,
                        {
                            self.label = value.try_into().map_err(|e| format!("{e}"));
                            self
                        }
                        pub fn name<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<::std::string::String>,
                            T::Error: ::std::fmt::Display,
                        {
                            self.name = value.try_into().map_err(|e| format!("{e}"));
                            self
                        }
                    }
                }
            }
        };
        assert_eq!(accept_plain_values(&mut file), Ok(1));
        let code = flat(&file);
        assert!(code.contains(
            "pubfnlabel<T,M>(mutself,value:T)->SelfwhereT:crate::IntoOptional<::std::string::String,M>"
        ));
        assert!(code.contains("self.label=crate::IntoOptional::into_optional(value)"));
        assert!(code.contains("pubfnname<T>(mutself,value:T)"));
        assert!(code.contains("self.name=value.try_into()"));
    }

    #[test]
    fn an_optional_query_setter_takes_into_optional_and_a_required_one_is_left_alone() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct ListThings<'a> {
                    client: &'a super::Client,
                    owner: Result<::std::string::String, String>,
                    active: Result<Option<bool>, String>,
                }
                impl<'a> ListThings<'a> {
                    pub fn owner<V>(mut self, value: V) -> Self
                    where
                        V: std::convert::TryInto<::std::string::String>,
                    {
                        self.owner = value.try_into().map_err(|_| "conversion failed".to_string());
                        self
                    }
                    pub fn active<V>(mut self, value: V) -> Self
                    where
                        V: std::convert::TryInto<bool>,
                    {
                        self.active = value
                            .try_into()
                            .map(Some)
                            .map_err(|_| "conversion to `bool` for active failed".to_string());
                        self
                    }
                }
            }
        };
        assert_eq!(accept_plain_query_values(&mut file), Ok(1));
        let code = flat(&file);
        assert!(
            code.contains(
                "pubfnactive<V,M>(mutself,value:V)->SelfwhereV:crate::IntoOptional<bool,M>"
            ),
            "{code}"
        );
        assert!(code.contains("self.active=crate::IntoOptional::into_optional(value)"));
        assert!(code.contains("pubfnowner<V>(mutself,value:V)"));
    }
}
