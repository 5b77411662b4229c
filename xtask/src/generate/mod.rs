//! From a parsed spec to the text of `sdk/src/generated.rs` (and of the mocks and the
//! operations reference beside it): progenitor's settings, the formatting, and the headers.
//! Everything here is in memory; writing is `files.rs`'s job.

pub mod bounds;
pub mod builders;
pub mod names;
pub mod operation_table;
pub mod preflight;
pub mod presigned;
pub mod reference;
pub mod resources;
pub mod rewrite;

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use quote::quote;
use sha2::{Digest, Sha256};
use typify::TypeDetails;

use crate::generate::names::RustNames;
use crate::spec;
use crate::spec::{Spec, one_line};

/// The generated module, and what the report line says about it.
pub struct Generated {
    /// The whole file: header and formatted code.
    pub code: String,
    /// How many operations the spec has.
    pub operations: usize,
    /// How many named types (structs, enums, newtypes) progenitor generated.
    pub types: usize,
    /// The mock crate's module (`sdk-mock/src/generated.rs`): header and formatted code.
    pub mock: String,
    /// The operations reference (`sdk/OPERATIONS.md`): header and Markdown.
    pub reference: String,
    /// The Rust names typify gave the spec's types.
    pub names: RustNames,
}

/// Generates the SDK module for `spec`, or explains in one line why it cannot.
pub fn generate(spec: &Spec) -> Result<Generated, String> {
    let problems = preflight::problems(&spec.raw.value);
    if let Some((place, message)) = problems.first() {
        let more = match problems.len() - 1 {
            0 => String::new(),
            n => format!(" (and {n} more problem(s) after it)"),
        };
        return Err(format!("{}: {place}: {message}{more}", spec.shown));
    }

    let Final {
        mut file,
        builders,
        type_names,
        names,
        ..
    } = run_final(spec)?;
    let table = operation_table::items(&spec.raw.value, &builders, &type_names)
        .map_err(|e| format!("{}: {e}", spec.shown))?;
    let reference = reference::markdown(&spec.raw.value, &builders)
        .map_err(|e| format!("{}: {e}", spec.shown))?;
    let table: syn::File = syn::parse2(table)
        .map_err(|e| format!("{}: the operation table does not parse: {e}", spec.shown))?;
    file.items.extend(table.items);
    let links =
        presigned::links(&spec.raw.value, &names).map_err(|e| format!("{}: {e}", spec.shown))?;
    let links: syn::File = syn::parse2(presigned::items(&links)).map_err(|e| {
        format!(
            "{}: the pre-signed links' impls do not parse: {e}",
            spec.shown
        )
    })?;
    file.items.extend(links.items);

    let mock = generate_mock(spec, &builders)?;
    Ok(Generated {
        mock,
        code: format!("{}{}", header(spec), prettyplease::unparse(&file)),
        reference: format!("{}{reference}", markdown_header(spec)),
        operations: operation_count(spec),
        types: type_names.len(),
        names,
    })
}

/// The SDK's module as users compile it (every rewrite step applied, the operation table
/// not yet appended), with what was read from progenitor's output before the steps.
pub struct Final {
    /// The module after every rewrite step.
    pub file: syn::File,
    /// progenitor's builders, read before any step: the operations' Rust names.
    pub builders: Vec<crate::generate::builders::Builder>,
    /// What users could call on each builder before the steps (`builders::calls`).
    pub progenitor_calls: std::collections::BTreeMap<String, crate::generate::builders::Calls>,
    /// The generator, whose type space holds every type with its details.
    pub generator: Generator,
    /// The names of the generated types (structs, enums, newtypes), sorted.
    pub type_names: Vec<String>,
    /// The Rust name of each named schema and parameter enum, read from the generator.
    pub names: RustNames,
}

