//! `hostprocess-pod-security`: a HostProcess pod in a namespace whose Pod Security admission
//! level forbids it. The baseline and restricted profiles reject `hostProcess: true`
//! (pod-security-admission `check_windowsHostProcess.go`) and `hostNetwork: true`
//! (`check_hostNamespaces.go`), which HostProcess pods need.

use super::{Context, Pod, Rule};
use crate::finding::{Finding, Label};
use crate::facts::inventory::{NamespaceDef, Origin};
use crate::facts::security;
use crate::yaml::Span;

const ENFORCE: &str = "pod-security.kubernetes.io/enforce";
const ENFORCE_VERSION: &str = "pod-security.kubernetes.io/enforce-version";

pub fn hostprocess_pod_security_diagnostic(
    w: &Pod<'_>,
    ns: &NamespaceDef,
    level: &str,
    violations: &str,
    at: Span,
) -> Finding {
    let defined = match &ns.origin {
        Origin::File { path, .. } => format!(" (Namespace defined in {path})"),
        Origin::Config => String::new(),
    };
    META.finding(
        format!(
            "pods in namespace {:?} are rejected: violates PodSecurity \"{level}:{}\": {violations}",
            ns.name,
            ns.labels
                .get(ENFORCE_VERSION)
                .map_or("latest", String::as_str)
        ),
        Label::new(at, format!("every pod is rejected in namespace {:?}", ns.name)),
    )
    .with_help(format!(
        "deploy HostProcess pods to a namespace labelled `{ENFORCE}: privileged`{defined}"
    ))
    .with_resource(w.id)
}

/// PSA's forbidden reasons and details: `host namespaces (hostNetwork=true), hostProcess (pod
/// and containers "a", "b" must not set securityContext.windowsOptions.hostProcess=true)`.
fn violations(w: &Pod<'_>) -> String {
    let pod = security::pod_windows_options(w).and_then(|o| o.host_process) == Some(true);
    let names: Vec<String> = w
        .containers()
        .iter()
        .filter(|c| {
            security::container_windows_options(c).and_then(|o| o.host_process) == Some(true)
        })
        .map(|c| format!("{:?}", c.name))
        .collect();
    let mut parts = Vec::new();
    if pod {
        parts.push("pod".to_owned());
    }
    match names.len() {
        0 => {}
        1 => parts.push(format!("container {}", names[0])),
        _ => parts.push(format!("containers {}", names.join(", "))),
    }
    let host_process = format!(
        "hostProcess ({} must not set securityContext.windowsOptions.hostProcess=true)",
        parts.join(" and ")
    );
    if w.spec.host_network == Some(true) {
        format!("host namespaces (hostNetwork=true), {host_process}")
    } else {
        host_process
    }
}

declare_rule! {
    pub struct HostprocessPodSecurity {
        name: "hostprocess-pod-security",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for HostprocessPodSecurity {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some((_, hp)) = security::host_process_containers(w).into_iter().next() else {
            return;
        };
        // A namespace without an enforce label is privileged (the PSA default), so only a
        // Namespace among the inputs that says otherwise is evidence.
        let namespace = w.id.namespace.as_deref();
        let Some(ns) = namespace.and_then(|n| cx.inventory.namespaces.get(n)) else {
            return;
        };
        let level = ns.labels.get(ENFORCE).map(String::as_str);
        if let Some(level @ ("baseline" | "restricted")) = level {
            out.push(hostprocess_pod_security_diagnostic(
                w,
                ns,
                level,
                &violations(w),
                hp.key,
            ));
        }
    }
}
