//! `missing-pod-os-field`: a Windows pod that does not say so in `spec.os.name`.

use super::{Context, Pod, Rule};
use crate::facts::images::ImageOs;
use crate::facts::image_facts;
use super::shared::{describe, one_edit, pod_spec_at};
use crate::finding::{Applicability, Finding, Label};
use crate::yaml::edit::{New, Writer};
use crate::facts::intent::{Evidence, OsTarget};
use crate::facts::pod::{allowed_os, os_target};


pub fn missing_pod_os_field_diagnostic(w: &Pod<'_>, evidence: Evidence, src: &str) -> Finding {
    let edit = (!src.is_empty())
        .then(|| {
            Writer::new(src).add_entry(pod_spec_at(w), "os", &New::map(&[("name", "windows")]))
        })
        .flatten();
    let how = match &edit {
        Some(e) => describe(src, std::slice::from_ref(e), w.spec_path),
        None => format!("add to `{}`:\nos:\n  name: windows\n", w.spec_path),
    };
    META.finding(
        "Windows pod does not set `os.name: windows`",
        Label::new(w.spec_key, "no `os:` in this pod spec"),
    )
    .with_secondary(Label::new(evidence.span, evidence.text))
    .with_help(format!(
        "{how}(then the API server rejects Linux-only fields for this pod, and a Linux kubelet refuses it instead of failing later)"
    ))
    .with_fix(one_edit(edit, Applicability::Safe))
    .with_resource(w.id)
}

declare_rule! {
    pub struct MissingPodOsField {
        name: "missing-pod-os-field",
        category: Suspicious,
        severity: Info,
        fix: Safe,
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
                out.push(missing_pod_os_field_diagnostic(w, evidence.clone(), cx.source));
            }
        }
    }
}
