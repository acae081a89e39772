//! `hostprocess-run-as-non-root`: `runAsNonRoot: true` in effect for a HostProcess container,
//! which the HostProcess docs forbid ("the runAsNonRoot field cannot be set to true").

use std::collections::BTreeMap;

use super::{Context, Pod, Rule};
use crate::finding::{Finding, Label};
use crate::facts::security;
use crate::yaml::Span;


pub fn hostprocess_run_as_non_root_diagnostic(
    w: &Pod<'_>,
    containers: &[String],
    at: Span,
) -> Finding {
    let who = security::describe_many(containers);
    META.finding(
        format!("HostProcess {who} cannot run with runAsNonRoot: true"),
        Label::new(at, "HostProcess containers run as a host account"),
    )
    .with_help("remove `runAsNonRoot: true` (or set it to `false`) for HostProcess containers; choose the account with `windowsOptions.runAsUserName`, `NT AUTHORITY\\Local service` being the least privileged")
    .with_resource(w.id)
}

declare_rule! {
    pub struct HostprocessRunAsNonRoot {
        name: "hostprocess-run-as-non-root",
        category: Suspicious,
        severity: Warning,
    }
}

impl Rule for HostprocessRunAsNonRoot {
    fn check_workload<'a>(&self, w: &Pod<'a>, _cx: &Context<'a>, out: &mut Vec<Finding>) {
        let mut by_span: BTreeMap<Span, Vec<String>> = BTreeMap::new();
        for (c, _) in security::host_process_containers(w) {
            if let Some(r) = security::run_as_non_root(w, &c).filter(|r| r.value) {
                by_span.entry(r.span).or_default().push(c.name.to_owned());
            }
        }
        for (at, names) in by_span {
            out.push(hostprocess_run_as_non_root_diagnostic(w, &names, at));
        }
    }
}
