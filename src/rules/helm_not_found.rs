//! `helm-not-found`: a chart could not be rendered because the `helm` binary is missing.

use super::{Category, Rule};
use crate::finding::{Finding, Label, Severity};
use crate::yaml::Span;

pub fn helm_not_found_diagnostic(binary: &str, error: &str) -> Finding {
    Finding::new(
        "helm-not-found",
        Severity::Error,
        format!("cannot run helm (`{binary}`): {error}"),
        Label::new(
            Span::new(0, 0),
            "this chart was not rendered, so its templates were not linted",
        ),
    )
    .with_help(
        "install Helm (https://helm.sh/docs/intro/install/) so that `helm` is on PATH, or name \
         the binary with `--helm-binary PATH` or the WINLINT_HELM environment variable",
    )
}

pub struct HelmNotFound;

impl Rule for HelmNotFound {
    fn name(&self) -> &'static str {
        "helm-not-found"
    }
    fn category(&self) -> Category {
        Category::Correctness
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn doc(&self) -> &'static str {
        include_str!("../../rules/helm-not-found.md")
    }
}
