//! `invalid-resource`: an object of a known kind that does not fit its API type.

use super::Rule;
use crate::finding::{Finding, Label};
use crate::k8s::ResourceId;
use crate::yaml::{DeError, Span};

pub fn invalid_resource_diagnostic(id: &ResourceId, err: &DeError, fallback: Span) -> Finding {
    let path = err.path_string();
    let at = if path.is_empty() {
        String::new()
    } else {
        format!("`{path}`: ")
    };
    let help = if err.message.contains("expected a string") {
        "quote the value (the API server does not turn numbers or booleans into strings)"
    } else {
        "make the field match the Kubernetes API type; `kubectl explain` shows it"
    };
    META.finding(
        format!(
            "{at}{} (the API server rejects this {})",
            err.message, id.kind
        ),
        Label::new(err.span.unwrap_or(fallback), "does not fit the API type"),
    )
    .with_help(help)
    .with_resource(id)
}

declare_rule! {
    pub struct InvalidResource {
        name: "invalid-resource",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for InvalidResource {}
