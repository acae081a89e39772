//! `azure-windows-hostprocess`: Azure Policy "Kubernetes cluster Windows pods should not run
//! HostProcess containers" (1.0.0). Its Gatekeeper template is not published; winlint flags
//! every init or regular HostProcess container whose image is not excluded.

use super::{Category, Context, Rule};
use crate::azure_policy;
use crate::finding::{Finding, Label, Severity};
use crate::model::Workload;
use crate::security;
use crate::yaml::Span;

const NAME: &str = "azure-windows-hostprocess";

pub fn azure_windows_hostprocess_diagnostic(
    w: &Workload<'_>,
    containers: &[String],
    at: Span,
) -> Finding {
    Finding::new(
        NAME,
        Severity::Info,
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

pub struct AzureWindowsHostprocess;

impl Rule for AzureWindowsHostprocess {
    fn name(&self) -> &'static str {
        NAME
    }
    fn category(&self) -> Category {
        Category::Pedantic
    }
    fn default_severity(&self) -> Severity {
        Severity::Info
    }
    fn doc(&self) -> &'static str {
        include_str!("../../rules/azure-windows-hostprocess.md")
    }

    fn check_workload<'a>(&self, w: &Workload<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let p = &cx.config.azure_policy;
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
