//! `linux-workload-may-land-on-windows`: a pod with Linux-only images that the scheduler
//! may place on a Windows node, where its images cannot be pulled.

use super::shared::{
    constraint_span, image_facts, os_entry, selector_fix, with_caveat, ImageFact,
};
use super::{Context, Pod, Rule};
use crate::facts::cluster::{name_list, NodePool};
use crate::finding::{Applicability, Finding, Label, Severity};
use crate::facts::images::{explain, ImageOs};
use crate::facts::intent::OsTarget;
use crate::facts::pod::os_target;
use crate::facts::placement::taint_text;
use crate::facts::pod::scheduling;
use crate::facts::scheduling::tolerates;
use crate::yaml::Span;


pub fn linux_workload_may_land_on_windows_diagnostic(
    w: &Pod<'_>,
    severity: Severity,
    pools: &[&NodePool],
    image: (Span, String),
    certain: bool,
    blanket: Option<(Span, String)>,
    cx: &Context<'_>,
) -> Finding {
    let plural = if pools.len() == 1 { "" } else { "s" };
    let label = if w.key_span(&["nodeSelector"]).is_some() {
        "this nodeSelector does not exclude Windows nodes"
    } else if w.spec.affinity.is_some() {
        "this node affinity does not exclude Windows nodes"
    } else {
        "no nodeSelector or node affinity keeps this pod off Windows nodes"
    };
    // Only a known Linux image makes the pod surely a Linux pod; an unknown one is a guess.
    let applicability = if certain {
        Applicability::Safe
    } else {
        Applicability::Unsafe
    };
    let (fix, how) = selector_fix(w, cx, &[os_entry("linux")], applicability);
    let help = format!("restrict the pod to Linux nodes; {how}");
    let mut f = META.graded(
        severity,
        format!(
            "pod with Linux images can be scheduled onto Windows node pool{plural} {}, where they cannot run",
            name_list(pools.iter().map(|p| p.name.as_str()), 3)
        ),
        Label::new(constraint_span(w), label),
    )
    .with_secondary(Label::new(image.0, image.1));
    if let Some((span, text)) = blanket {
        f = f.with_secondary(Label::new(span, text));
    }
    f.with_help(with_caveat(help, cx))
        .with_fix(fix)
        .with_resource(w.id)
}

struct Found<'c, 'w> {
    pools: Vec<&'c NodePool>,
    image: ImageFact<'w>,
}

fn detect<'c: 'w, 'w>(w: &Pod<'w>, cx: &Context<'c>) -> Option<Found<'c, 'w>> {
    if matches!(os_target(w, cx), OsTarget::Windows(_)) {
        return None;
    }
    let facts = image_facts(w, cx.images);
    if facts.iter().any(|f| f.os == ImageOs::Windows) {
        return None;
    }
    // Linux-only: anything that is not a Windows or multi-OS image (issue 8; §B.4c).
    let image = facts.iter().find(|f| f.os != ImageOs::MultiOs)?.clone();
    let sched = scheduling(w, cx);
    if !sched.judgeable() {
        return None;
    }
    let cluster: &'c crate::facts::cluster::Cluster = cx.cluster;
    let pools: Vec<&NodePool> = cluster
        .pools_with_os("windows")
        .filter(|p| sched.fits(p).possible())
        .collect();
    (!pools.is_empty()).then_some(Found { pools, image })
}

declare_rule! {
    pub struct LinuxWorkloadMayLandOnWindows {
        name: "linux-workload-may-land-on-windows",
        category: Suspicious,
        severity: Warning,
        also: [Error],
        fix: Safe,
    }
}

impl Rule for LinuxWorkloadMayLandOnWindows {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some(found) = detect(w, cx) else {
            return;
        };
        // A DaemonSet puts a pod on every matching node: on a Windows pool that is a
        // failing pod per node, not a chance.
        let severity = if w.id.kind == "DaemonSet" {
            Severity::Error
        } else {
            Severity::Warning
        };
        let why = explain(cx.images, found.image.image).unwrap_or_else(|| {
            format!(
                "`{}` is not a known Windows or multi-OS image",
                found.image.image
            )
        });
        // The toleration that lets the pod past a Windows pool's taint, if any: point at its
        // `operator: Exists` when it has no key (it tolerates everything), else at its key.
        let taints = found.pools.iter().flat_map(|p| p.taints.iter());
        let mut blanket = None;
        'outer: for taint in taints {
            for (i, tol) in w.spec.tolerations.iter().flatten().enumerate() {
                if !tolerates(tol, taint) {
                    continue;
                }
                let item = w.field(&["tolerations"]).and_then(|n| n.as_seq()?.get(i));
                let keyless = tol.key.as_deref().unwrap_or("").is_empty();
                let at = item.and_then(|n| n.get(if keyless { "operator" } else { "key" }));
                if let Some(node) = at.or(item) {
                    let what = if keyless {
                        "this toleration has no key, so it tolerates every taint"
                    } else {
                        "this toleration"
                    };
                    blanket = Some((
                        node.span,
                        format!(
                            "{what}, including the Windows taint `{}`",
                            taint_text(taint)
                        ),
                    ));
                }
                break 'outer;
            }
        }
        out.push(linux_workload_may_land_on_windows_diagnostic(
            w,
            severity,
            &found.pools,
            (found.image.span(w), why),
            found.image.os == ImageOs::Linux,
            blanket,
            cx,
        ));
    }
}
