//! `run-as-non-root-container-administrator`: `runAsNonRoot: true` on a Windows container
//! that runs as `ContainerAdministrator`. With `runAsUserName: ContainerAdministrator` the
//! kubelet refuses to start it (`verifyRunAsNonRoot` in
//! `pkg/kubelet/kuberuntime/security_context_windows.go`, case-insensitive since 1.25); with
//! no user name and a Server Core based image, whose configuration sets no user, the check
//! cannot see the administrator and the container runs as one anyway (kubernetes#112469).

use std::collections::BTreeMap;

use super::{Context, Pod, Rule};
use crate::finding::{Finding, Label, Severity};
use crate::facts::images::{Classifier, ImageOs, ImageRef};
use crate::facts::intent::OsTarget;
use crate::facts::pod::os_target;
use crate::facts::security;
use crate::yaml::Span;

const ADMIN: &str = "ContainerAdministrator";

pub fn run_as_non_root_container_administrator_diagnostic(
    w: &Pod<'_>,
    containers: &[String],
    user: &str,
    at: Span,
    non_root_at: Span,
) -> Finding {
    META.finding(
        format!(
            "{} will not start: container's runAsUserName ({user}) which will be regarded as root identity and will break non-root policy",
            security::describe_many(containers)
        ),
        Label::new(at, "the container administrator is Windows' root"),
    )
    .with_secondary(Label::new(non_root_at, "`runAsNonRoot: true` forbids it"))
    .with_help("run as `ContainerUser` (`securityContext.windowsOptions.runAsUserName: ContainerUser`), or drop `runAsNonRoot: true` if the container needs administrator rights")
    .with_resource(w.id)
}

pub fn run_as_non_root_image_administrator_diagnostic(
    w: &Pod<'_>,
    container: &str,
    at: Span,
    image_at: Span,
) -> Finding {
    META.graded(
        Severity::Warning,
        format!(
            "container {container:?} runs as ContainerAdministrator although runAsNonRoot is true: its image sets no user, so the kubelet's check does not see the administrator"
        ),
        Label::new(at, "not enforced for this container"),
    )
    .with_secondary(Label::new(
        image_at,
        "Server Core based images run as ContainerAdministrator unless told otherwise",
    ))
    .with_help("set `securityContext.windowsOptions.runAsUserName: ContainerUser` on the container or the pod, so the container really runs as a non-administrator")
    .with_resource(w.id)
}

/// Windows images built on Server Core (or Server, or Windows), whose image configuration
/// sets no user, so they run as ContainerAdministrator; Nano Server images set ContainerUser.
pub(crate) fn server_core_based(images: &Classifier, image: &str) -> bool {
    if images.classify(image) != ImageOs::Windows {
        return false;
    }
    let r = ImageRef::parse(image);
    let name = r.name();
    let tokens: Vec<String> = r
        .tag
        .as_deref()
        .unwrap_or("")
        .to_ascii_lowercase()
        .split(['-', '_', '.'])
        .map(str::to_owned)
        .collect();
    let has = |t: &str| tokens.iter().any(|x| x == t);
    if name.contains("nanoserver") || has("nanoserver") {
        return false;
    }
    const SERVER_CORE_REPOS: &[&str] = &[
        "mcr.microsoft.com/windows/servercore",
        "mcr.microsoft.com/windows/server",
        "mcr.microsoft.com/dotnet/framework/",
        "docker.io/microsoft/windowsservercore",
        "docker.io/microsoft/iis",
        "docker.io/microsoft/dotnet-framework",
    ];
    name == "mcr.microsoft.com/windows"
        || SERVER_CORE_REPOS.iter().any(|p| name.starts_with(p))
        || has("servercore")
        || has("windowsservercore")
}

declare_rule! {
    pub struct RunAsNonRootContainerAdministrator {
        name: "run-as-non-root-container-administrator",
        category: Correctness,
        severity: Error,
        also: [Warning],
    }
}

impl Rule for RunAsNonRootContainerAdministrator {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        if !matches!(os_target(w, cx), OsTarget::Windows(_)) {
            return;
        }
        // Containers that share one pod-level user name share one finding.
        let mut refused: BTreeMap<(Span, Span), (String, Vec<String>)> = BTreeMap::new();
        for c in w.containers() {
            let Some(non_root) = security::run_as_non_root(w, &c).filter(|r| r.value) else {
                continue;
            };
            match security::run_as_user_name(w, &c) {
                Some(user) if user.value.eq_ignore_ascii_case(ADMIN) => {
                    refused
                        .entry((user.span, non_root.span))
                        .or_insert_with(|| (user.value.to_owned(), Vec::new()))
                        .1
                        .push(c.name.to_owned());
                }
                Some(_) => {}
                None if !security::is_host_process(w, &c)
                    && c.image.is_some_and(|i| server_core_based(cx.images, i)) =>
                {
                    out.push(run_as_non_root_image_administrator_diagnostic(
                        w,
                        c.name,
                        non_root.span,
                        c.image_span().unwrap_or(w.spec_key),
                    ));
                }
                None => {}
            }
        }
        for ((at, non_root_at), (user, names)) in refused {
            out.push(run_as_non_root_container_administrator_diagnostic(
                w,
                &names,
                &user,
                at,
                non_root_at,
            ));
        }
    }
}
