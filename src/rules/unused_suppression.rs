//! `unused-suppression`: a suppression annotation or comment that silences nothing, so stale
//! suppressions surface instead of hiding future findings. Each rule name a suppression lists
//! is judged on its own: names that silenced nothing give one finding, unknown names another.

use super::{Rule, RULES};
use crate::finding::{Finding, Label};
use crate::suggest::{closest, did_you_mean};
use crate::yaml::Span;

/// `unused` names that silenced nothing, or (when not empty) `unknown` names that are no rule.
pub fn unused_suppression_diagnostic(span: Span, unused: &[String], unknown: &[&str]) -> Finding {
    let (message, label, help) = if unknown.is_empty() {
        (
            format!("suppression of `{}` matches no finding", unused.join("`, `")),
            "suppresses nothing",
            "remove it: the finding it was written for is gone (or it is on the wrong line or object)".to_owned(),
        )
    } else {
        let hints: Vec<String> = unknown
            .iter()
            .filter_map(|name| {
                let names = RULES.iter().map(|r| r.name());
                closest(name, names, |c| (c.len() / 3).max(2))
                    .map(|s| format!("for `{name}`, {}", did_you_mean(s)))
            })
            .collect();
        let hints = if hints.is_empty() {
            String::new()
        } else {
            format!(" ({})", hints.join("; "))
        };
        (
            format!("suppression names unknown rule `{}`", unknown.join("`, `")),
            "no rule has this name",
            format!("use a rule name from `winlint rules`{hints}"),
        )
    };
    META.finding(message, Label::new(span, label)).with_help(help)
}

declare_rule! {
    pub struct UnusedSuppression {
        name: "unused-suppression",
        category: Suspicious,
        severity: Info,
    }
}

impl Rule for UnusedSuppression {}
