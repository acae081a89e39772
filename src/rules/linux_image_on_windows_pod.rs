//! `linux-image-on-windows-pod`: a Linux image in a pod that can only run on Windows nodes.

use super::shared::{image_facts, ImageFact};
use super::{Context, Pod, Rule};
use crate::finding::{Finding, Label};
use crate::facts::images::{explain, ImageOs};
use crate::facts::intent::{Evidence, OsTarget};
use crate::facts::pod::os_target;


pub fn linux_image_on_windows_pod_diagnostic(
    w: &Pod<'_>,
    image: &ImageFact<'_>,
    why: String,
    evidence: &Evidence,
) -> Finding {
    META.finding(
        format!(
            "Linux image `{}` in a Windows pod: a Windows node cannot run it (image operating system \"linux\" cannot be used on this platform)",
            image.image
        ),
        Label::new(image.span(w), why),
    )
    .with_secondary(Label::new(evidence.span, evidence.text.clone()))
    .with_help(format!(
        "use a Windows build of the image for `{}` (a `-nanoserver-` or `-windowsservercore-` tag), or run it in a separate pod on Linux nodes",
        image.container.name
    ))
    .with_resource(w.id)
}

/// The pod's Windows evidence and its Linux images. A .NET multi-platform tag is one too;
/// `dotnet-multiplatform-tag-on-windows` explains it better and, when on, silences this
/// rule's finding at that image (`precedence`).
fn detect<'w>(w: &Pod<'w>, cx: &Context<'w>) -> Option<(Evidence, Vec<ImageFact<'w>>)> {
    let OsTarget::Windows(evidence) = os_target(w, cx) else {
        return None;
    };
    let linux: Vec<ImageFact<'w>> = image_facts(w, cx.images)
        .iter()
        .filter(|f| f.os == ImageOs::Linux)
        .cloned()
        .collect();
    (!linux.is_empty()).then_some((evidence.clone(), linux))
}


declare_rule! {
    pub struct LinuxImageOnWindowsPod {
        name: "linux-image-on-windows-pod",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for LinuxImageOnWindowsPod {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some((evidence, images)) = detect(w, cx) else {
            return;
        };
        for image in &images {
            let why = explain(cx.images, image.image).unwrap_or_else(|| "Linux image".into());
            out.push(linux_image_on_windows_pod_diagnostic(
                w, image, why, &evidence,
            ));
        }
    }
}
