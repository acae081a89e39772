//! `windows-build-image-mismatch`: a Windows image built for a Windows version that the
//! hosts the pod can land on do not run (process isolation needs a compatible host build).

use super::shared::{
    admitted_windows_pools, build_entry, build_pins, build_text, image_facts, runs_all,
    selector_fix, with_caveat, ImageFact,
};
use super::{Context, Pod, Rule};
use crate::facts::cluster::{name_list, NodePool, WINDOWS_BUILD_LABEL};
use crate::finding::{Applicability, Finding, Label};
use crate::facts::images::{tag_for_build, ImageOs};
use crate::facts::pod::scheduling;
use crate::yaml::Span;


/// What the image is judged against.
#[derive(Debug, Clone)]
pub enum Hosts<'c> {
    /// The builds the pod's own constraints (or its RuntimeClass) pin it to.
    Pinned(Vec<u32>),
    /// The cluster's Windows pools the pod's labels admit.
    Pools(Vec<&'c NodePool>),
}

pub fn windows_build_image_mismatch_diagnostic(
    w: &Pod<'_>,
    image: &ImageFact<'_>,
    hosts: &Hosts<'_>,
    pin_at: Option<Span>,
    cx: &Context<'_>,
) -> Finding {
    let build = image.builds.first().copied().unwrap_or_default();
    let carried: Vec<String> = image.builds.iter().map(|b| build_text(*b)).collect();
    let builds = |bs: &mut dyn Iterator<Item = u32>| {
        bs.map(|b| format!("10.0.{b}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (whose, host_builds) = match hosts {
        Hosts::Pinned(bs) => (
            "the pod is pinned to".to_owned(),
            builds(&mut bs.iter().copied()),
        ),
        Hosts::Pools(pools) => (
            format!(
                "the Windows node pools it can land on ({}) run",
                name_list(pools.iter().map(|p| p.name.as_str()), 3)
            ),
            builds(&mut pools.iter().filter_map(|p| p.windows_build())),
        ),
    };
    // A build pinned by the RuntimeClass cannot be overridden in the pod (the admission
    // plugin rejects a conflicting key): name another RuntimeClass instead.
    let pinned_by_runtime_class = matches!(hosts, Hosts::Pinned(_))
        && !w
            .spec
            .node_selector
            .as_ref()
            .is_some_and(|s| s.contains_key(WINDOWS_BUILD_LABEL))
        && w.spec.affinity.is_none()
        && w.spec.runtime_class_name.is_some();
    let first_host = match hosts {
        Hosts::Pinned(bs) => bs.first().copied(),
        Hosts::Pools(pools) => pools.iter().find_map(|p| p.windows_build()),
    };
    let variant = first_host.and_then(tag_for_build);
    let variant_text = |lead: &str| {
        variant.map_or(String::new(), |t| {
            format!("{lead}use the image's `{t}` variant, built for those hosts\n")
        })
    };
    let serving = serving_builds(image, cx);
    let mut fix = None;
    let help = match (hosts, serving.first()) {
        (Hosts::Pinned(_), Some(good)) if pinned_by_runtime_class => format!(
            "name a RuntimeClass whose scheduling.nodeSelector sets `{WINDOWS_BUILD_LABEL}: \"10.0.{good}\"`\n{}",
            variant_text("or ")
        ),
        (Hosts::Pinned(_), Some(good)) => {
            let applicability = if serving.len() == 1 {
                Applicability::Safe
            } else {
                Applicability::Unsafe
            };
            let (f, mut how) = selector_fix(w, cx, &[build_entry(*good)], applicability);
            // A pin in the node affinity stays: a second one in nodeSelector would conflict,
            // so there the help says what to change and there is no edit.
            let in_selector = w.field(&["nodeSelector", WINDOWS_BUILD_LABEL]).is_some();
            if in_selector || w.spec.affinity.is_none() {
                fix = f;
            } else {
                how = format!(
                    "set the `{WINDOWS_BUILD_LABEL}` values of `{}` to \"10.0.{good}\"\n",
                    w.path("affinity.nodeAffinity")
                );
            }
            format!(
                "pin the pod to {}, which a node pool runs and the image supports; {how}{}",
                build_text(*good),
                variant_text("or ")
            )
        }
        (Hosts::Pinned(_), None) => match variant {
            Some(_) => format!(
                "no node pool runs a Windows build this image supports; {}",
                variant_text("")
            ),
            None => "no node pool runs a Windows build this image supports; use a build of the image for the pinned hosts\n".to_owned(),
        },
        // No pool the pod can land on runs the image: pinning alone would leave it Pending.
        (Hosts::Pools(_), _) => format!(
            "use a build of the image for those hosts{}, or add Windows nodes of 10.0.{build} to the cluster and pin the pod to them",
            variant.map_or(String::new(), |t| format!(" (its `{t}` variant, if it has one)")),
        ),
    };
    let help = help.trim_end().to_owned();
    let help = match hosts {
        Hosts::Pools(_) => with_caveat(help, cx),
        Hosts::Pinned(_) => help,
    };
    let mut f = META.finding(
        format!(
            "image `{}` is built for Windows {}, but {whose} {host_builds}: Windows containers need a host of a compatible build",
            image.image,
            carried.join(" and ")
        ),
        Label::new(image.span(w), format!("built for {}", carried.join(" and "))),
    );
    if let Some(span) = pin_at {
        f = f.with_secondary(Label::new(span, "the pod's Windows build"));
    }
    f.with_help(help).with_fix(fix).with_resource(w.id)
}

/// The builds the cluster's Windows pools run that can run the image: pinning there is the
/// fix; with none, only another image variant (or new nodes) helps.
fn serving_builds(image: &ImageFact<'_>, cx: &Context<'_>) -> Vec<u32> {
    let mut serving: Vec<u32> = cx
        .cluster
        .pools_with_os("windows")
        .filter_map(|p| p.windows_build())
        .filter(|h| image.builds.iter().any(|b| runs_all(*h, &[*b])))
        .collect();
    serving.sort_unstable();
    serving.dedup();
    serving
}

fn detect<'c: 'w, 'w>(
    w: &Pod<'w>,
    cx: &Context<'c>,
) -> Option<(Vec<ImageFact<'w>>, Hosts<'c>)> {
    let facts = image_facts(w, cx.images);
    // Images whose Windows builds are known: Windows images and multi-OS indexes alike.
    let bound: Vec<ImageFact<'w>> = facts
        .iter()
        .filter(|f| !f.builds.is_empty() && !f.host_process)
        .filter(|f| matches!(f.os, ImageOs::Windows | ImageOs::MultiOs))
        .cloned()
        .collect();
    if bound.is_empty() {
        return None;
    }
    let sched = scheduling(w, cx);
    if sched.conflict.is_some() {
        return None;
    }
    let pins = build_pins(sched, cx);
    let misfits = |ok: &dyn Fn(u32) -> bool| -> Vec<ImageFact<'w>> {
        bound
            .iter()
            .filter(|f| !f.builds.iter().any(|b| ok(*b)))
            .cloned()
            .collect()
    };
    if pins.pinned && !pins.admitted.is_empty() {
        let bad = misfits(&|b| pins.admitted.iter().any(|h| runs_all(*h, &[b])));
        return (!bad.is_empty()).then_some((bad, Hosts::Pinned(pins.admitted)));
    }
    if sched.bound_to_node() {
        return None; // the node is named; its build is unknown
    }
    let pools = admitted_windows_pools(sched, cx);
    let builds: Vec<u32> = pools.iter().filter_map(|p| p.windows_build()).collect();
    if pools.is_empty() || builds.len() != pools.len() {
        return None; // a pool of unknown build might run it
    }
    let bad = misfits(&|b| builds.iter().any(|h| runs_all(*h, &[b])));
    (!bad.is_empty()).then_some((bad, Hosts::Pools(pools)))
}

declare_rule! {
    pub struct WindowsBuildImageMismatch {
        name: "windows-build-image-mismatch",
        category: Correctness,
        severity: Error,
        fix: Safe,
    }
}

impl Rule for WindowsBuildImageMismatch {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some((images, hosts)) = detect(w, cx) else {
            return;
        };
        let pin_at = match hosts {
            Hosts::Pinned(_) => w
                .field(&["nodeSelector", WINDOWS_BUILD_LABEL])
                .map(|n| n.span)
                .or_else(|| {
                    w.key_span(&[
                        "affinity",
                        "nodeAffinity",
                        "requiredDuringSchedulingIgnoredDuringExecution",
                    ])
                })
                .or_else(|| w.field(&["runtimeClassName"]).map(|n| n.span)),
            Hosts::Pools(_) => None,
        };
        for image in &images {
            out.push(windows_build_image_mismatch_diagnostic(
                w, image, &hosts, pin_at, cx,
            ));
        }
    }
}
