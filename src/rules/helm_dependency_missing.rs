//! `helm-dependency-missing`: a chart declares dependencies that are not in its `charts/`.

use super::Rule;
use crate::finding::{Finding, Label};
use crate::yaml::Span;

/// `declared` is where the chart lists its dependencies (`dependencies:` in `Chart.yaml`, or
/// `requirements.yaml` for `apiVersion: v1` charts).
pub fn helm_dependency_missing_diagnostic(
    chart: &str,
    missing: &[String],
    declared: Span,
) -> Finding {
    let names = missing.join(", ");
    META.finding(
        format!("chart dependencies are missing from `charts/`: {names}"),
        Label::new(
            declared,
            "declared here; helm refuses to render without them",
        ),
    )
    .with_help(format!(
        "run `helm dependency build {chart}` to fetch them into `charts/`, then lint again; \
         the chart's templates were not linted"
    ))
}

declare_rule! {
    pub struct HelmDependencyMissing {
        name: "helm-dependency-missing",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for HelmDependencyMissing {}
