//! The API server's validation error strings (`<path>: <Type>[: <value>]: <detail>`, from
//! apimachinery `pkg/util/validation/field/errors.go`), so that a finding reads like the error
//! a user saw from `kubectl apply`.

/// `<path>: Forbidden: <detail>`.
pub fn forbidden(path: &str, detail: &str) -> String {
    format!("{path}: Forbidden: {detail}")
}

/// `<path>: Required value: <detail>`.
pub fn required(path: &str, detail: &str) -> String {
    format!("{path}: Required value: {detail}")
}

/// `<path>: Invalid value: <value>: <detail>`, with the value already formatted (strings
/// quoted with [`quote`], booleans and numbers bare).
pub fn invalid(path: &str, value: &str, detail: &str) -> String {
    format!("{path}: Invalid value: {value}: {detail}")
}

/// `<path>: Unsupported value: "<value>": supported values: "a", "b"`.
pub fn not_supported(path: &str, value: &str, supported: &[&str]) -> String {
    let list: Vec<String> = supported.iter().map(|s| quote(s)).collect();
    format!(
        "{path}: Unsupported value: {}: supported values: {}",
        quote(value),
        list.join(", ")
    )
}

/// Go's `strconv.Quote`: double quotes, with `"`, `\` and non-printable characters escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value for a message: quoted, and shortened to its first 60 characters when longer
/// (a 64 KiB credential spec does not belong in a one-line message).
pub fn quote_short(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        return quote(s);
    }
    let head: String = s.chars().take(MAX).collect();
    format!("{}… ({} bytes)", quote(&head), s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_field_errors() {
        assert_eq!(
            not_supported("spec.os", "Windows", &["linux", "windows"]),
            "spec.os: Unsupported value: \"Windows\": supported values: \"linux\", \"windows\""
        );
        assert_eq!(quote("NT AUTHORITY\\SYSTEM"), "\"NT AUTHORITY\\\\SYSTEM\"");
        assert_eq!(quote("a\u{1}b"), "\"a\\x01b\"");
        assert!(quote_short(&"x".repeat(100)).ends_with("(100 bytes)"));
    }
}
