//! `hostprocess-user`: a HostProcess container without a host account to run as, or with a
//! container account (`ContainerAdministrator`, `ContainerUser`) that does not exist on the
//! host. The Kubernetes docs require `runAsUserName` for HostProcess pods.

use std::collections::BTreeMap;

use super::{Context, Pod, Rule};
use crate::finding::{Finding, Label};
use crate::facts::security;
use crate::yaml::Span;


const HOST_USERS_HELP: &str = "set `securityContext.windowsOptions.runAsUserName` to a host account: `NT AUTHORITY\\Local service` (least privileged), `NT AUTHORITY\\NetworkService`, `NT AUTHORITY\\SYSTEM`, or a local group on the node (containerd 1.7+); in a double-quoted YAML string, write the backslash twice";

pub fn hostprocess_user_missing_diagnostic(
    w: &Pod<'_>,
    containers: &[String],
    at: Span,
) -> Finding {
    META.finding(
        format!(
            "HostProcess {} {} no runAsUserName",
            security::describe_many(containers),
            if containers.len() == 1 { "has" } else { "have" }
        ),
        Label::new(
            at,
            "HostProcess containers must name the host account they run as",
        ),
    )
    .with_help(HOST_USERS_HELP)
    .with_resource(w.id)
}

pub fn hostprocess_user_container_account_diagnostic(
    w: &Pod<'_>,
    containers: &[String],
    user: &str,
    at: Span,
) -> Finding {
    META.finding(
        format!(
            "HostProcess {} {} as `{user}`, a container account that does not exist on the host",
            security::describe_many(containers),
            if containers.len() == 1 { "runs" } else { "run" }
        ),
        Label::new(at, "not a host account"),
    )
    .with_help(HOST_USERS_HELP)
    .with_resource(w.id)
}

declare_rule! {
    pub struct HostprocessUser {
        name: "hostprocess-user",
        category: Suspicious,
        severity: Warning,
    }
}

impl Rule for HostprocessUser {
    fn check_workload<'a>(&self, w: &Pod<'a>, _cx: &Context<'a>, out: &mut Vec<Finding>) {
        // Containers sharing one pod-level value share one finding.
        let mut missing: BTreeMap<Span, Vec<String>> = BTreeMap::new();
        let mut wrong: BTreeMap<Span, (String, Vec<String>)> = BTreeMap::new();
        for (c, hp) in security::host_process_containers(w) {
            match security::run_as_user_name(w, &c) {
                None => {
                    let at = hp.key;
                    missing.entry(at).or_default().push(c.name.to_owned());
                }
                Some(u)
                    if u.value.eq_ignore_ascii_case("ContainerAdministrator")
                        || u.value.eq_ignore_ascii_case("ContainerUser") =>
                {
                    wrong
                        .entry(u.span)
                        .or_insert_with(|| (u.value.to_owned(), Vec::new()))
                        .1
                        .push(c.name.to_owned());
                }
                Some(_) => {}
            }
        }
        for (at, names) in missing {
            out.push(hostprocess_user_missing_diagnostic(w, &names, at));
        }
        for (at, (user, names)) in wrong {
            out.push(hostprocess_user_container_account_diagnostic(
                w, &names, &user, at,
            ));
        }
    }
}
