//! `windows-options-on-linux-target`: `windowsOptions` on a Linux pod that does not set
//! `spec.os.name`: Linux kubelets ignore them. With `spec.os.name: linux` the API server
//! rejects them instead (`linux-pod-windows-options`).

use super::{Context, Pod, Rule};
use crate::finding::{Finding, Label};
use crate::facts::intent::{Evidence, OsTarget};
use crate::facts::pod::os_target;
use crate::yaml::{Node, Span};


pub fn windows_options_on_linux_target_diagnostic(
    w: &Pod<'_>,
    rel: &str,
    at: Span,
    evidence: &Evidence,
) -> Finding {
    META.finding(
        format!("{} is ignored on Linux", w.path(rel)),
        Label::new(at, "Windows-only settings"),
    )
    .with_secondary(Label::new(evidence.span, evidence.text.clone()))
    .with_help("remove `windowsOptions` from this Linux pod; if it is meant for Windows, restrict it to Windows nodes and write `os: {name: windows}`")
    .with_resource(w.id)
}

declare_rule! {
    pub struct WindowsOptionsOnLinuxTarget {
        name: "windows-options-on-linux-target",
        category: Suspicious,
        severity: Info,
    }
}

impl Rule for WindowsOptionsOnLinuxTarget {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        if w.spec.os.is_some() {
            return;
        }
        let set = |n: Option<&Node<'_>>| {
            let e = n?.get("securityContext")?.entry("windowsOptions")?;
            (!e.value.is_null()).then_some(e.key.span)
        };
        let mut found: Vec<(String, Span)> = Vec::new();
        if let Some(at) = set(Some(w.spec_node)) {
            found.push(("securityContext.windowsOptions".into(), at));
        }
        for c in w.containers() {
            if let Some(at) = set(c.node) {
                found.push((
                    format!("{}.securityContext.windowsOptions", c.rel_path()),
                    at,
                ));
            }
        }
        if found.is_empty() {
            return;
        }
        let OsTarget::Linux(evidence) = os_target(w, cx) else {
            return;
        };
        for (rel, at) in found {
            out.push(windows_options_on_linux_target_diagnostic(
                w, &rel, at, evidence,
            ));
        }
    }
}
