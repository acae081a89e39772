//! `runtimeclass-nodeselector-conflict`: the pod and its RuntimeClass select different
//! values for one node label, so the RuntimeClass admission plugin rejects every pod.

use super::{Category, Context, Rule};
use crate::finding::{Finding, Label, Severity};
use crate::model::Workload;
use crate::placement::{scheduling, Conflict};
use crate::yaml::Span;

const NAME: &str = "runtimeclass-nodeselector-conflict";

pub fn runtimeclass_nodeselector_conflict_diagnostic(
    w: &Workload<'_>,
    runtime_class: &str,
    c: &Conflict,
    at: Span,
    rc_name: Span,
) -> Finding {
    Finding::new(
        NAME,
        Severity::Error,
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

pub struct RuntimeclassNodeselectorConflict;

impl Rule for RuntimeclassNodeselectorConflict {
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
        include_str!("../../rules/runtimeclass-nodeselector-conflict.md")
    }

    fn check_workload<'a>(&self, w: &Workload<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
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
