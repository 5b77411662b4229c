//! The post-processing of progenitor's output, one step a module. Each step changes what
//! progenitor's settings cannot, and fails, naming the shape it expected, when progenitor's
//! output no longer has that shape (then the step is updated, never the generated file).
//! Each entry says what the step does, then why no setting, hook or hand-written code does it
//! (as of progenitor 0.15.1 and typify 0.8.0, pinned exactly):
//!
//! - `type_attrs`: every generated type is `#[non_exhaustive]` and derives `JsonSchema` behind
//!   the `schemars` feature. typify's patch needs each type's name before generation (a
//!   second run of progenitor, which this step replaced), its global attribute setting is not
//!   reachable through progenitor's settings, and `with_derive` cannot sit behind a feature;
//! - `form`: a `multipart/form-data` body, which progenitor was not given (`for_progenitor`),
//!   is sent by its builder as a form: a setter per part of its schema, each file a
//!   `FilePart` streamed when the request is sent. progenitor sends no such body (its
//!   `BodyContentType` has none);
//! - `json_lines`: a JSON Lines body (`application/x-ndjson`), given to progenitor as JSON
//!   (`for_progenitor`), is sent one item a line, and its mock matches those lines. progenitor
//!   has no such body type either;
//! - `send`: every builder's `send()` returns the SDK's `Error`, and the SDK reads and decodes
//!   every response itself (the status is kept in every error, every body is read under a cap;
//!   a text success, such as a CSV export, is handed over unread as `Text` or `TextOr<T>`).
//!   progenitor's `send()` always returns its own `Error<E>` and decodes in place; its `exec`
//!   hook returns a `reqwest::Result`, which no SDK error fits, before that decoding;
//! - `call_settings`: every builder takes `.attempt_timeout(..)` and `.max_retries(..)` for its
//!   one call, handed to `crate::hooks::send`. No setting adds a field to a builder;
//! - `pages`: every paged list's builder gets `stream()`, its items across pages. progenitor's
//!   streams follow Dropshot's page tokens (`x-dropshot-pagination`), not Prolific's `page` or
//!   `offset`;
//! - `constructors`: progenitor's constructors become crate-private, so the generated `Client`
//!   is the SDK's public client, built only through the hand-written `ClientBuilder`.
//!   progenitor writes both as `pub fn`, whatever the settings;
//! - `optional_setters`: the setters of optional fields and of optional query parameters accept
//!   a plain value (`"x"`) as well as an `Option` of one. typify's setters take
//!   `TryInto<Option<X>>`, which a `&str` is not; no setting changes them;
//! - `api_version`: progenitor's `api-version` header, which Prolific does not document, is not
//!   added to any request. progenitor writes it into every `send()` whatever the settings;
//!   removing it in the hand-written layer would still build and drop it on every attempt;
//! - `path_segments`: every path parameter becomes exactly one segment through the SDK's own
//!   encoder, or the request is refused before sending. progenitor's `encode_path` passes an
//!   empty id, `.` and `..`, which change the path, and no setting replaces it;
//! - `rebuild`: the statements that build a request become a closure that `crate::hooks::send`
//!   runs again for a retry, so that no copy of the request is kept for one (a form, whose
//!   files are opened before, has none). progenitor builds the request inline, once; its hooks
//!   see it built;
//! - `resource_impls`: the client's methods move into one `impl Client` per resource (tag),
//!   each documented, so that rustdoc groups them as the spec does. progenitor's tag styles
//!   give one `impl` (`Merged`) or a trait per tag (`Separate`), which users must import;
//! - `deprecated`: the method of each operation the spec marks `deprecated` carries
//!   `#[deprecated]` with the spec's `x-deprecation` note, on the client and on the mocks.
//!   progenitor writes nothing for a deprecated operation;
//! - `closed_requests`: every struct only requests hold refuses a key it does not know
//!   (`deny_unknown_fields`). typify adds it only from `additionalProperties: false`, which
//!   would close the answers too, and which types are requests' is known only after
//!   generation (as for `type_attrs`);
//! - `open_enums`: every enum a response can hold reads a value this SDK does not know as
//!   `Unrecognized(crate::Unrecognized)` instead of failing the response; enums only requests
//!   hold stay closed. typify has no fallback variant, and a replacement type per enum would be
//!   hand-written code per schema.
//!
//! The mocks' module has steps of its own, for the same reason each (progenitor's httpmock
//! generator has no settings of its own): `mock_paths`, every path-parameter setter matches
//! the value exactly as the SDK sends it (progenitor matches a regular expression of the raw
//! value); `mock_bodies`, every body setter takes a reference (progenitor passes an enum body
//! by value, which does not compile); `mock_text`, every text success (`text/csv`) gets a reply
//! setter of its own (`ok_csv(body)`); `mock_sealed`, `MockServerExt` is sealed, so that an
//! operation added to the spec is a minor release of the mock crate too.
//!
//! [`apply`] and [`apply_mock`] are the one place that orders the steps: each step returns how
//! many places it changed, and they hold it to the count the spec (or typify's types) gives
//! (`Expected`): a step that silently matched nothing fails generation, naming itself.

