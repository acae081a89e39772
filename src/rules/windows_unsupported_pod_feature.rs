//! `windows-unsupported-pod-feature`: pod features Windows nodes do not implement (spec §A.7
//! #35, from the Kubernetes Windows docs' "Field compatibility" lists), on Windows pods with or
//! without `spec.os.name`. Raw block devices and huge pages are errors: no Windows node can
//! run such a pod. The others are warnings, or info where nothing changes at run time
//! (`dnsPolicy: ClusterFirstWithHostNet`, `terminationMessagePath`).
//! `shareProcessNamespace` is left to the forbidden-field rules, which cover it.

use super::{Context, Pod, Rule};
use crate::facts::intent::{Evidence, OsTarget};
use crate::facts::pod::os_target;
use crate::facts::security;
use crate::finding::{Finding, Label, Severity};
use crate::yaml::{Node, Span};

/// One unsupported use, found in the source.
pub struct Use {
    pub severity: Severity,
    pub message: String,
    pub label: &'static str,
    pub help: String,
    pub at: Span,
}

pub fn windows_unsupported_pod_feature_diagnostic(
    w: &Pod<'_>,
    u: Use,
    evidence: &Evidence,
) -> Finding {
    META.graded(u.severity, u.message, Label::new(u.at, u.label))
        .with_secondary(Label::new(evidence.span, evidence.text.clone()))
        .with_help(u.help)
        .with_resource(w.id)
}

declare_rule! {
    pub struct WindowsUnsupportedPodFeature {
        name: "windows-unsupported-pod-feature",
        category: Suspicious,
        severity: Warning,
        also: [Error, Info],
    }
}

impl Rule for WindowsUnsupportedPodFeature {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let uses = find_uses(w);
        if uses.is_empty() {
            return;
        }
        let OsTarget::Windows(evidence) = os_target(w, cx) else {
            return;
        };
        for u in uses {
            out.push(windows_unsupported_pod_feature_diagnostic(w, u, evidence));
        }
    }
}

/// Every unsupported use in the pod, pod-level ones first, then each container's in
/// visiting order.
fn find_uses(w: &Pod<'_>) -> Vec<Use> {
    let mut out = Vec::new();
    pod_uses(w, &mut out);
    for c in w.containers() {
        let Some(node) = c.node else { continue };
        container_uses(w, node, &c.rel_path(), &mut out);
    }
    out
}

/// Pod-level uses: host networking, DNS policy, memory-backed volumes, pod resources.
fn pod_uses(w: &Pod<'_>, out: &mut Vec<Use>) {
    let host_process = !security::host_process_containers(w).is_empty();
    let spec = w.spec_node;
    if !host_process && w.spec.host_network == Some(true) {
        out.push(Use {
            severity: Severity::Warning,
            message: format!(
                "{} is not supported for Windows pods other than HostProcess pods",
                w.path("hostNetwork")
            ),
            label: "Windows pods get the host's network only with the deprecated alpha kubelet feature gate WindowsHostNetwork",
            help: "remove `hostNetwork: true`; a pod that needs the host's network must be a HostProcess pod (`securityContext.windowsOptions.hostProcess: true`)".into(),
            at: w.key_span(&["hostNetwork"]).unwrap_or(w.spec_key),
        });
    }
    if !host_process && w.spec.dns_policy.as_deref() == Some("ClusterFirstWithHostNet") {
        out.push(Use {
            severity: Severity::Info,
            message: format!(
                "{}: ClusterFirstWithHostNet is not supported on Windows",
                w.path("dnsPolicy")
            ),
            label: "Windows pods always run with a container network: this acts as ClusterFirst",
            help: "write `dnsPolicy: ClusterFirst`, which is what the pod gets".into(),
            at: value_span(spec, &["dnsPolicy"]).unwrap_or(w.spec_key),
        });
    }
    for (i, v) in w.spec.volumes.iter().flatten().enumerate() {
        let memory = v
            .empty_dir
            .as_ref()
            .and_then(|e| e.medium.as_deref())
            .is_some_and(|m| m == "Memory");
        if memory {
            let node = spec.get("volumes").and_then(|n| n.as_seq()?.get(i));
            out.push(Use {
                severity: Severity::Warning,
                message: format!(
                    "{}: memory-backed emptyDir volumes are not supported on Windows",
                    w.path(&format!("volumes[{i}].emptyDir.medium"))
                ),
                label: "Windows has no tmpfs",
                help: "remove `medium: Memory` to use a disk-backed emptyDir".into(),
                at: node
                    .and_then(|n| value_span(n, &["emptyDir", "medium"]))
                    .unwrap_or(w.spec_key),
            });
        }
    }
    if w.spec.resources.is_some() {
        out.push(Use {
            severity: Severity::Warning,
            message: format!(
                "{} (pod-level resources) must not be set for Windows pods",
                w.path("resources")
            ),
            label: "the API reference lists pod-level resources among the fields Windows pods must not set",
            help: "set `resources` on each container instead".into(),
            at: w.key_span(&["resources"]).unwrap_or(w.spec_key),
        });
    }
}

