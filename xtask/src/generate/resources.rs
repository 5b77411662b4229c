//! The spec's resources: its operations grouped by their first tag, in the order of the spec's
//! top-level `tags`. The operations reference (`reference.rs`) writes one section per resource
//! and the rewrite step `resource_impls` one `impl Client` per resource, so that both group and
//! order the same way and neither keeps a list of its own.

use serde_json::Value;

use spec_model::{Index, Operation};

/// One resource: a tag and the operations whose first tag it is.
pub struct Resource<'a> {
    /// The tag's name, e.g. `Participant Groups`; `None` for the operations without a tag.
    pub tag: Option<&'a str>,
    /// The tag's `description` among the spec's top-level `tags`, if it has one.
    pub description: Option<&'a str>,
    /// Its operations, in the document's order.
    pub operations: Vec<Operation<'a>>,
}

impl Resource<'_> {
    /// What to call it: the tag, or a phrase for the operations without one.
    pub fn name(&self) -> &str {
        self.tag.unwrap_or("Operations without a tag")
    }

    /// One line that names it and says what it is: `Users: The account an API token belongs
    /// to.`, or the name alone when the spec does not describe the tag.
    pub fn heading(&self) -> String {
        match self.description {
            Some(description) => format!("{}: {description}", self.name()),
            None => self.name().to_string(),
        }
    }
}

/// The resources of the spec `index` reads, each with at least one operation: first the tags
/// the spec declares (top-level `tags`), in its order; then tags used but not declared, in the
/// order operations first use them; then the operations without a tag.
pub fn of<'a>(index: &Index<'a>) -> Vec<Resource<'a>> {
    let declared = index
        .doc
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    let mut resources: Vec<Resource<'a>> = declared
        .filter_map(|tag| {
            Some(Resource {
                tag: Some(tag.get("name")?.as_str()?),
                description: tag.get("description").and_then(Value::as_str),
                operations: Vec::new(),
            })
        })
        .collect();
    let mut untagged = Resource {
        tag: None,
        description: None,
        operations: Vec::new(),
    };
    for operation in index.operations() {
        let Some(tag) = first_tag(&operation) else {
            untagged.operations.push(operation);
            continue;
        };
        match resources.iter_mut().find(|r| r.tag == Some(tag)) {
            Some(resource) => resource.operations.push(operation),
            None => resources.push(Resource {
                tag: Some(tag),
                description: None,
                operations: vec![operation],
            }),
        }
    }
    resources.push(untagged);
    resources.retain(|r| !r.operations.is_empty());
    resources
}

fn first_tag<'a>(operation: &Operation<'a>) -> Option<&'a str> {
    operation
        .value
        .get("tags")?
        .as_array()?
        .first()?
        .as_str()
        .filter(|tag| !tag.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn names(doc: &Value) -> Vec<(String, Vec<String>)> {
        of(&Index::new(doc))
            .iter()
            .map(|r| {
                let ops = r.operations.iter().map(|op| op.label()).collect();
                (r.heading(), ops)
            })
            .collect()
    }

    #[test]
    fn operations_follow_their_first_tag_in_the_order_of_the_spec_tags() {
        let doc = json!({
            "tags": [
                {"name": "Groups", "description": "Groups of people."},
                {"name": "Unused", "description": "No operation has it."},
                {"name": "Users"},
            ],
            "paths": {
                "/users/": {"get": {"tags": ["Users", "Groups"]}},
                "/groups/": {"get": {"tags": ["Groups"]}, "post": {"tags": ["Groups"]}},
                "/odd/": {"get": {"tags": ["Undeclared"]}},
                "/bare/": {"get": {}},
            },
        });
        assert_eq!(
            names(&doc),
            [
                (
                    "Groups: Groups of people.".to_string(),
                    vec!["GET /groups/".to_string(), "POST /groups/".to_string()]
                ),
                ("Users".to_string(), vec!["GET /users/".to_string()]),
                ("Undeclared".to_string(), vec!["GET /odd/".to_string()]),
                (
                    "Operations without a tag".to_string(),
                    vec!["GET /bare/".to_string()]
                ),
            ]
        );
    }
}
