//! An operation whose request body is `multipart/form-data` (a dataset's files) is sent as a
//! form, its files streamed, through the same builder, checks, hooks and retries as every other
//! operation.
//!
//! progenitor cannot send such a body (it panics on the media type), so it is given the
//! operation without its body ([`for_progenitor`]): the builder it writes has the path and
//! query setters, and its `send()` the operation's status arms. This step then gives that
//! builder what the body's schema says (`Operation::form_parts`, from the spec, never per
//! operation):
//! - a field `form: crate::upload::Form`, empty in `new()`;
//! - a setter per property: a file (`format: binary`) takes a `crate::FilePart`, a list of
//!   files any `IntoIterator` of them (one part each, under the property's name); any other
//!   property is a text part from any `ToString` value (a list: one part per value);
//! - in `send()`, before the request is built, the form made into reqwest's (each file opened
//!   and wrapped as a stream; a required part missing, an unreadable file or a bad media type
//!   refuse the request as an invalid one), and `.multipart(form)` in progenitor's request
//!   chain, which sets the `Content-Type` with its boundary (and a `Content-Length` when every
//!   part's length is known).
//!
//! Its body is a stream, so `hooks::send` keeps no copy of it and the request is sent once.
//! The mocks, generated from the same body-less operation, match on method, path and
//! parameters only.
//!
//! The step runs before `send`, so the function it rewrites is still progenitor's `send()`.

use heck::ToSnakeCase;
use openapiv3::OpenAPI;
use quote::quote;
use syn::{Expr, ImplItem, Stmt};

use super::builder_fields::{declare, empty_in_new, impl_of, take_from_self};
use super::{flat, module_mut};
use spec_model::{FormPart, Index, is_form};

/// A builder whose operation's body is a form, with the form's parts.
#[derive(Debug, Clone, PartialEq)]
pub struct FormBody {
    /// The builder's type, e.g. `UploadFilesToBatch`.
    pub builder: String,
    /// The parts, from the body's schema.
    pub parts: Vec<FormPart>,
}

/// `api` as progenitor is given it: every `multipart/form-data` request body removed (the
/// operation is otherwise untouched; this step adds the body back).
pub fn for_progenitor(mut api: OpenAPI, index: &Index) -> OpenAPI {
    for op in index.operations() {
        let is_a_form = op
            .request_body(index)
            .and_then(|body| body.get("content"))
            .and_then(serde_json::Value::as_object)
            .is_some_and(|content| content.keys().any(|m| is_form(m)));
        if is_a_form && let Some(operation) = super::operation_mut(&mut api, &op) {
            operation.request_body = None;
        }
    }
    api
}

/// Gives each builder of `forms` its form: field, setters, and the body in `send()`. Returns
/// how many builders it changed, or an error naming the shape it did not find.
pub fn send_forms(file: &mut syn::File, forms: &[FormBody]) -> Result<usize, String> {
    let builder = module_mut(&mut file.items, "builder")?;
    let mut changed = 0;
    let form_field = syn::Ident::new("form", proc_macro2::Span::call_site());
    for form in forms {
        let name = &form.builder;
        declare(builder, name, syn::parse_quote!(form: crate::upload::Form))?;
        let block = impl_of(builder, name)?;
        let existing: Vec<String> = block
            .items
            .iter()
            .filter_map(|item| match item {
                ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                _ => None,
            })
            .collect();
        let mut new_seen = false;
        let mut send_seen = false;
        for item in block.items.iter_mut() {
            let ImplItem::Fn(function) = item else {
                continue;
            };
            if function.sig.ident == "new" {
                empty_in_new(function, name, &form_field)?;
                new_seen = true;
            } else if function.sig.ident == "send" {
                form_in_send(function, name, &form.parts)?;
                send_seen = true;
            }
        }
        if !(new_seen && send_seen) {
            return Err(format!("`impl {name}` has no `new()` and `send()`"));
        }
        let send = block
            .items
            .iter()
            .position(|item| matches!(item, ImplItem::Fn(f) if f.sig.ident == "send"))
            .unwrap_or(block.items.len());
        let mut setters = Vec::new();
        for part in &form.parts {
            let setter = setter_name(&part.name)?;
            if existing.contains(&setter.to_string()) {
                return Err(format!(
                    "the form part `{}` of `{name}` has the setter name of a parameter \
                     (`{setter}`); rename one in the spec",
                    part.name
                ));
            }
            setters.push(setter_of(part, &setter)?);
        }
        block.items.splice(send..send, setters);
        changed += 1;
    }
    Ok(changed)
}

