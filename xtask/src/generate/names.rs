//! The Rust names typify gave the spec's types, read from the generator that made them: never
//! re-derived from a schema's name. A case conversion of our own once named a type typify
//! names otherwise (commit 31879fc); here there is nothing to drift.
//!
//! typify has no public map from a schema to its type, so two readings of its output stand in:
//! - a named schema: progenitor adds `components.schemas` to the type space first, in the
//!   document's order, one type each (`TypeSpace::add_ref_types`, ids from 1), so the type
//!   space's first types are those schemas in that order. The pairing is checked, struct by
//!   struct, against the schema's number of properties, and a typify whose output no longer
//!   pairs fails generation naming this file.
//! - a parameter's inline enum: the type of its field in the operation's builder, as
//!   progenitor wrote it (`Result<Option<types::GetStudiesState>, String>`).

use std::collections::BTreeMap;

use spec_model::Index;
use typify::{TypeDetails, TypeSpace};

use crate::generate::builders::{self, Builder};

/// The Rust name of each named schema and of each parameter's inline enum.
#[derive(Debug, Clone, Default)]
pub struct RustNames {
    /// `components.schemas` key → the type typify made of it.
    schemas: BTreeMap<String, String>,
    /// (operationId, parameter name) → the type of the parameter's inline enum.
    parameters: BTreeMap<(String, String), String>,
}

impl RustNames {
    /// The names in `space` (progenitor's, after it generated `api`), with the builders
    /// progenitor wrote for the operations of `index`.
    pub fn of(
        space: &TypeSpace,
        api: &openapiv3::OpenAPI,
        index: &Index,
        builders: &[Builder],
    ) -> Result<Self, String> {
        let fail = |what: String| {
            format!(
                "{what}: typify's type space no longer starts with the spec's named schemas in \
                 order; update xtask/src/generate/names.rs to how typify names types now"
            )
        };
        let keys: Vec<&String> = api
            .components
            .iter()
            .flat_map(|components| components.schemas.keys())
            .collect();
        let types: Vec<typify::Type> = space.iter_types().take(keys.len()).collect();
        if types.len() != keys.len() {
            return Err(fail(format!(
                "{} named schemas, {} types",
                keys.len(),
                types.len()
            )));
        }
        let mut schemas = BTreeMap::new();
        for (key, ty) in keys.into_iter().zip(types) {
            let schema = index
                .doc
                .pointer(&format!("/components/schemas/{}", spec_model::escape(key)))
                .map(|schema| index.flatten(schema));
            let properties = schema
                .as_ref()
                .and_then(|s| s.get("properties"))
                .and_then(serde_json::Value::as_object)
                .map(|p| p.len());
            if let (TypeDetails::Struct(fields), Some(properties)) = (ty.details(), properties)
                && fields.properties().count() != properties
            {
                return Err(fail(format!(
                    "components.schemas.{key} has {properties} properties, the type `{}` paired \
                     with it {}",
                    ty.name(),
                    fields.properties().count()
                )));
            }
            schemas.insert(key.clone(), ty.name());
        }

        let mut parameters = BTreeMap::new();
        for operation in index.operations() {
            let Some(id) = operation.id else { continue };
            let builder = builders::of(builders, &operation)?;
            for (wire, setter) in &builder.query_setters {
                let Some((_, ty)) = builder.fields.iter().find(|(field, _)| field == setter) else {
                    continue;
                };
                if let Some(name) = generated_type(ty) {
                    parameters.insert((id.to_string(), wire.clone()), name.to_string());
                }
            }
        }
        Ok(RustNames {
            schemas,
            parameters,
        })
    }

    /// Names given by hand, for the tests of the modules that read them.
    #[cfg(test)]
    pub(crate) fn of_schemas<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        RustNames {
            schemas: pairs
                .into_iter()
                .map(|(key, name)| (key.to_string(), name.to_string()))
                .collect(),
            parameters: BTreeMap::new(),
        }
    }

    /// The type typify made of the named schema `key` (`components.schemas.<key>`).
    pub fn schema(&self, key: &str) -> Option<&str> {
        self.schemas.get(key).map(String::as_str)
    }

    /// The generated type of the query parameter `name` of the operation `operation_id`, when
    /// it is one (an inline enum's, a named schema's).
    pub fn parameter(&self, operation_id: &str, name: &str) -> Option<&str> {
        self.parameters
            .get(&(operation_id.to_string(), name.to_string()))
            .map(String::as_str)
    }
}

/// `X` of a builder field's type written `Result<Option<types::X>, String>` (spaces aside).
fn generated_type(field: &str) -> Option<&str> {
    let (_, after) = field.split_once("types::")?;
    let end = after
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(after.len());
    Some(&after[..end]).filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A schema whose name no case conversion of ours turns into typify's (a leading digit),
    /// and a parameter's inline enum: each name is the one typify wrote into the code.
    #[test]
    fn names_are_the_ones_in_the_generated_code() {
        let doc = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/x/": {"get": {
                "operationId": "get-x",
                "parameters": [{"name": "state", "in": "query", "schema": {
                    "type": "string", "enum": ["on", "off"]}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/2fa-settings"}}}}},
            }}},
            "components": {"schemas": {
                "2fa-settings": {"type": "object", "properties": {
                    "enabled": {"type": "boolean"}, "level": {"type": "integer"}}},
                "study_status": {"type": "string", "enum": ["ACTIVE", "PAUSED"]},
            }},
        });
        let spec = crate::spec::from_json(&doc, "t.json").unwrap();
        let (tokens, generator) =
            crate::generate::run_progenitor(&spec, &crate::generate::settings()).unwrap();
        let file: syn::File = syn::parse2(tokens.clone()).unwrap();
        let builders = builders::read(&file).unwrap();
        let index = Index::new(&spec.raw.value);
        let names =
            RustNames::of(generator.get_type_space(), &spec.api, &index, &builders).unwrap();
        let code = tokens.to_string();
        let settings = names.schema("2fa-settings").unwrap();
        assert_ne!(settings, "2faSettings");
        assert!(
            code.contains(&format!("pub struct {settings} ")),
            "{settings}"
        );
        assert_eq!(names.schema("study_status"), Some("StudyStatus"));
        let state = names.parameter("get-x", "state").unwrap();
        assert!(code.contains(&format!("pub enum {state} ")), "{state}");
    }

    #[test]
    fn a_field_names_the_generated_type_it_holds() {
        assert_eq!(
            generated_type("Result<Option<types::GetStudiesState>,String>"),
            Some("GetStudiesState")
        );
        assert_eq!(
            generated_type("Result<::std::option::Option<types::Foo_>,String>"),
            Some("Foo_")
        );
        assert_eq!(generated_type("Result<Option<bool>,String>"), None);
    }
}
