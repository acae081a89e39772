//! A pod's OS intent (spec §0.4): what says it is meant for Windows, and where.

use crate::images::{explain, Classifier, ImageOs};
use crate::model::Workload;
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
