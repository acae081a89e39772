//! `windows-options-format`: `windowsOptions` values the API server rejects
//! (`validateWindowsSecurityContextOptions`), at pod level and in every container, whatever
//! the pod's OS: `gmsaCredentialSpecName` must be a DNS-1123 subdomain, `gmsaCredentialSpec`
//! between 1 byte and 64 KiB, and `runAsUserName` a valid `[DOMAIN\]USER`. Checks run in the
//! API server's order and lengths are Go `len()`, in bytes.

use k8s_openapi::api::core::v1::WindowsSecurityContextOptions;

use super::{Context, Pod, Rule};
use crate::k8s::apierror;
use crate::finding::{Finding, Label};
use crate::yaml::{Node, Span};


const MAX_GMSA_CREDENTIAL_SPEC_LENGTH: usize = 64 * 1024;
const MAX_RUN_AS_USER_NAME_DOMAIN_LENGTH: usize = 256;
const MAX_RUN_AS_USER_NAME_USER_LENGTH: usize = 104;
const DNS1123_SUBDOMAIN_MAX_LENGTH: usize = 253;
const DNS1123_SUBDOMAIN_FMT: &str =
    r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

/// One API error: the detail string and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub detail: String,
    pub help: &'static str,
}

fn problem(detail: impl Into<String>, help: &'static str) -> Problem {
    Problem {
        detail: detail.into(),
        help,
    }
}

/// apimachinery `IsDNS1123Subdomain`: both the length and the format error can be reported.
pub fn gmsa_credential_spec_name_problems(name: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    if name.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        out.push(problem(
            format!("must be no more than {DNS1123_SUBDOMAIN_MAX_LENGTH} characters"),
            "use the name of a GMSACredentialSpec object: at most 253 characters",
        ));
    }
    if !is_dns1123_subdomain(name) {
        out.push(problem(
            format!("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '{DNS1123_SUBDOMAIN_FMT}')"),
            "use the name of a GMSACredentialSpec object exactly: object names are lowercase",
        ));
    }
    out
}

pub fn gmsa_credential_spec_problems(spec: &str) -> Vec<Problem> {
    if spec.is_empty() {
        vec![problem(
            "gmsaCredentialSpec cannot be an empty string",
            "remove `gmsaCredentialSpec`: the GMSA webhook fills it in from `gmsaCredentialSpecName`",
        )]
    } else if spec.len() > MAX_GMSA_CREDENTIAL_SPEC_LENGTH {
        vec![problem(
            "gmsaCredentialSpec size must be under 64 KiB",
            "remove `gmsaCredentialSpec` and name a GMSACredentialSpec object in `gmsaCredentialSpecName` instead",
        )]
    } else {
        Vec::new()
    }
}

