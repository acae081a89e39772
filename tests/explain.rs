//! `winlint explain`: the verdict of every pool for every workload of fixtures/explain (plain
//! files, a chart and a kustomization, rendered with the real helm and kubectl), its JSON
//! contract and the human table.

mod common;

use std::collections::BTreeSet;

use common::{json, require_tools, root, transcript, winlint, winlint_in};
use serde_json::Value;

const FOLDER: &str = "fixtures/explain";

fn explain_json(args: &[&str]) -> Value {
    let mut all = vec!["explain", "--format", "json"];
    all.extend_from_slice(args);
    let run = winlint(&all, None);
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    json(&run)
}

/// The workload named `name` in `file` (a path ending).
fn workload<'v>(doc: &'v Value, file: &str, name: &str) -> &'v Value {
    doc["workloads"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|w| {
            w["file"].as_str().is_some_and(|f| f.ends_with(file))
                && w["resource"]["name"].as_str() == Some(name)
        })
        .unwrap_or_else(|| panic!("no workload {name} in {file}: {doc:#}"))
}

fn pool<'v>(w: &'v Value, name: &str) -> &'v Value {
    w["pools"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no pool {name}: {w:#}"))
}

/// The pool's verdict and the kinds of its reasons that point the verdict's way.
fn verdict(w: &Value, name: &str) -> (String, BTreeSet<String>) {
    let p = pool(w, name);
    let v = p["verdict"].as_str().unwrap_or_default().to_owned();
    let kinds = p["reasons"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["kind"].as_str().map(str::to_owned))
        .collect();
    (v, kinds)
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

fn one_of(v: &Value, allowed: &[&str], what: &str) {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {v}"));
    assert!(
        allowed.contains(&s),
        "{what} `{s}` is not one of {allowed:?}"
    );
}

#[test]
fn every_verdict_has_its_fixture() {
    require_tools();
    let doc = explain_json(&[FOLDER]);
    let check = |file: &str, name: &str, pool: &str, want: &str, kind: &str| {
        let (v, kinds) = verdict(workload(&doc, file, name), pool);
        assert_eq!(v, want, "{file} {name} on {pool}");
        assert!(kinds.contains(kind), "{file} {name} on {pool}: {kinds:?}");
    };
    check(
        "windows-app.yaml",
        "win-web",
        "windows-2022",
        "runs",
        "image",
    );
    check(
        "windows-app.yaml",
        "win-web",
        "linux",
        "excluded",
        "nodeSelector",
    );
    check("affinity.yaml", "win-db", "linux", "excluded", "affinity");
    check("linux-app.yaml", "web", "windows-2019", "excluded", "taint");
    check(
        "runtimeclass.yaml",
        "legacy-app",
        "windows-2022",
        "excluded",
        "runtimeClass",
    );
    check(
        "runtimeclass.yaml",
        "legacy-app",
        "windows-2019",
        "runs",
        "runtimeClass",
    );
    check("image-os.yaml", "report", "windows-2022", "fails", "image");
    check(
        "windows-app.yaml",
        "win-web",
        "windows-2019",
        "fails",
        "image",
    );
    check(
        "unknown.yaml",
        "win-agent",
        "windows-2022",
        "unknown",
        "nodeSelector",
    );
    check("unknown.yaml", "tool", "linux", "unknown", "image");
    check(
        "edge-cases.yaml",
        "missing-runtimeclass",
        "windows-2022",
        "unknown",
        "runtimeClass",
    );
    check(
        "edge-cases.yaml",
        "runtimeclass-conflict",
        "linux",
        "excluded",
        "runtimeClass",
    );
    check(
        "edge-cases.yaml",
        "declared-linux",
        "windows-2022",
        "fails",
        "os",
    );
    check(
        "edge-cases.yaml",
        "host-agent",
        "windows-2019",
        "runs",
        "image",
    );
    assert_eq!(
        workload(&doc, "edge-cases.yaml", "runtimeclass-conflict")["pending"],
        true
    );
    // Which image fact decides, and where it came from.
    let fails = |file: &str, name: &str, pool_name: &str| {
        let p = pool(workload(&doc, file, name), pool_name);
        p["reasons"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["kind"] == "image")
            .filter_map(|r| r["message"].as_str().map(str::to_owned))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let os = fails("image-os.yaml", "report", "windows-2022");
    assert!(os.contains("is a Linux image (catalogue"), "{os}");
    let build = fails("windows-app.yaml", "win-web", "windows-2019");
    assert!(
        build.contains("Windows 10.0.20348 image") && build.contains("10.0.17763 host cannot run"),
        "{build}"
    );
    let unknown = fails("unknown.yaml", "tool", "linux");
    assert!(unknown.contains("of unknown OS"), "{unknown}");
    // Pending only when every pool is excluded.
    assert_eq!(workload(&doc, "pending.yaml", "stuck")["pending"], true);
    assert_eq!(
        workload(&doc, "windows-app.yaml", "win-web")["pending"],
        false
    );
}

#[test]
fn renders_are_explained_at_their_template_and_base_lines() {
    require_tools();
    let doc = explain_json(&[FOLDER]);
    let chart = workload(&doc, "chart/templates/daemonset.yaml", "release-name-agent");
    assert_eq!(chart["line"], 1);
    assert_eq!(chart["rendered"]["profile"], "default");
    assert_eq!(chart["approximate"], false);
    assert_eq!(pool(chart, "windows-2022")["verdict"], "runs");
    assert_eq!(pool(chart, "windows-2019")["verdict"], "excluded");
    let base = workload(&doc, "kustomize/job.yaml", "cleanup");
    assert_eq!(base["line"], 2, "the `apiVersion:` line of the base file");
    assert_eq!(base["resource"]["namespace"], "tools");
    assert_eq!(
        base["rendered"]["kustomization"],
        "fixtures/explain/kustomize"
    );
    assert_eq!(pool(base, "linux")["verdict"], "runs");
}

#[test]
fn a_piped_render_without_its_chart_is_explained_at_the_render_line() {
    require_tools();
    let out = std::process::Command::new("helm")
        .args(["template", "fixtures/explain/chart"])
        .current_dir(root())
        .output()
        .expect("helm runs");
    assert!(out.status.success());
    let render = String::from_utf8(out.stdout).expect("utf-8 render");
    let dir = tempfile::tempdir().expect("temporary folder");
    let run = winlint_in(
        dir.path(),
        &["explain", "--format", "json", "-"],
        Some(&render),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = json(&run);
    let w = workload(&doc, "agent/templates/daemonset.yaml", "release-name-agent");
    // No template to point at: the `# Source:` path, the render's line, and flagged so.
    assert_eq!(w["approximate"], true);
    assert_eq!(w["line"], w["rendered"]["line"]);
}

/// Every key and enum value of the contract, and verdicts consistent with their parts.
#[test]
fn json_contract() {
    require_tools();
    let doc = explain_json(&[FOLDER]);
    assert_eq!(keys(&doc), BTreeSet::from(["version", "workloads"]));
    assert_eq!(doc["version"], 1);
    let workloads = doc["workloads"].as_array().expect("workloads");
    assert!(workloads.len() >= 10, "{}", workloads.len());
    let mut order = Vec::new();
    for w in workloads {
        let mut want = BTreeSet::from(["file", "line", "resource", "os", "pending", "pools"]);
        if w.get("rendered").is_some() {
            want.extend(["rendered", "approximate"]);
            assert!(w["approximate"].is_boolean());
            let r = &w["rendered"];
            assert!(r["line"].as_u64().is_some_and(|l| l >= 1));
            assert!(r["profile"].is_string() || r["profile"].is_null());
        }
        assert_eq!(keys(w), want, "{w:#}");
        let file = w["file"].as_str().expect("file");
        let line = w["line"].as_u64().expect("line");
        assert!(line >= 1);
        order.push((file.to_owned(), line));
        let r = &w["resource"];
        assert_eq!(
            keys(r),
            BTreeSet::from(["apiVersion", "kind", "name", "namespace"])
        );
        assert!(r["apiVersion"].is_string() && r["kind"].is_string());
        assert!(r["namespace"].is_string() || r["namespace"].is_null());
        one_of(&w["os"], &["windows", "linux", "unknown"], "os");
        let pools = w["pools"].as_array().expect("pools");
        assert_eq!(pools.len(), 4, "one row per pool of the default cluster");
        let mut all_excluded = true;
        for p in pools {
            assert_eq!(
                keys(p),
                BTreeSet::from(["name", "schedulable", "runs", "verdict", "reasons"])
            );
            one_of(&p["schedulable"], &["yes", "no", "unknown"], "schedulable");
            one_of(&p["runs"], &["yes", "no", "unknown"], "runs");
            one_of(
                &p["verdict"],
                &["runs", "excluded", "fails", "unknown"],
                "verdict",
            );
            let (s, r, v) = (&p["schedulable"], &p["runs"], &p["verdict"]);
            let expected = match (s.as_str(), r.as_str()) {
                (Some("no"), _) => "excluded",
                (Some("yes"), Some("yes")) => "runs",
                (Some("yes"), Some("no")) => "fails",
                _ => "unknown",
            };
            assert_eq!(v, expected, "{p:#}");
            all_excluded &= v == "excluded";
            let reasons = p["reasons"].as_array().expect("reasons");
            assert!(!reasons.is_empty(), "a verdict without reasons: {p:#}");
            for reason in reasons {
                assert_eq!(keys(reason), BTreeSet::from(["kind", "message"]));
                one_of(
                    &reason["kind"],
                    &[
                        "nodeSelector",
                        "affinity",
                        "taint",
                        "runtimeClass",
                        "image",
                        "os",
                    ],
                    "reason kind",
                );
                assert!(reason["message"].as_str().is_some_and(|m| !m.is_empty()));
            }
        }
        assert_eq!(w["pending"], all_excluded, "{w:#}");
    }
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "sorted by file, then line");
}

#[test]
fn json_snapshot() {
    require_tools();
    let args = ["explain", "--format", "json", FOLDER];
    let run = winlint(&args, None);
    insta::assert_snapshot!("explain_json", transcript(&args, &run));
    // The same bytes whatever the number of workers.
    for jobs in ["1", "3"] {
        let again = winlint(&["explain", "--format", "json", "-j", jobs, FOLDER], None);
        assert_eq!(again.stdout, run.stdout, "-j {jobs}");
    }
}

#[test]
fn human_snapshot() {
    require_tools();
    let args = ["explain", FOLDER];
    let run = winlint(&args, None);
    insta::assert_snapshot!("explain_human", transcript(&args, &run));
}

#[test]
fn config_and_preset_replace_the_cluster() {
    let args = [
        "explain",
        "--config",
        "fixtures/explain/config/pools.winlint.yaml",
        "fixtures/explain/unknown.yaml",
    ];
    let run = winlint(&args, None);
    insta::assert_snapshot!("explain_declared_pools", transcript(&args, &run));
    let doc = explain_json(&[
        "--config",
        "fixtures/explain/config/pools.winlint.yaml",
        "fixtures/explain/unknown.yaml",
    ]);
    let agent = workload(&doc, "unknown.yaml", "win-agent");
    assert_eq!(pool(agent, "win-2022")["verdict"], "runs");
    // AKS Windows pools carry no taint: the untolerating pod is no longer pending.
    let doc = explain_json(&["--preset", "aks", "fixtures/explain/pending.yaml"]);
    let stuck = workload(&doc, "pending.yaml", "stuck");
    assert_eq!(stuck["pending"], false);
    assert_eq!(pool(stuck, "windows-2022")["verdict"], "runs");
    let run = winlint(&["explain", "--preset", "gke", FOLDER], None);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("unknown preset `gke`; built-in presets: kubernetes-guide, aks"),
        "{}",
        run.stderr
    );
}

#[test]
fn unreadable_inputs_are_named_on_stderr() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let bad = "apiVersion: v1\nkind: Pod\nmetadata: {name: x\n";
    std::fs::write(dir.path().join("bad.yaml"), bad).expect("write");
    let run = winlint_in(dir.path(), &["explain", "--format", "json", "."], None);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains("bad.yaml: invalid YAML")
            && run.stderr.contains("[invalid-yaml]: not explained"),
        "{}",
        run.stderr
    );
    assert_eq!(json(&run)["workloads"], serde_json::json!([]));
}