mod api_version;
mod builder_fields;
mod call_settings;
mod closed_requests;
mod constructors;
mod deprecated;
mod form;
mod json_lines;
mod mock_bodies;
mod mock_paths;
mod mock_sealed;
mod mock_text;
mod open_enums;
mod optional_setters;
mod pages;
mod path_segments;
mod rebuild;
mod resource_impls;
mod send;
mod type_attrs;

use serde_json::Value;

use spec_model::Index;

pub use open_enums::{response_enums, response_types};

/// The operation `op` of the spec (read through `spec_model`) in `api`, the same document
/// as openapiv3 reads it, to change: found by its path and method, never by a walk of `paths`
/// of its own.
fn operation_mut<'a>(
    api: &'a mut openapiv3::OpenAPI,
    op: &spec_model::Operation,
) -> Option<&'a mut openapiv3::Operation> {
    let openapiv3::ReferenceOr::Item(item) = api.paths.paths.get_mut(op.path)? else {
        return None;
    };
    match op.method {
        "get" => item.get.as_mut(),
        "put" => item.put.as_mut(),
        "post" => item.post.as_mut(),
        "delete" => item.delete.as_mut(),
        "options" => item.options.as_mut(),
        "head" => item.head.as_mut(),
        "patch" => item.patch.as_mut(),
        "trace" => item.trace.as_mut(),
        _ => None,
    }
}

/// `api` as progenitor is given it: without the `multipart/form-data` bodies it cannot send
/// (step `form`), and with each JSON Lines body declared JSON (step `json_lines`). `index`
/// reads the same document and picks the operations.
pub fn for_progenitor(api: &openapiv3::OpenAPI, index: &Index) -> openapiv3::OpenAPI {
    json_lines::for_progenitor(form::for_progenitor(api.clone(), index), index)
}

/// How many places each step must change, counted from the spec, not from what the steps
/// find: a step that finds fewer (or more) places than the spec has fails generation, naming
/// itself, instead of leaving some operation unrewritten.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Expected {
    /// The spec's operations: one builder each.
    pub operations: usize,
    /// The path parameters of all operations together.
    pub path_parameters: usize,
    /// The optional query parameters of all operations together.
    pub optional_query_parameters: usize,
    /// The optional fields (`Option<X>`) of typify's structs: one builder setter each.
    pub optional_fields: usize,
    /// The named types typify made (structs, enums, newtypes): two attributes each.
    pub named_types: usize,
}

