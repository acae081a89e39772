//! `gmsa-credspec-not-found`: a `gmsaCredentialSpecName` that names no GMSACredentialSpec
//! among the inputs, or one without `credspec`; the windows-gmsa webhook rejects every pod
//! (`retrieveCredSpecContents`: 404 "does not exist", or "does not have a credspec key").

use serde_json::Value;

use super::{Context, Pod, Rule};
use crate::suggest::{closest, did_you_mean};
use crate::finding::{Finding, Label};
use crate::facts::gmsa;
use crate::yaml::Span;


pub fn gmsa_credspec_not_found_diagnostic(
    w: &Pod<'_>,
    name: &str,
    known: &[&str],
    at: Span,
    why: &str,
) -> Finding {
    let lower = name.to_ascii_lowercase();
    let mut help = match closest(&lower, known.iter().copied(), |_| 2) {
        Some(k) => format!("{} ", did_you_mean(k)),
        None => String::new(),
    };
    help.push_str(&format!(
        "name a GMSACredentialSpec object ({}) or add one named `{name}` to the inputs ({why})",
        known
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    META.finding(
        format!("cred spec {name} does not exist"),
        Label::new(at, "no GMSACredentialSpec with this name among the inputs"),
    )
    .with_help(help)
    .with_resource(w.id)
}

pub fn gmsa_credspec_without_contents_diagnostic(
    w: &Pod<'_>,
    name: &str,
    at: Span,
    why: &str,
) -> Finding {
    META.finding(
        format!("cred spec {name} does not have a credspec key"),
        Label::new(at, "this GMSACredentialSpec has no `credspec`"),
    )
    .with_help(format!(
        "add the credential spec JSON (from `New-CredentialSpec`) under `credspec:` in GMSACredentialSpec `{name}` ({why})"
    ))
    .with_resource(w.id)
}

declare_rule! {
    pub struct GmsaCredspecNotFound {
        name: "gmsa-credspec-not-found",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for GmsaCredspecNotFound {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some(why) = gmsa::gate(w, cx) else { return };
        // Without any GMSACredentialSpec among the inputs, they all live elsewhere.
        if cx.inventory.gmsa_specs.is_empty() {
            return;
        }
        for o in gmsa::webhook_options(w) {
            let Some(name) = o.opts.gmsa_credential_spec_name.as_deref() else {
                continue;
            };
            let at = o.value_span("gmsaCredentialSpecName", w.spec_key);
            match cx.inventory.gmsa_specs.get(name) {
                None => {
                    let known: Vec<&str> =
                        cx.inventory.gmsa_specs.keys().map(String::as_str).collect();
                    out.push(gmsa_credspec_not_found_diagnostic(w, name, &known, at, why));
                }
                Some(def)
                    if def.credspec.is_none()
                        || matches!(&def.credspec, Some(Value::String(s)) if s.is_empty()) =>
                {
                    out.push(gmsa_credspec_without_contents_diagnostic(w, name, at, why));
                }
                Some(_) => {}
            }
        }
    }
}
