//! The fields the API server forbids on a pod with `spec.os.name: windows` (spec §B.1, §B.2;
//! `validateWindows` in kubernetes/kubernetes `pkg/apis/core/validation/validation.go`).
//!
//! The two tables are data: they drive `windows-forbidden-pod-field`,
//! `windows-forbidden-container-field` and `windows-linux-only-field-ignored`, and a test keeps
//! the field lists in those rules' docs equal to them. When Kubernetes forbids another field,
//! add one row.

use crate::yaml::{resolve_plain, Entry, Node, Resolved, Style};

/// When a field counts as set: the Go nil checks of `validateWindows` on the decoded pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetWhen {
    /// Present with a non-null value, even `false`, `0` or `{}` (pointer and struct fields).
    Present,
    /// `true` (plain bool fields, where `false` is the same as absent).
    True,
    /// A non-empty list.
    NonEmpty,
}

/// One forbidden field.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// Keys below the pod spec (pod fields) or below a container (container fields).
    pub path: &'static [&'static str],
    pub set_when: SetWhen,
    /// Why it means nothing on Windows (Kubernetes' Windows docs, "Field compatibility").
    pub why: &'static str,
    /// A value that counts as set (YAML flow), for the docs and the tests.
    pub example: &'static str,
}

/// §B.1: pod-level fields, in `validateWindows`' order. Not forbidden: `hostNetwork`,
/// `securityContext.runAsNonRoot`, `securityContext.windowsOptions`.
pub const POD_FIELDS: &[Field] = &[
    Field {
        path: &["securityContext", "appArmorProfile"],
        set_when: SetWhen::Present,
        why: "AppArmor is Linux-only",
        example: "{type: RuntimeDefault}",
    },
    Field {
        path: &["securityContext", "seLinuxOptions"],
        set_when: SetWhen::Present,
        why: "SELinux is Linux-only",
        example: "{level: \"s0:c123,c456\"}",
    },
    Field {
        path: &["hostUsers"],
        set_when: SetWhen::Present,
        why: "user namespaces are Linux-only",
        example: "true",
    },
    Field {
        path: &["hostPID"],
        set_when: SetWhen::True,
        why: "host namespace sharing is not possible on Windows",
        example: "true",
    },
    Field {
        path: &["hostIPC"],
        set_when: SetWhen::True,
        why: "host namespace sharing is not possible on Windows",
        example: "true",
    },
    Field {
        path: &["securityContext", "seccompProfile"],
        set_when: SetWhen::Present,
        why: "seccomp is Linux-only",
        example: "{type: RuntimeDefault}",
    },
    Field {
        path: &["securityContext", "fsGroup"],
        set_when: SetWhen::Present,
        why: "Windows has no GIDs",
        example: "2000",
    },
    Field {
        path: &["securityContext", "fsGroupChangePolicy"],
        set_when: SetWhen::Present,
        why: "Windows has no GIDs",
        example: "OnRootMismatch",
    },
    Field {
        path: &["securityContext", "sysctls"],
        set_when: SetWhen::NonEmpty,
        why: "sysctls are Linux kernel parameters",
        example: "[{name: net.core.somaxconn, value: \"1024\"}]",
    },
    Field {
        path: &["shareProcessNamespace"],
        set_when: SetWhen::Present,
        why: "Windows cannot share process namespaces",
        example: "false",
    },
    Field {
        path: &["securityContext", "runAsUser"],
        set_when: SetWhen::Present,
        why: "Windows has no UIDs; use `windowsOptions.runAsUserName`",
        example: "1000",
    },
    Field {
        path: &["securityContext", "runAsGroup"],
        set_when: SetWhen::Present,
        why: "Windows has no GIDs",
        example: "3000",
    },
    Field {
        path: &["securityContext", "supplementalGroups"],
        set_when: SetWhen::Present,
        why: "Windows has no GIDs",
        example: "[4000]",
    },
    Field {
        path: &["securityContext", "supplementalGroupsPolicy"],
        set_when: SetWhen::Present,
        why: "Windows has no GIDs",
        example: "Strict",
    },
    Field {
        path: &["securityContext", "seLinuxChangePolicy"],
        set_when: SetWhen::Present,
        why: "SELinux is Linux-only",
        example: "Recursive",
    },
];

