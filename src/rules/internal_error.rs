//! `internal-error`: winlint itself failed on a file (a bug); the run goes on and exits 2.

use super::Rule;
use crate::finding::{Finding, Label};
use crate::yaml::Span;

pub fn internal_error_diagnostic(detail: &str) -> Finding {
    META.finding(
        format!("winlint failed on this file: {detail}"),
        Label::new(Span::new(0, 0), "while linting this file"),
    )
    .with_help("this is a bug in winlint: please report it with the file (or a reduced copy); the other files were still linted")
}

declare_rule! {
    pub struct InternalError {
        name: "internal-error",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for InternalError {}
