//! `os-field-selector-mismatch`: `spec.os.name` says one OS and the node constraints admit
//! only nodes of the other, whose kubelets reject the pod.

use super::shared::{constraint_span, os_entry, selector_snippet};
use super::{Context, Pod, Rule};
use crate::facts::cluster::{name_list, NodePool, OS_LABEL};
use crate::finding::{Finding, Label};
use crate::facts::pod::scheduling;
use crate::yaml::Span;


pub fn os_field_selector_mismatch_diagnostic(
    w: &Pod<'_>,
    declared: &str,
    other: &str,
    pools: &[&NodePool],
    at: Span,
    os_name: Span,
) -> Finding {
    let os_title = |os: &str| if os == "windows" { "Windows" } else { "Linux" };
    META.finding(
        format!(
            "`os.name: {declared}` but the node constraints admit only {} nodes ({}), whose kubelets reject the pod (PodOSNotSupported)",
            os_title(other),
            name_list(pools.iter().map(|p| p.name.as_str()), 3)
        ),
        Label::new(at, format!("admits only {} nodes", os_title(other))),
    )
    .with_secondary(Label::new(os_name, format!("declares a {} pod", os_title(declared))))
    .with_help(format!(
        "select {} nodes in `{}`:\n{}or, if the pod is meant for {}, set `os.name: {other}`",
        os_title(declared),
        w.spec_path,
        selector_snippet(w, &[os_entry(declared)]),
        os_title(other),
    ))
    .with_resource(w.id)
}

struct Found<'c, 'w> {
    declared: &'w str,
    other: &'static str,
    pools: Vec<&'c NodePool>,
}

fn detect<'c: 'w, 'w>(w: &Pod<'w>, cx: &Context<'c>) -> Option<Found<'c, 'w>> {
    let declared: &'w str = w.spec.os.as_ref()?.name.as_str();
    let other = match declared {
        "windows" => "linux",
        "linux" => "windows",
        _ => return None, // an invalid os.name is the API server's error, not a placement one
    };
    let sched = scheduling(w, cx);
    if sched.conflict.is_some() {
        return None;
    }
    let cluster: &'c crate::facts::cluster::Cluster = cx.cluster;
    let admitted = |os: &str| -> Vec<&'c NodePool> {
        cluster
            .pools
            .iter()
            .filter(|p| p.os() == Some(os) && sched.admits(p).possible())
            .collect()
    };
    if !admitted(declared).is_empty() {
        return None;
    }
    let pools = admitted(other);
    (!pools.is_empty()).then_some(Found {
        declared,
        other,
        pools,
    })
}

declare_rule! {
    pub struct OsFieldSelectorMismatch {
        name: "os-field-selector-mismatch",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for OsFieldSelectorMismatch {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some(found) = detect(w, cx) else {
            return;
        };
        let at = w
            .field(&["nodeSelector", OS_LABEL])
            .map(|n| n.span)
            .unwrap_or_else(|| constraint_span(w));
        let os_name = w.field(&["os", "name"]).map_or(w.spec_key, |n| n.span);
        out.push(os_field_selector_mismatch_diagnostic(
            w,
            found.declared,
            found.other,
            &found.pools,
            at,
            os_name,
        ));
    }
}
