//! `helm-render-failed`: `helm template` failed (a template error, a `fail` call, bad values).

use super::Rule;
use crate::finding::{Finding, Label};
use crate::yaml::Span;

/// `message` is helm's own error; `at` the template position it names, if any.
pub fn helm_render_failed_diagnostic(message: &str, at: Span, label: &str) -> Finding {
    META.finding(
        format!("helm template failed: {message}"),
        Label::new(at, label),
    )
    .with_help(
        "fix the template or the values so that `helm template` succeeds; nothing from this \
         render was linted",
    )
}

declare_rule! {
    pub struct HelmRenderFailed {
        name: "helm-render-failed",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for HelmRenderFailed {}
