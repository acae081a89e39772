//! `duplicate-key`: the same key twice in one mapping; only the last value survives.

use super::{Category, Rule};
use crate::finding::{Finding, Label, Severity};
use crate::yaml::Span;

pub fn duplicate_key_diagnostic(span: Span, key: &str) -> Finding {
    Finding::new(
        "duplicate-key",
        Severity::Warning,
        format!("duplicate key `{key}`: only the last value is kept"),
        Label::new(span, "repeated here"),
    )
    .with_help(format!(
        "keep one `{key}` entry and merge the values you meant into it"
    ))
}

pub struct DuplicateKey;

impl Rule for DuplicateKey {
    fn name(&self) -> &'static str {
        "duplicate-key"
    }
    fn category(&self) -> Category {
        Category::Suspicious
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn doc(&self) -> &'static str {
        include_str!("../../rules/duplicate-key.md")
    }
}
