//! Placement and Windows-version rules through the real binary: the corner cases of
//! fixtures/placement/default against the default cluster, the same workloads against every
//! kind of cluster model, `winlint profile`, and the precedence between rules.

mod common;

use common::{root, transcript, winlint, winlint_in};

fn snapshot(name: &str, args: &[&str]) {
    let run = winlint(args, None);
    assert_ne!(run.code, 2, "{}", run.stderr);
    insta::assert_snapshot!(name, transcript(args, &run));
}

/// `(rule, resource name)` of every finding of a JSON run.
fn findings(args: &[&str]) -> Vec<(String, String, String)> {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = winlint(&all, None);
    assert_ne!(run.code, 2, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["resource"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                f["severity"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn rules_of<'a>(all: &'a [(String, String, String)], name: &str) -> Vec<&'a str> {
    all.iter()
        .filter(|(_, n, _)| n == name)
        .map(|(r, _, _)| r.as_str())
        .collect()
}

#[test]
fn default_cluster_corner_cases_concise() {
    snapshot(
        "default_concise",
        &["--format", "concise", "fixtures/placement/default"],
    );
}

#[test]
fn default_cluster_human() {
    snapshot(
        "default_human_tolerations_runtimeclass",
        &[
            "--color",
            "never",
            "fixtures/placement/default/tolerations.yaml",
            "fixtures/placement/default/runtimeclass",
        ],
    );
}

#[test]
fn cluster_models() {
    let file = "fixtures/placement/cluster/workloads.yaml";
    let mut out = String::new();
    for config in [None, Some("pools"), Some("nodes"), Some("aks")] {
        let path = config.map(|c| format!("fixtures/placement/cluster/{c}.winlint.yaml"));
        let mut args = vec!["--format", "concise"];
        if let Some(p) = &path {
            args.extend(["--config", p.as_str()]);
        }
        args.push(file);
        let run = winlint(&args, None);
        assert_ne!(run.code, 2, "{}", run.stderr);
        out.push_str(&transcript(&args, &run));
        out.push('\n');
    }
    insta::assert_snapshot!("cluster_models", out);
}

#[test]
fn declared_pools_human() {
    snapshot(
        "pools_human",
        &[
            "--color",
            "never",
            "--config",
            "fixtures/placement/cluster/pools.winlint.yaml",
            "fixtures/placement/cluster/workloads.yaml",
        ],
    );
}

#[test]
fn profiles() {
    let mut out = String::new();
    for config in [None, Some("pools"), Some("nodes"), Some("aks")] {
        let path = config.map(|c| format!("fixtures/placement/cluster/{c}.winlint.yaml"));
        let mut args = vec!["profile"];
        if let Some(p) = &path {
            args.extend(["--config", p.as_str()]);
        }
        let run = winlint(&args, None);
        assert_eq!(run.code, 0, "{}", run.stderr);
        out.push_str(&transcript(&args, &run));
        out.push('\n');
    }
    insta::assert_snapshot!("profiles", out);
}

#[test]
fn profile_output_is_a_config_that_loads_the_same_pools() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = winlint(
        &[
            "profile",
            "--config",
            "fixtures/placement/cluster/pools.winlint.yaml",
        ],
        None,
    );
    let copy = dir.path().join("copy.winlint.yaml");
    std::fs::write(&copy, &run.stdout).expect("write");
    let copy = copy.to_str().expect("utf-8");
    let again = winlint(&["profile", "--config", copy], None);
    assert_eq!(again.code, 0, "{}", again.stderr);
    // Same model, only the source line differs.
    let body = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&again.stdout), body(&run.stdout));
}

#[test]
fn seed_deployment_gets_toleration_and_build_findings_on_the_default_cluster() {
    let all = findings(&["fixtures/examples/win-webserver.yaml"]);
    let rules = rules_of(&all, "win-webserver");
    assert!(rules.contains(&"windows-taint-not-tolerated"), "{all:?}");
    assert!(rules.contains(&"windows-build-unpinned"), "{all:?}");
    assert!(
        !rules.contains(&"windows-workload-may-land-on-linux"),
        "{all:?}"
    );
    // Both depend on the built-in model: warnings, not errors.
    for (rule, _, severity) in &all {
        if rule == "windows-taint-not-tolerated" || rule == "windows-build-unpinned" {
            assert_eq!(severity, "warning", "{rule}");
        }
    }
}

