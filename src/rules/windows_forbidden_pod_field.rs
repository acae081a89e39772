//! `windows-forbidden-pod-field`: a pod-level field of spec §B.1 on a pod with
//! `spec.os.name: windows`; the API server rejects the object (`validateWindows`).

use super::{Context, Pod, Rule};
use crate::k8s::apierror;
use crate::finding::{Finding, Label};
use crate::k8s::windows_fields::{Field, POD_FIELDS, RESTRICTED_EXEMPT};
use crate::yaml::Span;


pub fn windows_forbidden_pod_field_diagnostic(
    w: &Pod<'_>,
    field: &Field,
    at: Span,
    os_name: Span,
) -> Finding {
    META.finding(
        apierror::forbidden(&w.path(&field.dotted()), "cannot be set for a windows pod"),
        Label::new(at, field.why),
    )
    .with_secondary(Label::new(
        os_name,
        "`os.name: windows` makes the API server reject Linux-only fields",
    ))
    .with_help(remove_help(&field.dotted(), field.key()))
    .with_resource(w.id)
}

/// The help shared by the forbidden-field rules: remove it; Pod Security does not need it.
pub(super) fn remove_help(dotted: &str, key: &str) -> String {
    if RESTRICTED_EXEMPT.contains(&key) {
        format!(
            "remove `{dotted}`: Pod Security's restricted profile does not require {key} of Windows pods (`spec.os.name: windows`), so it is not needed"
        )
    } else {
        format!("remove `{dotted}`: it has no effect on Windows nodes")
    }
}

/// The span of the `os.name` value when it declares `windows`.
pub(super) fn declared_windows(w: &Pod<'_>) -> Option<Span> {
    if w.spec.os.as_ref()?.name != "windows" {
        return None;
    }
    Some(w.field(&["os", "name"]).map_or(w.spec_key, |n| n.span))
}

declare_rule! {
    pub struct WindowsForbiddenPodField {
        name: "windows-forbidden-pod-field",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for WindowsForbiddenPodField {
    fn check_workload<'a>(&self, w: &Pod<'a>, _cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some(os_name) = declared_windows(w) else {
            return;
        };
        for field in POD_FIELDS {
            if let Some(e) = field.find(w.spec_node) {
                out.push(windows_forbidden_pod_field_diagnostic(
                    w, field, e.key.span, os_name,
                ));
            }
        }
    }
}
