//! `gmsa-spec-without-name`: an inline `gmsaCredentialSpec` without the
//! `gmsaCredentialSpecName` of the GMSACredentialSpec it comes from; the windows-gmsa webhook
//! rejects every pod (HTTP 422).

use super::{Context, Pod, Rule};
use crate::finding::{Finding, Label};
use crate::facts::gmsa;
use crate::yaml::Span;


pub fn gmsa_spec_without_name_diagnostic(
    w: &Pod<'_>,
    who: &str,
    at: Span,
    why: &str,
) -> Finding {
    META.finding(
        format!("{who} has a GMSA cred spec set, but does not define the name of the corresponding resource"),
        Label::new(at, "the GMSA webhook needs the name of the GMSACredentialSpec"),
    )
    .with_help(format!(
        "replace `gmsaCredentialSpec` with `gmsaCredentialSpecName: <name of the GMSACredentialSpec>`; the webhook then fills in the contents ({why})"
    ))
    .with_resource(w.id)
}

declare_rule! {
    pub struct GmsaSpecWithoutName {
        name: "gmsa-spec-without-name",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for GmsaSpecWithoutName {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some(why) = gmsa::gate(w, cx) else { return };
        for o in gmsa::webhook_options(w) {
            if o.opts.gmsa_credential_spec.is_some() && o.opts.gmsa_credential_spec_name.is_none() {
                let at = o
                    .node
                    .and_then(|n| n.entry("gmsaCredentialSpec"))
                    .map_or(w.spec_key, |e| e.key.span);
                out.push(gmsa_spec_without_name_diagnostic(w, &o.who, at, why));
            }
        }
    }
}
