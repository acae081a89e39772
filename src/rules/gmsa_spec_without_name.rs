//! `gmsa-spec-without-name`: an inline `gmsaCredentialSpec` without the
//! `gmsaCredentialSpecName` of the GMSACredentialSpec it comes from; the windows-gmsa webhook
//! rejects every pod (HTTP 422).

use super::{Category, Context, Rule};
use crate::finding::{Finding, Label, Severity};
use crate::gmsa;
use crate::model::Workload;
use crate::yaml::Span;

const NAME: &str = "gmsa-spec-without-name";

pub fn gmsa_spec_without_name_diagnostic(
    w: &Workload<'_>,
    who: &str,
    at: Span,
    why: &str,
) -> Finding {
    Finding::new(
        NAME,
        Severity::Error,
        format!("{who} has a GMSA cred spec set, but does not define the name of the corresponding resource"),
        Label::new(at, "the GMSA webhook needs the name of the GMSACredentialSpec"),
    )
    .with_help(format!(
        "replace `gmsaCredentialSpec` with `gmsaCredentialSpecName: <name of the GMSACredentialSpec>`; the webhook then fills in the contents ({why})"
    ))
    .with_resource(w.id)
}

pub struct GmsaSpecWithoutName;

impl Rule for GmsaSpecWithoutName {
    fn name(&self) -> &'static str {
        NAME
    }
    fn category(&self) -> Category {
        Category::Correctness
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn doc(&self) -> &'static str {
        include_str!("../../rules/gmsa-spec-without-name.md")
    }

    fn check_workload<'a>(&self, w: &Workload<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
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
