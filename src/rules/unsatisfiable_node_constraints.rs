//! `unsatisfiable-node-constraints`: no node pool of the cluster takes the pod, whatever
//! the OS: every pool is excluded by the nodeSelector, the required node affinity or an
//! untolerated taint.

use super::shared::{any_node, bad_value_blocks, with_caveat};
use super::{Context, Pod, Rule};
use crate::facts::cluster::{NodePool, OS_LABEL};
use crate::finding::{Finding, Label, Severity};
use crate::facts::placement::{Exclusion, RuntimeClassRef};
use crate::facts::pod::scheduling;
use crate::facts::scheduling::Tri;
use crate::yaml::Span;


/// How far the pod's constraints reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// No node of any cluster: the OS and build constraints contradict each other.
    Nowhere,
    /// No node pool of this cluster.
    NoPool,
}

pub fn unsatisfiable_node_constraints_diagnostic(
    w: &Pod<'_>,
    reach: Reach,
    severity: Severity,
    at: (Span, String),
    reasons: &[(&NodePool, Exclusion)],
    cx: &Context<'_>,
) -> Finding {
    let mut help = String::from("no pool takes it:\n");
    for (pool, why) in reasons.iter().take(8) {
        help.push_str(&format!("- `{}`: {}\n", pool.name, why.describe()));
    }
    if reasons.len() > 8 {
        help.push_str(&format!("- and {} more pools\n", reasons.len() - 8));
    }
    help.push_str(match reach {
        Reach::Nowhere => "keep one of the contradicting constraints",
        Reach::NoPool => "relax the constraint at fault, or add the toleration the pool needs",
    });
    let daemonset = w.id.kind == "DaemonSet";
    let message = match (reach, daemonset) {
        (Reach::Nowhere, _) => "no node can ever match this pod: its nodeSelector and required node affinity contradict each other on the node's OS or Windows build",
        (Reach::NoPool, false) => "no node pool can run this pod: its nodeSelector, required node affinity and tolerations exclude every pool, so it stays Pending",
        (Reach::NoPool, true) => "this DaemonSet runs on no node pool: its nodeSelector, required node affinity and tolerations exclude every pool",
    };
    let help = match reach {
        Reach::Nowhere => help,
        Reach::NoPool => with_caveat(help, cx),
    };
    META.graded(severity, message, Label::new(at.0, at.1))
        .with_help(help)
        .with_resource(w.id)
}

/// Each pool with the constraint that excludes it.
type Reasons<'c> = Vec<(&'c NodePool, Exclusion)>;

/// An invalid OS or build value in the RuntimeClass's nodeSelector blocks the pod; that is
/// reported at the RuntimeClass (`os-label-value-invalid`, `windows-build-label-format`).
fn runtime_class_value_invalid<'a>(w: &Pod<'a>, cx: &Context<'a>) -> bool {
    use super::{os_label_value_invalid as os, windows_build_label_format as build};
    bad_value_blocks(w, cx, false, os::is_os_key, os::is_valid)
        || bad_value_blocks(w, cx, false, build::is_build_key, build::is_valid)
}

fn detect<'c>(w: &Pod<'c>, cx: &Context<'c>) -> Option<(Reach, Severity, Reasons<'c>)> {
    let sched = scheduling(w, cx);
    if sched.conflict.is_some() || sched.bound_to_node() || runtime_class_value_invalid(w, cx) {
        return None;
    }
    let cluster: &'c crate::facts::cluster::Cluster = cx.cluster;
    if cluster.pools.is_empty() {
        return None;
    }
    let reach = if any_node().iter().all(|p| sched.admits(p) == Tri::No) {
        Reach::Nowhere
    } else {
        // An unknown RuntimeClass can add tolerations, never remove a label constraint:
        // `schedulable` judges the labels only then.
        if !cluster
            .pools
            .iter()
            .all(|p| sched.schedulable(p) == Tri::No)
        {
            return None;
        }
        Reach::NoPool
    };
    // A DaemonSet that matches no node simply runs no pod; that is worth saying only about
    // the user's own cluster.
    let severity = match (reach, w.id.kind == "DaemonSet") {
        (Reach::Nowhere, _) | (Reach::NoPool, false) => Severity::Error,
        (Reach::NoPool, true) if cluster.is_declared() => Severity::Warning,
        (Reach::NoPool, true) => return None,
    };
    let missing_rc = matches!(sched.runtime_class, RuntimeClassRef::Missing(_));
    let reasons: Reasons<'c> = cluster
        .pools
        .iter()
        .filter_map(|p| {
            let why = sched.exclusion(p)?;
            (!missing_rc || !matches!(why, Exclusion::Taint(_))).then_some((p, why))
        })
        .collect();
    (!reasons.is_empty()).then_some((reach, severity, reasons))
}

declare_rule! {
    pub struct UnsatisfiableNodeConstraints {
        name: "unsatisfiable-node-constraints",
        category: Correctness,
        severity: Error,
        also: [Warning],
    }
}

impl Rule for UnsatisfiableNodeConstraints {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some((reach, severity, reasons)) = detect(w, cx) else {
            return;
        };
        // Point at the constraint that excludes the first pool; prefer an OS mismatch,
        // which is the usual contradiction (nodeSelector windows, affinity In [linux]).
        let first = reasons
            .iter()
            .find(|(_, e)| matches!(e, Exclusion::Selector { key, .. } if key == OS_LABEL))
            .or_else(|| reasons.first())
            .map(|(p, e)| (*p, e.clone()));
        let at = match first {
            Some((
                pool,
                Exclusion::Selector {
                    key,
                    from_runtime_class: None,
                    ..
                },
            )) => {
                let span = w.field(&["nodeSelector", &key]).map(|n| n.span);
                (
                    span.unwrap_or(w.spec_key),
                    format!("excludes `{}`", pool.name),
                )
            }
            Some((pool, Exclusion::Affinity { .. })) => {
                let span = w.key_span(&[
                    "affinity",
                    "nodeAffinity",
                    "requiredDuringSchedulingIgnoredDuringExecution",
                ]);
                (
                    span.unwrap_or(w.spec_key),
                    format!("excludes `{}`", pool.name),
                )
            }
            Some((pool, Exclusion::Taint(_))) => {
                let span = w.key_span(&["tolerations"]);
                let text = match span {
                    Some(_) => format!("none of these tolerates the taint of `{}`", pool.name),
                    None => format!("no toleration for the taint of `{}`", pool.name),
                };
                (span.unwrap_or(w.spec_key), text)
            }
            Some((pool, Exclusion::Selector { .. })) => {
                let span = w.field(&["runtimeClassName"]).map(|n| n.span);
                (
                    span.unwrap_or(w.spec_key),
                    format!("its nodeSelector excludes `{}`", pool.name),
                )
            }
            None => (w.spec_key, "here".to_owned()),
        };
        out.push(unsatisfiable_node_constraints_diagnostic(
            w, reach, severity, at, &reasons, cx,
        ));
    }
}
