//! The windows-gmsa admission webhook (kubernetes-sigs/windows-gmsa
//! `admission-webhook/webhook.go`) as the `gmsa-*` rules need it: when winlint assumes it runs,
//! which `windowsOptions` it reads (the pod's and `spec.containers`' only), and how it compares
//! an inline credential spec with the GMSACredentialSpec object.

use k8s_openapi::api::core::v1::WindowsSecurityContextOptions;
use serde_json::Value;

use crate::facts::context::Context;
use crate::facts::security;
use crate::k8s::{ContainerRef, Workload};
use crate::yaml::{Node, Span};

/// Why the GMSA checks run for a pod, for the findings' help; `None` when they do not: no
/// GMSACredentialSpec among the inputs and no `gmsa.webhookInstalled` in the config, or the
/// pod's namespace opts out of the webhook (label `gmsa-webhook: disabled`, the webhook
/// configurations' `namespaceSelector`).
pub fn gate(w: &Workload<'_>, cx: &Context<'_>) -> Option<&'static str> {
    let reason = match (cx.gmsa_webhook, cx.inventory.gmsa_specs.is_empty()) {
        (true, _) => "checked because the configuration says the windows-gmsa webhook is installed (`gmsa.webhookInstalled: true`)",
        (false, false) => "checked because the inputs define GMSACredentialSpec objects, so the windows-gmsa webhook is assumed installed; set `gmsa.webhookInstalled` in .winlint.yaml to say so",
        (false, true) => return None,
    };
    let disabled =
        w.id.namespace
            .as_deref()
            .and_then(|n| cx.inventory.namespaces.get(n))
            .and_then(|ns| ns.labels.get("gmsa-webhook"))
            .is_some_and(|v| v == "disabled");
    (!disabled).then_some(reason)
}

/// One `windowsOptions` the webhook reads.
pub struct Options<'o> {
    /// `pod "web"` or `container "iis"`, as the webhook names them.
    pub who: String,
    /// `securityContext.windowsOptions` relative to the pod spec (`containers[0].securityContext...`).
    pub rel: String,
    pub opts: &'o WindowsSecurityContextOptions,
    /// The `windowsOptions` mapping in the source.
    pub node: Option<&'o Node<'o>>,
}

impl Options<'_> {
    /// The span of a key's value below `windowsOptions`.
    pub fn value_span(&self, key: &str, fallback: Span) -> Span {
        self.node
            .and_then(|n| n.get(key))
            .map_or(fallback, |v| v.span)
    }
}

/// The pod's `windowsOptions`, then each regular container's (`iterateOverWindowsSecurityOptions`).
pub fn webhook_options<'o>(w: &Workload<'o>) -> Vec<Options<'o>> {
    let mut out = Vec::new();
    if let Some(opts) = security::pod_windows_options(w) {
        let pod = match (w.id.kind.as_str(), w.id.name.as_deref()) {
            ("Pod", Some(name)) => format!("pod {name:?}"),
            _ => format!("pod of {}", w.id.display()),
        };
        out.push(Options {
            who: pod,
            rel: "securityContext.windowsOptions".into(),
            opts,
            node: w.field(&["securityContext", "windowsOptions"]),
        });
    }
    for c in w
        .containers()
        .into_iter()
        .filter(|c| c.list == "containers")
    {
        if let Some(opts) = security::container_windows_options(&c) {
            out.push(container_options(&c, opts));
        }
    }
    out
}

/// The `windowsOptions` of the init and ephemeral containers, which the webhook skips.
pub fn skipped_options<'o>(w: &Workload<'o>) -> Vec<(ContainerRef<'o>, Options<'o>)> {
    w.containers()
        .into_iter()
        .filter(|c| c.list != "containers")
        .filter_map(|c| {
            let opts = security::container_windows_options(&c)?;
            let o = container_options(&c, opts);
            Some((c, o))
        })
        .collect()
}

fn container_options<'o>(
    c: &ContainerRef<'o>,
    opts: &'o WindowsSecurityContextOptions,
) -> Options<'o> {
    Options {
        who: security::describe(c),
        rel: format!("{}.securityContext.windowsOptions", c.rel_path()),
        opts,
        node: c
            .node
            .and_then(|n| n.get("securityContext"))
            .and_then(|n| n.get("windowsOptions")),
    }
}

/// The webhook's `compareCredSpecContents`: equal strings, or equal JSON objects once both are
/// decoded the way Go's `encoding/json` decodes into `map[string]interface{}` (numbers as
/// float64). `Err` carries the parse error the webhook appends to its message.
pub fn contents_match(inline: &str, resource: &Value) -> Result<bool, String> {
    let from_crd = serde_json::to_string(resource).unwrap_or_default();
    if inline == from_crd {
        return Ok(true);
    }
    let parsed: Value = serde_json::from_str(inline).map_err(|e| {
        format!(
            "unable to parse {} as a JSON object: {e}",
            crate::k8s::apierror::quote_short(inline)
        )
    })?;
    if !matches!(parsed, Value::Object(_) | Value::Null) {
        return Err(format!(
            "unable to parse {} as a JSON object: not an object",
            crate::k8s::apierror::quote_short(inline)
        ));
    }
    Ok(json_eq(&parsed, resource))
}

/// `reflect.DeepEqual` on values decoded by `encoding/json`: numbers compare as float64.
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn contents_compare_like_the_webhook() {
        let cr =
            json!({"CmsPlugins": ["ActiveDirectory"], "DomainJoinConfig": {"Sid": "S-1", "N": 1}});
        assert_eq!(
            contents_match(
                r#"{"DomainJoinConfig": {"N": 1.0, "Sid": "S-1"}, "CmsPlugins": ["ActiveDirectory"]}"#,
                &cr
            ),
            Ok(true)
        );
        assert_eq!(
            contents_match(r#"{"CmsPlugins": ["ActiveDirectory"]}"#, &cr),
            Ok(false)
        );
        assert!(contents_match("not json", &cr).is_err());
        assert!(contents_match("[1]", &cr).is_err());
    }
}
