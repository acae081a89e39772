//! `helm-not-found`: a chart could not be rendered because the `helm` binary is missing.

use super::Rule;
use crate::finding::{Finding, Label};
use crate::yaml::Span;

pub fn helm_not_found_diagnostic(binary: &str, error: &str) -> Finding {
    META.finding(
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

declare_rule! {
    pub struct HelmNotFound {
        name: "helm-not-found",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for HelmNotFound {}
