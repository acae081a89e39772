//! `linux-pod-windows-options`: `windowsOptions` on a pod with `spec.os.name: linux`, at pod
//! level or in any container; the API server rejects the object (`validateLinux`).

use super::{Context, Pod, Rule};
use crate::k8s::apierror;
use crate::finding::{Finding, Label};
use crate::yaml::Span;


pub fn linux_pod_windows_options_diagnostic(
    w: &Pod<'_>,
    rel: &str,
    at: Span,
    os_name: Span,
) -> Finding {
    META.finding(
        apierror::forbidden(
            &w.path(rel),
            "windows options cannot be set for a linux pod",
        ),
        Label::new(at, "Windows-only settings"),
    )
    .with_secondary(Label::new(os_name, "this pod declares Linux"))
    .with_help(
        "remove `windowsOptions`; if this pod is meant for Windows, write `os.name: windows` instead",
    )
    .with_resource(w.id)
}

declare_rule! {
    pub struct LinuxPodWindowsOptions {
        name: "linux-pod-windows-options",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for LinuxPodWindowsOptions {
    fn check_workload<'a>(&self, w: &Pod<'a>, _cx: &Context<'a>, out: &mut Vec<Finding>) {
        if w.spec.os.as_ref().map(|o| o.name.as_str()) != Some("linux") {
            return;
        }
        let os_name = w.field(&["os", "name"]).map_or(w.spec_key, |n| n.span);
        let set = |n: Option<&crate::yaml::Node<'_>>| {
            let e = n?.get("securityContext")?.entry("windowsOptions")?;
            (!e.value.is_null()).then_some(e.key.span)
        };
        if let Some(at) = set(Some(w.spec_node)) {
            out.push(linux_pod_windows_options_diagnostic(
                w,
                "securityContext.windowsOptions",
                at,
                os_name,
            ));
        }
        for c in w.containers() {
            if let Some(at) = set(c.node) {
                let rel = format!("{}.securityContext.windowsOptions", c.rel_path());
                out.push(linux_pod_windows_options_diagnostic(w, &rel, at, os_name));
            }
        }
    }
}
