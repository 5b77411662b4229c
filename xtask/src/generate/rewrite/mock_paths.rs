//! Every path-parameter setter of the mocks' `When`s matches the value exactly as the SDK sends
//! it.
//!
//! progenitor's setter pastes the value into a regular expression as it is:
//! `regex::Regex::new(&format!("^/api/v1/participant-groups/{}/$", value.to_string())).unwrap()`.
//! So `g.1` matches `gx1`, `g 1` never matches the `g%201` the SDK sends, and `a(b` panics.
//! Each such setter calls the mock crate's `crate::exact::path` instead, with the operation's
//! path template and the parameter's name: it encodes the value with the SDK's own encoder and
//! matches the result character for character (sdk-mock/src/exact.rs).
//!
//! The places come from the spec: one setter per path parameter of each operation, in the
//! `When` of the operation's builder. progenitor's output must hold exactly that many
//! setters of this shape, each where the spec says.

use quote::quote;
use syn::{ImplItem, Item, Type};

use super::{flat, module_mut};
use crate::generate::builders::Builder;
use spec_model::Index;

/// One setter to change: the `When` it is in, the parameter, the operation's path template.
struct Place {
    when: String,
    parameter: String,
    template: String,
}

/// Rewrites every path-parameter setter in progenitor's `mod operations`.
pub fn exact(file: &mut syn::File, index: &Index, builders: &[Builder]) -> Result<(), String> {
    let places = places(index, builders)?;
    let operations = module_mut(&mut file.items, "operations")?;
    let found = operations.iter().map(pasting_setters).sum::<usize>();
    if found != places.len() {
        return Err(format!(
            "progenitor's mocks have {found} path-parameter setter(s) that build a regular \
             expression from the value, the spec {} (one per path parameter of each operation)",
            places.len()
        ));
    }
    for place in &places {
        rewrite(operations, place)?;
    }
    Ok(())
}

/// One place per path parameter of each operation, in the `When` named after its builder.
fn places(index: &Index, builders: &[Builder]) -> Result<Vec<Place>, String> {
    let mut places = Vec::new();
    for operation in index.operations() {
        let parameters: Vec<String> = operation
            .parameters(index)
            .into_iter()
            .filter(|p| p.location == "path")
            .map(|p| p.name)
            .collect();
        if parameters.is_empty() {
            continue;
        }
        let builder = &crate::generate::builders::of(builders, &operation)?.name;
        for parameter in parameters {
            places.push(Place {
                when: format!("{builder}When"),
                parameter,
                template: operation.path.to_string(),
            });
        }
    }
    Ok(places)
}

/// How many of the functions of `item` (an `impl`) are progenitor's path-parameter setters.
fn pasting_setters(item: &Item) -> usize {
    let Item::Impl(block) = item else { return 0 };
    block
        .items
        .iter()
        .filter(|member| {
            let ImplItem::Fn(function) = member else {
                return false;
            };
            let body = flat(&function.block);
            body.contains("regex::Regex::new(&format!(") && body.contains("path_matches(re)")
        })
        .count()
}

