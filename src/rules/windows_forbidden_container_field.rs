//! `windows-forbidden-container-field`: a container field of spec §B.2, in any init, regular
//! or ephemeral container of a pod with `spec.os.name: windows`; the API server rejects the
//! object (`validateWindows`).

use super::windows_forbidden_pod_field::{declared_windows, remove_help};
use super::{Context, Pod, Rule};
use crate::k8s::apierror;
use crate::finding::{Finding, Label};
use crate::k8s::ContainerRef;
use crate::k8s::windows_fields::{Field, CONTAINER_FIELDS};
use crate::yaml::Span;


pub fn windows_forbidden_container_field_diagnostic(
    w: &Pod<'_>,
    c: &ContainerRef<'_>,
    field: &Field,
    at: Span,
    os_name: Span,
) -> Finding {
    let rel = format!("{}.{}", c.rel_path(), field.dotted());
    META.finding(
        apierror::forbidden(&w.path(&rel), "cannot be set for a windows pod"),
        Label::new(at, field.why),
    )
    .with_secondary(Label::new(
        os_name,
        "`os.name: windows` makes the API server reject Linux-only fields",
    ))
    .with_help(remove_help(&field.dotted(), field.key()))
    .with_resource(w.id)
}

declare_rule! {
    pub struct WindowsForbiddenContainerField {
        name: "windows-forbidden-container-field",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for WindowsForbiddenContainerField {
    fn check_workload<'a>(&self, w: &Pod<'a>, _cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some(os_name) = declared_windows(w) else {
            return;
        };
        for c in w.containers() {
            let Some(node) = c.node else { continue };
            for field in CONTAINER_FIELDS {
                if let Some(e) = field.find(node) {
                    out.push(windows_forbidden_container_field_diagnostic(
                        w, &c, field, e.key.span, os_name,
                    ));
                }
            }
        }
    }
}
