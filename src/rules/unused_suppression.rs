//! `unused-suppression`: a suppression annotation or comment that silences nothing, so stale
//! suppressions surface instead of hiding future findings.

use super::Rule;
use crate::finding::{Finding, Label};
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
    META.finding(
        message,
        Label::new(span, "suppresses nothing"),
    )
    .with_help(help)
}

declare_rule! {
    pub struct UnusedSuppression {
        name: "unused-suppression",
        category: Suspicious,
        severity: Info,
    }
}

impl Rule for UnusedSuppression {}
