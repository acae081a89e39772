//! `unknown-field`: a key the Kubernetes API type does not have (a typo, or a field at the
//! wrong level), which the API server drops or rejects.

use super::{Category, Rule};
use crate::finding::{Finding, Label, Severity};
use crate::model::Suggestion;
use crate::model::{ResourceId, UnknownField as Unknown};

pub fn unknown_field_diagnostic(id: &ResourceId, u: &Unknown) -> Finding {
    let (label, help) = match &u.suggestion {
        Some(Suggestion::Rename(name)) => (
            format!("did you mean `{name}`?"),
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
    Finding::new(
        "unknown-field",
        Severity::Warning,
        format!(
            "unknown field `{}`{within} ({} has no such field)",
            u.key, u.type_name
        ),
        Label::new(u.key_span, label),
    )
    .with_help(help)
    .with_resource(id)
}

pub struct UnknownField;

impl Rule for UnknownField {
    fn name(&self) -> &'static str {
        "unknown-field"
    }
    fn category(&self) -> Category {
        Category::Suspicious
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn doc(&self) -> &'static str {
        include_str!("../../rules/unknown-field.md")
    }
}
