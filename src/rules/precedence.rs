//! One mistake, one finding. When several rules explain the same root cause, only the
//! most specific one reports; the table below says which rule stays quiet when which more
//! specific rule reports on the same pod template. README.md ("One mistake, one finding")
//! shows the same table, and a test keeps the two equal.
//!
//! A rule that the user turned off (`--ignore`, `rules.ignore`) does not silence others.

use super::{
    dotnet_multiplatform_tag_on_windows, linux_image_on_windows_pod, mixed_os_images,
    os_field_selector_mismatch, os_label_value_invalid, pod_os_label_mismatch,
    windows_build_image_mismatch, windows_build_label_format, windows_image_on_linux_pod,
    windows_images_incompatible_builds, windows_taint_not_tolerated, Context,
};
use crate::model::Workload;

/// `(rule, [more specific rules])`: the rule stays quiet on a pod template where one of the
/// more specific rules reports.
pub const QUIET_WHEN: &[(&str, &[&str])] = &[
    (
        "windows-workload-may-land-on-linux",
        &[
            "os-field-selector-mismatch",
            "windows-image-on-linux-pod",
            "pod-os-label-mismatch",
        ],
    ),
    (
        "linux-workload-may-land-on-windows",
        &["pod-os-label-mismatch"],
    ),
    (
        "unsatisfiable-node-constraints",
        &[
            "os-label-value-invalid",
            "windows-build-label-format",
            "os-field-selector-mismatch",
            "windows-taint-not-tolerated",
            "windows-build-image-mismatch",
        ],
    ),
    (
        "windows-build-image-mismatch",
        &["windows-images-incompatible-builds"],
    ),
    (
        "windows-build-unpinned",
        &["windows-images-incompatible-builds", "mixed-os-images"],
    ),
    (
        "mixed-os-images",
        &[
            "linux-image-on-windows-pod",
            "windows-image-on-linux-pod",
            "dotnet-multiplatform-tag-on-windows",
        ],
    ),
];

/// Does `rule` detect its mistake on this pod template (before precedence)? None for a
/// rule that is not in the table's right-hand side.
fn detects<'a>(rule: &str, w: &Workload<'a>, cx: &Context<'a>) -> Option<bool> {
    Some(match rule {
        "os-field-selector-mismatch" => os_field_selector_mismatch::fires(w, cx),
        "windows-image-on-linux-pod" => windows_image_on_linux_pod::fires(w, cx),
        "pod-os-label-mismatch" => pod_os_label_mismatch::fires(w, cx),
        "os-label-value-invalid" => os_label_value_invalid::fires(w, cx),
        "windows-build-label-format" => windows_build_label_format::fires(w, cx),
        "windows-taint-not-tolerated" => windows_taint_not_tolerated::fires(w, cx),
        "windows-build-image-mismatch" => windows_build_image_mismatch::fires(w, cx),
        "windows-images-incompatible-builds" => windows_images_incompatible_builds::fires(w, cx),
        "linux-image-on-windows-pod" => linux_image_on_windows_pod::fires(w, cx),
        "dotnet-multiplatform-tag-on-windows" => dotnet_multiplatform_tag_on_windows::fires(w, cx),
        "mixed-os-images" => mixed_os_images::fires(w, cx),
        _ => return None,
    })
}

/// Does `rule` report on this pod template: on, detected, and not silenced in turn?
fn reports<'a>(rule: &str, w: &Workload<'a>, cx: &Context<'a>) -> bool {
    cx.config.rules.enabled_name(rule)
        && detects(rule, w, cx).unwrap_or(false)
        && !quiet(rule, w, cx)
}

/// Should `rule` stay quiet on this pod template because a more specific rule reports?
pub fn quiet<'a>(rule: &str, w: &Workload<'a>, cx: &Context<'a>) -> bool {
    QUIET_WHEN
        .iter()
        .find(|(r, _)| *r == rule)
        .is_some_and(|(_, more)| more.iter().any(|m| reports(m, w, cx)))
}

/// The README section's table, generated from [`QUIET_WHEN`].
pub fn markdown_table() -> String {
    let mut s =
        String::from("| rule | stays quiet when this more specific rule reports |\n|---|---|\n");
    for (rule, more) in QUIET_WHEN {
        let list: Vec<String> = more
            .iter()
            .map(|m| format!("[`{m}`](rules/{m}.md)"))
            .collect();
        s.push_str(&format!(
            "| [`{rule}`](rules/{rule}.md) | {} |\n",
            list.join(", ")
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::images::Classifier;
    use crate::inventory::Inventory;
    use crate::model::{classify, Classified};
    use crate::yaml::{parse_chunk, split_documents, Limits};

    #[test]
    fn table_names_rules_and_has_no_cycle() {
        for (rule, more) in QUIET_WHEN {
            assert!(super::super::find(rule).is_some(), "{rule} is not a rule");
            for m in *more {
                assert!(super::super::find(m).is_some(), "{m} is not a rule");
            }
        }
        // Depth-first walk from every rule: a rule never (transitively) silences itself.
        fn walk(rule: &str, path: &mut Vec<String>) {
            assert!(!path.iter().any(|p| p == rule), "cycle: {path:?} -> {rule}");
            path.push(rule.to_owned());
            if let Some((_, more)) = QUIET_WHEN.iter().find(|(r, _)| *r == rule) {
                for m in *more {
                    walk(m, path);
                }
            }
            path.pop();
        }
        for (rule, _) in QUIET_WHEN {
            walk(rule, &mut Vec::new());
        }
    }

    #[test]
    fn every_silencer_is_asked() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x}]\n";
        let docs = parse_chunk(split_documents(text)[0], Limits::default()).expect("yaml");
        let Classified::Objects(mut objs) = classify(&docs[0].root) else {
            panic!("expected an object")
        };
        let obj = objs.remove(0).decode().expect("decodes");
        let memo = crate::model::Memo::default();
        let w = obj.workload(&memo).expect("workload");
        let (config, images, inventory) = (
            Config::default(),
            Classifier::default(),
            Inventory::default(),
        );
        let cx = Context {
            config: &config,
            images: &images,
            inventory: &inventory,
        };
        for (_, more) in QUIET_WHEN {
            for m in *more {
                assert!(
                    detects(m, &w, &cx).is_some(),
                    "`detects` does not dispatch {m}"
                );
            }
        }
        assert!(markdown_table().contains("[`mixed-os-images`](rules/mixed-os-images.md)"));
    }
}
