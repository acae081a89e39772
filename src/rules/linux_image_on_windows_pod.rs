//! `linux-image-on-windows-pod`: a Linux image in a pod that can only run on Windows nodes.

use super::shared::{image_facts, ImageFact};
use super::{Category, Context, Rule};
use crate::finding::{Finding, Label, Severity};
use crate::images::{explain, ImageOs};
use crate::intent::{os_target, Evidence, OsTarget};
use crate::model::Workload;

const NAME: &str = "linux-image-on-windows-pod";
const DOTNET: &str = "dotnet-multiplatform-tag-on-windows";

pub fn linux_image_on_windows_pod_diagnostic(
    w: &Workload<'_>,
    image: &ImageFact<'_>,
    why: String,
    evidence: &Evidence,
) -> Finding {
    Finding::new(
        NAME,
        Severity::Error,
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

/// The pod's Windows evidence and its Linux images (less the .NET multi-platform tags,
/// which `dotnet-multiplatform-tag-on-windows` explains better when it is on).
fn detect<'w>(w: &Workload<'w>, cx: &Context<'w>) -> Option<(Evidence, Vec<ImageFact<'w>>)> {
    let OsTarget::Windows(evidence) = os_target(w, cx) else {
        return None;
    };
    let dotnet_on = cx.config.rules.enabled_name(DOTNET);
    let linux: Vec<ImageFact<'w>> = image_facts(w, cx.images)
        .iter()
        .filter(|f| f.os == ImageOs::Linux && !(f.dotnet_multiplatform && dotnet_on))
        .cloned()
        .collect();
    (!linux.is_empty()).then_some((evidence.clone(), linux))
}

pub(super) fn fires<'a>(w: &Workload<'a>, cx: &Context<'a>) -> bool {
    detect(w, cx).is_some()
}

pub struct LinuxImageOnWindowsPod;

impl Rule for LinuxImageOnWindowsPod {
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
        include_str!("../../rules/linux-image-on-windows-pod.md")
    }

    fn check_workload<'a>(&self, w: &Workload<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
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
