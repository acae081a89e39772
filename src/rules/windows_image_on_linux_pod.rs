//! `windows-image-on-linux-pod`: a Windows image in a pod declared for, or constrained to,
//! Linux nodes.

use super::shared::{constraint_span, image_facts, ImageFact};
use super::{Context, Pod, Rule};
use crate::finding::{Finding, Label};
use crate::facts::images::{explain, ImageOs};
use crate::facts::pod::allowed_os;
use crate::facts::pod::scheduling;
use crate::yaml::Span;


pub fn windows_image_on_linux_pod_diagnostic(
    w: &Pod<'_>,
    image: &ImageFact<'_>,
    why: String,
    linux_at: (Span, &str),
) -> Finding {
    META.finding(
        format!(
            "Windows image `{}` in a Linux pod: a Linux node cannot run it (no matching manifest for linux/amd64)",
            image.image
        ),
        Label::new(image.span(w), why),
    )
    .with_secondary(Label::new(linux_at.0, linux_at.1))
    .with_help(format!(
        "run `{}` in a Windows pod (`os.name: windows`, nodeSelector `kubernetes.io/os: windows`), or use a Linux image",
        image.container.name
    ))
    .with_resource(w.id)
}

/// Where the pod says Linux, and its Windows images.
fn detect<'w>(
    w: &Pod<'w>,
    cx: &Context<'w>,
) -> Option<((Span, &'static str), Vec<ImageFact<'w>>)> {
    let declared = w.spec.os.as_ref().map(|o| o.name.as_str());
    let at = match declared {
        Some("linux") => (
            w.field(&["os", "name"]).map_or(w.spec_key, |n| n.span),
            "declares a Linux pod",
        ),
        // A declared Windows pod constrained to Linux is os-field-selector-mismatch.
        Some("windows") => return None,
        _ => {
            // A pod whose RuntimeClass conflicts with its selector is never created:
            // runtimeclass-nodeselector-conflict says why.
            if scheduling(w, cx).conflict.is_some() {
                return None;
            }
            let a = allowed_os(w, cx);
            if !(a.len() == 1 && a.contains("linux")) {
                return None;
            }
            (constraint_span(w), "admits only Linux nodes")
        }
    };
    let images: Vec<ImageFact<'w>> = image_facts(w, cx.images)
        .iter()
        .filter(|f| f.os == ImageOs::Windows)
        .cloned()
        .collect();
    (!images.is_empty()).then_some((at, images))
}

declare_rule! {
    pub struct WindowsImageOnLinuxPod {
        name: "windows-image-on-linux-pod",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for WindowsImageOnLinuxPod {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some((at, images)) = detect(w, cx) else {
            return;
        };
        for image in &images {
            let why = explain(cx.images, image.image).unwrap_or_else(|| "Windows image".into());
            out.push(windows_image_on_linux_pod_diagnostic(w, image, why, at));
        }
    }
}
