//! A container's effective security settings (spec §0.3): the kubelet's
//! `DetermineEffectiveSecurityContext` takes each container field over the pod's, field by field,
//! and `windowsOptions` sub-field by sub-field (`runAsUserName` and `hostProcess` each; the two
//! GMSA fields as a pair). Each value comes with where it is written, so findings can point at
//! it, and with the level it came from.

use k8s_openapi::api::core::v1::WindowsSecurityContextOptions;

use crate::k8s::{ContainerRef, Workload};
use crate::yaml::{Node, Span};

/// Where an effective value is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Pod,
    Container,
}

/// An effective value and its place in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    /// The value's span.
    pub span: Span,
    /// The key's span (`runAsUserName:`).
    pub key: Span,
    pub level: Level,
}

/// The pod-level `securityContext.windowsOptions`.
pub fn pod_windows_options<'o>(w: &Workload<'o>) -> Option<&'o WindowsSecurityContextOptions> {
    w.spec.security_context.as_ref()?.windows_options.as_ref()
}

/// A container's own `securityContext.windowsOptions`.
pub fn container_windows_options<'o>(
    c: &ContainerRef<'o>,
) -> Option<&'o WindowsSecurityContextOptions> {
    c.security_context?.windows_options.as_ref()
}

/// The span of `keys` below a container's node, with its key's span.
pub fn container_spans(c: &ContainerRef<'_>, keys: &[&str]) -> Option<(Span, Span)> {
    spans(c.node?, keys)
}

/// The span of `keys` below the pod spec, with its key's span.
pub fn pod_spans(w: &Workload<'_>, keys: &[&str]) -> Option<(Span, Span)> {
    spans(w.spec_node, keys)
}

fn spans(root: &Node<'_>, keys: &[&str]) -> Option<(Span, Span)> {
    let (last, parents) = keys.split_last()?;
    let mut n = root;
    for k in parents {
        n = n.get(k)?;
    }
    let e = n.entry(last)?;
    Some((e.value.span, e.key.span))
}

/// A value written at container level if the container sets it, else at pod level.
fn effective<'o, T>(
    w: &Workload<'o>,
    c: &ContainerRef<'o>,
    keys: &[&str],
    container: Option<T>,
    pod: Option<T>,
) -> Option<Located<T>> {
    let (value, level) = match (container, pod) {
        (Some(v), _) => (v, Level::Container),
        (None, Some(v)) => (v, Level::Pod),
        (None, None) => return None,
    };
    let located = match level {
        Level::Container => container_spans(c, keys),
        Level::Pod => pod_spans(w, keys),
    };
    let (span, key) = located.unwrap_or((w.spec_key, w.spec_key));
    Some(Located {
        value,
        span,
        key,
        level,
    })
}

const RUN_AS_USER_NAME: &[&str] = &["securityContext", "windowsOptions", "runAsUserName"];
const HOST_PROCESS: &[&str] = &["securityContext", "windowsOptions", "hostProcess"];
const RUN_AS_NON_ROOT: &[&str] = &["securityContext", "runAsNonRoot"];

/// The effective `windowsOptions.runAsUserName`.
pub fn run_as_user_name<'o>(w: &Workload<'o>, c: &ContainerRef<'o>) -> Option<Located<&'o str>> {
    let own = container_windows_options(c).and_then(|o| o.run_as_user_name.as_deref());
    let pod = pod_windows_options(w).and_then(|o| o.run_as_user_name.as_deref());
    effective(w, c, RUN_AS_USER_NAME, own, pod)
}

/// The effective `windowsOptions.hostProcess`.
pub fn host_process<'o>(w: &Workload<'o>, c: &ContainerRef<'o>) -> Option<Located<bool>> {
    let own = container_windows_options(c).and_then(|o| o.host_process);
    let pod = pod_windows_options(w).and_then(|o| o.host_process);
    effective(w, c, HOST_PROCESS, own, pod)
}

/// The effective `runAsNonRoot`.
pub fn run_as_non_root<'o>(w: &Workload<'o>, c: &ContainerRef<'o>) -> Option<Located<bool>> {
    let own = c.security_context.and_then(|s| s.run_as_non_root);
    let pod = w
        .spec
        .security_context
        .as_ref()
        .and_then(|s| s.run_as_non_root);
    effective(w, c, RUN_AS_NON_ROOT, own, pod)
}

/// Is the container a HostProcess container (`validateWindowsHostProcessPod`: its own
/// `hostProcess: true`, or unset and the pod's `true`)?
pub fn is_host_process<'o>(w: &Workload<'o>, c: &ContainerRef<'o>) -> bool {
    host_process(w, c).is_some_and(|h| h.value)
}

/// The HostProcess containers of a pod, each with the `hostProcess: true` that makes it one.
pub fn host_process_containers<'o>(w: &Workload<'o>) -> Vec<(ContainerRef<'o>, Located<bool>)> {
    w.containers()
        .into_iter()
        .filter_map(|c| {
            let hp = host_process(w, &c)?;
            hp.value.then_some((c, hp))
        })
        .collect()
}

/// The message's way of naming a container: `container "web"` (`init container "setup"`).
pub fn describe(c: &ContainerRef<'_>) -> String {
    let kind = match c.list {
        "initContainers" => "init container",
        "ephemeralContainers" => "ephemeral container",
        _ => "container",
    };
    format!("{kind} {:?}", c.name)
}

/// Where a finding about a whole container goes: its `name:` value, else the list entry.
pub fn container_span(w: &Workload<'_>, c: &ContainerRef<'_>) -> Span {
    c.node
        .map(|n| n.get("name").map_or(n.span, |v| v.span))
        .unwrap_or(w.spec_key)
}

/// `container "a"` or `containers "a", "b"`, for messages about several containers at once.
pub fn describe_many(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    match quoted.len() {
        1 => format!("container {}", quoted[0]),
        _ => format!("containers {}", quoted.join(", ")),
    }
}
