//! `input-too-large`: a file over the size limit is not read, so it cannot hide a hang or
//! exhaust memory; the finding keeps it from passing unseen.

use super::{Category, Rule};
use crate::finding::{Finding, Label, Severity};
use crate::yaml::Span;

pub fn input_too_large_diagnostic(size: u64, limit: u64) -> Finding {
    Finding::new(
        "input-too-large",
        Severity::Error,
        format!("file is {size} bytes, over the {limit}-byte limit, and was not linted"),
        Label::new(Span::new(0, 0), "not read"),
    )
    .with_help(
        "raise the limit with --max-file-size BYTES, or exclude generated files from the lint",
    )
}

pub struct InputTooLarge;

impl Rule for InputTooLarge {
    fn name(&self) -> &'static str {
        "input-too-large"
    }
    fn category(&self) -> Category {
        Category::Correctness
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn doc(&self) -> &'static str {
        include_str!("../../rules/input-too-large.md")
    }
}
