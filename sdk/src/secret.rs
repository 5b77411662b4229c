//! Secrets in request and response bodies: a hook secret as Prolific answers it, the value that
//! confirms a subscription, a credential pool's `username,password` lines. The spec marks each
//! such property `format: password`, and the generator gives it this type
//! (xtask/src/generate/mod.rs, `settings`), so no generated type's `Debug` can print one.

/// A secret a body carries. On the wire it is the plain string; in `Debug` it prints
/// `SecretString(<redacted>)`, and it has no `Display`, so neither a log line nor an error
/// message shows it by accident. Read it with [`SecretString::expose`].
///
/// ```
/// use prolific_sdk::SecretString;
///
/// let secret = SecretString::from("whsec-4c1f0e6b");
/// assert_eq!(format!("{secret:?}"), "SecretString(<redacted>)");
/// assert_eq!(secret.expose(), "whsec-4c1f0e6b");
/// ```
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, to use (the key of a webhook verifier, say), never to print.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The secret itself, as an owned string.
    pub fn into_inner(self) -> String {
        self.0
    }
}

crate::token::redacted_text!(SecretString);

/// Its schema is the spec's: a string of `format: password`, written inline where it is used
/// (the `types-match-spec` check compares it with the spec).
#[cfg(feature = "schemars")]
impl schemars::JsonSchema for SecretString {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SecretString".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "format": "password"})
    }
}

#[cfg(test)]
mod tests {
    use super::SecretString;

    #[test]
    fn the_wire_has_the_value_and_debug_never_does() {
        let secret: SecretString = serde_json::from_str("\"s3cr3t,pa55\"").unwrap();
        assert_eq!(secret.expose(), "s3cr3t,pa55");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"s3cr3t,pa55\"");
        for shown in [format!("{secret:?}"), format!("{secret:#?}")] {
            assert_eq!(shown, "SecretString(<redacted>)");
        }
    }
}
