//! `windows-linux-only-field-ignored`: a field of spec §B.1/§B.2 on a Windows pod that does
//! not set `spec.os.name`. The API server accepts it, and the Windows kubelet passes none of
//! it to the runtime (its Windows container config carries only resources, the user name,
//! the GMSA credential spec and HostProcess), so the setting silently does nothing.

use super::{Context, Pod, Rule};
use crate::finding::{Finding, Label};
use crate::facts::intent::{Evidence, OsTarget};
use crate::facts::pod::os_target;
use crate::k8s::windows_fields::{Field, CONTAINER_FIELDS, POD_FIELDS};
use crate::yaml::{resolve_plain, Node, Resolved, Span, Style};


pub fn windows_linux_only_field_ignored_diagnostic(
    w: &Pod<'_>,
    rel: &str,
    field: &Field,
    at: Span,
    evidence: &Evidence,
) -> Finding {
    META.finding(
        format!("{} is ignored on Windows", w.path(rel)),
        Label::new(at, field.why),
    )
    .with_secondary(Label::new(evidence.span, evidence.text.clone()))
    .with_help(format!(
        "remove `{}`; and declare the pod's OS with `os: {{name: windows}}` in `{}`, so that the API server rejects Linux-only fields instead of ignoring them",
        field.dotted(),
        w.spec_path
    ))
    .with_resource(w.id)
}

/// A value that asks for nothing, so that ignoring it changes nothing: a switch set to its
/// default (`false`, `hostUsers: true`), capabilities that only drop (a Windows container has none to drop), the
/// default `procMount`. The API server rules for `os.name: windows` pods still reject these:
/// there the field's presence is what counts.
fn asks_nothing(field: &Field, value: &Node<'_>) -> bool {
    let is = |want: Resolved| {
        value
            .as_scalar()
            .is_some_and(|s| s.style == Style::Plain && resolve_plain(s.text) == want)
    };
    match field.key() {
        "privileged" | "allowPrivilegeEscalation" | "readOnlyRootFilesystem"
        | "shareProcessNamespace" => {
            is(Resolved::Bool(false))
        }
        "capabilities" => value
            .get("add")
            .is_none_or(|add| add.is_null() || add.as_seq().is_some_and(|s| s.is_empty())),
        // `true` is the default: the pod shares the host's user namespace, as it must on Windows.
        "hostUsers" => is(Resolved::Bool(true)),
        "procMount" => value.as_scalar().is_some_and(|s| s.text == "Default"),
        _ => false,
    }
}

declare_rule! {
    pub struct WindowsLinuxOnlyFieldIgnored {
        name: "windows-linux-only-field-ignored",
        category: Suspicious,
        severity: Warning,
    }
}

impl Rule for WindowsLinuxOnlyFieldIgnored {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        if w.spec.os.is_some() {
            return;
        }
        let mut found: Vec<(String, &Field, Span)> = Vec::new();
        for field in POD_FIELDS {
            if let Some(e) = field.find(w.spec_node).filter(|e| !asks_nothing(field, &e.value)) {
                found.push((field.dotted(), field, e.key.span));
            }
        }
        for c in w.containers() {
            let Some(node) = c.node else { continue };
            for field in CONTAINER_FIELDS {
                if let Some(e) = field.find(node).filter(|e| !asks_nothing(field, &e.value)) {
                    let rel = format!("{}.{}", c.rel_path(), field.dotted());
                    found.push((rel, field, e.key.span));
                }
            }
        }
        if found.is_empty() {
            return;
        }
        let OsTarget::Windows(evidence) = os_target(w, cx) else {
            return;
        };
        for (rel, field, at) in found {
            out.push(windows_linux_only_field_ignored_diagnostic(
                w, &rel, field, at, evidence,
            ));
        }
    }
}
