//! `windows-images-incompatible-builds`: two containers of one pod built for Windows
//! versions that no single host runs together.

use super::shared::{build_bound, build_text, image_facts, runs_all, ImageFact};
use super::{Context, Pod, Rule};
use crate::finding::{Finding, Label};
use crate::facts::images::{tag_for_build, KNOWN_HOST_BUILDS};


pub fn windows_images_incompatible_builds_diagnostic(
    w: &Pod<'_>,
    first: &ImageFact<'_>,
    second: &ImageFact<'_>,
) -> Finding {
    let (a, b) = (
        first.build.unwrap_or_default(),
        second.build.unwrap_or_default(),
    );
    let tag = tag_for_build(a).map_or_else(String::new, |t| format!(" (its `{t}` variant)"));
    META.finding(
        format!(
            "containers `{}` and `{}` are built for Windows {} and {}: no Windows node runs both with process isolation",
            first.container.name,
            second.container.name,
            build_text(a),
            build_text(b)
        ),
        Label::new(second.span(w), format!("built for {}", build_text(b))),
    )
    .with_secondary(Label::new(first.span(w), format!("built for {}", build_text(a))))
    .with_help(format!(
        "use images for one Windows Server version in this pod, e.g. the image of `{}` built for 10.0.{a}{tag}",
        second.container.name
    ))
    .with_resource(w.id)
}

/// Do builds `a` and `b` have a common host (Table B.3)?
fn share_a_host(a: u32, b: u32) -> bool {
    KNOWN_HOST_BUILDS
        .iter()
        .chain([a, b].iter())
        .any(|h| runs_all(*h, &[a, b]))
}

fn detect<'w>(w: &Pod<'w>, cx: &Context<'_>) -> Option<(ImageFact<'w>, ImageFact<'w>)> {
    let facts = image_facts(w, cx.images);
    let bound = build_bound(facts);
    for (i, second) in bound.iter().enumerate() {
        for first in &bound[..i] {
            if let (Some(a), Some(b)) = (first.build, second.build) {
                if !share_a_host(a, b) {
                    return Some(((*first).clone(), (*second).clone()));
                }
            }
        }
    }
    None
}

declare_rule! {
    pub struct WindowsImagesIncompatibleBuilds {
        name: "windows-images-incompatible-builds",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for WindowsImagesIncompatibleBuilds {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        if let Some((first, second)) = detect(w, cx) {
            out.push(windows_images_incompatible_builds_diagnostic(
                w, &first, &second,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::share_a_host;

    #[test]
    fn common_hosts() {
        assert!(!share_a_host(17763, 20348));
        assert!(share_a_host(20348, 26100), "a WS2025 host runs both");
        assert!(share_a_host(17763, 17763));
        assert!(!share_a_host(14393, 17763));
    }
}
