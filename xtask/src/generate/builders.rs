//! progenitor's request builders as progenitor wrote them: the one place the xtask learns the
//! Rust names of an operation. Nothing re-derives them from the operationId (progenitor's own
//! case conversion may change, or a name may be deduplicated); a spec operation is paired with
//! its builder by HTTP method and path, the two facts progenitor writes into the request.

use crate::generate::rewrite::{first_type_argument, flat, success_type};
use quote::ToTokens;
use spec_model::Operation;
use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItem, Item, TypeParamBound, WherePredicate};

/// One builder of progenitor's `mod builder`.
#[derive(Debug, Clone, PartialEq)]
pub struct Builder {
    /// The builder's type, e.g. `CreateParticipantGroup`.
    pub name: String,
    /// The client's method and `OperationInfo::operation_id`, e.g. `create_participant_group`.
    pub method: String,
    /// The HTTP method, lower case, as the request is built (`client.client.post(url)`).
    pub http_method: String,
    /// The path progenitor formats, each parameter written `{}`: `/api/v1/groups/{}/`.
    pub path: String,
    /// The type `body` converts to (`types::CreateParticipantGroupRequest`), if it has one.
    pub body: Option<String>,
    /// What a success decodes to: `T` of `Result<ResponseValue<T>, _>`, as written
    /// (`types::ParticipantGroup`; `()` for a success without a body).
    pub answer: String,
    /// The path parameters' setters, in the path's order: `id`.
    pub path_setters: Vec<String>,
    /// The query parameters: each one's name on the wire and its setter.
    pub query_setters: Vec<(String, String)>,
    /// The builder's fields and their types as written (`Result<Option<bool>,String>`).
    pub fields: Vec<(String, String)>,
}

impl Builder {
    /// Whether this builder sends `http_method` (any case) to the spec path `template`.
    pub fn sends(&self, http_method: &str, template: &str) -> bool {
        self.http_method.eq_ignore_ascii_case(http_method)
            && self.path == spec_model::fill(template, |_| "{}".into())
    }

    /// How many path parameters progenitor formats into the path.
    pub fn path_parameters(&self) -> usize {
        self.path.matches("{}").count()
    }
}

#[cfg(test)]
impl Builder {
    /// A builder with only what pairs it with an operation (its client method, HTTP method and
    /// path) and everything else empty: the tests of the modules that read builders change
    /// what they need with `Builder { .., ..Builder::sending(..) }`.
    pub(crate) fn sending(method: &str, http_method: &str, path: &str) -> Self {
        Builder {
            name: String::new(),
            method: method.into(),
            http_method: http_method.into(),
            path: path.into(),
            body: None,
            answer: String::new(),
            path_setters: Vec::new(),
            query_setters: Vec::new(),
            fields: Vec::new(),
        }
    }
}

/// The builder in `builders` that sends `http_method` to the spec path `template`.
pub fn find<'a>(builders: &'a [Builder], http_method: &str, template: &str) -> Option<&'a Builder> {
    builders.iter().find(|b| b.sends(http_method, template))
}

/// The builder of the spec's `operation`, or an error naming the operation: progenitor writes
/// one builder per operation, so a missing one means its output changed shape.
pub fn of<'a>(builders: &'a [Builder], operation: &Operation<'_>) -> Result<&'a Builder, String> {
    find(builders, operation.method, operation.path).ok_or_else(|| {
        format!(
            "progenitor's output has no builder for {}; update xtask/src/generate/builders.rs to how \
             progenitor writes builders now",
            operation.label()
        )
    })
}

