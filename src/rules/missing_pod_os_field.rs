//! `missing-pod-os-field`: a Windows pod that does not say so in `spec.os.name`.

use super::{Context, Pod, Rule};
use crate::facts::images::ImageOs;
use crate::facts::image_facts;
use crate::finding::{Finding, Label};
use crate::facts::intent::{Evidence, OsTarget};
use crate::facts::pod::{allowed_os, os_target};


pub fn missing_pod_os_field_diagnostic(w: &Pod<'_>, evidence: Evidence) -> Finding {
    META.finding(
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

declare_rule! {
    pub struct MissingPodOsField {
        name: "missing-pod-os-field",
        category: Suspicious,
        severity: Info,
    }
}

impl Rule for MissingPodOsField {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        if w.spec.os.is_some() {
            return;
        }
        // A Windows image in a pod constrained to Linux is `windows-image-on-linux-pod`;
        // `os.name: windows` is not the fix there.
        // Nor is it with a Linux image: that pod needs another image or a Linux node
        // (`linux-image-on-windows-pod`), and `os.name: windows` would be wrong advice.
        if image_facts(w, cx.images)
            .iter()
            .any(|f| f.os == ImageOs::Linux)
        {
            return;
        }
        if let OsTarget::Windows(evidence) = os_target(w, cx) {
            if allowed_os(w, cx).contains("windows") {
                out.push(missing_pod_os_field_diagnostic(w, evidence.clone()));
            }
        }
    }
}