impl Expected {
    /// The counts of `spec`, and of the types typify made of it (`space`, of which
    /// `named_types` are structs, enums and newtypes).
    pub fn of(spec: &Value, space: &typify::TypeSpace, named_types: usize) -> Self {
        let index = Index::new(spec);
        let operations = index.operations();
        let parameters: Vec<_> = operations
            .iter()
            .flat_map(|op| op.parameters(&index))
            .collect();
        Self {
            operations: operations.len(),
            path_parameters: operations.iter().map(|op| op.path_parameters().len()).sum(),
            optional_query_parameters: parameters
                .iter()
                .filter(|p| p.location == "query" && !p.required)
                .count(),
            optional_fields: space
                .iter_types()
                .map(|ty| match ty.details() {
                    typify::TypeDetails::Struct(fields) => fields
                        .properties()
                        .filter(|(_, id)| {
                            space.get_type(id).is_ok_and(|field| {
                                matches!(field.details(), typify::TypeDetails::Option(_))
                            })
                        })
                        .count(),
                    _ => 0,
                })
                .sum(),
            named_types,
        }
    }
}

/// Applies every step to `file`, in order, each held to its count in `expected`. `index` reads
/// the spec the file was generated from, `builders` are progenitor's, read from `file` before
/// any step, and `response_enums` the enums a response can hold ([`response_enums`]).
pub fn apply(
    file: &mut syn::File,
    expected: Expected,
    index: &Index,
    builders: &[crate::generate::builders::Builder],
    response_enums: &[String],
    request_only: &[String],
) -> Result<(), String> {
    let per_operation = "one per operation";
    count(
        "type_attrs",
        type_attrs::add(file),
        expected.named_types,
        "one per named type of typify's",
    )?;
    let text = text_answers(index, builders).map_err(|e| step("send", e))?;
    let forms = form_bodies(index, builders).map_err(|e| step("form", e))?;
    count(
        "form",
        form::send_forms(file, &forms),
        forms.len(),
        "one per operation whose body is `multipart/form-data`",
    )?;
    count(
        "open_enums",
        open_enums::keep_unknown_values(file, response_enums),
        response_enums.len(),
        "one per enum a response can hold, from typify's types",
    )?;
    count(
        "closed_requests",
        closed_requests::close(file, request_only),
        request_only.len(),
        "one per struct only requests hold, from typify's types",
    )?;
    count(
        "send",
        send::own_responses(file, &text),
        expected.operations,
        per_operation,
    )?;
    let lines = lines_bodies(index, builders).map_err(|e| step("json_lines", e))?;
    count(
        "json_lines",
        json_lines::send_lines(file, &lines),
        lines.len(),
        "one per operation whose body is JSON Lines",
    )?;
    count(
        "call_settings",
        call_settings::per_call(file),
        expected.operations,
        per_operation,
    )?;
    let lists = paged_lists(index, builders).map_err(|e| step("pages", e))?;
    count(
        "pages",
        pages::streams(file, &lists),
        lists.len(),
        "one `stream()` per paged list",
    )?;
    count(
        "path_segments",
        path_segments::own_segments(file),
        expected.path_parameters,
        "one per path parameter of each operation",
    )?;
    count(
        "constructors",
        constructors::make_crate_private(file),
        2,
        "`Client::new` removed, `Client::new_with_client` made crate-private",
    )?;
    count(
        "optional_setters",
        optional_setters::accept_plain_values(file),
        expected.optional_fields,
        "one per optional field of typify's structs",
    )?;
    count(
        "optional_setters",
        optional_setters::accept_plain_query_values(file),
        expected.optional_query_parameters,
        "one per optional query parameter of each operation",
    )?;
    count(
        "api_version",
        api_version::remove(file),
        expected.operations,
        per_operation,
    )?;
    let streamed: Vec<String> = forms.iter().map(|form| form.builder.clone()).collect();
    count(
        "rebuild",
        rebuild::retries_rebuild(file, &streamed),
        expected.operations,
        per_operation,
    )?;
    let deprecated = deprecated_operations(index, builders).map_err(|e| step("deprecated", e))?;
    count(
        "deprecated",
        Ok(deprecated::client_methods(file, &deprecated)),
        deprecated.len(),
        "one per operation marked `deprecated`",
    )?;
    count(
        "resource_impls",
        resource_impls::by_resource(file, index, builders),
        expected.operations,
        per_operation,
    )
}

