//! `hostprocess-inconsistent`: HostProcess settings the API server rejects, on any pod
//! (`validateWindowsHostProcessPod` runs whatever `spec.os` says): a container's
//! `hostProcess` that contradicts the pod's, a pod mixing HostProcess and other containers,
//! and HostProcess containers without `hostNetwork: true`.

use super::{Context, Pod, Rule};
use crate::k8s::apierror;
use crate::finding::{Finding, Label};
use crate::k8s::ContainerRef;
use crate::facts::security::{self, Level};
use crate::yaml::Span;


/// 6a: the container's `hostProcess` differs from the pod's.
pub fn hostprocess_mismatch_diagnostic(
    w: &Pod<'_>,
    c: &ContainerRef<'_>,
    container: bool,
    pod: bool,
    at: Span,
    pod_at: Span,
) -> Finding {
    let rel = format!(
        "{}.securityContext.windowsOptions.hostProcess",
        c.rel_path()
    );
    META.finding(
        apierror::invalid(
            &w.path(&rel),
            &container.to_string(),
            &format!("pod hostProcess value must be identical if both are specified, was {pod}"),
        ),
        Label::new(at, "differs from the pod's hostProcess"),
    )
    .with_secondary(Label::new(pod_at, "the pod's hostProcess"))
    .with_help(
        "remove the container's `hostProcess` and keep the pod-level one, or make them equal",
    )
    .with_resource(w.id)
}

/// 6b: some containers are HostProcess containers and some are not.
pub fn hostprocess_mixed_diagnostic(
    w: &Pod<'_>,
    c: &ContainerRef<'_>,
    at: Span,
    hp_at: Span,
) -> Finding {
    META.finding(
        apierror::invalid(
            &w.path(""),
            "\"\"",
            "If pod contains any hostProcess containers then all containers must be HostProcess containers",
        ),
        Label::new(at, format!("{} is not a HostProcess container", security::describe(c))),
    )
    .with_secondary(Label::new(hp_at, "this makes a HostProcess container"))
    .with_help("set `hostProcess: true` in the pod's `securityContext.windowsOptions` so that every container, init containers included, is a HostProcess container; or move the other containers to their own pod")
    .with_resource(w.id)
}

/// 6c: HostProcess containers without `hostNetwork: true`.
pub fn hostprocess_host_network_diagnostic(w: &Pod<'_>, at: Span, hp_at: Span) -> Finding {
    META.finding(
        apierror::invalid(
            &w.path("hostNetwork"),
            "false",
            "hostNetwork must be true if pod contains any hostProcess containers",
        ),
        Label::new(at, "HostProcess pods run in the host's network"),
    )
    .with_secondary(Label::new(hp_at, "this makes a HostProcess container"))
    .with_help(format!("add `hostNetwork: true` to `{}`", w.spec_path))
    .with_resource(w.id)
}

declare_rule! {
    pub struct HostprocessInconsistent {
        name: "hostprocess-inconsistent",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for HostprocessInconsistent {
    fn check_workload<'a>(&self, w: &Pod<'a>, _cx: &Context<'a>, out: &mut Vec<Finding>) {
        let containers = w.containers();
        let pod_hp = security::pod_windows_options(w).and_then(|o| o.host_process);
        let pod_hp_span =
            security::pod_spans(w, &["securityContext", "windowsOptions", "hostProcess"])
                .map_or(w.spec_key, |(v, _)| v);
        let mut first_hp: Option<Span> = None;
        let mut non_hp: Vec<&ContainerRef<'_>> = Vec::new();
        for c in &containers {
            let own = security::container_windows_options(c).and_then(|o| o.host_process);
            let own_span =
                security::container_spans(c, &["securityContext", "windowsOptions", "hostProcess"])
                    .map_or(w.spec_key, |(v, _)| v);
            if let (Some(p), Some(o)) = (pod_hp, own) {
                if p != o {
                    out.push(hostprocess_mismatch_diagnostic(
                        w,
                        c,
                        o,
                        p,
                        own_span,
                        pod_hp_span,
                    ));
                }
            }
            match security::host_process(w, c) {
                Some(hp) if hp.value => {
                    first_hp.get_or_insert(match hp.level {
                        Level::Container => own_span,
                        Level::Pod => pod_hp_span,
                    });
                }
                _ => non_hp.push(c),
            }
        }
        let Some(hp_at) = first_hp else { return };
        if let Some(c) = non_hp.first() {
            out.push(hostprocess_mixed_diagnostic(
                w,
                c,
                security::container_span(w, c),
                hp_at,
            ));
        }
        if w.spec.host_network != Some(true) {
            let at = w.key_span(&["hostNetwork"]).unwrap_or(w.spec_key);
            out.push(hostprocess_host_network_diagnostic(w, at, hp_at));
        }
    }
}
