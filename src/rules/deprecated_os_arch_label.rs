//! `deprecated-os-arch-label`: `beta.kubernetes.io/os` and `beta.kubernetes.io/arch`, which
//! the API server has flagged as deprecated since v1.14.

use super::shared::{pod_selector_uses, runtime_class_selector_uses, yaml_str, Place};
use super::{Context, Pod, Rule};
use crate::facts::cluster::{ARCH_LABEL, BETA_ARCH_LABEL, BETA_OS_LABEL, OS_LABEL};
use crate::finding::{Finding, Label};
use crate::k8s::{Object, ResourceId, Typed};
use crate::yaml::{Node, Span};


pub fn deprecated_os_arch_label_diagnostic(
    id: &ResourceId,
    key: &str,
    span: Span,
    value: Option<&str>,
) -> Finding {
    let new = if key == BETA_OS_LABEL {
        OS_LABEL
    } else {
        ARCH_LABEL
    };
    let help = match value {
        Some(v) => format!(
            "use the GA label, which every kubelet sets too:\n{new}: {}",
            yaml_str(v)
        ),
        None => format!("use the GA label `{new}`, which every kubelet sets too"),
    };
    META.finding(
        format!("`{key}` is deprecated since v1.14; use `{new}` instead"),
        Label::new(span, "deprecated label"),
    )
    .with_help(help)
    .with_resource(id)
}

fn deprecated(key: &str) -> bool {
    key == BETA_OS_LABEL || key == BETA_ARCH_LABEL
}

declare_rule! {
    pub struct DeprecatedOsArchLabel {
        name: "deprecated-os-arch-label",
        category: Suspicious,
        severity: Warning,
    }
}

impl Rule for DeprecatedOsArchLabel {
    fn check_workload<'a>(&self, w: &Pod<'a>, _cx: &Context<'a>, out: &mut Vec<Finding>) {
        for u in pod_selector_uses(w.spec_node) {
            if deprecated(u.key) {
                let value = match (u.place, u.values.as_slice()) {
                    (Place::NodeSelector, [(v, _)]) => Some(*v),
                    _ => None,
                };
                out.push(deprecated_os_arch_label_diagnostic(
                    w.id, u.key, u.key_span, value,
                ));
            }
        }
        let spread = w
            .field(&["topologySpreadConstraints"])
            .and_then(Node::as_seq);
        for c in spread.into_iter().flatten() {
            if let Some(k) = c
                .get("topologyKey")
                .filter(|k| k.as_str().is_some_and(deprecated))
            {
                let key = k.as_str().unwrap_or_default();
                out.push(deprecated_os_arch_label_diagnostic(w.id, key, k.span, None));
            }
        }
    }

    fn check_object(&self, obj: &Object<'_, '_>, _cx: &Context<'_>, out: &mut Vec<Finding>) {
        if !matches!(obj.typed, Typed::RuntimeClass(_)) {
            return;
        }
        for u in runtime_class_selector_uses(obj.node) {
            if deprecated(u.key) {
                let value = u.values.first().map(|(v, _)| *v);
                out.push(deprecated_os_arch_label_diagnostic(
                    &obj.id, u.key, u.key_span, value,
                ));
            }
        }
    }
}
