//! One mistake, one finding. When several rules explain the same root cause, only the
//! most specific one reports: rules report what they detect, then [`retain`] runs once per
//! object and drops the findings of a rule when a more specific rule reports on the same
//! object (or, for [`Scope::Span`] entries, at the same place). README.md ("One mistake, one
//! finding") shows the same table, and a test keeps the two equal.
//!
//! A rule that the user turned off (`--ignore`, `rules.ignore`) does not run, so it silences
//! nothing. Suppressed findings still count: suppression is applied after this pass.

use super::RuleMeta;
use super::{
    dotnet_multiplatform_tag_on_windows as dotnet, linux_image_on_windows_pod as linux_image,
    linux_workload_may_land_on_windows as linux_may_land, mixed_os_images as mixed,
    os_field_selector_mismatch as os_field, os_label_value_invalid as os_label,
    pod_os_label_mismatch as pod_os_label, unsatisfiable_node_constraints as unsatisfiable,
    windows_build_image_mismatch as build_mismatch, windows_build_label_format as build_label,
    windows_build_unpinned as unpinned, windows_image_on_linux_pod as windows_image,
    windows_images_incompatible_builds as incompatible, windows_taint_not_tolerated as taint,
    windows_workload_may_land_on_linux as win_may_land,
};
use crate::finding::{Finding, Severity};

/// Where a more specific finding must be to silence a less specific one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Anywhere on the same object (pod template).
    Object,
    /// At the same primary position (the same container's image).
    Span,
    /// An error on the same object: for rules that grade, an error is the value that makes
    /// the pod unschedulable, a warning one that does not.
    Blocking,
}

/// `rule` stays quiet where one of `when` reports, within `scope`.
pub struct Quiet {
    pub rule: &'static RuleMeta,
    pub when: &'static [&'static RuleMeta],
    pub scope: Scope,
}

pub static QUIET_WHEN: &[Quiet] = &[
    Quiet {
        rule: &win_may_land::META,
        when: &[&os_field::META, &windows_image::META, &pod_os_label::META],
        scope: Scope::Object,
    },
    Quiet {
        rule: &linux_may_land::META,
        when: &[&pod_os_label::META],
        scope: Scope::Object,
    },
    Quiet {
        rule: &unsatisfiable::META,
        when: &[
            &os_field::META,
            &taint::META,
            &build_mismatch::META,
            &linux_image::META,
            &dotnet::META,
        ],
        scope: Scope::Object,
    },
    Quiet {
        rule: &unsatisfiable::META,
        when: &[&os_label::META, &build_label::META],
        scope: Scope::Blocking,
    },
    Quiet {
        rule: &build_mismatch::META,
        when: &[&incompatible::META],
        scope: Scope::Object,
    },
    Quiet {
        rule: &unpinned::META,
        when: &[&incompatible::META, &mixed::META],
        scope: Scope::Object,
    },
    Quiet {
        rule: &mixed::META,
        when: &[&linux_image::META, &windows_image::META, &dotnet::META],
        scope: Scope::Object,
    },
    Quiet {
        rule: &linux_image::META,
        when: &[&dotnet::META],
        scope: Scope::Span,
    },
    // A Linux image on a pod pinned to Windows is the mistake; a toleration would only let
    // the pod reach a Windows node to fail pulling the image.
    Quiet {
        rule: &taint::META,
        when: &[&linux_image::META, &dotnet::META],
        scope: Scope::Object,
    },
];

/// Drops, among one object's findings (`findings[first..]`), those a more specific finding
/// silences. The table is acyclic (a test checks it), so the recursion ends.
pub fn retain(findings: &mut Vec<Finding>, first: usize) {
    let object = &findings[first..];
    if !object
        .iter()
        .any(|f| QUIET_WHEN.iter().any(|q| q.rule.name == f.rule))
    {
        return;
    }
    let mut memo = vec![None; object.len()];
    let keep: Vec<bool> = (0..object.len())
        .map(|i| survives(object, i, &mut memo))
        .collect();
    let mut i = 0;
    findings.retain(|_| {
        let k = i < first || keep[i - first];
        i += 1;
        k
    });
}

