//! `dotnet-multiplatform-tag-on-windows`: a .NET 8+ multi-platform tag (`8.0`, `latest`) in
//! a Windows pod; those tags no longer include Windows images.

use super::shared::{build_pins, image_facts, ImageFact};
use super::{Category, Context, Rule};
use crate::finding::{Finding, Label, Severity};
use crate::images::{ImageOs, ImageRef};
use crate::intent::{os_target, OsTarget};
use crate::model::Workload;
use crate::placement::scheduling;

const NAME: &str = "dotnet-multiplatform-tag-on-windows";

pub fn dotnet_multiplatform_tag_on_windows_diagnostic(
    w: &Workload<'_>,
    image: &ImageFact<'_>,
    suggestion: String,
) -> Finding {
    Finding::new(
        NAME,
        Severity::Error,
        format!(
            "`{}` has no Windows image: .NET 8 and later multi-platform tags are Linux-only",
            image.image
        ),
        Label::new(image.span(w), "Linux-only tag in a Windows pod"),
    )
    .with_help(format!(
        "use a Windows tag that names the Windows version of the nodes, e.g. `{suggestion}`"
    ))
    .with_resource(w.id)
}

/// `mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022`, for the pod's pinned build.
fn suggest(image: &str, build: Option<u32>) -> String {
    let r = ImageRef::parse(image);
    let repo = r.name();
    // runtime-deps has no Windows images at all; runtime is its nearest Windows sibling.
    let repo = repo.replace("/runtime-deps", "/runtime");
    let version = match r.tag.as_deref() {
        Some(t) if t.starts_with(|c: char| c.is_ascii_digit()) => t.split('-').next().unwrap_or(t),
        _ => "8.0",
    };
    let os = match build {
        Some(17763) => "nanoserver-1809",
        Some(26100) => "nanoserver-ltsc2025",
        _ => "nanoserver-ltsc2022",
    };
    format!("{repo}:{version}-{os}")
}

fn detect<'w>(w: &Workload<'w>, cx: &Context<'w>) -> Option<Vec<ImageFact<'w>>> {
    let facts = image_facts(w, cx.images);
    let dotnet: Vec<ImageFact<'w>> = facts
        .iter()
        .filter(|f| f.dotnet_multiplatform)
        .cloned()
        .collect();
    if dotnet.is_empty() {
        return None;
    }
    // Windows intent from something other than these images: os.name, HostProcess, the
    // node constraints, or another container's Windows image.
    let windows = matches!(os_target(w, cx), OsTarget::Windows(_))
        || facts.iter().any(|f| f.os == ImageOs::Windows);
    windows.then_some(dotnet)
}

pub(super) fn fires<'a>(w: &Workload<'a>, cx: &Context<'a>) -> bool {
    detect(w, cx).is_some()
}

pub struct DotnetMultiplatformTagOnWindows;

impl Rule for DotnetMultiplatformTagOnWindows {
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
        include_str!("../../rules/dotnet-multiplatform-tag-on-windows.md")
    }

    fn check_workload<'a>(&self, w: &Workload<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some(images) = detect(w, cx) else {
            return;
        };
        let pins = build_pins(scheduling(w, cx), cx);
        let build = match pins.admitted.as_slice() {
            [b] if pins.pinned => Some(*b),
            _ => None,
        };
        for image in &images {
            out.push(dotnet_multiplatform_tag_on_windows_diagnostic(
                w,
                image,
                suggest(image.image, build),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::suggest;

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("mcr.microsoft.com/dotnet/aspnet:8.0", None),
            "mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022"
        );
        assert_eq!(
            suggest("mcr.microsoft.com/dotnet/runtime-deps:9.0", Some(17763)),
            "mcr.microsoft.com/dotnet/runtime:9.0-nanoserver-1809"
        );
        assert_eq!(
            suggest("mcr.microsoft.com/dotnet/sdk", Some(26100)),
            "mcr.microsoft.com/dotnet/sdk:8.0-nanoserver-ltsc2025"
        );
    }
}
