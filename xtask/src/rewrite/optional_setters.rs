//! The setters of optional fields accept a plain value as well as an `Option` of one.
//!
//! typify's struct builders (`types::builder`) give an optional field a setter bounded by
//! `T: TryInto<Option<X>>`: a `String` or an `Option<String>` converts, a `&str` does not, so
//! users would write `.workspace_id(Some("…".to_string()))`. The bound becomes
//! `T: crate::IntoOptional<X, M>` (sdk/src/optional.rs), which takes anything that converts to
//! `X` (`"…"`, a `String`) or an `Option` of it; `M` only tells those two apart.

use syn::visit_mut::VisitMut;
use syn::{
    Expr, GenericArgument, ImplItem, Item, PathArguments, PredicateType, Type, TypeParamBound,
    WherePredicate,
};

use super::{flat, module_mut};

/// Rewrites every optional-field setter in `types::builder`.
pub fn accept_plain_values(file: &mut syn::File) -> Result<(), String> {
    let types = module_mut(&mut file.items, "types")?;
    let builder = module_mut(types, "builder")?;
    for item in builder.iter_mut() {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        for item in &mut block.items {
            if let ImplItem::Fn(setter) = item {
                rewrite_setter(setter)?;
            }
        }
    }
    Ok(())
}

/// Rewrites `setter` when its bound is `T: TryInto<Option<X>>`; leaves any other fn alone.
fn rewrite_setter(setter: &mut syn::ImplItemFn) -> Result<(), String> {
    let Some(where_clause) = &mut setter.sig.generics.where_clause else {
        return Ok(());
    };
    let Some(inner) = where_clause.predicates.iter().find_map(optional_target) else {
        return Ok(());
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
    Ok(())
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

fn first_type_argument(arguments: &PathArguments) -> Option<&Type> {
    let PathArguments::AngleBracketed(args) = arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    }
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
        accept_plain_values(&mut file).unwrap();
        let code = flat(&file);
        assert!(code.contains(
            "pubfnlabel<T,M>(mutself,value:T)->SelfwhereT:crate::IntoOptional<::std::string::String,M>"
        ));
        assert!(code.contains("self.label=crate::IntoOptional::into_optional(value)"));
        assert!(code.contains("pubfnname<T>(mutself,value:T)"));
        assert!(code.contains("self.name=value.try_into()"));
    }
}
