//! Precision on real repositories (issue 14): each fixture under `fixtures/precision` is a
//! reduced excerpt of a public manifest on which winlint used to report something false or
//! noisy; those under `fixtures/images/catalogue` use Docker Official Images whose OS only the
//! built-in catalogue knows (issue 13). `# expect: <rule>` marks every line that must have a
//! finding of that rule on the default cluster; any other finding fails the test.

mod common;

use std::collections::BTreeSet;

use common::{root, winlint};

fn expected(text: &str) -> BTreeSet<(u64, String)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let rule = l.split("# expect: ").nth(1)?.trim();
            Some((i as u64 + 1, rule.to_owned()))
        })
        .collect()
}

/// `(line, rule, severity)` of every finding.
fn reported(path: &str) -> Vec<(u64, String, String)> {
    let run = winlint(&["--format", "json", path], None);
    assert_ne!(run.code, 2, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap_or_default(),
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["severity"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_precision_fixture_reports_exactly_what_it_marks() {
    check_folder("fixtures/precision", 5);
}

#[test]
fn every_catalogue_fixture_reports_exactly_what_it_marks() {
    check_folder("fixtures/images/catalogue", 3);
}

fn check_folder(folder: &str, at_least: usize) {
    let dir = root().join(folder);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= at_least,
        "the fixtures of {folder} are there"
    );
    for file in files {
        let text = std::fs::read_to_string(&file).expect("fixture");
        let rel = format!(
            "{folder}/{}",
            file.file_name().expect("name").to_string_lossy()
        );
        let got: BTreeSet<(u64, String)> = reported(&rel)
            .into_iter()
            .map(|(line, rule, _)| (line, rule))
            .collect();
        assert_eq!(got, expected(&text), "{rel}");
    }
}

#[test]
fn an_unknown_key_is_a_warning_that_names_it() {
    let all = reported("fixtures/precision/unknown-key.yaml");
    let (_, _, severity) = all
        .iter()
        .find(|(_, r, _)| r == "windows-workload-may-land-on-linux")
        .expect("finding");
    assert_eq!(severity, "warning");
    let run = winlint(
        &["--format", "concise", "fixtures/precision/unknown-key.yaml"],
        None,
    );
    assert!(run.stdout.contains("match `vm`"), "{}", run.stdout);
}

#[test]
fn a_build_no_pool_runs_is_not_fixed_by_pinning_alone() {
    let run = winlint(
        &[
            "--color",
            "never",
            "fixtures/images/catalogue/official-windows.yaml",
        ],
        None,
    );
    // Pools case: no host of the cluster runs 10.0.14393, so the help says to change the
    // image or add such nodes, not only to pin.
    assert!(
        run.stdout.contains(
            "help: use a build of the image for those hosts (its `ltsc2019` variant, if it has one), or add"
        ),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("Windows nodes of 10.0.14393 to the cluster and pin the pod to them"));
    // Pinned case: the pod's own pin is what is wrong; pinning to a build that a pool runs
    // and the image supports helps, and the help is the fix's edit.
    assert!(
        run.stdout.contains(
            "help: pin the pod to 10.0.17763 (ltsc2019), which a node pool runs and the image supports;\n        change `\"10.0.20348\"` to `\"10.0.17763\"`"
        ),
        "{}",
        run.stdout
    );
}
