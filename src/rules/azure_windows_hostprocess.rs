//! `azure-windows-hostprocess`: Azure Policy "Kubernetes cluster Windows pods should not run
//! HostProcess containers" (1.0.0). Its Gatekeeper template is not published; winlint flags
//! every init or regular HostProcess container whose image is not excluded.

use super::{Context, Pod, Rule};
use crate::facts::azure_policy;
use crate::finding::{Finding, Label};
use crate::facts::security;
use crate::yaml::Span;


pub fn azure_windows_hostprocess_diagnostic(
    w: &Pod<'_>,
    containers: &[String],
    at: Span,
) -> Finding {
    META.finding(
        format!(
            "{} {} HostProcess",
            security::describe_many(containers),
            if containers.len() == 1 { "is" } else { "are" }
        ),
        Label::new(at, "HostProcess containers have privileged access to the Windows node"),
    )
    .with_help("run the workload as a normal Windows container, or exempt it from the policy (`excludedImages`, `excludedNamespaces`)")
    .with_resource(w.id)
}

declare_rule! {
    pub struct AzureWindowsHostprocess {
        name: "azure-windows-hostprocess",
        category: Pedantic,
        severity: Info,
    }
}

impl Rule for AzureWindowsHostprocess {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let p = cx.azure_policy;
        if azure_policy::namespace_excluded(w, p) {
            return;
        }
        let mut by_span: std::collections::BTreeMap<Span, Vec<String>> = Default::default();
        for c in azure_policy::containers(w, p) {
            if let Some(hp) = security::host_process(w, &c).filter(|h| h.value) {
                by_span.entry(hp.span).or_default().push(c.name.to_owned());
            }
        }
        for (at, names) in by_span {
            out.push(azure_windows_hostprocess_diagnostic(w, &names, at));
        }
    }
}