/// One container's uses, in this order: mount propagation, raw block devices, huge pages,
/// termination message path.
fn container_uses(w: &Pod<'_>, node: &Node<'_>, base: &str, out: &mut Vec<Use>) {
    mount_propagation_uses(w, node, base, out);
    if let Some(e) = node.entry("volumeDevices") {
        if e.value.as_seq().is_some_and(|s| !s.is_empty()) {
            out.push(Use {
                severity: Severity::Error,
                message: format!(
                    "{}: raw block devices cannot be attached to Windows containers",
                    w.path(&format!("{base}.volumeDevices"))
                ),
                label: "not implemented on Windows",
                help: "use a filesystem volume (`volumeMounts` with a `volumeMode: Filesystem` claim) instead".into(),
                at: e.key.span,
            });
        }
    }
    hugepage_uses(w, node, base, out);
    if let Some(p) = node.get("terminationMessagePath").filter(|p| !p.is_null()) {
        if p.as_str().is_some_and(|s| s != "/dev/termination-log") {
            out.push(Use {
                severity: Severity::Info,
                message: format!(
                    "{}: Windows cannot map a single file",
                    w.path(&format!("{base}.terminationMessagePath"))
                ),
                label: "may not work on Windows",
                help: "remove `terminationMessagePath` to use the default `/dev/termination-log`"
                    .into(),
                at: p.span,
            });
        }
    }
}

fn mount_propagation_uses(w: &Pod<'_>, node: &Node<'_>, base: &str, out: &mut Vec<Use>) {
    for (j, m) in node
        .get("volumeMounts")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let Some(p) = m.get("mountPropagation").filter(|p| !p.is_null()) else {
            continue;
        };
        if p.as_str() == Some("None") {
            continue;
        }
        out.push(Use {
            severity: Severity::Warning,
            message: format!(
                "{}: mount propagation is not supported on Windows",
                w.path(&format!("{base}.volumeMounts[{j}].mountPropagation"))
            ),
            label: "ignored on Windows nodes",
            help: "remove `mountPropagation`".into(),
            at: p.span,
        });
    }
}

fn hugepage_uses(w: &Pod<'_>, node: &Node<'_>, base: &str, out: &mut Vec<Use>) {
    for kind in ["limits", "requests"] {
        let Some(map) = node
            .get("resources")
            .and_then(|r| r.get(kind))
            .and_then(Node::as_map)
        else {
            continue;
        };
        for e in map {
            let Some(key) = e.key.as_str().filter(|k| k.starts_with("hugepages-")) else {
                continue;
            };
            out.push(Use {
                severity: Severity::Error,
                message: format!(
                    "{}: Windows nodes have no huge pages",
                    w.path(&format!("{base}.resources.{kind}[{key}]"))
                ),
                label: "no Windows node advertises this resource, so the pod is never scheduled",
                help: format!("remove `{key}`"),
                at: e.key.span,
            });
        }
    }
}

fn value_span(n: &Node<'_>, keys: &[&str]) -> Option<Span> {
    let mut n = n;
    for k in keys {
        n = n.get(k)?;
    }
    Some(n.span)
}
