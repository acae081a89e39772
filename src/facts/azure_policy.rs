//! What the Azure Policy built-ins for Windows pods share, as their Gatekeeper templates
//! (Azure/azure-policy `samples/KubernetesService/windows-*/template.yaml`) define it: the
//! "Windows pod" test (only `nodeSelector["kubernetes.io/os"] == "windows"`), the containers
//! evaluated (`containers` and `initContainers`), and the `excludedImages` and
//! `excludedNamespaces` parameters.

pub use crate::facts::context::AzurePolicy;
use crate::facts::context::Context;
use crate::k8s::{ContainerRef, Workload};
use crate::yaml::Span;

const OS_LABEL: &str = "kubernetes.io/os";

/// `isWindowsPod`: the pod's nodeSelector selects `kubernetes.io/os: windows`. Validating
/// admission runs after the RuntimeClass plugin merged its nodeSelector in, so a RuntimeClass
/// among the inputs counts too (a key the pod sets itself wins, as in the merge). Returns the
/// span of the selector value that makes it one.
pub fn windows_pod(w: &Workload<'_>, cx: &Context<'_>) -> Option<Span> {
    if let Some(v) = w.spec.node_selector.as_ref().and_then(|s| s.get(OS_LABEL)) {
        return (v == "windows").then(|| {
            w.field(&["nodeSelector", OS_LABEL])
                .map_or(w.spec_key, |n| n.span)
        });
    }
    let rc = cx
        .inventory
        .runtime_classes
        .get(w.spec.runtime_class_name.as_deref()?)?;
    let v = rc.node_selector.as_ref()?.get(OS_LABEL)?;
    (v == "windows").then(|| {
        w.field(&["runtimeClassName"])
            .map_or(w.spec_key, |n| n.span)
    })
}

/// The policies skip pods in `excludedNamespaces`; a template without a namespace is
/// evaluated.
pub fn namespace_excluded(w: &Workload<'_>, p: &AzurePolicy) -> bool {
    w.id.namespace
        .as_deref()
        .is_some_and(|n| p.excluded_namespaces.iter().any(|x| x == n))
}

/// `input_containers` minus `is_excluded`: init and regular containers whose image is not
/// excluded (exactly, or by prefix when the entry ends with `*`).
pub fn containers<'o>(w: &Workload<'o>, p: &AzurePolicy) -> Vec<ContainerRef<'o>> {
    w.containers()
        .into_iter()
        .filter(|c| c.list != "ephemeralContainers")
        .filter(|c| {
            let Some(image) = c.image else { return true };
            !p.excluded_images.iter().any(|x| match x.strip_suffix('*') {
                Some(prefix) => image.starts_with(prefix),
                None => image == x,
            })
        })
        .collect()
}

/// The pods a policy evaluates, and the span that makes each a Windows pod.
pub fn evaluated<'o>(w: &Workload<'o>, cx: &Context<'_>) -> Option<(Span, Vec<ContainerRef<'o>>)> {
    let p = cx.azure_policy;
    if namespace_excluded(w, p) {
        return None;
    }
    let at = windows_pod(w, cx)?;
    Some((at, containers(w, p)))
}

/// `regex.match("mcr.microsoft.com/windows/nanoserver", image)`: unanchored, and each `.`
/// matches any character but a newline.
pub fn nano_server_image(image: &str) -> bool {
    const PATTERN: &[u8] = b"mcr.microsoft.com/windows/nanoserver";
    let bytes = image.as_bytes();
    bytes.windows(PATTERN.len()).any(|w| {
        w.iter()
            .zip(PATTERN)
            .all(|(c, p)| if *p == b'.' { *c != b'\n' } else { c == p })
    })
}

/// A container's effective `runAsUserName` as the templates read it: the container's if
/// set, else the pod's.
pub fn user_name<'o>(w: &Workload<'o>, c: &ContainerRef<'o>) -> Option<&'o str> {
    crate::facts::security::run_as_user_name(w, c).map(|u| u.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nano_server_regex_is_unanchored_with_dots_as_wildcards() {
        assert!(nano_server_image(
            "mcr.microsoft.com/windows/nanoserver:ltsc2022"
        ));
        assert!(nano_server_image(
            "myproxy/mcr.microsoft.com/windows/nanoserver:1809"
        ));
        assert!(nano_server_image("mcrXmicrosoft.com/windows/nanoserver"));
        assert!(!nano_server_image(
            "mcr.microsoft.com/windows/servercore:ltsc2022"
        ));
        assert!(!nano_server_image(
            "mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022"
        ));
    }
}
