//! `azure-windows-container-admin`: Azure Policy "Kubernetes cluster Windows containers should
//! not run as ContainerAdministrator" (1.2.0): a container whose `runAsUserName` (its own, else
//! the pod's) is `ContainerAdministrator`, or that sets none, is not run-as-non-root, and whose
//! image does not match `mcr.microsoft.com/windows/nanoserver`.

use super::{Context, Pod, Rule};
use crate::facts::azure_policy;
use crate::finding::{Finding, Label};
use crate::facts::security;
use crate::yaml::Span;


pub fn azure_windows_container_admin_diagnostic(
    w: &Pod<'_>,
    container: &str,
    label: &str,
    at: Span,
    windows_at: Span,
) -> Finding {
    META.finding(
        format!("container <{container}> has ContainerAdministrator runAsUsername"),
        Label::new(at, label),
    )
    .with_secondary(Label::new(windows_at, "the policy evaluates pods selecting kubernetes.io/os: windows"))
    .with_help("set `securityContext.windowsOptions.runAsUserName: ContainerUser` (on the container or the pod), or `runAsNonRoot: true`")
    .with_resource(w.id)
}

declare_rule! {
    pub struct AzureWindowsContainerAdmin {
        name: "azure-windows-container-admin",
        category: Pedantic,
        severity: Info,
    }
}

impl Rule for AzureWindowsContainerAdmin {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some((windows_at, containers)) = azure_policy::evaluated(w, cx) else {
            return;
        };
        for c in containers {
            match security::run_as_user_name(w, &c) {
                Some(u) if u.value == "ContainerAdministrator" => {
                    out.push(azure_windows_container_admin_diagnostic(
                        w,
                        c.name,
                        "runs as ContainerAdministrator",
                        u.span,
                        windows_at,
                    ));
                }
                Some(_) => {}
                None => {
                    let non_root = security::run_as_non_root(w, &c).is_some_and(|r| r.value);
                    let nano = c.image.is_some_and(azure_policy::nano_server_image);
                    if !non_root && !nano {
                        let at = c
                            .image_span()
                            .unwrap_or_else(|| security::container_span(w, &c));
                        out.push(azure_windows_container_admin_diagnostic(
                            w,
                            c.name,
                            "no runAsUserName, no runAsNonRoot, not a Nano Server image: the policy assumes ContainerAdministrator",
                            at,
                            windows_at,
                        ));
                    }
                }
            }
        }
    }
}