/// Every builder of progenitor's `mod builder` (before the rewrites), in the file's order.
/// A builder whose `send()` lacks one of the facts read here is an error naming it.
pub fn read(file: &syn::File) -> Result<Vec<Builder>, String> {
    let items = file
        .items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .ok_or("progenitor's output has no `mod builder`")?;
    let mut found = Vec::new();
    for item in items {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        let Some(send) = block.items.iter().find_map(|member| match member {
            ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
            _ => None,
        }) else {
            continue;
        };
        let name = block
            .self_ty
            .to_token_stream()
            .to_string()
            .split('<')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        // syn's read-only `Visit` is a feature the xtask does not otherwise need: a copy of the
        // block is read through `VisitMut`, which it has.
        let mut facts = SendFacts::default();
        facts.visit_block_mut(&mut send.block.clone());
        let missing = |what: &str| format!("the builder `{name}`'s `send()` has no {what}");
        let body = block.items.iter().find_map(|member| match member {
            ImplItem::Fn(f) if f.sig.ident == "body" => body_type(f),
            _ => None,
        });
        let fields = items
            .iter()
            .find_map(|item| match item {
                Item::Struct(s) if s.ident == name => Some(
                    s.fields
                        .iter()
                        .filter_map(|f| Some((f.ident.as_ref()?.to_string(), flat(&f.ty))))
                        .collect(),
                ),
                _ => None,
            })
            .unwrap_or_default();
        found.push(Builder {
            method: facts
                .operation_id
                .ok_or_else(|| missing("`OperationInfo { operation_id: \"..\" }`"))?,
            http_method: facts
                .http_method
                .ok_or_else(|| missing("`client.client.METHOD(url)`"))?,
            path: facts
                .path
                .ok_or_else(|| missing("`let url = format!(\"{}/path\", ..)`"))?,
            answer: success_type(&send.sig.output)
                .and_then(|value| match value {
                    syn::Type::Path(path) => {
                        first_type_argument(&path.path.segments.last()?.arguments)
                    }
                    _ => None,
                })
                .map(flat)
                .ok_or_else(|| missing("return type `Result<ResponseValue<T>, _>`"))?,
            body,
            path_setters: facts.path_setters,
            query_setters: facts.query_setters,
            fields,
            name,
        });
    }
    Ok(found)
}

/// The facts of one `send()`: its operation id, HTTP method, path, and parameters' setters.
#[derive(Default)]
struct SendFacts {
    operation_id: Option<String>,
    http_method: Option<String>,
    path: Option<String>,
    path_setters: Vec<String>,
    query_setters: Vec<(String, String)>,
}

impl VisitMut for SendFacts {
    fn visit_expr_struct_mut(&mut self, node: &mut syn::ExprStruct) {
        if node.path.is_ident("OperationInfo") {
            for field in &node.fields {
                if let (syn::Member::Named(member), Expr::Lit(lit)) = (&field.member, &field.expr)
                    && member == "operation_id"
                    && let syn::Lit::Str(id) = &lit.lit
                {
                    self.operation_id = Some(id.value());
                }
            }
        }
        syn::visit_mut::visit_expr_struct_mut(self, node);
    }

    fn visit_expr_call_mut(&mut self, node: &mut syn::ExprCall) {
        // `progenitor_client::QueryParam::new("workspace_id", &workspace_id)`
        if flat(&node.func).ends_with("QueryParam::new")
            && let (Some(Expr::Lit(lit)), Some(Expr::Reference(value))) =
                (node.args.first(), node.args.get(1))
            && let syn::Lit::Str(wire) = &lit.lit
        {
            self.query_setters.push((wire.value(), flat(&value.expr)));
        }
        syn::visit_mut::visit_expr_call_mut(self, node);
    }

    fn visit_expr_method_call_mut(&mut self, node: &mut syn::ExprMethodCall) {
        if flat(&node.receiver) == "client.client"
            && node.args.len() == 1
            && flat(&node.args[0]) == "url"
        {
            self.http_method = Some(node.method.to_string());
        }
        syn::visit_mut::visit_expr_method_call_mut(self, node);
    }

    fn visit_local_mut(&mut self, node: &mut syn::Local) {
        if let syn::Pat::Ident(pat) = &node.pat
            && pat.ident == "url"
            && let Some(init) = &node.init
            && let Expr::Macro(call) = init.expr.as_ref()
            && call.mac.path.is_ident("format")
            && let Ok(format) = call.mac.parse_body_with(
                syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated,
            )
            && let Some(Expr::Lit(lit)) = format.first()
            && let syn::Lit::Str(text) = &lit.lit
        {
            // `"{}/api/v1/x/{}/"`: the first `{}` is the base URL; each path parameter after it
            // is `encode_path(&NAME.to_string())`.
            self.path = text.value().strip_prefix("{}").map(str::to_string);
            self.path_setters = format
                .iter()
                .skip(2)
                .filter_map(|arg| {
                    let Expr::Call(call) = arg else { return None };
                    let Some(Expr::Reference(reference)) = call.args.first() else {
                        return None;
                    };
                    let Expr::MethodCall(to_string) = reference.expr.as_ref() else {
                        return None;
                    };
                    Some(flat(&to_string.receiver))
                })
                .collect();
        }
        syn::visit_mut::visit_local_mut(self, node);
    }
}