/// Replaces the body of the setter of `place` with a call to `crate::exact::path`.
fn rewrite(operations: &mut [Item], place: &Place) -> Result<(), String> {
    let Place {
        when,
        parameter,
        template,
    } = place;
    let block = operations
        .iter_mut()
        .find_map(|item| match item {
            Item::Impl(block) if matches!(&*block.self_ty, Type::Path(p) if p.path.is_ident(when)) => {
                Some(block)
            }
            _ => None,
        })
        .ok_or_else(|| format!("`mod operations` has no `impl {when}`"))?;
    let pasted = syn::LitStr::new(
        &wildcard(template, parameter),
        proc_macro2::Span::call_site(),
    );
    let expected = flat(quote! {{
        let re = regex::Regex::new(&format!(#pasted, value.to_string())).unwrap();
        Self(self.0.path_matches(re))
    }});
    let setter = block
        .items
        .iter_mut()
        .find_map(|member| match member {
            ImplItem::Fn(function) if flat(&function.block) == expected => Some(function),
            _ => None,
        })
        .ok_or_else(|| {
            format!(
                "`impl {when}` has no setter of the path parameter `{parameter}` shaped \
                 `{expected}`"
            )
        })?;
    setter.block = syn::parse_quote! {{
        Self(self.0.path_matches(crate::exact::path(#template, #parameter, &value.to_string())))
    }};
    Ok(())
}

/// The format string progenitor builds the setter of `parameter` from: `template` anchored,
/// `{}` for the parameter, `.*` for any other.
fn wildcard(template: &str, parameter: &str) -> String {
    let pattern = spec_model::fill(template, |name| {
        if name == parameter { "{}" } else { ".*" }.to_string()
    });
    format!("^{pattern}$")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec() -> serde_json::Value {
        json!({"paths": {
            "/things/": {"get": {"operationId": "list-things"}},
            "/things/{thing}/parts/{part}/": {
                "parameters": [{"name": "thing", "in": "path", "required": true}],
                "get": {
                    "operationId": "get-part",
                    "parameters": [
                        {"name": "part", "in": "path", "required": true},
                        {"name": "verbose", "in": "query"}
                    ]
                }
            }
        }})
    }

    /// progenitor's builders for the operations of these tests, as `builders::read` gives them.
    fn builders() -> Vec<Builder> {
        let builder = |name: &str, path: &str| Builder {
            name: name.into(),
            ..Builder::sending("", "get", path)
        };
        vec![
            builder("ListThings", "/things/"),
            builder("GetPart", "/things/{}/parts/{}/"),
            builder("GetOther", "/other/{}/"),
            builder("GetThing", "/things/{}/"),
        ]
    }

    fn mocks() -> syn::File {
        syn::parse_quote! {
            pub mod operations {
                impl ListThingsWhen {
                    pub fn new(inner: ::httpmock::When) -> Self {
                        Self(inner.path_matches(regex::Regex::new("^/things/$").unwrap()))
                    }
                }
                impl GetPartWhen {
                    pub fn thing(self, value: &str) -> Self {
                        let re = regex::Regex::new(&format!("^/things/{}/parts/.*/$", value.to_string()))
                            .unwrap();
                        Self(self.0.path_matches(re))
                    }
                    pub fn part(self, value: &str) -> Self {
                        let re = regex::Regex::new(&format!("^/things/.*/parts/{}/$", value.to_string()))
                            .unwrap();
                        Self(self.0.path_matches(re))
                    }
                    pub fn verbose(self, value: &str) -> Self {
                        Self(self.0.query_param("verbose", value.to_string()))
                    }
                }
            }
        }
    }

    #[test]
    fn each_path_parameter_setter_matches_through_crate_exact() {
        let spec = spec();
        let mut file = mocks();
        exact(&mut file, &Index::new(&spec), &builders()).unwrap();
        let code = flat(&file);
        for parameter in ["thing", "part"] {
            assert!(
                code.contains(&format!(
                    "Self(self.0.path_matches(crate::exact::path(\
                     \"/things/{{thing}}/parts/{{part}}/\",\"{parameter}\",&value.to_string())))"
                )),
                "{code}"
            );
        }
        assert!(!code.contains("format!"), "{code}");
        // The query setter and the constructor are left alone.
        assert!(code.contains("self.0.query_param(\"verbose\",value.to_string())"));
        assert!(code.contains("regex::Regex::new(\"^/things/$\")"));
    }

    #[test]
    fn a_count_other_than_the_specs_fails_naming_both() {
        let mut spec = spec();
        spec["paths"]["/other/{id}/"] = json!({"get": {"operationId": "get-other", "parameters": [{"name": "id", "in": "path"}]}});
        let error = exact(&mut mocks(), &Index::new(&spec), &builders()).unwrap_err();
        assert_eq!(
            error,
            "progenitor's mocks have 2 path-parameter setter(s) that build a regular expression \
             from the value, the spec 3 (one per path parameter of each operation)"
        );
        // Rewritten once, there is nothing left of progenitor's shape.
        let spec = self::spec();
        let mut file = mocks();
        exact(&mut file, &Index::new(&spec), &builders()).unwrap();
        let again = exact(&mut file, &Index::new(&spec), &builders()).unwrap_err();
        assert!(again.starts_with("progenitor's mocks have 0 "), "{again}");
    }

    #[test]
    fn a_setter_elsewhere_than_the_spec_says_fails_naming_it() {
        let spec = json!({"paths": {"/things/{thing}/": {"get": {
            "operationId": "get-thing",
            "parameters": [{"name": "thing", "in": "path"}]
        }}}});
        let mut file: syn::File = syn::parse_quote! {
            pub mod operations {
                impl GetThingWhen {
                    pub fn thing(self, value: &str) -> Self {
                        let re = regex::Regex::new(&format!("^/thing/{}/$", value.to_string())).unwrap();
                        Self(self.0.path_matches(re))
                    }
                }
            }
        };
        let error = exact(&mut file, &Index::new(&spec), &builders()).unwrap_err();
        assert!(
            error.starts_with("`impl GetThingWhen` has no setter of the path parameter `thing` shaped `{letre=regex::Regex::new(&format!(\"^/things/{}/$\",value.to_string())).unwrap();"),
            "{error}"
        );
    }
}
