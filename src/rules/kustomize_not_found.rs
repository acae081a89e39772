//! `kustomize-not-found`: a kustomization could not be built because neither `kubectl` nor
//! `kustomize` is installed.

use super::{Category, Rule};
use crate::finding::{Finding, Label, Severity};
use crate::yaml::Span;

pub fn kustomize_not_found_diagnostic() -> Finding {
    Finding::new(
        "kustomize-not-found",
        Severity::Error,
        "cannot build the kustomization: neither `kubectl` nor `kustomize` is on PATH",
        Label::new(Span::new(0, 0), "this kustomization was not built"),
    )
    .with_help(
        "install kubectl (https://kubernetes.io/docs/tasks/tools/) or kustomize \
         (https://kubectl.docs.kubernetes.io/installation/kustomize/); until then only the \
         files listed in `resources` were linted, each on its own",
    )
}

pub struct KustomizeNotFound;

impl Rule for KustomizeNotFound {
    fn name(&self) -> &'static str {
        "kustomize-not-found"
    }
    fn category(&self) -> Category {
        Category::Correctness
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn doc(&self) -> &'static str {
        include_str!("../../rules/kustomize-not-found.md")
    }
}
