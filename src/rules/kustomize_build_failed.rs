//! `kustomize-build-failed`: `kubectl kustomize` (or `kustomize build`) failed.

use super::{Category, Rule};
use crate::finding::{Finding, Label, Severity};
use crate::yaml::Span;

/// `message` is the tool's error; `at` the entry of the kustomization it names, if any.
pub fn kustomize_build_failed_diagnostic(message: &str, at: Span) -> Finding {
    Finding::new(
        "kustomize-build-failed",
        Severity::Error,
        format!("kustomize build failed: {message}"),
        Label::new(at, "the build stopped here"),
    )
    .with_help(
        "fix the kustomization so that `kubectl kustomize` succeeds; until then only the \
         files listed in `resources` were linted, each on its own",
    )
}

pub struct KustomizeBuildFailed;

impl Rule for KustomizeBuildFailed {
    fn name(&self) -> &'static str {
        "kustomize-build-failed"
    }
    fn category(&self) -> Category {
        Category::Correctness
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn doc(&self) -> &'static str {
        include_str!("../../rules/kustomize-build-failed.md")
    }
}