/// One entry per operation `pick` chooses, made by `make` from the operation's builder and
/// what `pick` found: the places a step changes, from the spec.
fn chosen<X, T>(
    index: &Index,
    builders: &[crate::generate::builders::Builder],
    pick: impl Fn(&spec_model::Operation) -> Option<X>,
    make: impl Fn(&crate::generate::builders::Builder, X) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    index
        .operations()
        .iter()
        .filter_map(|op| pick(op).map(|found| (op, found)))
        .map(|(op, found)| make(crate::generate::builders::of(builders, op)?, found))
        .collect()
}

/// The builders of the paged lists (`Operation::paging`), with their paging. A list the spec
/// pages wrongly is `preflight.rs`'s to report: it is left out here.
fn paged_lists(
    index: &Index,
    builders: &[crate::generate::builders::Builder],
) -> Result<Vec<pages::PagedList>, String> {
    chosen(
        index,
        builders,
        |op| op.paging(index).and_then(Result::ok),
        |builder, paging| {
            Ok(pages::PagedList {
                builder: builder.name.clone(),
                answer: builder.answer.clone(),
                paging,
            })
        },
    )
}

/// The builders of the operations whose request body is JSON Lines, with its media type.
fn lines_bodies(
    index: &Index,
    builders: &[crate::generate::builders::Builder],
) -> Result<Vec<json_lines::LinesBody>, String> {
    chosen(
        index,
        builders,
        |op| {
            let content = op.request_body(index)?.get("content")?.as_object()?;
            content
                .keys()
                .find(|m| spec_model::is_json_lines(m))
                .cloned()
        },
        |builder, media| {
            Ok(json_lines::LinesBody {
                builder: builder.name.clone(),
                media,
            })
        },
    )
}

/// The methods of the operations the spec marks `deprecated`, each with its note
/// (`Operation::deprecation_note`).
fn deprecated_operations(
    index: &Index,
    builders: &[crate::generate::builders::Builder],
) -> Result<Vec<deprecated::Deprecated>, String> {
    chosen(
        index,
        builders,
        |op| op.deprecation_note(),
        |builder, note| {
            Ok(deprecated::Deprecated {
                method: builder.method.clone(),
                note,
            })
        },
    )
}

/// The builders of the operations whose request body is `multipart/form-data`, with its parts
/// (`Operation::form_parts`).
fn form_bodies(
    index: &Index,
    builders: &[crate::generate::builders::Builder],
) -> Result<Vec<form::FormBody>, String> {
    chosen(
        index,
        builders,
        |op| op.form_parts(index),
        |builder, parts| {
            Ok(form::FormBody {
                builder: builder.name.clone(),
                parts: parts?,
            })
        },
    )
}

/// The builders of the operations whose success is text (`Operation::text_success`), with the
/// media types each asks for.
fn text_answers(
    index: &Index,
    builders: &[crate::generate::builders::Builder],
) -> Result<Vec<send::TextAnswer>, String> {
    chosen(
        index,
        builders,
        |op| {
            op.text_success(index)
                .map(|media| media.iter().map(|m| m.to_string()).collect())
        },
        |builder, media| {
            Ok(send::TextAnswer {
                builder: builder.name.clone(),
                media,
            })
        },
    )
}

/// A step's outcome held to the number of places it must change.
fn count(
    module: &str,
    changed: Result<usize, String>,
    expected: usize,
    what: &str,
) -> Result<(), String> {
    match changed {
        Ok(changed) if changed == expected => Ok(()),
        Ok(changed) => Err(step(
            module,
            format!("the step changed {changed} place(s), not {expected} ({what})"),
        )),
        Err(problem) => Err(step(module, problem)),
    }
}

