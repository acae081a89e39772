//! `gmsa-initcontainer-not-inlined`: `gmsaCredentialSpecName` on an init or ephemeral
//! container. The windows-gmsa webhook reads only the pod's and `spec.containers`'
//! `windowsOptions`, so it neither checks the name nor fills in `gmsaCredentialSpec`, and the
//! container gets no GMSA identity of its own.

use super::{Category, Context, Rule};
use crate::finding::{Finding, Label, Severity};
use crate::gmsa;
use crate::model::Workload;
use crate::yaml::Span;

const NAME: &str = "gmsa-initcontainer-not-inlined";

pub fn gmsa_initcontainer_not_inlined_diagnostic(
    w: &Workload<'_>,
    who: &str,
    at: Span,
    why: &str,
) -> Finding {
    Finding::new(
        NAME,
        Severity::Info,
        format!("the GMSA webhook does not fill in the credential spec of {who}: it runs without a GMSA identity"),
        Label::new(at, "neither checked nor inlined by the GMSA webhook"),
    )
    .with_help(format!(
        "remove it from this container and set `gmsaCredentialSpecName` in the pod's `securityContext.windowsOptions`, which every container inherits, or paste the credential spec into this container's `gmsaCredentialSpec` ({why})"
    ))
    .with_resource(w.id)
}

pub struct GmsaInitcontainerNotInlined;

impl Rule for GmsaInitcontainerNotInlined {
    fn name(&self) -> &'static str {
        NAME
    }
    fn category(&self) -> Category {
        Category::Suspicious
    }
    fn default_severity(&self) -> Severity {
        Severity::Info
    }
    fn doc(&self) -> &'static str {
        include_str!("../../rules/gmsa-initcontainer-not-inlined.md")
    }

    fn check_workload<'a>(&self, w: &Workload<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some(why) = gmsa::gate(w, cx) else { return };
        // The kubelet takes the two GMSA fields as a pair: a container that sets the name
        // without the contents does not inherit the pod's contents either.
        for (_, o) in gmsa::skipped_options(w) {
            if o.opts.gmsa_credential_spec_name.is_some() && o.opts.gmsa_credential_spec.is_none() {
                out.push(gmsa_initcontainer_not_inlined_diagnostic(
                    w,
                    &o.who,
                    o.value_span("gmsaCredentialSpecName", w.spec_key),
                    why,
                ));
            }
        }
    }
}
