//! `duplicate-key`: the same key twice in one mapping; only the last value survives.

use super::Rule;
use crate::finding::{Finding, Label};
use crate::yaml::Span;

pub fn duplicate_key_diagnostic(span: Span, key: &str) -> Finding {
    META.finding(
        format!("duplicate key `{key}`: only the last value is kept"),
        Label::new(span, "repeated here"),
    )
    .with_help(format!(
        "keep one `{key}` entry and merge the values you meant into it"
    ))
}

declare_rule! {
    pub struct DuplicateKey {
        name: "duplicate-key",
        category: Suspicious,
        severity: Warning,
    }
}

impl Rule for DuplicateKey {}
