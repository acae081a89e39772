//! `io-error`: a file that could not be read.

use super::{Category, Rule};
use crate::finding::{Finding, Label, Severity};
use crate::yaml::Span;

pub fn io_error_diagnostic(error: &std::io::Error) -> Finding {
    Finding::new(
        "io-error",
        Severity::Error,
        format!("cannot read file: {error}"),
        Label::new(Span::new(0, 0), "unreadable"),
    )
    .with_help("check that the file exists and is readable; the other files were still linted")
}

pub struct IoError;

impl Rule for IoError {
    fn name(&self) -> &'static str {
        "io-error"
    }
    fn category(&self) -> Category {
        Category::Correctness
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn doc(&self) -> &'static str {
        include_str!("../../rules/io-error.md")
    }
}
