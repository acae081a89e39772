//! `azure-windows-allowed-usernames`: Azure Policy "Kubernetes cluster Windows containers
//! should only run with approved user and domain user group" (2.2.0): the container's user
//! (its `runAsUserName`, else the pod's, else `ContainerUser` for Nano Server images and
//! `ContainerAdministrator` for others) must be in `azurePolicy.allowedUserNames`, or be a
//! `DOMAIN\user` matching an allowed `DOMAIN\*`.

use super::{Context, Pod, Rule};
use crate::facts::azure_policy;
use crate::finding::{Finding, Label};
use crate::facts::security;
use crate::yaml::Span;


pub fn azure_windows_allowed_usernames_diagnostic(
    w: &Pod<'_>,
    container: &str,
    user: &str,
    allowed: &[String],
    at: Span,
    windows_at: Span,
) -> Finding {
    META.finding(
        format!("container <{container}> has disallowed runAsUsername `{user}`"),
        Label::new(at, format!("runs as {user}")),
    )
    .with_secondary(Label::new(windows_at, "the policy evaluates pods selecting kubernetes.io/os: windows"))
    .with_help(format!(
        "run as an allowed user ({}) with `securityContext.windowsOptions.runAsUserName`, or add the user to `azurePolicy.allowedUserNames` in .winlint.yaml",
        allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
    ))
    .with_resource(w.id)
}

/// `has_allowed_username` or `has_allowed_userdomain` of the template.
pub fn allowed(user: &str, allowed: &[String]) -> bool {
    if allowed.iter().any(|a| a == user) {
        return true;
    }
    // re_match(".+\\\\.+", user): a backslash with a character (not a newline) on each side.
    let b = user.as_bytes();
    let domain_user = (1..b.len().saturating_sub(1))
        .any(|i| b[i] == b'\\' && b[i - 1] != b'\n' && b[i + 1] != b'\n');
    domain_user
        && allowed.iter().any(|a| {
            a.strip_suffix("\\*")
                .is_some_and(|prefix| user.starts_with(prefix))
        })
}

declare_rule! {
    pub struct AzureWindowsAllowedUsernames {
        name: "azure-windows-allowed-usernames",
        category: Pedantic,
        severity: Info,
    }
}

impl Rule for AzureWindowsAllowedUsernames {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some((windows_at, containers)) = azure_policy::evaluated(w, cx) else {
            return;
        };
        let list = &cx.azure_policy.allowed_user_names;
        for c in containers {
            let (user, at) = match security::run_as_user_name(w, &c) {
                Some(u) => (u.value, u.span),
                None => {
                    let nano = c.image.is_some_and(azure_policy::nano_server_image);
                    let at = c
                        .image_span()
                        .unwrap_or_else(|| security::container_span(w, &c));
                    (
                        if nano {
                            "ContainerUser"
                        } else {
                            "ContainerAdministrator"
                        },
                        at,
                    )
                }
            };
            if !allowed(user, list) {
                out.push(azure_windows_allowed_usernames_diagnostic(
                    w, c.name, user, list, at, windows_at,
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::allowed;

    #[test]
    fn domain_wildcards_match_like_the_template() {
        let list = vec!["ContainerUser".to_owned(), "CONTOSO\\*".to_owned()];
        assert!(allowed("ContainerUser", &list));
        assert!(!allowed("containeruser", &list), "exact, case-sensitive");
        assert!(allowed("CONTOSO\\svc-web", &list));
        // The template strips `\*` and compares prefixes, so a longer domain passes too.
        assert!(allowed("CONTOSOLTD\\svc", &list));
        assert!(
            !allowed("CONTOSO\\", &list),
            "a user is required after the backslash"
        );
        assert!(!allowed("ContainerAdministrator", &list));
    }
}
