//! What the SDK's hand-written layer needs to know about each operation, emitted next to the
//! generated client so that nothing hand-written keeps a copy of the spec:
//!
//! - `operations::NAME`, one constant per operation, named as progenitor names its client
//!   method: the path template, whether it may be sent again after a 5xx, a timeout or a
//!   dropped connection (`x-idempotent`; without it, whether its method is idempotent by
//!   RFC 9110), and the check of its prose rules. Each generated `send()` names its own
//!   constant (xtask/src/generate/rewrite/send.rs): no lookup at run time, nothing to miss;
//! - `operations::ProseRules`: one method per rule of `x-prose-rules` (a map from the rule's
//!   name to its text), documented with the rule. The SDK implements the trait
//!   (sdk/src/validate.rs): a rule added to the spec without its code does not compile;
//! - `for_each_generated_type!`: every named type, for the tests that reach a type by its
//!   schema's name.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::Type;

use crate::generate::bounds::{self, Bound};
use crate::generate::builders;
use spec_model::Index;

/// One operation, as the table states it.
struct Entry {
    /// progenitor's name for it: the client method and `OperationInfo::operation_id`.
    method: String,
    /// The spec's `operationId`, what the SDK's span names the call by.
    operation_id: String,
    path: String,
    may_repeat: bool,
    /// Each rule's name and text, in the spec's order.
    prose_rules: Vec<(String, String)>,
    /// The request body's generated type, e.g. `types::CreateParticipantGroupRequest`.
    body: Option<Type>,
    /// The numbers the spec bounds in its body (when it has a typed one) and its query.
    body_bounds: Vec<Bound>,
    query_bounds: Vec<Bound>,
    /// `for_each_operation!`'s line for it: the call's parts, for the tests.
    call: TokenStream,
}

