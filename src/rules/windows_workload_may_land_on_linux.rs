//! `windows-workload-may-land-on-linux`: a Windows pod whose node constraints still let the
//! scheduler put it on a Linux node, where it never starts.

use super::shared::{os_entry, selector_fix, with_caveat};
use super::{Context, Pod, Rule};
use crate::facts::cluster::{name_list, NodePool};
use crate::facts::scheduling::Tri;
use crate::finding::{Applicability, Finding, Label, Severity};
use crate::facts::intent::{windows_evidence, Evidence};
use crate::facts::pod::scheduling;
use crate::yaml::Span;


pub fn windows_workload_may_land_on_linux_diagnostic(
    w: &Pod<'_>,
    evidence: Evidence,
    pools: &[&NodePool],
    at: (Span, &str),
    cx: &Context<'_>,
) -> Finding {
    let plural = if pools.len() == 1 { "" } else { "s" };
    let (fix, how) = selector_fix(w, cx, &[os_entry("windows")], Applicability::Safe);
    let help = format!("restrict the pod to Windows nodes; {how}");
    META.finding(
        format!(
            "Windows pod can be scheduled onto Linux node pool{plural} {}, where its containers never start",
            name_list(pools.iter().map(|p| p.name.as_str()), 3)
        ),
        Label::new(at.0, at.1),
    )
    .with_secondary(Label::new(evidence.span, evidence.text))
    .with_help(with_caveat(help, cx))
    .with_fix(fix)
    .with_resource(w.id)
}

/// Only labels the model does not know stand between the pod and the Linux pools: winlint
/// cannot tell, so it says which keys and how to make the answer certain.
pub fn windows_workload_may_land_on_linux_unknown_diagnostic(
    w: &Pod<'_>,
    evidence: Evidence,
    pools: &[&NodePool],
    keys: &[String],
    at: Span,
    cx: &Context<'_>,
) -> Finding {
    let plural = if pools.len() == 1 { "" } else { "s" };
    let key_list = name_list(keys.iter().map(String::as_str), 3);
    let (fix, how) = selector_fix(w, cx, &[os_entry("windows")], Applicability::Safe);
    let help = format!(
        "if no Linux node matches {key_list}, declare the cluster's node pools with their labels in `.winlint.yaml` (`cluster.nodePools`); either way, {how}"
    );
    META.graded(
        Severity::Warning,
        format!(
            "Windows pod may be scheduled onto Linux node pool{plural} {}: the cluster model does not say whether Linux nodes match {key_list}",
            name_list(pools.iter().map(|p| p.name.as_str()), 3)
        ),
        Label::new(at, "only these labels keep the pod off Linux nodes"),
    )
    .with_secondary(Label::new(evidence.span, evidence.text))
    .with_help(with_caveat(help, cx))
    .with_fix(fix)
    .with_resource(w.id)
}

/// The Linux pools the Windows pod fits, after the RuntimeClass merge; None when the pod is
/// not a Windows pod, fits no Linux pool, or its RuntimeClass is unknown or conflicts.
fn detect<'c>(w: &Pod<'c>, cx: &Context<'c>) -> Option<(Evidence, Vec<&'c NodePool>)> {
    let evidence = windows_evidence(w, cx.images)?;
    let sched = scheduling(w, cx);
    if !sched.judgeable() {
        return None;
    }
    let cluster: &'c crate::facts::cluster::Cluster = cx.cluster;
    let pools: Vec<&NodePool> = cluster
        .pools_with_os("linux")
        .filter(|p| sched.fits(p).possible())
        .collect();
    (!pools.is_empty()).then_some((evidence, pools))
}

declare_rule! {
    pub struct WindowsWorkloadMayLandOnLinux {
        name: "windows-workload-may-land-on-linux",
        category: Correctness,
        severity: Error,
        also: [Warning],
        fix: Safe,
    }
}

impl Rule for WindowsWorkloadMayLandOnLinux {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some((evidence, pools)) = detect(w, cx) else {
            return;
        };
        let sched = scheduling(w, cx);
        if pools.iter().all(|p| sched.fits(p) == Tri::Unknown) {
            let mut keys: Vec<String> = Vec::new();
            for p in &pools {
                for k in sched.unknown_keys(p) {
                    if !keys.contains(&k) {
                        keys.push(k);
                    }
                }
            }
            let at = w
                .key_span(&["nodeSelector"])
                .or_else(|| {
                    w.key_span(&[
                        "affinity",
                        "nodeAffinity",
                        "requiredDuringSchedulingIgnoredDuringExecution",
                    ])
                })
                .unwrap_or(w.spec_key);
            out.push(windows_workload_may_land_on_linux_unknown_diagnostic(
                w, evidence, &pools, &keys, at, cx,
            ));
            return;
        }
        let at = if let Some(span) = w.key_span(&["nodeSelector"]) {
            (span, "this nodeSelector does not exclude Linux nodes")
        } else if let Some(span) = w.key_span(&[
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
        ]) {
            (
                span,
                "this required node affinity does not exclude Linux nodes",
            )
        } else {
            (
                w.spec_key,
                "no nodeSelector or node affinity keeps this pod off Linux nodes",
            )
        };
        out.push(windows_workload_may_land_on_linux_diagnostic(
            w, evidence, &pools, at, cx,
        ));
    }
}