fn survives(object: &[Finding], i: usize, memo: &mut [Option<bool>]) -> bool {
    if let Some(known) = memo[i] {
        return known;
    }
    let f = &object[i];
    let silenced = QUIET_WHEN
        .iter()
        .filter(|q| q.rule.name == f.rule)
        .any(|q| {
            (0..object.len()).any(|j| {
                let g = &object[j];
                q.when.iter().any(|m| m.name == g.rule)
                    && match q.scope {
                        Scope::Object => true,
                        Scope::Span => g.primary.span == f.primary.span,
                        Scope::Blocking => g.severity == Severity::Error,
                    }
                    && survives(object, j, memo)
            })
        });
    memo[i] = Some(!silenced);
    !silenced
}

/// The README section's table, generated from [`QUIET_WHEN`].
pub fn markdown_table() -> String {
    let mut s = String::from(
        "| rule | stays quiet when this more specific rule reports | where |\n|---|---|---|\n",
    );
    for q in QUIET_WHEN {
        let list: Vec<String> = q
            .when
            .iter()
            .map(|m| format!("[`{0}`](rules/{0}.md)", m.name))
            .collect();
        let scope = match q.scope {
            Scope::Object => "same pod",
            Scope::Span => "same image",
            Scope::Blocking => "same pod, when it blocks scheduling",
        };
        s.push_str(&format!(
            "| [`{0}`](rules/{0}.md) | {1} | {scope} |\n",
            q.rule.name,
            list.join(", ")
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Label;
    use crate::yaml::Span;

    #[test]
    fn table_names_rules_and_has_no_cycle() {
        for q in QUIET_WHEN {
            assert!(super::super::find(q.rule.name).is_some());
            for m in q.when {
                assert!(
                    super::super::find(m.name).is_some(),
                    "{} is not a rule",
                    m.name
                );
            }
        }
        // Depth-first walk from every rule: a rule never (transitively) silences itself.
        fn walk(rule: &str, path: &mut Vec<String>) {
            assert!(!path.iter().any(|p| p == rule), "cycle: {path:?} -> {rule}");
            path.push(rule.to_owned());
            for q in QUIET_WHEN.iter().filter(|q| q.rule.name == rule) {
                for m in q.when {
                    walk(m.name, path);
                }
            }
            path.pop();
        }
        for q in QUIET_WHEN {
            walk(q.rule.name, &mut Vec::new());
        }
    }

    fn finding(rule: &'static RuleMeta, at: usize) -> Finding {
        Finding::new(
            rule.name,
            Severity::Error,
            "m",
            Label::new(
                Span {
                    start: at,
                    end: at + 1,
                },
                "l",
            ),
        )
    }

    fn rules_of(f: &[Finding]) -> Vec<&'static str> {
        f.iter().map(|f| f.rule).collect()
    }

    #[test]
    fn silences_transitively_and_by_scope() {
        // mixed-os-images is silenced by linux-image-on-windows-pod, which a
        // dotnet finding silences only at its own image.
        let mut f = vec![
            finding(&unknown_meta::META, 0),
            finding(&mixed::META, 1),
            finding(&linux_image::META, 2),
            finding(&dotnet::META, 3),
        ];
        retain(&mut f, 1);
        assert_eq!(
            rules_of(&f),
            [
                "x",
                "linux-image-on-windows-pod",
                "dotnet-multiplatform-tag-on-windows"
            ]
        );
        // Same image: the dotnet finding silences the Linux-image one, and then nothing
        // silences mixed-os-images except the dotnet finding itself.
        let mut f = vec![
            finding(&unpinned::META, 0),
            finding(&linux_image::META, 5),
            finding(&dotnet::META, 5),
        ];
        retain(&mut f, 0);
        assert_eq!(
            rules_of(&f),
            [
                "windows-build-unpinned",
                "dotnet-multiplatform-tag-on-windows"
            ]
        );
        // Findings before `first` belong to other objects and stay.
        let mut f = vec![finding(&mixed::META, 0), finding(&linux_image::META, 1)];
        retain(&mut f, 1);
        assert_eq!(rules_of(&f).len(), 2);
    }

    mod unknown_meta {
        use crate::finding::Severity;
        use crate::rules::{Category, RuleMeta};
        pub static META: RuleMeta = RuleMeta {
            name: "x",
            category: Category::Suspicious,
            severity: Severity::Error,
            also: &[],
            fix: None,
            doc: "",
        };
    }
}
