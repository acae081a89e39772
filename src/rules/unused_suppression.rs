//! `unused-suppression`: a suppression annotation or comment that silences nothing, so stale
//! suppressions surface instead of hiding future findings.

use super::{Category, Rule};
use crate::finding::{Finding, Label, Severity};
use crate::yaml::Span;

pub fn unused_suppression_diagnostic(span: Span, rules: &[String], unknown: &[&str]) -> Finding {
    let list = rules.join(", ");
    let (message, help) = if unknown.is_empty() {
        (
            format!("suppression of `{list}` matches no finding"),
            "remove it: the finding it was written for is gone (or it is on the wrong line or object)".to_owned(),
        )
    } else {
        (
            format!("suppression names unknown rule `{}`", unknown.join("`, `")),
            "use a rule name from `winlint rules`".to_owned(),
        )
    };
    Finding::new(
        "unused-suppression",
        Severity::Info,
        message,
        Label::new(span, "suppresses nothing"),
    )
    .with_help(help)
}

pub struct UnusedSuppression;

impl Rule for UnusedSuppression {
    fn name(&self) -> &'static str {
        "unused-suppression"
    }
    fn category(&self) -> Category {
        Category::Suspicious
    }
    fn default_severity(&self) -> Severity {
        Severity::Info
    }
    fn doc(&self) -> &'static str {
        include_str!("../../rules/unused-suppression.md")
    }
}