/// The setter of a part: the property's name in snake case, as progenitor names setters.
fn setter_name(name: &str) -> Result<syn::Ident, String> {
    let snake = name.to_snake_case();
    syn::parse_str::<syn::Ident>(&snake)
        .map_err(|_| format!("the form part `{name}` gives no setter name (`{snake}`)"))
}

/// In progenitor's `send()`: `form` taken out of `self`, made into reqwest's form before the
/// request is built, and sent as the request's body.
fn form_in_send(send: &mut syn::ImplItemFn, name: &str, parts: &[FormPart]) -> Result<(), String> {
    let form = syn::Ident::new("form", proc_macro2::Span::call_site());
    take_from_self(send, name, &form)?;
    let stmts = &mut send.block.stmts;

    let at = stmts
        .iter()
        .position(|stmt| flat(stmt).starts_with("#[allow(unused_mut)]letmutrequest="))
        .ok_or_else(|| format!("`{name}::send()` has no `let mut request = ..`"))?;
    let Stmt::Local(local) = &mut stmts[at] else {
        return Err(format!(
            "`{name}::send()`: `let mut request` is not a `let`"
        ));
    };
    let init = local
        .init
        .as_mut()
        .ok_or_else(|| format!("`{name}::send()`: `let mut request` has no value"))?;
    let Expr::Try(built) = init.expr.as_mut() else {
        return Err(format!(
            "`{name}::send()`: the request is not `...build()?`"
        ));
    };
    let Expr::MethodCall(build) = built.expr.as_mut() else {
        return Err(format!(
            "`{name}::send()`: the request is not `...build()?`"
        ));
    };
    if build.method != "build" {
        return Err(format!(
            "`{name}::send()`: the request is not `...build()?`"
        ));
    }
    let chain = build.receiver.as_ref().clone();
    *build.receiver = syn::parse_quote!(#chain.multipart(form));

    let required: Vec<&str> = parts
        .iter()
        .filter(|p| p.required)
        .map(|p| p.name.as_str())
        .collect();
    stmts.insert(
        at,
        syn::parse_quote!(
            let form = form.into_wire(&[#(#required),*]).await.map_err(Error::InvalidRequest)?;
        ),
    );
    Ok(())
}

/// The setter of one part.
fn setter_of(part: &FormPart, setter: &syn::Ident) -> Result<ImplItem, String> {
    let name = &part.name;
    let what = match (part.file, part.repeated) {
        (true, true) => format!(
            "The files of the form part `{name}`, one part each, streamed when the request is \
             sent ([`crate::FilePart`]); added to any given before."
        ),
        (true, false) => format!(
            "The file of the form part `{name}`, streamed when the request is sent \
             ([`crate::FilePart`])."
        ),
        (false, true) => {
            format!(
                "The values of the form part `{name}`, one text part each; added to any given before."
            )
        }
        (false, false) => format!("The text of the form part `{name}`."),
    };
    let mut docs = vec![what];
    if let Some(description) = &part.description {
        docs.push(String::new());
        docs.push(description.trim().to_string());
    }
    if part.required {
        docs.push(String::new());
        docs.push("Required: `send()` refuses a request without it.".to_string());
    }
    let docs = docs.iter().map(|line| format!(" {line}"));
    let tokens = match (part.file, part.repeated) {
        (true, true) => quote! {
            #(#[doc = #docs])*
            pub fn #setter<I>(mut self, files: I) -> Self
            where
                I: ::std::iter::IntoIterator<Item = crate::FilePart>,
            {
                for file in files {
                    self.form.push_file(#name, file);
                }
                self
            }
        },
        (true, false) => quote! {
            #(#[doc = #docs])*
            pub fn #setter(mut self, file: crate::FilePart) -> Self {
                self.form.set_file(#name, file);
                self
            }
        },
        (false, true) => quote! {
            #(#[doc = #docs])*
            pub fn #setter<I>(mut self, values: I) -> Self
            where
                I: ::std::iter::IntoIterator,
                I::Item: ::std::string::ToString,
            {
                for value in values {
                    self.form.push_text(#name, value.to_string());
                }
                self
            }
        },
        (false, false) => quote! {
            #(#[doc = #docs])*
            pub fn #setter<V>(mut self, value: V) -> Self
            where
                V: ::std::string::ToString,
            {
                self.form.set_text(#name, value.to_string());
                self
            }
        },
    };
    syn::parse2(tokens).map_err(|e| format!("the setter of `{name}` does not parse: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A builder as progenitor writes it for a `POST` whose body it was not given.
    fn builder() -> syn::File {
        syn::parse_quote! {
            pub mod builder {
                #[derive(Debug, Clone)]
                pub struct UploadThing<'a> {
                    client: &'a super::Client,
                    id: Result<::std::string::String, String>,
                }
                impl<'a> UploadThing<'a> {
                    pub fn new(client: &'a super::Client) -> Self {
                        Self { client: client, id: Err("id was not initialized".to_string()) }
                    }
                    pub fn id<V>(mut self, value: V) -> Self { self }
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                        let Self { client, id } = self;
                        let id = id.map_err(Error::InvalidRequest)?;
                        let url = format!("{}/things/{}", client.baseurl, id);
                        #[allow(unused_mut)]
                        let mut request = client.client.post(url).headers(header_map).build()?;
                        client.pre(&mut request, &info).await?;
                    }
                }
            }
        }
    }

    fn part(name: &str, file: bool, repeated: bool, required: bool) -> FormPart {
        FormPart {
            name: name.into(),
            file,
            repeated,
            required,
            description: None,
        }
    }

    #[test]
    fn a_form_gets_its_field_setters_and_a_streamed_body() {
        let mut file = builder();
        let forms = [FormBody {
            builder: "UploadThing".into(),
            parts: vec![
                part("files", true, true, true),
                part("file_kind", false, false, false),
            ],
        }];
        assert_eq!(send_forms(&mut file, &forms), Ok(1));
        let code = flat(&file);
        assert!(code.contains("form:crate::upload::Form}"), "{code}");
        assert!(
            code.contains("form:::std::default::Default::default()"),
            "{code}"
        );
        assert!(code.contains("pubfnfiles<I>(mutself,files:I)->SelfwhereI:::std::iter::IntoIterator<Item=crate::FilePart>"), "{code}");
        assert!(
            code.contains("self.form.push_file(\"files\",file);"),
            "{code}"
        );
        assert!(
            code.contains("pubfnfile_kind<V>(mutself,value:V)->Self"),
            "{code}"
        );
        assert!(code.contains("letSelf{client,id,form}=self;"), "{code}");
        assert!(
            code.contains(
                "letform=form.into_wire(&[\"files\"]).await.map_err(Error::InvalidRequest)?;\
                 #[allow(unused_mut)]letmutrequest=client.client.post(url).headers(header_map)\
                 .multipart(form).build()?;"
            ),
            "{code}"
        );
    }

    #[test]
    fn a_part_named_like_a_parameter_or_a_missing_builder_is_refused_by_name() {
        let mut file = builder();
        let forms = [FormBody {
            builder: "UploadThing".into(),
            parts: vec![part("id", false, false, false)],
        }];
        assert_eq!(
            send_forms(&mut file, &forms),
            Err(
                "the form part `id` of `UploadThing` has the setter name of a parameter \
                 (`id`); rename one in the spec"
                    .into()
            )
        );
        let forms = [FormBody {
            builder: "Missing".into(),
            parts: vec![],
        }];
        assert_eq!(
            send_forms(&mut builder(), &forms),
            Err("no `struct Missing` in the builder module".into())
        );
    }
}
