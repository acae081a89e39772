//! `os-label-value-invalid`: a node selector value for `kubernetes.io/os` that no kubelet
//! ever writes (`Windows`, `win`, `Linux`), so it matches no node.

use super::shared::{
    bad_label_values, bad_value_blocks, pod_selector_uses, runtime_class_selector_uses, BadValue,
    SelectorUse,
};
use super::{Category, Context, Rule};
use crate::cluster::{BETA_OS_LABEL, OS_LABEL};
use crate::finding::{Finding, Label, Severity};
use crate::model::{Object, ResourceId, Typed, Workload};
use crate::yaml::Span;

const NAME: &str = "os-label-value-invalid";

pub fn os_label_value_invalid_diagnostic(
    id: &ResourceId,
    key: &str,
    value: &str,
    operator: &str,
    span: Span,
    severity: Severity,
) -> Finding {
    let fix = match value.to_ascii_lowercase().as_str() {
        v @ ("linux" | "windows") => format!("write it in lowercase: `{v}`"),
        v if v.starts_with("win") => "use `windows`".to_owned(),
        _ => "use `linux` or `windows`".to_owned(),
    };
    let consequence = match (operator, severity) {
        ("NotIn", _) => "so `NotIn` excludes no node with it",
        (_, Severity::Error) => "so this matches no node and the pod is never scheduled",
        _ => "so this value of the list matches no node",
    };
    Finding::new(
        NAME,
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
    .with_resource(id)
}

fn is_os_key(k: &str) -> bool {
    k == OS_LABEL || k == BETA_OS_LABEL
}

fn is_valid(v: &str) -> bool {
    matches!(v, "linux" | "windows")
}

fn bad_values<'n>(uses: &[SelectorUse<'n>]) -> Vec<BadValue<'n>> {
    bad_label_values(uses, is_os_key, is_valid)
}

/// Does an invalid OS value make the pod (with its RuntimeClass) unschedulable?
pub(super) fn fires<'a>(w: &Workload<'a>, cx: &Context<'a>) -> bool {
    let own = bad_values(&pod_selector_uses(w.spec_node));
    let own_error = own.iter().any(|b| b.severity == Severity::Error);
    bad_value_blocks(w, cx, own_error, is_os_key, is_valid)
}

pub struct OsLabelValueInvalid;

impl Rule for OsLabelValueInvalid {
    fn name(&self) -> &'static str {
        NAME
    }
    fn category(&self) -> Category {
        Category::Correctness
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn doc(&self) -> &'static str {
        include_str!("../../rules/os-label-value-invalid.md")
    }

    fn check_workload<'a>(&self, w: &Workload<'a>, _cx: &Context<'a>, out: &mut Vec<Finding>) {
        for b in bad_values(&pod_selector_uses(w.spec_node)) {
            out.push(os_label_value_invalid_diagnostic(
                w.id, b.key, b.value, b.operator, b.span, b.severity,
            ));
        }
    }

    fn check_object(&self, obj: &Object<'_, '_>, _cx: &Context<'_>, out: &mut Vec<Finding>) {
        if !matches!(obj.typed, Typed::RuntimeClass(_)) {
            return;
        }
        for b in bad_values(&runtime_class_selector_uses(obj.node)) {
            out.push(os_label_value_invalid_diagnostic(
                &obj.id, b.key, b.value, b.operator, b.span, b.severity,
            ));
        }
    }
}
