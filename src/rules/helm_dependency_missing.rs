//! `helm-dependency-missing`: a chart declares dependencies that are not in its `charts/`.

use super::{Category, Rule};
use crate::finding::{Finding, Label, Severity};
use crate::yaml::Span;

/// `declared` is where the chart lists its dependencies (`dependencies:` in `Chart.yaml`, or
/// `requirements.yaml` for `apiVersion: v1` charts).
pub fn helm_dependency_missing_diagnostic(
    chart: &str,
    missing: &[String],
    declared: Span,
) -> Finding {
    let names = missing.join(", ");
    Finding::new(
        "helm-dependency-missing",
        Severity::Error,
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

pub struct HelmDependencyMissing;

impl Rule for HelmDependencyMissing {
    fn name(&self) -> &'static str {
        "helm-dependency-missing"
    }
    fn category(&self) -> Category {
        Category::Correctness
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn doc(&self) -> &'static str {
        include_str!("../../rules/helm-dependency-missing.md")
    }
}
