//! `deprecated-os-arch-label`: `beta.kubernetes.io/os` and `beta.kubernetes.io/arch`, which
//! the API server has flagged as deprecated since v1.14.

use super::shared::{
    describe, one_edit, pod_selector_uses, runtime_class_selector_uses, yaml_str, Place,
    SelectorUse,
};
use super::{Context, Pod, Rule};
use crate::facts::cluster::{ARCH_LABEL, BETA_ARCH_LABEL, BETA_OS_LABEL, OS_LABEL};
use crate::finding::{Applicability, Finding, Fix, Label};
use crate::yaml::edit::Writer;
use crate::k8s::{Object, ResourceId, Typed};
use crate::yaml::{Node, Span};


pub fn deprecated_os_arch_label_diagnostic(
    id: &ResourceId,
    key: &str,
    span: Span,
    value: Option<&str>,
    fix: Option<Fix>,
    src: &str,
) -> Finding {
    let new = ga(key);
    let help = match (&fix, value) {
        (Some(fix), _) => format!(
            "use the GA label, which every kubelet sets too: {}",
            describe(src, &fix.edits, "")
        ),
        (None, Some(v)) => format!(
            "use the GA label, which every kubelet sets too:\n{new}: {}",
            yaml_str(v)
        ),
        (None, None) => format!("use the GA label `{new}`, which every kubelet sets too"),
    };
    META.finding(
        format!("`{key}` is deprecated since v1.14; use `{new}` instead"),
        Label::new(span, "deprecated label"),
    )
    .with_help(help)
    .with_fix(fix)
    .with_resource(id)
}

fn ga(key: &str) -> &'static str {
    if key == BETA_OS_LABEL {
        OS_LABEL
    } else {
        ARCH_LABEL
    }
}

/// Renames the key to the GA one; a selector map that already has the GA key with the same
/// value loses the beta entry instead (another value: no fix, the two disagree).
fn rename_fix(u: &SelectorUse<'_>, map: Option<&Node<'_>>, src: &str) -> Option<Fix> {
    if src.is_empty() {
        return None;
    }
    let w = Writer::new(src);
    let new = ga(u.key);
    let edit = match (u.place, map) {
        (Place::NodeSelector | Place::RuntimeClass, Some(map)) => match map.get(new) {
            Some(g) if g.as_str() == u.values.first().map(|(v, _)| *v) => {
                w.delete_entry(map, u.key)
            }
            Some(_) => None,
            None => Some(w.replace(u.key_span, new)),
        },
        (Place::RequiredAffinity | Place::PreferredAffinity, _) => {
            Some(w.replace(u.key_span, new))
        }
        _ => None,
    };
    one_edit(edit, Applicability::Safe)
}

fn deprecated(key: &str) -> bool {
    key == BETA_OS_LABEL || key == BETA_ARCH_LABEL
}

declare_rule! {
    pub struct DeprecatedOsArchLabel {
        name: "deprecated-os-arch-label",
        category: Suspicious,
        severity: Warning,
        fix: Safe,
    }
}

impl Rule for DeprecatedOsArchLabel {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        for u in pod_selector_uses(w.spec_node) {
            if deprecated(u.key) {
                let value = match (u.place, u.values.as_slice()) {
                    (Place::NodeSelector, [(v, _)]) => Some(*v),
                    _ => None,
                };
                let fix = rename_fix(&u, w.field(&["nodeSelector"]), cx.source);
                out.push(deprecated_os_arch_label_diagnostic(
                    w.id, u.key, u.key_span, value, fix, cx.source,
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
                let fix = (!cx.source.is_empty()).then(|| Fix {
                    applicability: Applicability::Safe,
                    edits: vec![Writer::new(cx.source).replace(k.span, ga(key))],
                });
                out.push(deprecated_os_arch_label_diagnostic(
                    w.id, key, k.span, None, fix, cx.source,
                ));
            }
        }
    }

    fn check_object(&self, obj: &Object<'_, '_>, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if !matches!(obj.typed, Typed::RuntimeClass(_)) {
            return;
        }
        let map = obj.node.get("scheduling").and_then(|s| s.get("nodeSelector"));
        for u in runtime_class_selector_uses(obj.node) {
            if deprecated(u.key) {
                let value = u.values.first().map(|(v, _)| *v);
                let fix = rename_fix(&u, map, cx.source);
                out.push(deprecated_os_arch_label_diagnostic(
                    &obj.id, u.key, u.key_span, value, fix, cx.source,
                ));
            }
        }
    }
}
