//! `internal-error`: winlint itself failed on a file (a bug); the run goes on and exits 2.

use super::{Category, Rule};
use crate::finding::{Finding, Label, Severity};
use crate::yaml::Span;

pub fn internal_error_diagnostic(detail: &str) -> Finding {
    Finding::new(
        "internal-error",
        Severity::Error,
        format!("winlint failed on this file: {detail}"),
        Label::new(Span::new(0, 0), "while linting this file"),
    )
    .with_help("this is a bug in winlint: please report it with the file (or a reduced copy); the other files were still linted")
}

pub struct InternalError;

impl Rule for InternalError {
    fn name(&self) -> &'static str {
        "internal-error"
    }
    fn category(&self) -> Category {
        Category::Correctness
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn doc(&self) -> &'static str {
        include_str!("../../rules/internal-error.md")
    }
}
