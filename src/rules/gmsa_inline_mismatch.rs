//! `gmsa-inline-mismatch`: an inline `gmsaCredentialSpec` that differs from the `credspec` of
//! the GMSACredentialSpec named beside it; the windows-gmsa webhook rejects every pod (422).

use super::{Context, Pod, Rule};
use crate::finding::{Finding, Label};
use crate::facts::gmsa;
use crate::yaml::Span;


pub fn gmsa_inline_mismatch_diagnostic(
    w: &Pod<'_>,
    who: &str,
    name: &str,
    parse_error: Option<&str>,
    at: Span,
    name_at: Span,
    why: &str,
) -> Finding {
    let mut message = format!(
        "the GMSA cred spec contents for {who} does not match the contents of GMSA resource {name:?}"
    );
    if let Some(e) = parse_error {
        message.push_str(": ");
        message.push_str(e);
    }
    META.finding(message, Label::new(at, "these contents"))
        .with_secondary(Label::new(name_at, "differ from this GMSACredentialSpec's `credspec`"))
        .with_help(format!(
            "remove `gmsaCredentialSpec` and let the webhook fill it in from GMSACredentialSpec `{name}` ({why})"
        ))
        .with_resource(w.id)
}

declare_rule! {
    pub struct GmsaInlineMismatch {
        name: "gmsa-inline-mismatch",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for GmsaInlineMismatch {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some(why) = gmsa::gate(w, cx) else { return };
        for o in gmsa::webhook_options(w) {
            let (Some(name), Some(inline)) = (
                o.opts.gmsa_credential_spec_name.as_deref(),
                o.opts.gmsa_credential_spec.as_deref(),
            ) else {
                continue;
            };
            let Some(resource) = cx
                .inventory
                .gmsa_specs
                .get(name)
                .and_then(|d| d.credspec.as_ref())
            else {
                continue;
            };
            let result = gmsa::contents_match(inline, resource);
            if result == Ok(true) {
                continue;
            }
            out.push(gmsa_inline_mismatch_diagnostic(
                w,
                &o.who,
                name,
                result.err().as_deref(),
                o.value_span("gmsaCredentialSpec", w.spec_key),
                o.value_span("gmsaCredentialSpecName", w.spec_key),
                why,
            ));
        }
    }
}
