//! `missing-pod-os-field`: a Windows pod that does not say so in `spec.os.name`.

use super::{Category, Context, Rule};
use crate::finding::{Finding, Label, Severity};
use crate::intent::{allowed_os, os_target, Evidence, OsTarget};
use crate::model::Workload;

const NAME: &str = "missing-pod-os-field";

pub fn missing_pod_os_field_diagnostic(w: &Workload<'_>, evidence: Evidence) -> Finding {
    Finding::new(
        NAME,
        Severity::Info,
        "Windows pod does not set `os.name: windows`",
        Label::new(w.spec_key, "no `os:` in this pod spec"),
    )
    .with_secondary(Label::new(evidence.span, evidence.text))
    .with_help(format!(
        "add to `{}`:\nos:\n  name: windows\nthe API server then rejects Linux-only fields for this pod, and a Linux kubelet refuses it instead of failing later",
        w.spec_path
    ))
    .with_resource(w.id)
}

pub struct MissingPodOsField;

impl Rule for MissingPodOsField {
    fn name(&self) -> &'static str {
        NAME
    }
    fn category(&self) -> Category {
        Category::Suspicious
    }
    fn default_severity(&self) -> Severity {
        Severity::Info
    }
    fn doc(&self) -> &'static str {
        include_str!("../../rules/missing-pod-os-field.md")
    }

    fn check_workload<'a>(&self, w: &Workload<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        if w.spec.os.is_some() {
            return;
        }
        // A Windows image in a pod constrained to Linux is `windows-image-on-linux-pod`;
        // `os.name: windows` is not the fix there.
        if let OsTarget::Windows(evidence) = os_target(w, cx) {
            if allowed_os(w, cx).contains("windows") {
                out.push(missing_pod_os_field_diagnostic(w, evidence.clone()));
            }
        }
    }
}
