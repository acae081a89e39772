//! `windows-workload-may-land-on-linux`: a Windows pod whose node constraints still let the
//! scheduler put it on a Linux node, where it never starts.

use super::shared::{
    build_bound, build_entry, image_facts, os_entry, selector_snippet, with_caveat,
};
use super::{precedence, Category, Context, Rule};
use crate::cluster::{name_list, NodePool};
use crate::finding::{Finding, Label, Severity};
use crate::intent::{windows_evidence, Evidence};
use crate::model::Workload;
use crate::placement::scheduling;
use crate::yaml::Span;

const NAME: &str = "windows-workload-may-land-on-linux";

pub fn windows_workload_may_land_on_linux_diagnostic(
    w: &Workload<'_>,
    evidence: Evidence,
    pools: &[&NodePool],
    at: (Span, &str),
    build: Option<u32>,
    cx: &Context<'_>,
) -> Finding {
    let plural = if pools.len() == 1 { "" } else { "s" };
    let mut set = vec![os_entry("windows")];
    set.extend(build.map(build_entry));
    let help = format!(
        "restrict the pod to Windows nodes in `{}`:\n{}",
        w.spec_path,
        selector_snippet(w, &set)
    );
    Finding::new(
        NAME,
        Severity::Error,
        format!(
            "Windows pod can be scheduled onto Linux node pool{plural} {}, where its containers never start",
            name_list(pools.iter().map(|p| p.name.as_str()), 3)
        ),
        Label::new(at.0, at.1),
    )
    .with_secondary(Label::new(evidence.span, evidence.text))
    .with_help(with_caveat(help, cx))
    .with_resource(w.id)
}

/// The Linux pools the Windows pod fits, after the RuntimeClass merge; None when the pod is
/// not a Windows pod, fits no Linux pool, or its RuntimeClass is unknown or conflicts.
fn detect<'c>(w: &Workload<'c>, cx: &Context<'c>) -> Option<(Evidence, Vec<&'c NodePool>)> {
    let evidence = windows_evidence(w, cx.images)?;
    let sched = scheduling(w, cx);
    if !sched.judgeable() {
        return None;
    }
    let cluster: &'c crate::cluster::Cluster = &cx.config.cluster;
    let pools: Vec<&NodePool> = cluster
        .pools_with_os("linux")
        .filter(|p| sched.fits(p).possible())
        .collect();
    (!pools.is_empty()).then_some((evidence, pools))
}

pub struct WindowsWorkloadMayLandOnLinux;

impl Rule for WindowsWorkloadMayLandOnLinux {
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
        include_str!("../../rules/windows-workload-may-land-on-linux.md")
    }

    fn check_workload<'a>(&self, w: &Workload<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some((evidence, pools)) = detect(w, cx) else {
            return;
        };
        if precedence::quiet(NAME, w, cx) {
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
        let facts = image_facts(w, cx.images);
        let build = build_bound(facts).first().and_then(|f| f.build);
        out.push(windows_workload_may_land_on_linux_diagnostic(
            w, evidence, &pools, at, build, cx,
        ));
    }
}
