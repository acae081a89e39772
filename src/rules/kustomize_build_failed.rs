//! `kustomize-build-failed`: `kubectl kustomize` (or `kustomize build`) failed.

use super::Rule;
use crate::finding::{Finding, Label};
use crate::yaml::Span;

/// `message` is the tool's error; `at` the entry of the kustomization it names, if any.
pub fn kustomize_build_failed_diagnostic(message: &str, at: Span) -> Finding {
    META.finding(
        format!("kustomize build failed: {message}"),
        Label::new(at, "the build stopped here"),
    )
    .with_help(
        "fix the kustomization so that `kubectl kustomize` succeeds; until then only the \
         files listed in `resources` were linted, each on its own",
    )
}

declare_rule! {
    pub struct KustomizeBuildFailed {
        name: "kustomize-build-failed",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for KustomizeBuildFailed {}
