//! `runtimeclass-not-found`: the pod names a RuntimeClass that neither the scanned files
//! nor `cluster.runtimeClasses` define.

use super::{Context, Pod, Rule};
use crate::finding::{Finding, Label};
use crate::facts::placement::runtime_class;
use crate::yaml::Span;


pub fn runtimeclass_not_found_diagnostic(w: &Pod<'_>, name: &str, at: Span) -> Finding {
    META.finding(
        format!(
            "RuntimeClass `{name}` is not defined in the scanned files or in `cluster.runtimeClasses`; if the cluster lacks it too, pods are rejected: RuntimeClass \"{name}\" not found"
        ),
        Label::new(at, "unknown RuntimeClass"),
    )
    .with_help(format!(
        "lint the RuntimeClass manifest together with this file, or declare it in .winlint.yaml so its scheduling is checked:\ncluster:\n  runtimeClasses:\n  - name: {name}\n    handler: runhcs-wcow-process\n    scheduling:\n      nodeSelector: {{kubernetes.io/os: windows}}\nplacement findings for this pod wait until winlint knows the RuntimeClass"
    ))
    .with_resource(w.id)
}

declare_rule! {
    pub struct RuntimeclassNotFound {
        name: "runtimeclass-not-found",
        category: Suspicious,
        severity: Warning,
    }
}

impl Rule for RuntimeclassNotFound {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some(name) = w.spec.runtime_class_name.as_deref() else {
            return;
        };
        if runtime_class(cx, name).is_some() {
            return;
        }
        let at = w
            .field(&["runtimeClassName"])
            .map_or(w.spec_key, |n| n.span);
        out.push(runtimeclass_not_found_diagnostic(w, name, at));
    }
}
