//! `windows-images-incompatible-builds`: two containers of one pod built for Windows
//! versions that no single host runs together.

use super::shared::{build_bound, build_text, image_facts, runs_all, ImageFact};
use super::{Category, Context, Rule};
use crate::finding::{Finding, Label, Severity};
use crate::images::{tag_for_build, KNOWN_HOST_BUILDS};
use crate::model::Workload;

const NAME: &str = "windows-images-incompatible-builds";

pub fn windows_images_incompatible_builds_diagnostic(
    w: &Workload<'_>,
    first: &ImageFact<'_>,
    second: &ImageFact<'_>,
) -> Finding {
    let (a, b) = (
        first.build.unwrap_or_default(),
        second.build.unwrap_or_default(),
    );
    let tag = tag_for_build(a).map_or_else(String::new, |t| format!(" (its `{t}` variant)"));
    Finding::new(
        NAME,
        Severity::Error,
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

fn detect<'w>(w: &Workload<'w>, cx: &Context<'_>) -> Option<(ImageFact<'w>, ImageFact<'w>)> {
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

pub(super) fn fires<'a>(w: &Workload<'a>, cx: &Context<'a>) -> bool {
    detect(w, cx).is_some()
}

pub struct WindowsImagesIncompatibleBuilds;

impl Rule for WindowsImagesIncompatibleBuilds {
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
        include_str!("../../rules/windows-images-incompatible-builds.md")
    }

    fn check_workload<'a>(&self, w: &Workload<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
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
