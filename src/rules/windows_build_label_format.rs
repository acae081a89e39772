//! `windows-build-label-format`: a `node.kubernetes.io/windows-build` value that is not the
//! `10.0.NNNNN` a Windows kubelet writes, so it matches no node.

use super::shared::{
    bad_label_values, pod_selector_uses, runtime_class_selector_uses, Place,
    SelectorUse,
};
use super::{Context, Pod, Rule};
use crate::facts::cluster::{parse_build_label, WINDOWS_BUILD_LABEL};
use crate::finding::{Finding, Label, Severity};
use crate::facts::images::build_from_version_name;
use crate::k8s::{Object, ResourceId, Typed};
use crate::yaml::Span;


#[derive(Debug, Clone)]
struct Bad<'n> {
    value: Option<&'n str>,
    span: Span,
    operator: &'n str,
    severity: Severity,
}

pub fn windows_build_label_format_diagnostic(
    id: &ResourceId,
    value: Option<&str>,
    operator: &str,
    span: Span,
    severity: Severity,
) -> Finding {
    let Some(value) = value else {
        return META.finding(
            format!("`{operator}` never matches `{WINDOWS_BUILD_LABEL}`: its values (`10.0.17763`) are not integers"),
            Label::new(span, "compares integers"),
        )
        .with_help(format!(
            "list the builds instead:\n- key: {WINDOWS_BUILD_LABEL}\n  operator: In\n  values: [\"10.0.20348\", \"10.0.26100\"]"
        ))
        .with_resource(id);
    };
    let consequence = match (operator, severity) {
        ("NotIn", _) => "so `NotIn` excludes no node with it",
        (_, Severity::Error) => "so it matches no node and the pod is never scheduled",
        _ => "so this value of the list matches no node",
    };
    let help = match build_from_version_name(value) {
        Some(b) => format!("write the kubelet's value: `{WINDOWS_BUILD_LABEL}: \"10.0.{b}\"`"),
        None => "write the kubelet's value, `10.0.` and the build number: \"10.0.17763\" (Windows Server 2019), \"10.0.20348\" (2022), \"10.0.26100\" (2025)".to_owned(),
    };
    META.graded(
        severity,
        format!("`{value}` is not a `{WINDOWS_BUILD_LABEL}` value: Windows kubelets set `10.0.<build>`, {consequence}"),
        Label::new(span, "not `10.0.<build>`"),
    )
    .with_help(help)
    .with_resource(id)
}

pub(super) fn is_build_key(k: &str) -> bool {
    k == WINDOWS_BUILD_LABEL
}

pub(super) fn is_valid(v: &str) -> bool {
    parse_build_label(v).is_some()
}

fn bad_values<'n>(uses: &[SelectorUse<'n>]) -> Vec<Bad<'n>> {
    // `Gt`/`Lt` compare integers, which `10.0.NNNNN` is not: the requirement never matches.
    let mut out: Vec<Bad<'n>> = uses
        .iter()
        .filter(|u| is_build_key(u.key) && u.place != Place::PreferredAffinity)
        .filter(|u| matches!(u.operator, "Gt" | "Lt"))
        .map(|u| Bad {
            value: None,
            span: u.key_span,
            operator: u.operator,
            severity: Severity::Error,
        })
        .collect();
    out.extend(
        bad_label_values(uses, is_build_key, is_valid)
            .into_iter()
            .map(|b| Bad {
                value: Some(b.value),
                span: b.span,
                operator: b.operator,
                severity: b.severity,
            }),
    );
    out
}

declare_rule! {
    pub struct WindowsBuildLabelFormat {
        name: "windows-build-label-format",
        category: Correctness,
        severity: Error,
        also: [Warning],
    }
}

impl Rule for WindowsBuildLabelFormat {
    fn check_workload<'a>(&self, w: &Pod<'a>, _cx: &Context<'a>, out: &mut Vec<Finding>) {
        for b in bad_values(&pod_selector_uses(w.spec_node)) {
            out.push(windows_build_label_format_diagnostic(
                w.id, b.value, b.operator, b.span, b.severity,
            ));
        }
    }

    fn check_object(&self, obj: &Object<'_, '_>, _cx: &Context<'_>, out: &mut Vec<Finding>) {
        if !matches!(obj.typed, Typed::RuntimeClass(_)) {
            return;
        }
        for b in bad_values(&runtime_class_selector_uses(obj.node)) {
            out.push(windows_build_label_format_diagnostic(
                &obj.id, b.value, b.operator, b.span, b.severity,
            ));
        }
    }
}
