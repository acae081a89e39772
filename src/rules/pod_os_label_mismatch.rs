//! `pod-os-label-mismatch`: the pod carries the label `kubernetes.io/os`, which the kubelet
//! compares with its node's OS, but the pod can be scheduled onto nodes of the other OS.

use super::shared::{os_entry, selector_fix, with_caveat};
use super::{Context, Pod, Rule};
use crate::facts::Memo;
use crate::facts::cluster::{name_list, NodePool, OS_LABEL};
use crate::finding::{Applicability, Finding, Label};
use crate::k8s::Object;
use crate::facts::pod::scheduling;
use crate::yaml::Span;


pub fn pod_os_label_mismatch_diagnostic(
    w: &Pod<'_>,
    value: &str,
    pools: &[&NodePool],
    at: Span,
    cx: &Context<'_>,
) -> Finding {
    let f = if pools.is_empty() {
        let help = match value.to_ascii_lowercase().as_str() {
            v @ ("linux" | "windows") => {
                format!("kubelets write `{v}` in lowercase: `{OS_LABEL}: {v}`")
            }
            _ => "use `linux` or `windows`, or remove the label".to_owned(),
        };
        META.finding(
            format!(
                "pod label `{OS_LABEL}: {value}` matches no node's OS, so every kubelet rejects the pod (PodOSSelectorNodeLabelDoesNotMatch)"
            ),
            Label::new(at, "not `linux` or `windows`"),
        )
        .with_help(help)
    } else {
        let plural = if pools.len() == 1 { "" } else { "s" };
        let os = if value == "windows" {
            "Windows"
        } else {
            "Linux"
        };
        let (fix, how) = selector_fix(w, cx, &[os_entry(value)], Applicability::Safe);
        let help = format!(
            "a pod label does not choose nodes; to keep the pod on {os} nodes, select them: {how}"
        );
        META.finding(
            format!(
                "pod label `{OS_LABEL}: {value}` does not keep the pod off node pool{plural} {}, whose kubelets reject it (PodOSSelectorNodeLabelDoesNotMatch)",
                name_list(pools.iter().map(|p| p.name.as_str()), 3)
            ),
            Label::new(at, "the kubelet compares this label with its node's OS"),
        )
        .with_help(with_caveat(help, cx))
        .with_fix(fix)
    };
    f.with_resource(w.id)
}

/// The label's value and the pools of another OS the pod fits (empty for an invalid value).
fn detect<'c: 'w, 'w>(w: &Pod<'w>, cx: &Context<'c>) -> Option<(&'w str, Vec<&'c NodePool>)> {
    let value: &'w str = w.pod_meta?.labels.as_ref()?.get(OS_LABEL)?.as_str();
    if !matches!(value, "linux" | "windows") {
        return Some((value, Vec::new()));
    }
    let sched = scheduling(w, cx);
    if !sched.judgeable() {
        return None;
    }
    let cluster: &'c crate::facts::cluster::Cluster = cx.cluster;
    let pools: Vec<&NodePool> = cluster
        .pools
        .iter()
        .filter(|p| p.os().is_some_and(|os| os != value) && sched.fits(p).possible())
        .collect();
    (!pools.is_empty()).then_some((value, pools))
}

declare_rule! {
    pub struct PodOsLabelMismatch {
        name: "pod-os-label-mismatch",
        category: Correctness,
        severity: Error,
        fix: Safe,
    }
}

impl Rule for PodOsLabelMismatch {
    // The pod metadata's position is reached from the object, so this rule looks at the
    // object rather than at the workload view alone.
    fn check_object(&self, obj: &Object<'_, '_>, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let memo = Memo::default();
        let Some(w) = obj.workload().map(|w| Pod::new(w, &memo)) else {
            return;
        };
        let Some((value, pools)) = detect(&w, cx) else {
            return;
        };
        // `spec.template.spec` -> `spec.template.metadata`; a Pod's is `metadata`.
        let mut meta = Some(obj.node);
        let segs: Vec<&str> = w.spec_path.split('.').collect();
        if let Some((_, parents)) = segs.split_last() {
            for k in parents {
                meta = meta.and_then(|n| n.get(k));
            }
        }
        let at = meta
            .and_then(|m| m.get("metadata"))
            .and_then(|m| m.get("labels"))
            .and_then(|l| l.get(OS_LABEL))
            .map_or(w.spec_key, |n| n.span);
        out.push(pod_os_label_mismatch_diagnostic(&w, value, &pools, at, cx));
    }
}
