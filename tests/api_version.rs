//! `api-version-removed` through the real binary: every line of `fixtures/api-version` marked
//! `# expect: api-version-removed` is reported, once, and nothing else; `--kube-version`
//! below the removal keeps it quiet; a rendered chart is checked at the chart's version.

mod common;

use std::collections::BTreeSet;

use common::{json, root, winlint, winlint_in};

const RULE: &str = "api-version-removed";

/// (file, rule, line) of every finding of the JSON report.
fn findings(args: &[&str]) -> Vec<(String, String, u64)> {
    let run = winlint(args, None);
    assert_ne!(run.code, 2, "{}", run.stderr);
    let v = json(&run);
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_owned();
            (s("file"), s("rule"), f["line"].as_u64().unwrap_or(0))
        })
        .collect()
}

/// The lines marked `# expect: api-version-removed` in the fixtures.
fn expected() -> BTreeSet<(String, u64)> {
    let dir = root().join("fixtures/api-version");
    let mut out = BTreeSet::new();
    for e in std::fs::read_dir(&dir).expect("fixtures/api-version") {
        let path = e.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        let name = format!(
            "fixtures/api-version/{}",
            path.file_name().and_then(|n| n.to_str()).expect("name")
        );
        for (i, line) in text.lines().enumerate() {
            if line.contains(&format!("# expect: {RULE}")) {
                out.insert((name.clone(), i as u64 + 1));
            }
        }
    }
    out
}

#[test]
fn fixtures_report_exactly_the_marked_lines() {
    let all = findings(&["--format", "json", "fixtures/api-version"]);
    let got: BTreeSet<(String, u64)> = all
        .iter()
        .filter(|(_, rule, _)| rule == RULE)
        .map(|(p, _, l)| (p.clone(), *l))
        .collect();
    let want = expected();
    assert!(want.len() >= 15, "{want:?}");
    assert_eq!(got, want);
    // Once per object: no second finding for the old fields, nothing on the ok file.
    assert_eq!(all.iter().filter(|(_, r, _)| r == RULE).count(), want.len());
    let others: Vec<_> = all.iter().filter(|(_, r, _)| r != RULE).collect();
    assert!(others.is_empty(), "{others:?}");
}

#[test]
fn message_points_at_the_api_version_with_the_replacement() {
    let args = [
        "--format",
        "json",
        "fixtures/api-version/trigger-workloads.yaml",
    ];
    let run = winlint(&args, None);
    let v = json(&run);
    let f = &v["findings"][0];
    assert_eq!(f["rule"], RULE);
    assert_eq!(f["severity"], "error");
    assert_eq!(
        f["message"],
        "`extensions/v1beta1` DaemonSet was removed in Kubernetes 1.16; use `apps/v1`"
    );
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(3), Some(13))
    );
    let help = f["help"].as_str().unwrap_or_default();
    assert!(help.contains("apiVersion: apps/v1"), "{help}");
    assert!(help.contains("`spec.selector` is required"), "{help}");
    assert_eq!(run.code, 1);
}

#[test]
fn older_kube_version_keeps_it_quiet_until_the_removal() {
    let path = "fixtures/api-version";
    let count = |version: &str| {
        findings(&["--format", "json", "--kube-version", version, path])
            .iter()
            .filter(|(_, r, _)| r == RULE)
            .count()
    };
    // Nothing of the fixtures was removed before 1.16; all of it by 1.32.
    assert_eq!(count("1.15"), 0);
    assert_eq!(count("v1.15.12"), 0);
    let at_16 = count("1.16");
    let at_22 = count("1.22");
    let at_25 = count("1.25");
    assert!(
        0 < at_16 && at_16 < at_22 && at_22 < at_25,
        "{at_16} {at_22} {at_25}"
    );
    assert_eq!(count("1.32"), expected().len());
    assert_eq!(count("1.35.0"), expected().len());
    // The rule can be turned off like any other.
    let off = findings(&["--format", "json", "--ignore", RULE, path]);
    assert!(off.iter().all(|(_, r, _)| r != RULE));
}

#[test]
fn flow_control_replacement_follows_the_kube_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("fs.yaml"),
        "apiVersion: flowcontrol.apiserver.k8s.io/v1beta1\nkind: FlowSchema\nmetadata: {name: fs}\n",
    )
    .expect("write");
    let message = |version: &str| {
        let run = winlint_in(
            dir.path(),
            &["--format", "json", "--kube-version", version, "fs.yaml"],
            None,
        );
        json(&run)["findings"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(message("1.27").ends_with("use `flowcontrol.apiserver.k8s.io/v1beta3`"));
    assert!(message("1.35").ends_with("use `flowcontrol.apiserver.k8s.io/v1`"));
    assert_eq!(message("1.25"), "");
}