/// The items to append to the generated file. `builders` are progenitor's (they give each
/// operation's names, parameters and body type); `type_names` are the named types of typify's
/// type space.
pub fn items(
    spec: &Value,
    builders: &[builders::Builder],
    type_names: &[String],
) -> Result<TokenStream, String> {
    let entries = entries(spec, builders)?;
    let constants = entries.iter().map(|entry| {
        let (id, path, may_repeat) = (&entry.method, &entry.path, entry.may_repeat);
        let operation_id = &entry.operation_id;
        let name = format_ident!("{}", entry.method);
        let doc = format!(" `{id}`: {path}");
        let calls = entry.prose_rules.iter().map(|(rule, _)| {
            let name = rule.as_str();
            let rule = format_ident!("{rule}");
            // The refusal carries the rule's name (`crate::ValidationError::rule`).
            let named = quote!(.map_err(|message| crate::operation::refused_by(#name, message))?;);
            match &entry.body {
                Some(_) => quote!(<Rules as ProseRules>::#rule(request, body) #named),
                None => quote!(<Rules as ProseRules>::#rule(request) #named),
            }
        });
        // The spec's bounds first (`crate::bounds`), then the prose rules.
        let query_bounds = (!entry.query_bounds.is_empty()).then(|| {
            let bounds = entry.query_bounds.iter().map(Bound::tokens);
            quote!(crate::bounds::query(request, &[#(#bounds),*])?;)
        });
        let body_bounds = (entry.body.is_some() && !entry.body_bounds.is_empty()).then(|| {
            let bounds = entry.body_bounds.iter().map(Bound::tokens);
            quote!(crate::bounds::body(body, &[#(#bounds),*])?;)
        });
        let prose = !entry.prose_rules.is_empty();
        let request = match query_bounds.is_some() || prose {
            true => quote!(request),
            false => quote!(_),
        };
        let body_used = entry.body.is_some() && (body_bounds.is_some() || prose);
        let body = match body_used {
            true => quote!(body),
            false => quote!(_),
        };
        let check = match query_bounds.is_some() || body_bounds.is_some() || prose {
            false => quote!(|_, _| Ok(())),
            true => quote!(|#request, #body| {
                #query_bounds
                #body_bounds
                #(#calls)*
                Ok(())
            }),
        };
        // The body's type: the prose rules read it as it is.
        let body = match &entry.body {
            Some(ty) => quote!(#ty),
            None => quote!(()),
        };
        quote! {
            #[doc = #doc]
            #[allow(non_upper_case_globals)]
            pub(crate) const #name: Operation<#body> = Operation {
                facts: Facts {
                    id: #id,
                    operation_id: #operation_id,
                    path: #path,
                    may_repeat: #may_repeat,
                },
                rules: #check,
            };
        }
    });
    let methods = entries.iter().flat_map(|entry| {
        entry.prose_rules.iter().map(move |(rule, text)| {
            let name = format_ident!("{rule}");
            let doc = format!(" `{}`: {text}", entry.method);
            let body = entry.body.iter().map(|ty| quote!(body: &#ty));
            quote! {
                #[doc = #doc]
                fn #name(request: &Sent<'_>, #(#body)*) -> Result<(), String>;
            }
        })
    });
    let types = type_names.iter().map(|name| format_ident!("{name}"));
    let calls = entries.iter().map(|entry| &entry.call);
    Ok(quote! {
        /// What the hand-written layer reads about each operation, written from the spec.
        pub(crate) mod operations {
            #[allow(unused_imports)]
            use super::types;
            #[allow(unused_imports)]
            use crate::operation::{Facts, Operation, Sent};
            #[allow(unused_imports)]
            use crate::validate::Rules;

            #(#constants)*

            /// The rules the docs state only in prose (`x-prose-rules` in the spec), one
            /// method per rule, checked before anything is sent.
            pub(crate) trait ProseRules {
                #(#methods)*
            }
        }

        /// Calls `$callback!` with every operation: its operationId, the client's method, its
        /// path parameters, its required and optional query parameters (each as its name on
        /// the wire, its setter and its type), its body's type, and how its success is read
        /// (`json`, `text`, `text_or_json`), so that tests call every
        /// operation from the spec's examples without a hand-written call each. Not part of the
        /// SDK's API: compiled only with the workspace's own feature `__tests`.
        #[cfg(feature = "__tests")]
        #[doc(hidden)]
        #[macro_export]
        macro_rules! for_each_operation {
            ($callback:ident) => {
                $callback! {
                    #(#calls)*
                }
            };
        }

        /// Calls `$callback!` with the name of every type generated from the spec, so that
        /// tests reach each type by its schema's name. Not part of the SDK's API: compiled only
        /// with the workspace's own feature `__tests`.
        #[cfg(feature = "__tests")]
        #[doc(hidden)]
        #[macro_export]
        macro_rules! for_each_generated_type {
            ($callback:ident) => {
                $callback!(#(#types),*);
            };
        }
    })
}

fn entries(spec: &Value, builders: &[builders::Builder]) -> Result<Vec<Entry>, String> {
    let mut entries = Vec::new();
    let mut rule_owners: Vec<(String, String)> = Vec::new();
    let index = Index::new(spec);
    for operation in index.operations() {
        let label = operation.label();
        let builder = builders::of(builders, &operation)?;
        let may_repeat = operation.may_repeat();
        let prose_rules = prose_rules(operation.value, &label)?;
        for (rule, _) in &prose_rules {
            if let Some((_, owner)) = rule_owners.iter().find(|(name, _)| name == rule) {
                return Err(format!(
                    "the prose rule `{rule}` of {label} has the name of a rule of {owner}; give \
                     each rule its own name (it names the method sdk/src/validate.rs implements)"
                ));
            }
            rule_owners.push((rule.clone(), label.clone()));
        }
        let body = match (operation.value.get("requestBody"), &builder.body) {
            (None, _) => None,
            // A form (`multipart/form-data`): progenitor was not given it; its parts are
            // setters of their own (rewrite/form.rs), and no typed body reaches the prose rules.
            (Some(_), None) if operation.form_parts(&index).is_some() => None,
            (Some(_), Some(name)) => Some(
                syn::parse_str::<Type>(name)
                    .map_err(|e| format!("`{}::body` takes `{name}`: {e}", builder.name))?,
            ),
            (Some(_), None) => {
                return Err(format!(
                    "progenitor's builder `{}` for {label} has no `body<V: TryInto<types::X>>` \
                     method",
                    builder.name
                ));
            }
        };
        let call = call_line(&operation, &index, builder)?;
        let body_bounds = match &body {
            Some(_) => bounds::body(&operation, &index),
            None => Vec::new(),
        };
        entries.push(Entry {
            body_bounds,
            query_bounds: bounds::query(&operation, &index),
            method: builder.method.clone(),
            operation_id: operation.id.unwrap_or(&builder.method).to_string(),
            path: operation.path.to_string(),
            may_repeat,
            prose_rules,
            body,
            call,
        });
    }
    Ok(entries)
}

/// One operation for `for_each_operation!`:
/// `"get-thing" get_thing path [("id", id, String)] query [..] optional [..] body [types::X]
/// answer [json];`.
fn call_line(
    operation: &spec_model::Operation<'_>,
    index: &Index<'_>,
    builder: &builders::Builder,
) -> Result<TokenStream, String> {
    let label = operation.label();
    let field_type = |setter: &str| -> Result<(TokenStream, bool), String> {
        let (_, ty) = builder
            .fields
            .iter()
            .find(|(name, _)| name == setter)
            .ok_or_else(|| format!("`{}` has no field `{setter}`", builder.name))?;
        // `Result<T,String>` or `Result<Option<T>,String>`.
        let inner = ty
            .strip_prefix("Result<")
            .and_then(|t| t.strip_suffix(",String>"))
            .ok_or_else(|| format!("`{}::{setter}` is a `{ty}`", builder.name))?;
        let (inner, optional) = match inner.strip_prefix("Option<") {
            Some(t) => (t.strip_suffix('>').unwrap_or(t), true),
            None => (inner, false),
        };
        Ok((crate_types(inner)?, optional))
    };
    let parameters = operation.parameters(index);
    let mut path = Vec::new();
    let template_names = operation.path_parameters();
    if template_names.len() != builder.path_setters.len() {
        return Err(format!(
            "{label} has {} path parameter(s), progenitor's `{}` formats {}",
            template_names.len(),
            builder.name,
            builder.path_setters.len()
        ));
    }
    for (wire, setter) in template_names.iter().zip(&builder.path_setters) {
        let (ty, _) = field_type(setter)?;
        let setter = format_ident!("{setter}");
        path.push(quote!((#wire, #setter, #ty)));
    }
    let (mut required, mut optional) = (Vec::new(), Vec::new());
    for parameter in parameters.iter().filter(|p| p.location == "query") {
        let (_, setter) = builder
            .query_setters
            .iter()
            .find(|(wire, _)| *wire == parameter.name)
            .ok_or_else(|| {
                format!(
                    "progenitor's `{}` sends no query parameter `{}`",
                    builder.name, parameter.name
                )
            })?;
        let (ty, is_optional) = field_type(setter)?;
        let (wire, setter) = (&parameter.name, format_ident!("{setter}"));
        match is_optional {
            true => optional.push(quote!((#wire, #setter, #ty))),
            false => required.push(quote!((#wire, #setter, #ty))),
        }
    }
    let body = builder.body.as_deref().map(crate_types).transpose()?;
    let (id, method) = (
        operation.id.unwrap_or_default(),
        format_ident!("{}", builder.method),
    );
    // How its success is read (rewrite/send.rs): `json` (or no body), `text` (`crate::Text`),
    // or `text_or_json` (`crate::TextOr<T>`).
    let answer = match operation.text_success(index) {
        None => format_ident!("json"),
        Some(media) if media.iter().any(|m| spec_model::is_json(m)) => {
            format_ident!("text_or_json")
        }
        Some(_) => format_ident!("text"),
    };
    Ok(quote! {
        #id #method
            path [#(#path),*]
            query [#(#required),*]
            optional [#(#optional),*]
            body [#body]
            answer [#answer];
    })
}

/// A type of the generated module as another crate names it through the macro:
/// `types::X` becomes `$crate::types::X`.
fn crate_types(ty: &str) -> Result<TokenStream, String> {
    ty.replace("types::", "$crate::types::")
        .parse()
        .map_err(|e| format!("`{ty}` does not parse: {e}"))
}

/// `x-prose-rules`: a map from each rule's name (a snake_case Rust identifier) to its text.
fn prose_rules(operation: &Value, label: &str) -> Result<Vec<(String, String)>, String> {
    let rules = match operation.get("x-prose-rules") {
        None => return Ok(Vec::new()),
        Some(Value::Object(rules)) => rules,
        Some(_) => {
            return Err(format!(
                "`x-prose-rules` of {label} is not a map from a rule's name to its text"
            ));
        }
    };
    rules
        .iter()
        .map(|(name, text)| {
            let is_identifier = name.starts_with(|c: char| c.is_ascii_lowercase())
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            // `minimum` and `maximum` name the refusals of the spec's bounds (sdk/src/bounds.rs).
            if name == "minimum" || name == "maximum" {
                return Err(format!(
                    "the prose rule `{name}` of {label} has the name of a bound's refusal; give it \
                     a name of its own"
                ));
            }
            match (is_identifier, text.as_str()) {
                (true, Some(text)) => Ok((name.clone(), text.to_string())),
                (false, _) => Err(format!(
                    "the prose rule `{name}` of {label} is not a snake_case name; name it like \
                     a Rust function (`name_not_blank`)"
                )),
                (true, None) => Err(format!(
                    "the prose rule `{name}` of {label} has no text; state the rule in words"
                )),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::rewrite::flat;

    /// progenitor's builder for `POST /things/`, with a body of type `types::NewThing`.
    fn progenitor_output() -> syn::File {
        syn::parse_quote! {
            pub mod builder {
                impl<'a> MakeThing<'a> {
                    pub fn body<V>(mut self, value: V) -> Self
                    where
                        V: std::convert::TryInto<types::NewThing>,
                    {
                        self
                    }
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                        let url = format!("{}/things/", client.baseurl);
                        let request = client.client.post(url).build()?;
                        let info = OperationInfo { operation_id: "make_thing" };
                        todo!()
                    }
                }
            }
        }
    }

    fn spec(rules: Value) -> Value {
        serde_json::json!({"openapi": "3.0.3", "paths": {"/things/": {"post": {
            "operationId": "make-thing",
            "x-idempotent": false,
            "x-prose-rules": rules,
            "requestBody": {"content": {"application/json": {"schema": {}}}},
        }}}})
    }

    #[test]
    fn each_prose_rule_is_a_method_the_sdk_must_implement_and_the_operation_calls() {
        let rules = serde_json::json!({
            "name_not_blank": "The name is not empty.",
            "one_owner": "One owner, not two.",
        });
        let code = flat(
            items(
                &spec(rules),
                &builders::read(&progenitor_output()).unwrap(),
                &[],
            )
            .unwrap(),
        );
        // One required method per rule (no default body), documented with the rule.
        assert!(
            code.contains(
                "#[doc=\"`make_thing`:Thenameisnotempty.\"]\
             fnname_not_blank(request:&Sent<'_>,body:&types::NewThing)->Result<(),String>;"
            ),
            "{code}"
        );
        assert!(
            code.contains(
                "fnone_owner(request:&Sent<'_>,body:&types::NewThing)->Result<(),String>;"
            )
        );
        // The operation's constant, named by progenitor's method, calls both.
        // The tests' macros are compiled only for this workspace's tests, never exported by a
        // published build.
        for name in ["for_each_operation", "for_each_generated_type"] {
            assert!(
                code.contains(&format!(
                    "#[cfg(feature=\"__tests\")]#[doc(hidden)]#[macro_export]macro_rules!{name}"
                )),
                "{code}"
            );
        }
        assert_eq!(code.matches("#[macro_export]").count(), 2, "{code}");
        // Its body's type is the operation's: the rules read it as it is.
        assert!(
            code.contains(
                "pub(crate)constmake_thing:Operation<types::NewThing>=Operation{\
                 facts:Facts{id:\"make_thing\""
            ),
            "{code}"
        );
        assert!(code.contains("may_repeat:false"));
        // The tests' list of operations: its operationId, method, parameters, body type and
        // how its success is read.
        assert!(
            code.contains(
                "\"make-thing\"make_thingpath[]query[]optional[]body[$crate::types::NewThing]\
                 answer[json];"
            ),
            "{code}"
        );
        assert!(
            code.contains(
                "<RulesasProseRules>::name_not_blank(request,body)\
                 .map_err(|message|crate::operation::refused_by(\"name_not_blank\",message))?;\
                 <RulesasProseRules>::one_owner(request,body)\
                 .map_err(|message|crate::operation::refused_by(\"one_owner\",message))?;Ok(())"
            ),
            "{code}"
        );
    }

    #[test]
    fn a_prose_rule_list_or_a_rule_that_is_not_an_identifier_is_refused() {
        let refused = |rules| {
            items(
                &spec(rules),
                &builders::read(&progenitor_output()).unwrap(),
                &[],
            )
            .unwrap_err()
        };
        assert_eq!(
            refused(serde_json::json!(["The name is not empty."])),
            "`x-prose-rules` of POST /things/ is not a map from a rule's name to its text"
        );
        assert_eq!(
            refused(serde_json::json!({"Name rule": "The name is not empty."})),
            "the prose rule `Name rule` of POST /things/ is not a snake_case name; name it like \
             a Rust function (`name_not_blank`)"
        );
    }
}
