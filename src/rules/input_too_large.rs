//! `input-too-large`: a file over the size limit is not read, so it cannot hide a hang or
//! exhaust memory; the finding keeps it from passing unseen.

use super::Rule;
use crate::finding::{Finding, Label};
use crate::yaml::Span;

pub fn input_too_large_diagnostic(size: u64, limit: u64) -> Finding {
    META.finding(
        format!("file is {size} bytes, over the {limit}-byte limit, and was not linted"),
        Label::new(Span::new(0, 0), "not read"),
    )
    .with_help(
        "raise the limit with --max-file-size BYTES, or exclude generated files from the lint",
    )
}

declare_rule! {
    pub struct InputTooLarge {
        name: "input-too-large",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for InputTooLarge {}
