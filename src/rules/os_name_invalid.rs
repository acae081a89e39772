//! `os-name-invalid`: `spec.os` with an empty name, or a name other than `linux` or
//! `windows` (`validateOS`): the API server rejects the object.

use super::{Context, Pod, Rule};
use crate::k8s::apierror;
use crate::finding::{Applicability, Finding, Fix, Label};
use crate::yaml::edit::Writer;
use crate::yaml::Span;

const VALID: [&str; 2] = ["linux", "windows"];

pub fn os_name_invalid_diagnostic(w: &Pod<'_>, value: &str, at: Span, src: &str) -> Finding {
    if value.is_empty() {
        return META.finding(
            apierror::required(&w.path("os.name"), "cannot be empty"),
            Label::new(at, "an empty OS name"),
        )
        .with_help("write `name: windows` or `name: linux`, or remove `os`")
        .with_resource(w.id);
    }
    // The API server reports the whole `os`, not `os.name`.
    let (help, canonical) = match VALID.iter().find(|v| v.eq_ignore_ascii_case(value.trim())) {
        Some(v) => (
            format!("write `name: {v}`: the value is case-sensitive"),
            Some((*v, Applicability::Safe)),
        ),
        None if value.to_ascii_lowercase().contains("win") => (
            "write `name: windows`: the Windows version is chosen with the `node.kubernetes.io/windows-build` node label, not here".into(),
            Some(("windows", Applicability::Unsafe)),
        ),
        None => ("write `name: linux` or `name: windows`".into(), None),
    };
    // Only the `name:` value itself is replaced; `at` may be the whole `os:` mapping.
    let is_name = w.field(&["os", "name"]).is_some_and(|n| n.span == at);
    let fix = canonical
        .filter(|_| is_name && !src.is_empty())
        .map(|(v, applicability)| Fix {
            applicability,
            edits: vec![Writer::new(src).replace(at, v)],
        });
    META.finding(
        apierror::not_supported(&w.path("os"), value, &VALID),
        Label::new(at, "not `linux` or `windows`"),
    )
    .with_help(help)
    .with_fix(fix)
    .with_resource(w.id)
}

declare_rule! {
    pub struct OsNameInvalid {
        name: "os-name-invalid",
        category: Correctness,
        severity: Error,
        fix: Safe,
    }
}

impl Rule for OsNameInvalid {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some(os) = &w.spec.os else { return };
        if VALID.contains(&os.name.as_str()) {
            return;
        }
        let at = w
            .field(&["os", "name"])
            .or_else(|| w.field(&["os"]))
            .map_or(w.spec_key, |n| n.span);
        out.push(os_name_invalid_diagnostic(w, &os.name, at, cx.source));
    }
}
