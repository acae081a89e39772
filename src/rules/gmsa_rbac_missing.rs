//! `gmsa-rbac-missing`: the inputs grant `use` on the GMSA credential spec a pod names, but
//! to nobody the pod runs as; the windows-gmsa webhook's SubjectAccessReview
//! (`isAuthorizedToUseCredSpec`) then rejects the pod with HTTP 403.

use super::{Context, Pod, Rule};
use crate::finding::{Finding, Label};
use crate::facts::gmsa;
use crate::facts::inventory::{BindingDef, GmsaRoleDef, Inventory};
use crate::yaml::Span;


/// The pod's service account and namespace, as the webhook asks about them. A namespace the
/// manifest leaves out is the one it is applied to: unknown here, so it matches any.
struct Account<'a> {
    name: &'a str,
    namespace: Option<&'a str>,
}

pub fn gmsa_rbac_missing_diagnostic(
    w: &Pod<'_>,
    spec: &str,
    service_account: &str,
    roles: &[&GmsaRoleDef],
    at: Span,
    why: &str,
) -> Finding {
    let ns = w.id.namespace.as_deref().unwrap_or("<namespace>");
    let role = roles[0];
    let listed = roles
        .iter()
        .map(|r| format!("{} `{}`", r.kind, r.name))
        .collect::<Vec<_>>()
        .join(", ");
    let help = format!(
        "{listed} among the inputs grant{s} `use` on it, but no binding gives it to service account `{service_account}`; bind it, for example:\n\
         apiVersion: rbac.authorization.k8s.io/v1\n\
         kind: RoleBinding\n\
         metadata:\n  name: {service_account}-use-{spec}\n  namespace: {ns}\n\
         subjects:\n- kind: ServiceAccount\n  name: {service_account}\n  namespace: {ns}\n\
         roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: {kind}\n  name: {name}\n({why})",
        s = if roles.len() == 1 { "s" } else { "" },
        kind = role.kind,
        name = role.name,
    );
    META.finding(
        format!("service account \"{service_account}\" is not authorized to `use` GMSA cred spec \"{spec}\""),
        Label::new(at, "no binding among the inputs lets the pod's service account use this"),
    )
    .with_help(help)
    .with_resource(w.id)
}

/// Does `subject` (of a binding in `binding_ns`) name the account? Service accounts, their
/// user names and the groups every service account belongs to all count.
fn names(
    subject: &k8s_openapi::api::rbac::v1::Subject,
    binding_ns: Option<&str>,
    who: &Account<'_>,
) -> bool {
    let ns_matches = |ns: Option<&str>| match (ns, who.namespace) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    match subject.kind.as_str() {
        "ServiceAccount" => {
            subject.name == who.name && ns_matches(subject.namespace.as_deref().or(binding_ns))
        }
        "User" => subject
            .name
            .strip_prefix("system:serviceaccount:")
            .and_then(|rest| rest.split_once(':'))
            .is_some_and(|(ns, name)| name == who.name && ns_matches(Some(ns))),
        "Group" => match subject.name.as_str() {
            "system:serviceaccounts" | "system:authenticated" => true,
            group => group
                .strip_prefix("system:serviceaccounts:")
                .is_some_and(|ns| ns_matches(Some(ns))),
        },
        _ => false,
    }
}

/// Does `binding` give `role` to the account, in the pod's namespace?
fn binds(binding: &BindingDef, role: &GmsaRoleDef, who: &Account<'_>) -> bool {
    if binding.role_kind != role.kind || binding.role_name != role.name {
        return false;
    }
    let same_ns = |a: Option<&str>, b: Option<&str>| a.is_none() || b.is_none() || a == b;
    let in_scope = match binding.kind.as_str() {
        "ClusterRoleBinding" => role.kind == "ClusterRole",
        _ => {
            same_ns(binding.namespace.as_deref(), who.namespace)
                && (role.kind == "ClusterRole"
                    || same_ns(binding.namespace.as_deref(), role.namespace.as_deref()))
        }
    };
    in_scope
        && binding
            .subjects
            .iter()
            .any(|s| names(s, binding.namespace.as_deref(), who))
}

/// The roles among the inputs that grant `use` on `spec`, when none of them reaches the
/// account. `None` when one does; when no role names `spec` in its `resourceNames` (the RBAC
/// for it lives elsewhere: a role granting every spec is typically the webhook's own); or
/// when one is aggregated into roles that may be bound anywhere.
fn unbound<'i>(inv: &'i Inventory, spec: &str, who: &Account<'_>) -> Option<Vec<&'i GmsaRoleDef>> {
    let roles: Vec<&GmsaRoleDef> = inv.gmsa_roles.iter().filter(|r| r.grants(spec)).collect();
    let named = roles.iter().any(|r| r.grants.is_some());
    if !named || roles.iter().any(|r| r.aggregated) {
        return None;
    }
    let granted = roles
        .iter()
        .any(|r| inv.bindings.iter().any(|b| binds(b, r, who)));
    // The roles written for this spec are the ones to bind, not an every-spec role.
    (!granted).then(|| roles.into_iter().filter(|r| r.grants.is_some()).collect())
}

declare_rule! {
    pub struct GmsaRbacMissing {
        name: "gmsa-rbac-missing",
        category: Correctness,
        severity: Warning,
    }
}

impl Rule for GmsaRbacMissing {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some(why) = gmsa::gate(w, cx) else { return };
        let who = Account {
            name: w.spec.service_account_name.as_deref().unwrap_or("default"),
            namespace: w.id.namespace.as_deref(),
        };
        for o in gmsa::webhook_options(w) {
            let Some(spec) = o.opts.gmsa_credential_spec_name.as_deref() else {
                continue;
            };
            if let Some(roles) = unbound(cx.inventory, spec, &who) {
                let at = o.value_span("gmsaCredentialSpecName", w.spec_key);
                out.push(gmsa_rbac_missing_diagnostic(
                    w, spec, who.name, &roles, at, why,
                ));
            }
        }
    }
}
