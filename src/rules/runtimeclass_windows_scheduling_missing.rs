//! `runtimeclass-windows-scheduling-missing`: a RuntimeClass for a Windows handler whose
//! `scheduling` does not keep its pods on Windows nodes (of the right build).

use super::{Context, Rule};
use crate::facts::cluster::{OS_LABEL, WINDOWS_BUILD_LABEL};
use crate::finding::{Finding, Label};
use crate::k8s::{Object, ResourceId, Typed};
use crate::yaml::Span;


pub fn runtimeclass_windows_scheduling_missing_diagnostic(
    id: &ResourceId,
    handler: &str,
    missing: &[&str],
    at: (Span, &str),
    build: Option<&str>,
) -> Finding {
    let list: Vec<String> = missing.iter().map(|k| format!("`{k}`")).collect();
    let build = build.unwrap_or("10.0.20348");
    META.finding(
        format!(
            "RuntimeClass for Windows handler `{handler}` does not set {} in `scheduling.nodeSelector`, so its pods can be scheduled onto nodes that cannot run them",
            list.join(" and ")
        ),
        Label::new(at.0, at.1),
    )
    .with_help(format!(
        "give the RuntimeClass the scheduling of the Kubernetes Windows guide:\nscheduling:\n  nodeSelector:\n    kubernetes.io/os: windows\n    kubernetes.io/arch: amd64\n    node.kubernetes.io/windows-build: \"{build}\"\n  tolerations:\n  - key: os\n    operator: Equal\n    value: windows\n    effect: NoSchedule"
    ))
    .with_resource(id)
}

/// `runhcs-wcow-hypervisor-17763` and the like name the build they run; containerd's
/// defaults (`runhcs-wcow-process`, `runhcs-wcow-hypervisor`) do not.
fn handler_build(handler: &str) -> Option<&str> {
    let last = handler.rsplit('-').next()?;
    (last.len() == 5 && last.bytes().all(|b| b.is_ascii_digit())).then_some(last)
}

declare_rule! {
    pub struct RuntimeclassWindowsSchedulingMissing {
        name: "runtimeclass-windows-scheduling-missing",
        category: Suspicious,
        severity: Warning,
    }
}

impl Rule for RuntimeclassWindowsSchedulingMissing {
    fn check_object(&self, obj: &Object<'_, '_>, _cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Typed::RuntimeClass(rc) = &obj.typed else {
            return;
        };
        if !rc.handler.starts_with("runhcs-wcow") {
            return;
        }
        let selector = rc
            .scheduling
            .as_ref()
            .and_then(|s| s.node_selector.as_ref());
        let mut missing = Vec::new();
        if selector.and_then(|s| s.get(OS_LABEL)).map(String::as_str) != Some("windows") {
            missing.push("kubernetes.io/os: windows");
        }
        let build = handler_build(&rc.handler);
        if build.is_some() && selector.and_then(|s| s.get(WINDOWS_BUILD_LABEL)).is_none() {
            missing.push(WINDOWS_BUILD_LABEL);
        }
        if missing.is_empty() {
            return;
        }
        let scheduling = obj.node.get("scheduling");
        let at = match (
            scheduling.and_then(|s| s.entry("nodeSelector")),
            obj.node.entry("scheduling"),
        ) {
            (Some(e), _) => (e.key.span, "no Windows constraint here"),
            (None, Some(e)) => (e.key.span, "no nodeSelector"),
            (None, None) => (
                obj.node.get("handler").map_or(obj.node.span, |n| n.span),
                "Windows handler, but no `scheduling`",
            ),
        };
        let build = build.map(|b| format!("10.0.{b}"));
        out.push(runtimeclass_windows_scheduling_missing_diagnostic(
            &obj.id,
            &rc.handler,
            &missing,
            at,
            build.as_deref(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::handler_build;

    #[test]
    fn build_specific_handlers() {
        assert_eq!(handler_build("runhcs-wcow-hypervisor-17763"), Some("17763"));
        assert_eq!(handler_build("runhcs-wcow-process"), None);
        assert_eq!(handler_build("runhcs-wcow-hypervisor"), None);
    }
}
