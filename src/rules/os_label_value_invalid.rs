//! `os-label-value-invalid`: a node selector value for `kubernetes.io/os` that no kubelet
//! ever writes (`Windows`, `win`, `Linux`), so it matches no node.

use super::shared::{
    bad_label_values, pod_selector_uses, runtime_class_selector_uses, BadValue,
    SelectorUse,
};
use super::{Context, Pod, Rule};
use crate::facts::cluster::{BETA_OS_LABEL, OS_LABEL};
use crate::finding::{Applicability, Finding, Fix, Label, Severity};
use crate::yaml::edit::Writer;
use crate::k8s::{Object, ResourceId, Typed};
use crate::yaml::Span;


pub fn os_label_value_invalid_diagnostic(
    id: &ResourceId,
    key: &str,
    value: &str,
    operator: &str,
    span: Span,
    severity: Severity,
    src: &str,
) -> Finding {
    // A case slip has one reading; `win2019` probably means Windows, but that is a guess.
    let (fix, canonical) = match value.to_ascii_lowercase().as_str() {
        v @ ("linux" | "windows") => (
            format!("write it in lowercase: `{v}`"),
            Some((v.to_owned(), Applicability::Safe)),
        ),
        v if v.starts_with("win") => (
            "use `windows`".to_owned(),
            Some(("windows".to_owned(), Applicability::Unsafe)),
        ),
        _ => ("use `linux` or `windows`".to_owned(), None),
    };
    let edit = canonical
        .filter(|_| !src.is_empty())
        .map(|(v, a)| (Writer::new(src).replace(span, &v), a));
    let consequence = match (operator, severity) {
        ("NotIn", _) => "so `NotIn` excludes no node with it",
        (_, Severity::Error) => "so this matches no node and the pod is never scheduled",
        _ => "so this value of the list matches no node",
    };
    META.graded(
        severity,
        format!(
            "`{value}` is not a value of `{key}`: kubelets set `linux` or `windows`, {consequence}"
        ),
        Label::new(
            span,
            if matches!(value.to_ascii_lowercase().as_str(), "linux" | "windows") {
                "not `linux` or `windows`: values are case-sensitive"
            } else {
                "not `linux` or `windows`"
            },
        ),
    )
    .with_help(format!(
        "{fix}; the value comes from the kubelet's Go runtime.GOOS"
    ))
    .with_fix(edit.map(|(e, applicability)| Fix {
        applicability,
        edits: vec![e],
    }))
    .with_resource(id)
}

pub(super) fn is_os_key(k: &str) -> bool {
    k == OS_LABEL || k == BETA_OS_LABEL
}

pub(super) fn is_valid(v: &str) -> bool {
    matches!(v, "linux" | "windows")
}

fn bad_values<'n>(uses: &[SelectorUse<'n>]) -> Vec<BadValue<'n>> {
    bad_label_values(uses, is_os_key, is_valid)
}

declare_rule! {
    pub struct OsLabelValueInvalid {
        name: "os-label-value-invalid",
        category: Correctness,
        severity: Error,
        also: [Warning],
        fix: Safe,
    }
}

impl Rule for OsLabelValueInvalid {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        for b in bad_values(&pod_selector_uses(w.spec_node)) {
            out.push(os_label_value_invalid_diagnostic(
                w.id, b.key, b.value, b.operator, b.span, b.severity, cx.source,
            ));
        }
    }

    fn check_object(&self, obj: &Object<'_, '_>, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if !matches!(obj.typed, Typed::RuntimeClass(_)) {
            return;
        }
        for b in bad_values(&runtime_class_selector_uses(obj.node)) {
            out.push(os_label_value_invalid_diagnostic(
                &obj.id, b.key, b.value, b.operator, b.span, b.severity, cx.source,
            ));
        }
    }
}