/// §B.2: fields of every container (init, regular, ephemeral), in `validateWindows`' order.
/// Not forbidden: `securityContext.runAsNonRoot`, `securityContext.windowsOptions`.
pub const CONTAINER_FIELDS: &[Field] = &[
    Field {
        path: &["securityContext", "appArmorProfile"],
        set_when: SetWhen::Present,
        why: "AppArmor is Linux-only",
        example: "{type: RuntimeDefault}",
    },
    Field {
        path: &["securityContext", "seLinuxOptions"],
        set_when: SetWhen::Present,
        why: "SELinux is Linux-only",
        example: "{level: \"s0:c123,c456\"}",
    },
    Field {
        path: &["securityContext", "seccompProfile"],
        set_when: SetWhen::Present,
        why: "seccomp is Linux-only",
        example: "{type: RuntimeDefault}",
    },
    Field {
        path: &["securityContext", "capabilities"],
        set_when: SetWhen::Present,
        why: "POSIX capabilities are not implemented on Windows",
        example: "{drop: [ALL]}",
    },
    Field {
        path: &["securityContext", "readOnlyRootFilesystem"],
        set_when: SetWhen::Present,
        why: "Windows containers need a writable root filesystem for the registry and system processes",
        example: "false",
    },
    Field {
        path: &["securityContext", "privileged"],
        set_when: SetWhen::Present,
        why: "Windows has no privileged containers; use HostProcess containers",
        example: "false",
    },
    Field {
        path: &["securityContext", "allowPrivilegeEscalation"],
        set_when: SetWhen::Present,
        why: "not possible on Windows: no capabilities are hooked up",
        example: "false",
    },
    Field {
        path: &["securityContext", "procMount"],
        set_when: SetWhen::Present,
        why: "Windows has no /proc filesystem",
        example: "Default",
    },
    Field {
        path: &["securityContext", "runAsUser"],
        set_when: SetWhen::Present,
        why: "Windows has no UIDs; use `windowsOptions.runAsUserName`",
        example: "1000",
    },
    Field {
        path: &["securityContext", "runAsGroup"],
        set_when: SetWhen::Present,
        why: "Windows has no GIDs",
        example: "3000",
    },
];

/// The fields whose Pod Security "restricted" checks do not apply to Windows pods
/// (pod-security-admission `check_allowPrivilegeEscalation`, `check_capabilities_restricted`,
/// `check_seccompProfile_restricted` skip pods with `spec.os.name: windows`).
pub const RESTRICTED_EXEMPT: &[&str] =
    &["allowPrivilegeEscalation", "capabilities", "seccompProfile"];

impl Field {
    /// `securityContext.privileged`.
    pub fn dotted(&self) -> String {
        self.path.join(".")
    }

    /// The last key.
    pub fn key(&self) -> &'static str {
        self.path[self.path.len() - 1]
    }

    /// The entry of this field below `root` (a pod spec or a container), if it is set.
    pub fn find<'n, 'a>(&self, root: &'n Node<'a>) -> Option<&'n Entry<'a>> {
        let (last, parents) = self.path.split_last()?;
        let mut node = root;
        for k in parents {
            node = node.get(k)?;
        }
        let entry = node.entry(last)?;
        is_set(&entry.value, self.set_when).then_some(entry)
    }
}

fn is_set(value: &Node<'_>, when: SetWhen) -> bool {
    match when {
        SetWhen::Present => !value.is_null(),
        SetWhen::True => value.as_scalar().is_some_and(|s| {
            s.style == Style::Plain && resolve_plain(s.text) == Resolved::Bool(true)
                || s.core_tag == Some("bool") && s.text.eq_ignore_ascii_case("true")
        }),
        SetWhen::NonEmpty => value.as_seq().is_some_and(|s| !s.is_empty()),
    }
}

/// The Markdown list of a table, as the rule docs show it between `<!-- fields:start -->` and
/// `<!-- fields:end -->`.
pub fn markdown(fields: &[Field]) -> String {
    let mut s = String::new();
    for f in fields {
        let when = match f.set_when {
            SetWhen::Present => "when present, whatever the value",
            SetWhen::True => "when `true`",
            SetWhen::NonEmpty => "when not empty",
        };
        s.push_str(&format!("- `{}` ({when}): {}\n", f.dotted(), f.why));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse_chunk, split_documents, Limits};

    fn root(s: &str) -> crate::yaml::Doc<'_> {
        // The test's tree lives as long as the test process.
        let arena = Box::leak(Box::default());
        parse_chunk(arena, split_documents(s)[0], Limits::default())
            .expect("yaml")
            .remove(0)
    }

    #[test]
    fn presence_follows_go_nil_checks() {
        let d = root("hostPID: false\nhostIPC: true\nshareProcessNamespace: false\nhostUsers: ~\nsecurityContext: {sysctls: [], supplementalGroups: []}\n");
        let find = |path: &[&str]| {
            POD_FIELDS
                .iter()
                .find(|f| f.path == path)
                .expect("row")
                .find(&d.root)
                .is_some()
        };
        assert!(!find(&["hostPID"]), "false is not set for a plain bool");
        assert!(find(&["hostIPC"]));
        assert!(
            find(&["shareProcessNamespace"]),
            "false is set for a pointer"
        );
        assert!(!find(&["hostUsers"]), "null is absent");
        assert!(!find(&["securityContext", "sysctls"]), "empty list");
        assert!(
            find(&["securityContext", "supplementalGroups"]),
            "[] is non-nil"
        );
    }

    #[test]
    fn keys_are_unique_per_table() {
        for table in [POD_FIELDS, CONTAINER_FIELDS] {
            let mut seen: Vec<String> = table.iter().map(Field::dotted).collect();
            seen.sort();
            let n = seen.len();
            seen.dedup();
            assert_eq!(n, seen.len());
        }
    }
}
