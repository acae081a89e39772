//! `invalid-yaml`: a document that is not valid YAML (or a file that is not UTF-8 text).

use super::Rule;
use crate::finding::{Finding, Label};
use crate::yaml::Span;

pub fn invalid_yaml_diagnostic(at: usize, message: &str) -> Finding {
    META.finding(
        format!("invalid YAML: {message}"),
        Label::new(Span::new(at, at), "the parser stopped here"),
    )
    .with_help("fix the syntax; the other documents of this file were still linted")
}

declare_rule! {
    pub struct InvalidYaml {
        name: "invalid-yaml",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for InvalidYaml {}