/// Runs progenitor on `spec` (once, with [`settings`]) and every rewrite step on its output:
/// the code `generate` writes, and the code `cargo xtask diff` judges (surface.rs), so that a
/// change only a rewrite shows (a text answer, a form part, an enum opened) is seen.
pub fn run_final(spec: &Spec) -> Result<Final, String> {
    let (tokens, generator) = run_progenitor(spec, &settings())?;
    let type_names = named_types(&generator);
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| {
        format!(
            "{}: progenitor produced code that does not parse: {e}; report it with the spec",
            spec.shown
        )
    })?;
    // Read once: the operation table and the mocks' `When`s take their names from them.
    let builders = crate::generate::builders::read(&file)
        .map_err(|e| format!("{}: {e}; update xtask/src/generate/builders.rs", spec.shown))?;
    let progenitor_calls = crate::generate::builders::calls(&file);
    let index = spec_model::Index::new(&spec.raw.value);
    let names = RustNames::of(generator.get_type_space(), &spec.api, &index, &builders)
        .map_err(|e| format!("{}: {e}", spec.shown))?;
    let answers: Vec<String> = builders.iter().map(|b| b.answer.clone()).collect();
    let space = generator.get_type_space();
    let response_enums = rewrite::response_enums(space, &answers);
    // The structs no answer reaches: only requests hold them.
    let answered = rewrite::response_types(space, &answers);
    let request_only: Vec<String> = space
        .iter_types()
        .filter(|ty| matches!(ty.details(), TypeDetails::Struct(_)))
        .map(|ty| ty.name())
        .filter(|name| !answered.contains(name))
        .collect();
    rewrite::apply(
        &mut file,
        rewrite::Expected::of(&spec.raw.value, space, type_names.len()),
        &index,
        &builders,
        &response_enums,
        &request_only,
    )
    .map_err(|e| format!("{}: {e}", spec.shown))?;
    Ok(Final {
        file,
        builders,
        progenitor_calls,
        generator,
        type_names,
        names,
    })
}

/// progenitor's client for `spec` under `settings`, and the generator (its type space).
pub fn run_progenitor(
    spec: &Spec,
    settings: &GenerationSettings,
) -> Result<(proc_macro2::TokenStream, Generator), String> {
    let mut generator = Generator::new(settings);
    // progenitor cannot send a `multipart/form-data` body: it generates the operation without
    // it, and the rewrite step `form` sends the form.
    let api = rewrite::for_progenitor(&spec.api, &spec_model::Index::new(&spec.raw.value));
    let tokens = without_panics(|| generator.generate_tokens(&api))
        .map_err(|panic| {
            format!(
                "{}: progenitor cannot generate this spec: {panic}; change that shape \
                 (spec/README.md lists the shapes progenitor takes)",
                spec.shown
            )
        })?
        .map_err(|e| {
            format!(
                "{}: progenitor rejected the spec: {}",
                spec.shown,
                one_line(&e.to_string())
            )
        })?;
    Ok((tokens, generator))
}

/// The names of the generated types, sorted: structs, enums and newtypes (the type space also
/// holds `Option<String>`, `Vec<..>` and the like).
pub fn named_types(generator: &Generator) -> Vec<String> {
    let mut names: Vec<String> = generator
        .get_type_space()
        .iter_types()
        .filter(|ty| {
            matches!(
                ty.details(),
                TypeDetails::Struct(_) | TypeDetails::Enum(_) | TypeDetails::Newtype(_)
            )
        })
        .map(|ty| ty.name())
        .collect();
    names.sort();
    names
}

/// The typed mocks of every operation, for the crate `prolific-sdk-mock`: progenitor's
/// httpmock generator, on a generator of its own (it adds the spec's types to its type space,
/// which the SDK's generator already holds), naming the SDK's types through `prolific_sdk`.
fn generate_mock(
    spec: &Spec,
    builders: &[crate::generate::builders::Builder],
) -> Result<String, String> {
    let mut generator = Generator::new(&settings());
    // The mock of a `multipart/form-data` operation matches method, path and parameters: it
    // is generated without the body, as the client is (`rewrite::for_progenitor`).
    let api = rewrite::for_progenitor(&spec.api, &spec_model::Index::new(&spec.raw.value));
    let tokens = without_panics(|| generator.httpmock(&api, "prolific_sdk"))
        .map_err(|panic| {
            format!(
                "{}: progenitor cannot generate the mocks: {panic}",
                spec.shown
            )
        })?
        .map_err(|e| {
            format!(
                "{}: progenitor rejected the spec for the mocks: {}",
                spec.shown,
                one_line(&e.to_string())
            )
        })?;
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| {
        format!(
            "{}: progenitor produced mocks that do not parse: {e}; report it with the spec",
            spec.shown
        )
    })?;
    rewrite::apply_mock(
        &mut file,
        &spec_model::Index::new(&spec.raw.value),
        builders,
    )
    .map_err(|e| format!("{}: {e}", spec.shown))?;
    Ok(format!("{}{}", header(spec), prettyplease::unparse(&file)))
}