#[test]
fn a_more_specific_rule_silences_the_general_one_unless_it_is_off() {
    let file = "fixtures/placement/default/labels.yaml";
    let on = findings(&[file]);
    assert_eq!(
        rules_of(&on, "field-vs-selector"),
        ["os-field-selector-mismatch"]
    );
    assert_eq!(rules_of(&on, "wrong-case"), ["os-label-value-invalid"]);
    let off = findings(&[
        "--ignore",
        "os-field-selector-mismatch,os-label-value-invalid",
        file,
    ]);
    assert_eq!(
        rules_of(&off, "field-vs-selector"),
        ["windows-workload-may-land-on-linux"]
    );
    assert!(
        rules_of(&off, "wrong-case").contains(&"unsatisfiable-node-constraints"),
        "{off:?}"
    );
    // The pod label explains the may-land finding better.
    assert_eq!(
        rules_of(&on, "label-not-selector"),
        ["pod-os-label-mismatch", "windows-build-unpinned"]
    );
}

#[test]
fn runtime_classes_count_across_files_and_from_the_config() {
    let alone = findings(&["fixtures/placement/default/runtimeclass/pods.yaml"]);
    assert!(
        rules_of(&alone, "rc-merge").contains(&"runtimeclass-not-found"),
        "{alone:?}"
    );
    let together = findings(&["fixtures/placement/default/runtimeclass"]);
    assert!(rules_of(&together, "rc-merge").is_empty(), "{together:?}");
    let declared = findings(&[
        "--config",
        "fixtures/placement/cluster/pools.winlint.yaml",
        "fixtures/placement/cluster/workloads.yaml",
    ]);
    assert!(
        rules_of(&declared, "rc-from-config").is_empty(),
        "{declared:?}"
    );
}

#[test]
fn nodes_file_resolves_against_the_config_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = root().join("fixtures/placement/cluster/nodes.winlint.yaml");
    let workloads = root().join("fixtures/placement/cluster/workloads.yaml");
    let run = winlint_in(
        dir.path(),
        &[
            "--format",
            "concise",
            "--config",
            config.to_str().expect("utf-8"),
            workloads.to_str().expect("utf-8"),
        ],
        None,
    );
    assert_ne!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.contains("`akswin000000`"), "{}", run.stdout);
}

#[test]
fn cluster_config_errors_point_at_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (
            "missing-nodes",
            "cluster:\n  nodes: no-such-file.yaml\n",
            "cannot read nodes file",
        ),
        (
            "empty-nodes",
            "cluster:\n  nodes: empty.yaml\n",
            "holds no Node objects",
        ),
        (
            "two-models",
            "cluster:\n  preset: aks\n  nodePools: [{name: a}]\n",
            "not both",
        ),
        (
            "unknown-preset",
            "cluster:\n  preset: gke\n",
            "built-in presets: `kubernetes-guide`, `aks`",
        ),
        (
            "twice",
            "cluster:\n  runtimeClasses:\n  - {name: a, handler: h}\n  - {name: a, handler: h}\n",
            "declared twice",
        ),
        (
            "bad-images",
            "images:\n  windoze: [x]\n",
            "unknown field `windoze`",
        ),
    ];
    std::fs::write(
        dir.path().join("empty.yaml"),
        "apiVersion: v1\nkind: List\nitems: []\n",
    )
    .expect("write");
    let mut out = String::new();
    for (name, text, want) in cases {
        let path = dir.path().join(format!("{name}.winlint.yaml"));
        std::fs::write(&path, text).expect("write");
        let file = format!("{name}.winlint.yaml");
        let args = ["--config", file.as_str(), "profile-never-read.yaml"];
        let run = winlint_in(dir.path(), &args, None);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(want), "{name}: {}", run.stderr);
        out.push_str(&transcript(&args, &run));
    }
    insta::assert_snapshot!("config_errors", out);
}

#[test]
fn a_folder_named_profile_is_linted_as_dot_slash_profile() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("profile")).expect("mkdir");
    std::fs::copy(
        root().join("fixtures/examples/win-webserver-no-selector.yaml"),
        dir.path().join("profile/deploy.yaml"),
    )
    .expect("copy");
    let linted = winlint_in(dir.path(), &["--format", "concise", "./profile"], None);
    assert!(
        linted.stdout.contains("windows-workload-may-land-on-linux"),
        "{}",
        linted.stdout
    );
    let profile = winlint_in(dir.path(), &["profile"], None);
    assert_eq!(profile.code, 0, "{}", profile.stderr);
    assert!(
        profile.stdout.contains("cluster:\n  nodePools:"),
        "{}",
        profile.stdout
    );
}
