//! The API token: a never-expiring credential with the account's full permissions, so it is
//! kept out of every `Debug`, `Display`, error and log line.

use std::fmt;

/// For a credential newtype over `String` (the API token, a hook secret): `From<String>`,
/// `From<&str>`, and a `Debug` that prints `Name(<redacted>)` and never the value.
macro_rules! redacted_text {
    ($name:ident) => {
        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_string())
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}(<redacted>)", stringify!($name))
            }
        }
    };
}
pub(crate) use redacted_text;

/// A Prolific API token. It prints as `<redacted>` in both `Debug` and `Display`; the only way
/// out of it is the `Authorization` header the client sends, marked sensitive.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a token, as created in the researcher's settings in the Prolific app.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// Whether the token is empty or only whitespace (never a valid token).
    pub(crate) fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// The `Authorization` header's value, marked sensitive so that `http` and reqwest never
    /// print it. Fails when the token holds characters a header cannot carry.
    pub(crate) fn header_value(&self) -> Option<reqwest::header::HeaderValue> {
        let mut value =
            reqwest::header::HeaderValue::from_str(&format!("Token {}", self.0.trim())).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

redacted_text!(Token);

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::Token;

    #[test]
    fn debug_and_display_never_show_the_token() {
        let token = Token::new("s3cr3t-t0ken");
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
        assert_eq!(format!("{token}"), "<redacted>");
        assert_eq!(format!("{token:#?}"), "Token(<redacted>)");
    }

    #[test]
    fn the_header_value_is_sensitive_and_debug_hides_it() {
        let value = Token::new(" s3cr3t ")
            .header_value()
            .expect("a valid header");
        assert!(value.is_sensitive());
        assert_eq!(value.to_str().unwrap(), "Token s3cr3t");
        assert!(!format!("{value:?}").contains("s3cr3t"));
    }

    #[test]
    fn a_token_with_a_newline_cannot_become_a_header() {
        assert!(Token::new("abc\ndef").header_value().is_none());
        assert!(Token::new("  ").is_blank());
    }
}
