//! `gmsa-initcontainer-not-inlined`: `gmsaCredentialSpecName` on an init or ephemeral
//! container. The windows-gmsa webhook reads only the pod's and `spec.containers`'
//! `windowsOptions`, so it neither checks the name nor fills in `gmsaCredentialSpec`, and the
//! container gets no GMSA identity of its own.

use super::{Context, Pod, Rule};
use crate::finding::{Finding, Label};
use crate::facts::gmsa;
use crate::yaml::Span;


pub fn gmsa_initcontainer_not_inlined_diagnostic(
    w: &Pod<'_>,
    who: &str,
    at: Span,
    why: &str,
) -> Finding {
    META.finding(
        format!("the GMSA webhook does not fill in the credential spec of {who}: it runs without a GMSA identity"),
        Label::new(at, "neither checked nor inlined by the GMSA webhook"),
    )
    .with_help(format!(
        "remove it from this container and set `gmsaCredentialSpecName` in the pod's `securityContext.windowsOptions`, which every container inherits, or paste the credential spec into this container's `gmsaCredentialSpec` ({why})"
    ))
    .with_resource(w.id)
}

declare_rule! {
    pub struct GmsaInitcontainerNotInlined {
        name: "gmsa-initcontainer-not-inlined",
        category: Suspicious,
        severity: Info,
    }
}

impl Rule for GmsaInitcontainerNotInlined {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
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
