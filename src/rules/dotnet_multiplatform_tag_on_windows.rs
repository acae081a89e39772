//! `dotnet-multiplatform-tag-on-windows`: a .NET 8+ multi-platform tag (`8.0`, `latest`) in
//! a Windows pod; those tags no longer include Windows images.

use super::shared::{build_pins, image_facts, ImageFact};
use super::{Context, Pod, Rule};
use crate::finding::{Finding, Label};
use crate::facts::images::{ImageOs, ImageRef};
use crate::facts::intent::OsTarget;
use crate::facts::pod::os_target;
use crate::facts::pod::scheduling;


pub fn dotnet_multiplatform_tag_on_windows_diagnostic(
    w: &Pod<'_>,
    image: &ImageFact<'_>,
    suggestion: String,
) -> Finding {
    META.finding(
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

fn detect<'w>(w: &Pod<'w>, cx: &Context<'w>) -> Option<Vec<ImageFact<'w>>> {
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

declare_rule! {
    pub struct DotnetMultiplatformTagOnWindows {
        name: "dotnet-multiplatform-tag-on-windows",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for DotnetMultiplatformTagOnWindows {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
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
