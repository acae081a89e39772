//! `os-field-selector-mismatch`: `spec.os.name` says one OS and the node constraints admit
//! only nodes of the other, whose kubelets reject the pod.

use super::shared::{constraint_span, os_entry, selector_snippet};
use super::{Category, Context, Rule};
use crate::cluster::{name_list, NodePool, OS_LABEL};
use crate::finding::{Finding, Label, Severity};
use crate::model::Workload;
use crate::placement::scheduling;
use crate::yaml::Span;

const NAME: &str = "os-field-selector-mismatch";

pub fn os_field_selector_mismatch_diagnostic(
    w: &Workload<'_>,
    declared: &str,
    other: &str,
    pools: &[&NodePool],
    at: Span,
    os_name: Span,
) -> Finding {
    let os_title = |os: &str| if os == "windows" { "Windows" } else { "Linux" };
    Finding::new(
        NAME,
        Severity::Error,
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

fn detect<'c: 'w, 'w>(w: &Workload<'w>, cx: &Context<'c>) -> Option<Found<'c, 'w>> {
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
    let cluster: &'c crate::cluster::Cluster = &cx.config.cluster;
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

pub(super) fn fires<'a>(w: &Workload<'a>, cx: &Context<'a>) -> bool {
    detect(w, cx).is_some()
}

pub struct OsFieldSelectorMismatch;

impl Rule for OsFieldSelectorMismatch {
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
        include_str!("../../rules/os-field-selector-mismatch.md")
    }

    fn check_workload<'a>(&self, w: &Workload<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
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
