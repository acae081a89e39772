//! `windows-build-unpinned`: a Windows pod whose image needs one Windows build, in a
//! cluster whose Windows pools run several, with nothing choosing the right one.

use super::shared::{
    admitted_windows_pools, build_bound, build_entry, build_text, constraint_span, image_facts,
    os_entry, runs_all, selector_fix, with_caveat, ImageFact,
};
use super::{Context, Pod, Rule};
use crate::facts::cluster::{NodePool, BETA_OS_LABEL, OS_LABEL};
use crate::finding::{Applicability, Finding, Label};
use crate::facts::pod::scheduling;


pub fn windows_build_unpinned_diagnostic(
    w: &Pod<'_>,
    image: &ImageFact<'_>,
    bad: &[&NodePool],
    pin: u32,
    sure: bool,
    cx: &Context<'_>,
) -> Finding {
    let build = image.build.unwrap_or_default();
    let bad_list: Vec<String> = bad
        .iter()
        .take(3)
        .map(|p| {
            format!(
                "`{}` ({})",
                p.name,
                p.windows_build()
                    .map_or_else(String::new, |b| format!("10.0.{b}"))
            )
        })
        .collect();
    let more = if bad.len() > 3 {
        format!(" and {} more", bad.len() - 3)
    } else {
        String::new()
    };
    // Several builds may run the images: which one the pod should have is a choice.
    let applicability = if sure {
        Applicability::Safe
    } else {
        Applicability::Unsafe
    };
    // The OS label too when the selector has none (the pin implies Windows, but the label
    // says it plainly); a deprecated beta OS label is its own finding and is not repeated.
    let selector = w.spec.node_selector.as_ref();
    let has_os = selector.is_some_and(|s| s.contains_key(OS_LABEL) || s.contains_key(BETA_OS_LABEL));
    let mut set = Vec::new();
    if !has_os {
        set.push(os_entry("windows"));
    }
    set.push(build_entry(pin));
    let (fix, how) = selector_fix(w, cx, &set, applicability);
    let help = format!(
        "pin the pod to a Windows build its images run on; {how}or name a RuntimeClass whose scheduling.nodeSelector sets the build"
    );
    META.finding(
        format!(
            "Windows pod is not pinned to a Windows build: image `{}` is built for {}, but the pod can also land on {}{more}, where it cannot run",
            image.image,
            build_text(build),
            bad_list.join(", ")
        ),
        Label::new(constraint_span(w), "nothing here selects `node.kubernetes.io/windows-build`"),
    )
    .with_secondary(Label::new(image.span(w), format!("built for {}", build_text(build))))
    .with_help(with_caveat(help, cx))
    .with_fix(fix)
    .with_resource(w.id)
}

struct Found<'c, 'w> {
    image: ImageFact<'w>,
    bad: Vec<&'c NodePool>,
    pin: u32,
    /// Only one build among the pools runs the images.
    sure: bool,
}

fn detect<'c: 'w, 'w>(w: &Pod<'w>, cx: &Context<'c>) -> Option<Found<'c, 'w>> {
    let facts = image_facts(w, cx.images);
    let bound = build_bound(facts);
    let builds: Vec<u32> = bound.iter().filter_map(|f| f.build).collect();
    let image = (*bound.first()?).clone();
    let sched = scheduling(w, cx);
    if !sched.judgeable() {
        return None; // an unknown RuntimeClass may well pin the build
    }
    let pools = admitted_windows_pools(sched, cx);
    let (good, bad): (Vec<&NodePool>, Vec<&NodePool>) = pools
        .into_iter()
        .filter(|p| p.windows_build().is_some())
        .partition(|p| p.windows_build().is_some_and(|h| runs_all(h, &builds)));
    if good.is_empty() || bad.is_empty() {
        return None;
    }
    let own = image.build.unwrap_or_default();
    let pin = good
        .iter()
        .filter_map(|p| p.windows_build())
        .find(|b| *b == own)
        .or_else(|| good.iter().filter_map(|p| p.windows_build()).min())?;
    let mut serving: Vec<u32> = good.iter().filter_map(|p| p.windows_build()).collect();
    serving.sort_unstable();
    serving.dedup();
    Some(Found {
        image,
        bad,
        pin,
        sure: serving.len() == 1,
    })
}

declare_rule! {
    pub struct WindowsBuildUnpinned {
        name: "windows-build-unpinned",
        category: Suspicious,
        severity: Warning,
        fix: Safe,
    }
}

impl Rule for WindowsBuildUnpinned {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some(found) = detect(w, cx) else {
            return;
        };
        out.push(windows_build_unpinned_diagnostic(
            w,
            &found.image,
            &found.bad,
            found.pin,
            found.sure,
            cx,
        ));
    }
}
