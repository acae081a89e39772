//! `runtimeclass-nodeselector-conflict`: the pod and its RuntimeClass select different
//! values for one node label, so the RuntimeClass admission plugin rejects every pod.

use super::{Context, Pod, Rule};
use crate::finding::{Finding, Label};
use crate::facts::placement::Conflict;
use crate::facts::pod::scheduling;
use crate::yaml::Span;


pub fn runtimeclass_nodeselector_conflict_diagnostic(
    w: &Pod<'_>,
    runtime_class: &str,
    c: &Conflict,
    at: Span,
    rc_name: Span,
) -> Finding {
    META.finding(
        format!(
            "pods are rejected at admission: conflict: runtimeClass.scheduling.nodeSelector[{k}] = {r}; pod.spec.nodeSelector[{k}] = {p}",
            k = c.key,
            r = c.runtime_class_value,
            p = c.pod_value
        ),
        Label::new(at, format!("RuntimeClass `{runtime_class}` sets `{}: {}`", c.key, c.runtime_class_value)),
    )
    .with_secondary(Label::new(rc_name, "its scheduling.nodeSelector is merged into the pod's"))
    .with_help(format!(
        "remove `{}` from the pod's nodeSelector (the RuntimeClass sets it), or use a RuntimeClass for the nodes the pod is meant for",
        c.key
    ))
    .with_resource(w.id)
}

declare_rule! {
    pub struct RuntimeclassNodeselectorConflict {
        name: "runtimeclass-nodeselector-conflict",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for RuntimeclassNodeselectorConflict {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some(c) = scheduling(w, cx).conflict.clone() else {
            return;
        };
        let name = w.spec.runtime_class_name.as_deref().unwrap_or_default();
        let at = w
            .field(&["nodeSelector", &c.key])
            .map_or(w.spec_key, |n| n.span);
        let rc_name = w
            .field(&["runtimeClassName"])
            .map_or(w.spec_key, |n| n.span);
        out.push(runtimeclass_nodeselector_conflict_diagnostic(
            w, name, &c, at, rc_name,
        ));
    }
}
