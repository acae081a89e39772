//! `kustomize-not-found`: a kustomization could not be built because neither `kubectl` nor
//! `kustomize` is installed.

use super::Rule;
use crate::finding::{Finding, Label};
use crate::yaml::Span;

pub fn kustomize_not_found_diagnostic() -> Finding {
    META.finding(
        "cannot build the kustomization: neither `kubectl` nor `kustomize` is on PATH",
        Label::new(Span::new(0, 0), "this kustomization was not built"),
    )
    .with_help(
        "install kubectl (https://kubernetes.io/docs/tasks/tools/) or kustomize \
         (https://kubectl.docs.kubernetes.io/installation/kustomize/); until then only the \
         files listed in `resources` were linted, each on its own",
    )
}

declare_rule! {
    pub struct KustomizeNotFound {
        name: "kustomize-not-found",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for KustomizeNotFound {}
