//! Every path parameter becomes exactly one path segment, through the SDK's own encoder.
//!
//! progenitor formats each path parameter with `progenitor_client::encode_path`, which leaves
//! `\` as it is, and a URL parser reads `\` as `/` in `http(s)` URLs: the id `x\..\victim`
//! would send a DELETE to the group `victim`. Each `encode_path(&id.to_string())` becomes
//! `crate::path::segment("id", &id.to_string()).map_err(Error::InvalidRequest)?`
//! (sdk/src/path.rs): every byte outside RFC 3986's unreserved set percent-encoded, and an
//! empty value, `.` and `..` refused before anything is sent, naming the parameter.

use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItem, Item};

use super::{flat, module_mut};

/// Rewrites every `encode_path(..)` in `mod builder`; returns how many it rewrote. In each
/// `send()` it must rewrite as many as the path has parameters (`{}` in progenitor's format
/// string after the base URL's).
pub fn own_segments(file: &mut syn::File) -> Result<usize, String> {
    let builder = module_mut(&mut file.items, "builder")?;
    let mut total = 0;
    for item in builder.iter_mut() {
        let Item::Impl(block) = item else { continue };
        for member in &mut block.items {
            let ImplItem::Fn(function) = member else {
                continue;
            };
            let mut rewrite = Segments::default();
            rewrite.visit_block_mut(&mut function.block);
            if let Some(problem) = rewrite.problem {
                return Err(problem);
            }
            if rewrite.rewritten != rewrite.placeholders {
                return Err(format!(
                    "`{}` formats {} path parameter(s) but calls `encode_path` {} time(s)",
                    function.sig.ident, rewrite.placeholders, rewrite.rewritten
                ));
            }
            total += rewrite.rewritten;
        }
    }
    Ok(total)
}

/// One function's path: how many parameters its format string has, and the calls rewritten.
#[derive(Default)]
struct Segments {
    placeholders: usize,
    rewritten: usize,
    problem: Option<String>,
}

impl VisitMut for Segments {
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        if !mac.path.is_ident("format") {
            return;
        }
        let Ok(mut args) = mac
            .parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
        else {
            return;
        };
        let Some(Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        })) = args.first()
        else {
            return;
        };
        // Only the URL: `format!("{}/api/v1/x/{}/", client.baseurl, ..)`.
        let text = text.value();
        if !text.starts_with("{}/") || flat(&args[1]) != "client.baseurl" {
            return;
        }
        self.placeholders += text.matches("{}").count() - 1;
        for arg in args.iter_mut().skip(2) {
            match encoded_parameter(arg) {
                Some(name) => {
                    let ident = syn::Ident::new(&name, proc_macro2::Span::call_site());
                    *arg = syn::parse_quote!(
                        crate::path::segment(#name, &#ident.to_string())
                            .map_err(Error::InvalidRequest)?
                    );
                    self.rewritten += 1;
                }
                None => {
                    self.problem = Some(format!(
                        "a path parameter is formatted as `{}`, not \
                         `encode_path(&NAME.to_string())`",
                        flat(&*arg)
                    ));
                }
            }
        }
        mac.tokens = quote::quote!(#args);
    }
}

/// `NAME` out of `encode_path(&NAME.to_string())`.
fn encoded_parameter(arg: &Expr) -> Option<String> {
    let Expr::Call(call) = arg else { return None };
    if flat(&call.func) != "encode_path" || call.args.len() != 1 {
        return None;
    }
    let Expr::Reference(reference) = &call.args[0] else {
        return None;
    };
    let Expr::MethodCall(to_string) = reference.expr.as_ref() else {
        return None;
    };
    if to_string.method != "to_string" {
        return None;
    }
    match to_string.receiver.as_ref() {
        Expr::Path(path) => path.path.get_ident().map(ToString::to_string),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder(url: proc_macro2::TokenStream) -> syn::File {
        syn::parse_quote! {
            pub mod builder {
                impl<'a> GetMember<'a> {
                    async fn send_generated(self) {
                        let url = #url;
                    }
                }
            }
        }
    }

    #[test]
    fn each_path_parameter_goes_through_the_sdks_encoder() {
        let mut file = builder(quote::quote!(format!(
            "{}/groups/{}/members/{}/",
            client.baseurl,
            encode_path(&id.to_string()),
            encode_path(&member_id.to_string()),
        )));
        assert_eq!(own_segments(&mut file), Ok(2));
        let code = flat(&file);
        assert!(code.contains(
            "crate::path::segment(\"id\",&id.to_string()).map_err(Error::InvalidRequest)?,\
             crate::path::segment(\"member_id\",&member_id.to_string()).map_err(Error::InvalidRequest)?"
        ), "{code}");
        assert!(!code.contains("encode_path"), "{code}");
    }

    #[test]
    fn a_parameter_formatted_another_way_is_refused() {
        let mut file = builder(quote::quote!(format!(
            "{}/groups/{}/",
            client.baseurl,
            id.to_string(),
        )));
        assert_eq!(
            own_segments(&mut file).unwrap_err(),
            "a path parameter is formatted as `id.to_string()`, not \
             `encode_path(&NAME.to_string())`"
        );
    }
}