/// The `runAsUserName` checks: the first three exclude each other, the rest are all reported.
pub fn run_as_user_name_problems(name: &str) -> Vec<Problem> {
    const HELP_FORMAT: &str = "write `USER` or `DOMAIN\\USER`, for example `ContainerUser` or `NT AUTHORITY\\Local service`";
    if name.is_empty() {
        return vec![problem(
            "runAsUserName cannot be an empty string",
            "remove `runAsUserName` to run as the image's user, or name a user such as `ContainerUser`",
        )];
    }
    // RE2's [[:cntrl:]] is ASCII: U+0000-U+001F and U+007F.
    if name.chars().any(|c| c.is_ascii_control()) {
        return vec![problem(
            "runAsUserName cannot contain control characters",
            "remove the control character (a tab, a newline) from the user name",
        )];
    }
    let parts: Vec<&str> = name.split('\\').collect();
    if parts.len() > 2 {
        return vec![problem(
            "runAsUserName cannot contain more than one backslash",
            "write `DOMAIN\\USER` with one backslash; in a double-quoted YAML string that is `\"DOMAIN\\\\USER\"`",
        )];
    }
    let (domain, user) = match parts[..] {
        [user] => (None, user),
        [domain, user] => (Some(domain), user),
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    if domain.is_some_and(|d| d.len() >= MAX_RUN_AS_USER_NAME_DOMAIN_LENGTH) {
        out.push(problem(
            format!("runAsUserName's Domain length must be under {MAX_RUN_AS_USER_NAME_DOMAIN_LENGTH} characters"),
            HELP_FORMAT,
        ));
    }
    if let Some(d) = domain {
        if !(is_netbios_domain(d) || is_dns_domain(d)) {
            out.push(problem(
                "runAsUserName's Domain doesn't match the NetBios nor the DNS format",
                "the domain must be a NetBIOS name (1 to 15 characters, none of \\ / : * ? \" < > |, not starting with a dot) or a DNS name",
            ));
        }
    }
    if user.is_empty() {
        out.push(problem("runAsUserName's User cannot be empty", HELP_FORMAT));
    } else if user.len() > MAX_RUN_AS_USER_NAME_USER_LENGTH {
        out.push(problem(
            format!("runAsUserName's User length must not be longer than {MAX_RUN_AS_USER_NAME_USER_LENGTH} characters"),
            "Windows user names are at most 104 bytes",
        ));
    }
    if !user.is_empty() && user.chars().all(|c| c == '.' || c == ' ') {
        out.push(problem(
            "runAsUserName's User cannot contain only periods or spaces",
            HELP_FORMAT,
        ));
    }
    if user.contains(|c| "\"/\\:;|=,+*?<>@[]".contains(c)) {
        out.push(problem(
            "runAsUserName's User cannot contain the following characters: \"/\\:;|=,+*?<>@[]",
            HELP_FORMAT,
        ));
    }
    out
}

/// `^[^\\/:\*\?"<>|\.][^\\/:\*\?"<>|]{0,14}$`: 1 to 15 characters (runes, not bytes).
fn is_netbios_domain(d: &str) -> bool {
    const BAD: &str = "\\/:*?\"<>|";
    let mut chars = d.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if BAD.contains(first) || first == '.' {
        return false;
    }
    let rest: Vec<char> = chars.collect();
    rest.len() <= 14 && rest.iter().all(|c| !BAD.contains(*c))
}

/// `^label(\.label)*$` with `label = [a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?`.
fn is_dns_domain(d: &str) -> bool {
    d.split('.').all(|label| {
        let b = label.as_bytes();
        (1..=63).contains(&b.len())
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric()
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
    })
}

/// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`.
fn is_dns1123_subdomain(s: &str) -> bool {
    let lower_alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    s.split('.').all(|label| {
        let b = label.as_bytes();
        !b.is_empty()
            && lower_alnum(&b[0])
            && lower_alnum(&b[b.len() - 1])
            && b.iter().all(|c| lower_alnum(c) || *c == b'-')
    })
}

pub fn windows_options_format_diagnostic(
    w: &Pod<'_>,
    rel: &str,
    value: &str,
    p: &Problem,
    at: Span,
) -> Finding {
    META.finding(
        apierror::invalid(&w.path(rel), &apierror::quote_short(value), &p.detail),
        Label::new(at, "the API server rejects this value"),
    )
    .with_help(p.help)
    .with_resource(w.id)
}

declare_rule! {
    pub struct WindowsOptionsFormat {
        name: "windows-options-format",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for WindowsOptionsFormat {
    fn check_workload<'a>(&self, w: &Pod<'a>, _cx: &Context<'a>, out: &mut Vec<Finding>) {
        let pod = w
            .spec
            .security_context
            .as_ref()
            .and_then(|s| s.windows_options.as_ref());
        check(
            w,
            "securityContext.windowsOptions",
            pod,
            Some(w.spec_node),
            out,
        );
        for c in w.containers() {
            let opts = c.security_context.and_then(|s| s.windows_options.as_ref());
            let rel = format!("{}.securityContext.windowsOptions", c.rel_path());
            check(w, &rel, opts, c.node, out);
        }
    }
}

fn check(
    w: &Pod<'_>,
    rel: &str,
    opts: Option<&WindowsSecurityContextOptions>,
    base: Option<&Node<'_>>,
    out: &mut Vec<Finding>,
) {
    let Some(opts) = opts else { return };
    let node = base
        .and_then(|n| n.get("securityContext"))
        .and_then(|n| n.get("windowsOptions"));
    let span = |key: &str| node.and_then(|n| n.get(key)).map_or(w.spec_key, |v| v.span);
    type Check = fn(&str) -> Vec<Problem>;
    let fields: [(&str, Option<&String>, Check); 3] = [
        (
            "gmsaCredentialSpecName",
            opts.gmsa_credential_spec_name.as_ref(),
            gmsa_credential_spec_name_problems,
        ),
        (
            "gmsaCredentialSpec",
            opts.gmsa_credential_spec.as_ref(),
            gmsa_credential_spec_problems,
        ),
        (
            "runAsUserName",
            opts.run_as_user_name.as_ref(),
            run_as_user_name_problems,
        ),
    ];
    for (key, value, problems) in fields {
        let Some(value) = value else { continue };
        for p in problems(value) {
            out.push(windows_options_format_diagnostic(
                w,
                &format!("{rel}.{key}"),
                value,
                &p,
                span(key),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details(v: Vec<Problem>) -> Vec<String> {
        v.into_iter().map(|p| p.detail).collect()
    }

    #[test]
    fn run_as_user_name_follows_the_api_server() {
        for ok in [
            "ContainerUser",
            "NT AUTHORITY\\SYSTEM",
            "NT AUTHORITY\\Local service",
            "contoso.com\\user",
            "ÄÖÜ-Domäne\\user",
        ] {
            assert!(run_as_user_name_problems(ok).is_empty(), "{ok}");
        }
        assert_eq!(
            details(run_as_user_name_problems("")),
            ["runAsUserName cannot be an empty string"]
        );
        assert_eq!(
            details(run_as_user_name_problems("a\tb\\c\\d")),
            ["runAsUserName cannot contain control characters"],
            "exclusive: control characters hide the backslash count"
        );
        assert_eq!(
            details(run_as_user_name_problems("a\\b\\c")),
            ["runAsUserName cannot contain more than one backslash"]
        );
        // Domain of 16 characters with a '*': neither NetBIOS nor DNS; user with '@'.
        assert_eq!(
            details(run_as_user_name_problems("sixteen*chars123\\a@b")),
            [
                "runAsUserName's Domain doesn't match the NetBios nor the DNS format",
                "runAsUserName's User cannot contain the following characters: \"/\\:;|=,+*?<>@[]"
            ]
        );
        let long_domain = format!("{}\\u", "a".repeat(256));
        assert_eq!(
            details(run_as_user_name_problems(&long_domain)),
            [
                "runAsUserName's Domain length must be under 256 characters",
                "runAsUserName's Domain doesn't match the NetBios nor the DNS format"
            ]
        );
        assert_eq!(
            details(run_as_user_name_problems("d\\")),
            ["runAsUserName's User cannot be empty"]
        );
        assert_eq!(
            details(run_as_user_name_problems(". .")),
            ["runAsUserName's User cannot contain only periods or spaces"]
        );
        // 104 bytes pass, 105 do not; a two-byte character counts twice.
        assert!(run_as_user_name_problems(&"u".repeat(104)).is_empty());
        assert_eq!(
            details(run_as_user_name_problems(&"é".repeat(53))),
            ["runAsUserName's User length must not be longer than 104 characters"]
        );
        // NetBIOS counts characters: 15 two-byte characters are a valid domain.
        assert!(is_netbios_domain(&"é".repeat(15)));
        assert!(!is_netbios_domain(&"é".repeat(16)));
        assert!(!is_netbios_domain(".hidden"));
        assert!(is_dns_domain("corp.contoso.com"));
        assert!(!is_dns_domain("-corp.com"));
    }

    #[test]
    fn gmsa_fields() {
        assert!(gmsa_credential_spec_name_problems("gmsa-webapp1").is_empty());
        assert_eq!(gmsa_credential_spec_name_problems("gmsa-WebApp1").len(), 1);
        assert_eq!(
            gmsa_credential_spec_name_problems(&"a".repeat(254)).len(),
            1
        );
        assert_eq!(
            gmsa_credential_spec_name_problems(&format!("-{}", "a".repeat(254))).len(),
            2
        );
        assert_eq!(
            details(gmsa_credential_spec_problems("")),
            ["gmsaCredentialSpec cannot be an empty string"]
        );
        assert!(gmsa_credential_spec_problems(&"x".repeat(65536)).is_empty());
        assert_eq!(gmsa_credential_spec_problems(&"x".repeat(65537)).len(), 1);
    }
}
