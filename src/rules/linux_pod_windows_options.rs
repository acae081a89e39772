//! `linux-pod-windows-options`: `windowsOptions` on a pod with `spec.os.name: linux`, at pod
//! level or in any container; the API server rejects the object (`validateLinux`).

use super::{Category, Context, Rule};
use crate::apierror;
use crate::finding::{Finding, Label, Severity};
use crate::model::Workload;
use crate::yaml::Span;

const NAME: &str = "linux-pod-windows-options";

pub fn linux_pod_windows_options_diagnostic(
    w: &Workload<'_>,
    rel: &str,
    at: Span,
    os_name: Span,
) -> Finding {
    Finding::new(
        NAME,
        Severity::Error,
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

pub struct LinuxPodWindowsOptions;

impl Rule for LinuxPodWindowsOptions {
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
        include_str!("../../rules/linux-pod-windows-options.md")
    }

    fn check_workload<'a>(&self, w: &Workload<'a>, _cx: &Context<'a>, out: &mut Vec<Finding>) {
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
