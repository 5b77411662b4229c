//! A path parameter as exactly one segment of the request's path.
//!
//! Every generated `send()` puts each path parameter through [`segment`] (the xtask's rewrite
//! step `path_segments` replaces progenitor's `encode_path`, which leaves `\` as it is: a URL
//! parser reads `\` as `/` in `http(s)` URLs, so `x\..\victim` would reach another resource).
//!
//! Whatever the value, the result is one segment whose percent-decoding is the value, or the
//! request is refused before anything is sent.

/// The bytes kept as they are: RFC 3986's unreserved characters. Every other byte is
/// percent-encoded: `/`, `\`, `?`, `#`, `%`, space, control characters, and each byte of a
/// non-ASCII character.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// `value`, the path parameter `name`, as one percent-encoded path segment; or why it cannot be
/// one. An empty value, `.` and `..` are refused: a URL parser removes or resolves them, so the
/// request would go to another path (and no encoding of a dot keeps it a dot: `%2E` is read as
/// `.` too).
pub fn segment(name: &str, value: &str) -> Result<String, String> {
    match value {
        "" => Err(format!(
            "the path parameter `{name}` is empty, which would send the request to another \
             path; pass the resource's id"
        )),
        "." | ".." => Err(format!(
            "the path parameter `{name}` is `{value}`, which a URL resolves to another path; \
             pass the resource's id"
        )),
        _ => {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            let mut encoded = String::with_capacity(value.len());
            for &byte in value.as_bytes() {
                if is_unreserved(byte) {
                    encoded.push(byte as char);
                } else {
                    encoded.push('%');
                    encoded.push(HEX[usize::from(byte >> 4)] as char);
                    encoded.push(HEX[usize::from(byte & 0xF)] as char);
                }
            }
            Ok(encoded)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_outside_the_unreserved_set_is_encoded() {
        assert_eq!(segment("id", "g1-a.b_c~").unwrap(), "g1-a.b_c~");
        assert_eq!(segment("id", r"x\..\victim").unwrap(), "x%5C..%5Cvictim");
        assert_eq!(
            segment("id", "a/b?c#d%e f").unwrap(),
            "a%2Fb%3Fc%23d%25e%20f"
        );
        assert_eq!(segment("id", "\n\t\u{7f}").unwrap(), "%0A%09%7F");
        assert_eq!(segment("id", "é").unwrap(), "%C3%A9");
        assert_eq!(segment("id", "%2e%2e").unwrap(), "%252e%252e");
    }

    #[test]
    fn empty_dot_and_dot_dot_are_refused_by_name() {
        for value in ["", ".", ".."] {
            let refused = segment("group_id", value).unwrap_err();
            assert!(
                refused.starts_with("the path parameter `group_id` is"),
                "{refused}"
            );
        }
        assert!(segment("id", "...").is_ok());
    }
}
