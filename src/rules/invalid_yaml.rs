//! `invalid-yaml`: a document that is not valid YAML (or a file that is not UTF-8 text).

use super::{Category, Rule};
use crate::finding::{Finding, Label, Severity};
use crate::yaml::Span;

pub fn invalid_yaml_diagnostic(at: usize, message: &str) -> Finding {
    Finding::new(
        "invalid-yaml",
        Severity::Error,
        format!("invalid YAML: {message}"),
        Label::new(Span::new(at, at), "the parser stopped here"),
    )
    .with_help("fix the syntax; the other documents of this file were still linted")
}

pub struct InvalidYaml;

impl Rule for InvalidYaml {
    fn name(&self) -> &'static str {
        "invalid-yaml"
    }
    fn category(&self) -> Category {
        Category::Correctness
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn doc(&self) -> &'static str {
        include_str!("../../rules/invalid-yaml.md")
    }
}
