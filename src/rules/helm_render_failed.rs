//! `helm-render-failed`: `helm template` failed (a template error, a `fail` call, bad values).

use super::{Category, Rule};
use crate::finding::{Finding, Label, Severity};
use crate::yaml::Span;

/// `message` is helm's own error; `at` the template position it names, if any.
pub fn helm_render_failed_diagnostic(message: &str, at: Span, label: &str) -> Finding {
    Finding::new(
        "helm-render-failed",
        Severity::Error,
        format!("helm template failed: {message}"),
        Label::new(at, label),
    )
    .with_help(
        "fix the template or the values so that `helm template` succeeds; nothing from this \
         render was linted",
    )
}

pub struct HelmRenderFailed;

impl Rule for HelmRenderFailed {
    fn name(&self) -> &'static str {
        "helm-render-failed"
    }
    fn category(&self) -> Category {
        Category::Correctness
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn doc(&self) -> &'static str {
        include_str!("../../rules/helm-render-failed.md")
    }
}