/// The generator settings: every choice that shapes the SDK's generated API.
pub fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        // `client.create_participant_group().body(...).send()`: adding an optional field to
        // the spec adds a builder method instead of breaking every call.
        .with_interface(InterfaceStyle::Builder)
        // Every method inherent to `Client`: `Separate` would put each tag's methods in a trait
        // users must import. rustdoc still groups them by tag (rewrite/resource_impls.rs).
        .with_tag(TagStyle::Merged)
        // The SDK implements `ClientHooks` by hand (sdk/src/hooks.rs); `Expected` makes a
        // missing implementation a compile error instead of a silent no-op.
        .with_hooks(HooksMode::Expected)
        // The hand-written configuration (token, retries, user agent) the hooks read.
        .with_inner_type(quote!(crate::client::Config))
        // Lets users compare values, and tests assert on them.
        .with_derive("PartialEq")
        // A map (`additionalProperties`: a dataset schema's fields, a filter's distribution)
        // sends and prints its keys in one order, run after run, not a `HashMap`'s random one.
        .with_map_type("::std::collections::BTreeMap")
        // A secret (`format: password`: a hook secret, credential lines) is the SDK's
        // `SecretString`, redacted in `Debug`, so no generated type can print one.
        .with_conversion(
            secret_schema(),
            "crate::SecretString",
            [TypeImpl::Default].into_iter(),
        );
    settings
}

/// The schema `with_conversion` matches, descriptions aside: `type: string, format: password`.
fn secret_schema() -> schemars08::schema::SchemaObject {
    schemars08::schema::SchemaObject {
        instance_type: Some(schemars08::schema::InstanceType::String.into()),
        format: Some("password".to_string()),
        ..Default::default()
    }
}

/// The first lines of a generated Rust file: what made it, from what, and how to change it.
fn header(spec: &Spec) -> String {
    format!(
        "// {}\n\
         // Do not edit: change the spec, or the generator settings in xtask/src/generate/mod.rs,\n\
         // then run `cargo xtask generate`.\n\n",
        provenance(spec)
    )
}

/// The same header for a generated Markdown file, as an HTML comment (not rendered).
fn markdown_header(spec: &Spec) -> String {
    format!(
        "<!-- {}\n     \
         Do not edit: change the spec, or xtask/src/generate/reference.rs, then run\n     \
         `cargo xtask generate`. -->\n\n",
        provenance(spec)
    )
}

/// `@generated by `cargo xtask generate` from SPEC (sha256 HASH).`: any change to the spec's
/// bytes changes every generated file, so `check` finds each one stale.
fn provenance(spec: &Spec) -> String {
    let hash = Sha256::digest(&spec.raw.bytes);
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "@generated by `cargo xtask generate` from {} (sha256 {hex}).",
        spec.shown
    )
}

fn operation_count(spec: &Spec) -> usize {
    spec_model::Index::new(&spec.raw.value).operations().len()
}

/// Runs `f`, turning a panic into an error carrying the panic's message. The default panic
/// hook is silenced meanwhile: a user must see one line, not "panicked at" and a backtrace.
fn without_panics<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let message = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&message);
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_string());
        if let Ok(mut slot) = sink.lock() {
            *slot = spec::one_line(&text);
        }
    }));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(previous);
    result.map_err(|_| {
        let text = message.lock().map(|m| m.clone()).unwrap_or_default();
        // Panic messages can quote whole schemas; keep the line readable.
        spec::shorten(&text, 120)
    })
}