/// Applies the mocks' step to `file`, the places read from the spec through `index`, each
/// `When` named after its operation's builder in progenitor's client (`builders`).
pub fn apply_mock(
    file: &mut syn::File,
    index: &spec_model::Index,
    builders: &[crate::generate::builders::Builder],
) -> Result<(), String> {
    mock_paths::exact(file, index, builders).map_err(|e| step("mock_paths", e))?;
    let bodies = index
        .operations()
        .iter()
        .filter(|op| {
            op.request_body(index)
                .and_then(|body| body.get("content"))
                .and_then(serde_json::Value::as_object)
                .is_some_and(|content| {
                    content
                        .keys()
                        .any(|m| spec_model::is_json(m) || spec_model::is_json_lines(m))
                })
        })
        .count();
    count(
        "mock_bodies",
        mock_bodies::by_reference(file),
        bodies,
        "one `body` setter per operation with a JSON request body",
    )?;
    let lines = lines_bodies(index, builders).map_err(|e| step("json_lines", e))?;
    count(
        "json_lines",
        json_lines::mock_lines(file, &lines),
        lines.len(),
        "one mock `body` per operation whose body is JSON Lines",
    )?;
    count(
        "mock_text",
        mock_text::text_replies(file, index, builders),
        mock_text::expected(index),
        "one reply setter per text media type of each success",
    )?;
    let deprecated = deprecated_operations(index, builders).map_err(|e| step("deprecated", e))?;
    count(
        "deprecated",
        Ok(deprecated::mock_methods(file, &deprecated)),
        deprecated.len(),
        "one mock per operation marked `deprecated`",
    )?;
    count(
        "mock_sealed",
        mock_sealed::seal(file),
        1,
        "the one `MockServerExt`",
    )
}

fn step(module: &str, problem: String) -> String {
    format!(
        "rewrite step `{module}`: {problem}; progenitor's output changed shape; update \
         xtask/src/generate/rewrite/{module}.rs"
    )
}

/// Tokens as one comparable string: `quote!` spacing, whitespace removed.
pub(crate) fn flat(tokens: impl quote::ToTokens) -> String {
    tokens
        .to_token_stream()
        .to_string()
        .split_whitespace()
        .collect()
}

/// `T` out of the arguments of `Name<T, ..>`, when the first is a type.
pub(crate) fn first_type_argument(arguments: &syn::PathArguments) -> Option<&syn::Type> {
    let syn::PathArguments::AngleBracketed(args) = arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    }
}

/// `ResponseValue<T>` out of `-> Result<ResponseValue<T>, Error<E>>`.
pub(crate) fn success_type(output: &syn::ReturnType) -> Option<&syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let syn::Type::Path(path) = ty.as_ref() else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    first_type_argument(&last.arguments)
}

/// The inline module `name` among `items`, to read.
fn module<'a>(items: &'a [syn::Item], name: &str) -> Result<&'a Vec<syn::Item>, String> {
    items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| format!("progenitor's output has no `mod {name}`"))
}

