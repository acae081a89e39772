//! A pod's OS intent (spec §0.4): what says it is meant for Windows, and where.

use std::collections::BTreeSet;

use crate::facts::context::Context;
use crate::facts::images::{explain, Classifier, ImageOs};
use crate::facts::placement::Scheduling;
use crate::k8s::{ContainerRef, Workload};
use crate::yaml::Span;

/// What makes a pod a Windows pod, pointing at the field that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub span: Span,
    pub text: String,
}

/// The strongest evidence that a pod targets Windows: `spec.os.name: windows`, then a
/// HostProcess container, then Windows images (at least one, and no Linux image).
pub fn windows_evidence(w: &Workload<'_>, images: &Classifier) -> Option<Evidence> {
    if w.spec.os.as_ref().map(|os| os.name.as_str()) == Some("windows") {
        let span = w.field(&["os", "name"]).map_or(w.spec_key, |n| n.span);
        return Some(Evidence {
            span,
            text: "`os.name: windows` declares a Windows pod".into(),
        });
    }
    if let Some(span) = host_process_span(w) {
        return Some(Evidence {
            span,
            text: "HostProcess containers run only on Windows nodes".into(),
        });
    }
    let mut first_windows = None;
    for c in w.containers() {
        let Some(image) = c.image else { continue };
        match images.classify(image) {
            ImageOs::Linux => return None,
            ImageOs::Windows if first_windows.is_none() => {
                let why = explain(images, image).unwrap_or_else(|| "Windows image".into());
                first_windows = Some(Evidence {
                    span: c.image_span().unwrap_or(w.spec_key),
                    text: why,
                });
            }
            _ => {}
        }
    }
    first_windows
}

/// The `hostProcess: true` that makes the pod a HostProcess pod, if any.
fn host_process_span(w: &Workload<'_>) -> Option<Span> {
    let pod_level = w
        .spec
        .security_context
        .as_ref()
        .and_then(|s| s.windows_options.as_ref())
        .and_then(|o| o.host_process);
    if pod_level == Some(true) {
        return w
            .field(&["securityContext", "windowsOptions", "hostProcess"])
            .map(|n| n.span);
    }
    w.containers().into_iter().find_map(|c| {
        let hp = c.security_context?.windows_options.as_ref()?.host_process?;
        if !hp {
            return None;
        }
        c.node?
            .get("securityContext")?
            .get("windowsOptions")?
            .get("hostProcess")
            .map(|n| n.span)
    })
}

/// Where the pod is meant to run (spec §0.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OsTarget {
    Windows(Evidence),
    Linux(Evidence),
    Unknown,
}

/// The operating systems of the cluster's pools that the pod's nodeSelector and required
/// affinity admit (taints ignored), after the RuntimeClass merge: the allowed-OS set `A`
/// of spec §0.5. A RuntimeClass that conflicts or is missing adds nothing.
pub fn allowed_os<'a>(s: &Scheduling<'a>, cx: &Context<'a>) -> BTreeSet<&'a str> {
    let cluster: &'a crate::facts::cluster::Cluster = cx.cluster;
    cluster
        .pools
        .iter()
        .filter(|p| s.admits(p).possible())
        .filter_map(|p| p.os())
        .collect()
}

/// Windows-target: declared `windows`, Windows images (none Linux), HostProcess, or only
/// Windows pools admit it. Linux-target: declared `linux`, Linux images, or only Linux
/// pools admit it, and not Windows-target.
pub fn os_target<'a>(w: &Workload<'a>, cx: &Context<'a>, allowed: &BTreeSet<&str>) -> OsTarget {
    if let Some(e) = windows_evidence(w, cx.images) {
        return OsTarget::Windows(e);
    }
    let declared = w.spec.os.as_ref().map(|os| os.name.as_str());
    let constraint_span = || {
        w.key_span(&["nodeSelector"])
            .or_else(|| w.key_span(&["affinity", "nodeAffinity"]))
            .unwrap_or(w.spec_key)
    };
    if declared != Some("linux") && allowed.len() == 1 && allowed.contains("windows") {
        return OsTarget::Windows(Evidence {
            span: constraint_span(),
            text: "only Windows nodes match these constraints".into(),
        });
    }
    if declared == Some("linux") {
        let span = w.field(&["os", "name"]).map_or(w.spec_key, |n| n.span);
        return OsTarget::Linux(Evidence {
            span,
            text: "`os.name: linux` declares a Linux pod".into(),
        });
    }
    for c in w.containers() {
        let Some(image) = c.image else { continue };
        if cx.images.classify(image) == ImageOs::Linux {
            let why = explain(cx.images, image).unwrap_or_else(|| "Linux image".into());
            return OsTarget::Linux(Evidence {
                span: c.image_span().unwrap_or(w.spec_key),
                text: why,
            });
        }
    }
    if allowed.len() == 1 && allowed.contains("linux") {
        return OsTarget::Linux(Evidence {
            span: constraint_span(),
            text: "only Linux nodes match these constraints".into(),
        });
    }
    OsTarget::Unknown
}

/// Is this container a HostProcess container (its own `hostProcess`, else the pod's)?
/// HostProcess containers run directly on the host and need no matching Windows build.
pub fn is_host_process(w: &Workload<'_>, c: &ContainerRef<'_>) -> bool {
    let own = c
        .security_context
        .and_then(|s| s.windows_options.as_ref())
        .and_then(|o| o.host_process);
    let pod = w
        .spec
        .security_context
        .as_ref()
        .and_then(|s| s.windows_options.as_ref())
        .and_then(|o| o.host_process);
    own.or(pod) == Some(true)
}
