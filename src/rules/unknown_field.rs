//! `unknown-field`: a key the Kubernetes API type does not have (a typo, or a field at the
//! wrong level), which the API server drops or rejects.

use super::Rule;
use crate::suggest::did_you_mean;
use crate::finding::{Finding, Label};
use crate::k8s::Suggestion;
use crate::k8s::{ResourceId, UnknownField as Unknown};

pub fn unknown_field_diagnostic(id: &ResourceId, u: &Unknown) -> Finding {
    let (label, help) = match &u.suggestion {
        Some(Suggestion::Rename(name)) => (
            did_you_mean(name),
            format!("rename `{}` to `{name}`", u.key),
        ),
        Some(Suggestion::MoveTo(path)) => (
            format!("`{}` belongs in `{path}`", u.key),
            format!(
                "move `{}` up into `{path}`, where {} has this field",
                u.key, "the API type"
            ),
        ),
        None => (
            format!("not a field of {}", u.type_name),
            format!(
                "remove `{}` or check the field name with `kubectl explain`",
                u.key
            ),
        ),
    };
    let within = if u.parent.is_empty() {
        String::new()
    } else {
        format!(" in `{}`", u.parent)
    };
    META.finding(
        format!(
            "unknown field `{}`{within} ({} has no such field)",
            u.key, u.type_name
        ),
        Label::new(u.key_span, label),
    )
    .with_help(help)
    .with_resource(id)
}

declare_rule! {
    pub struct UnknownField {
        name: "unknown-field",
        category: Suspicious,
        severity: Warning,
    }
}

impl Rule for UnknownField {}