/// The inline module `name` among `items`.
fn module_mut<'a>(
    items: &'a mut [syn::Item],
    name: &str,
) -> Result<&'a mut Vec<syn::Item>, String> {
    items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| format!("progenitor's output has no `mod {name}`"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{generate, spec};

    /// The workspace's spec as a document.
    fn real_spec() -> Value {
        let path = crate::workspace_root().join("spec/openapi.yaml");
        spec::load(&path, "spec/openapi.yaml").unwrap().raw.value
    }

    /// progenitor's output for the workspace's spec, and the spec's counts.
    fn progenitor_output() -> (syn::File, Expected) {
        let path = crate::workspace_root().join("spec/openapi.yaml");
        let spec = spec::load(&path, "spec/openapi.yaml").unwrap();
        let (tokens, generator) = generate::run_progenitor(&spec, &generate::settings()).unwrap();
        let named = generate::named_types(&generator).len();
        let expected = Expected::of(&spec.raw.value, generator.get_type_space(), named);
        (syn::parse2(tokens).unwrap(), expected)
    }

    /// Every step on `file`, the builders read from it first as `generate` does.
    fn apply_to(file: &mut syn::File, expected: Expected) -> Result<(), String> {
        let builders = crate::generate::builders::read(file).unwrap();
        let spec = real_spec();
        apply(file, expected, &Index::new(&spec), &builders, &[], &[])
    }

    #[test]
    fn every_step_changes_as_many_places_as_the_spec_has() {
        let (mut file, expected) = progenitor_output();
        // The real spec has places for every step to change.
        assert!(
            expected.operations > 0 && expected.path_parameters > 0,
            "{expected:?}"
        );
        assert!(expected.optional_query_parameters > 0, "{expected:?}");
        assert!(expected.optional_fields > 0, "{expected:?}");
        assert_eq!(apply_to(&mut file, expected), Ok(()));
    }

    #[test]
    fn the_client_has_one_documented_impl_per_resource_in_the_order_of_the_spec_tags() {
        let (mut file, expected) = progenitor_output();
        apply_to(&mut file, expected).unwrap();
        let docs: Vec<String> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Impl(block)
                    if block.trait_.is_none() && flat(&block.self_ty) == "Client" =>
                {
                    block.attrs.iter().find_map(|attr| match &attr.meta {
                        syn::Meta::NameValue(syn::MetaNameValue {
                            path,
                            value:
                                syn::Expr::Lit(syn::ExprLit {
                                    lit: syn::Lit::Str(doc),
                                    ..
                                }),
                            ..
                        }) if path.is_ident("doc") => Some(doc.value()),
                        _ => None,
                    })
                }
                _ => None,
            })
            .collect();
        let spec = real_spec();
        let tags: Vec<String> = spec["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|tag| {
                let text = |key: &str| tag[key].as_str().unwrap().to_string();
                format!(" {}: {}", text("name"), text("description"))
            })
            .collect();
        assert_eq!(docs, tags);
    }

    #[test]
    fn a_step_that_changes_fewer_places_than_the_spec_has_fails_naming_itself() {
        let right = progenitor_output().1;
        let (ops, paths, queries, fields, named) = (
            right.operations,
            right.path_parameters,
            right.optional_query_parameters,
            right.optional_fields,
            right.named_types,
        );
        for (wrong, message) in [
            (
                Expected {
                    named_types: named + 1,
                    ..right
                },
                format!(
                    "rewrite step `type_attrs`: the step changed {named} place(s), not {} (one \
                     per named type of typify's)",
                    named + 1
                ),
            ),
            (
                Expected {
                    operations: ops + 1,
                    ..right
                },
                format!(
                    "rewrite step `send`: the step changed {ops} place(s), not {} (one per \
                     operation)",
                    ops + 1
                ),
            ),
            (
                Expected {
                    path_parameters: paths + 1,
                    ..right
                },
                format!(
                    "rewrite step `path_segments`: the step changed {paths} place(s), not {} (one \
                     per path parameter of each operation)",
                    paths + 1
                ),
            ),
            (
                Expected {
                    optional_query_parameters: queries + 1,
                    ..right
                },
                format!(
                    "rewrite step `optional_setters`: the step changed {queries} place(s), not {} \
                     (one per optional query parameter of each operation)",
                    queries + 1
                ),
            ),
            (
                Expected {
                    optional_fields: fields + 1,
                    ..right
                },
                format!(
                    "rewrite step `optional_setters`: the step changed {fields} place(s), not {} \
                     (one per optional field of typify's structs)",
                    fields + 1
                ),
            ),
        ] {
            let (mut file, _) = progenitor_output();
            let error = apply_to(&mut file, wrong).unwrap_err();
            assert!(error.starts_with(&message), "{error}");
            assert!(
                error.contains("; update xtask/src/generate/rewrite/"),
                "{error}"
            );
        }
    }
}