/// `X` out of `fn body<V>(..) where V: TryInto<X>`.
/// What users call on one builder of a module, as written there: its setters (every public
/// method but `send`) and what its `send()` returns (without spaces).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Calls {
    /// The public methods that set a part of the request: `id`, `body`, `file`.
    pub setters: std::collections::BTreeSet<String>,
    /// What `send()` returns, e.g. `Result<ResponseValue<types::Group>,crate::Error>`.
    pub returns: String,
}

/// Each builder's [`Calls`] in the `mod builder` of `file`, by the builder's type name. Unlike
/// [`read`], it reads only signatures, so it reads the final code (after the rewrite steps)
/// as well as progenitor's.
pub fn calls(file: &syn::File) -> std::collections::BTreeMap<String, Calls> {
    let items = file.items.iter().find_map(|item| match item {
        Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    });
    let mut found = std::collections::BTreeMap::new();
    for item in items.into_iter().flatten() {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        let syn::Type::Path(ty) = block.self_ty.as_ref() else {
            continue;
        };
        let Some(name) = ty.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        let calls: &mut Calls = found.entry(name).or_default();
        for member in &block.items {
            let ImplItem::Fn(f) = member else { continue };
            if !matches!(f.vis, syn::Visibility::Public(_)) {
                continue;
            }
            if f.sig.ident == "send" {
                calls.returns = flat(&f.sig.output).trim_start_matches("->").to_string();
            } else if f.sig.ident != "new" {
                calls.setters.insert(f.sig.ident.to_string());
            }
        }
    }
    found
}

fn body_type(body: &syn::ImplItemFn) -> Option<String> {
    let predicates = &body.sig.generics.where_clause.as_ref()?.predicates;
    predicates.iter().find_map(|predicate| {
        let WherePredicate::Type(predicate) = predicate else {
            return None;
        };
        predicate.bounds.iter().find_map(|bound| {
            let TypeParamBound::Trait(bound) = bound else {
                return None;
            };
            let last = bound.path.segments.last()?;
            if last.ident != "TryInto" {
                return None;
            }
            first_type_argument(&last.arguments).map(flat)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_builder_names_its_method_http_method_path_and_body() {
        let file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> AddMember<'a> {
                    pub fn body<V>(mut self, value: V) -> Self
                    where
                        V: std::convert::TryInto<types::Member>,
                        <V as std::convert::TryInto<types::Member>>::Error: std::fmt::Display,
                    {
                        self
                    }
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                        let url = format!("{}/groups/{}/members/", client.baseurl, encode_path(&id.to_string()));
                        let mut request = client
                            .client
                            .post(url)
                            .query(&progenitor_client::QueryParam::new("dry-run", &dry_run))
                            .build()?;
                        let info = OperationInfo { operation_id: "add_member" };
                        todo!()
                    }
                }
                impl<'a> Plain<'a> {
                    pub fn new() -> Self { todo!() }
                }
            }
        };
        let builders = read(&file).unwrap();
        assert_eq!(
            builders,
            [Builder {
                name: "AddMember".into(),
                method: "add_member".into(),
                http_method: "post".into(),
                path: "/groups/{}/members/".into(),
                body: Some("types::Member".into()),
                answer: "()".into(),
                path_setters: vec!["id".into()],
                query_setters: vec![("dry-run".into(), "dry_run".into())],
                fields: vec![],
            }]
        );
        assert_eq!(
            find(&builders, "POST", "/groups/{group_id}/members/").map(|b| &b.method),
            Some(&"add_member".to_string())
        );
        assert!(find(&builders, "get", "/groups/{group_id}/members/").is_none());
        assert_eq!(builders[0].path_parameters(), 1);
    }

    #[test]
    fn a_send_without_its_operation_id_is_named() {
        let file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> Odd<'a> {
                    pub async fn send(self) {
                        let url = format!("{}/x/", client.baseurl);
                        let request = client.client.get(url);
                    }
                }
            }
        };
        assert_eq!(
            read(&file).unwrap_err(),
            "the builder `Odd`'s `send()` has no `OperationInfo { operation_id: \"..\" }`"
        );
    }
}
