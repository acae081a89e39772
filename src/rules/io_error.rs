//! `io-error`: a file that could not be read.

use super::Rule;
use crate::finding::{Finding, Label};
use crate::yaml::Span;

pub fn io_error_diagnostic(error: &std::io::Error) -> Finding {
    META.finding(
        format!("cannot read file: {error}"),
        Label::new(Span::new(0, 0), "unreadable"),
    )
    .with_help("check that the file exists and is readable; the other files were still linted")
}

declare_rule! {
    pub struct IoError {
        name: "io-error",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for IoError {}
