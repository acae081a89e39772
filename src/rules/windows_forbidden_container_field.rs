//! `windows-forbidden-container-field`: a container field of spec §B.2, in any init, regular
//! or ephemeral container of a pod with `spec.os.name: windows`; the API server rejects the
//! object (`validateWindows`).

use super::windows_forbidden_pod_field::{declared_windows, remove_help};
use super::{Category, Context, Rule};
use crate::apierror;
use crate::finding::{Finding, Label, Severity};
use crate::model::{ContainerRef, Workload};
use crate::windows_fields::{Field, CONTAINER_FIELDS};
use crate::yaml::Span;

const NAME: &str = "windows-forbidden-container-field";

pub fn windows_forbidden_container_field_diagnostic(
    w: &Workload<'_>,
    c: &ContainerRef<'_>,
    field: &Field,
    at: Span,
    os_name: Span,
) -> Finding {
    let rel = format!("{}.{}", c.rel_path(), field.dotted());
    Finding::new(
        NAME,
        Severity::Error,
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

pub struct WindowsForbiddenContainerField;

impl Rule for WindowsForbiddenContainerField {
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
        include_str!("../../rules/windows-forbidden-container-field.md")
    }

    fn check_workload<'a>(&self, w: &Workload<'a>, _cx: &Context<'a>, out: &mut Vec<Finding>) {
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
