//! Whole-CLI tests through the real binary: formats, exit codes, stdin, config, pipes,
//! determinism.

mod common;

use common::{command, root, transcript, winlint, winlint_in};
use std::io::Read;
use std::process::Stdio;

fn snapshot(name: &str, args: &[&str]) {
    let run = winlint(args, None);
    insta::assert_snapshot!(name, transcript(args, &run));
}

#[test]
fn usage_errors_say_what_to_type() {
    // A rule name's start suggests the rule; no stray `usage` line above the message.
    let run = winlint(&["rule", "windows-taint"], None);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no rule named `windows-taint`; did you mean `windows-taint-not-tolerated`?"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.trim_start().starts_with("usage"),
        "{}",
        run.stderr
    );
    let run = winlint(&["--ignore", "windows-taint", "fixtures/examples"], None);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("did you mean `windows-taint-not-tolerated`?"),
        "{}",
        run.stderr
    );
    // A version helm cannot read is one usage error, not a failed render per chart.
    let run = winlint(&["--kube-version", "banana", "fixtures/charts"], None);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("--kube-version `banana` is not a Kubernetes version"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    for good in ["1.35", "v1.35.2", "1.36.0-rc.1"] {
        let run = winlint(&["--kube-version", good, "fixtures/examples"], None);
        assert_ne!(run.code, 2, "{good}: {}", run.stderr);
    }
}

#[test]
fn examples_human() {
    snapshot("examples_human", &["--color", "never", "fixtures/examples"]);
}

#[test]
fn examples_concise() {
    snapshot(
        "examples_concise",
        &["--format", "concise", "fixtures/examples"],
    );
}

#[test]
fn examples_json() {
    snapshot("examples_json", &["--format", "json", "fixtures/examples"]);
}

#[test]
fn seed_deployment_with_selector_stays_off_linux() {
    // The selector keeps it off Linux; what is left (toleration, build pin) are warnings
    // against the default cluster (tests/placement.rs).
    let run = winlint(
        &["--fail-on", "error", "fixtures/examples/win-webserver.yaml"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("Found 0 errors,"), "{}", run.stdout);
}

#[test]
fn seed_deployment_without_selector_points_at_template_spec() {
    let run = winlint(
        &[
            "--format",
            "json",
            "fixtures/examples/win-webserver-no-selector.yaml",
        ],
        None,
    );
    assert_eq!(run.code, 1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let findings = v["findings"].as_array().expect("findings");
    let f = findings
        .iter()
        .find(|f| f["rule"] == "windows-workload-may-land-on-linux")
        .expect("windows-workload-may-land-on-linux");
    // The pod template's `spec:` key.
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(18), Some(5))
    );
    let help = f["help"].as_str().expect("help");
    assert!(
        help.contains("nodeSelector:\n  kubernetes.io/os: windows"),
        "{help}"
    );
}

#[test]
fn exit_codes() {
    assert_eq!(
        winlint(&["fixtures/examples/linux-nginx.yaml"], None).code,
        0
    );
    assert_eq!(winlint(&["fixtures/examples/typos.yaml"], None).code, 1);
    // A warning-only input: fails at the default threshold, passes with --fail-on error.
    let warn_only = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeselector: {}\n  containers: [{name: c, image: nginx}]\n";
    assert_eq!(winlint(&["-"], Some(warn_only)).code, 1);
    assert_eq!(
        winlint(&["--fail-on", "error", "-"], Some(warn_only)).code,
        0
    );
    assert_eq!(
        winlint(&["--fail-on", "never", "fixtures/examples"], None).code,
        0
    );
    let missing = winlint(&["no/such/path.yaml"], None);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("path `no/such/path.yaml` does not exist"),
        "{}",
        missing.stderr
    );
    assert_eq!(
        winlint(&["--format", "xml", "fixtures/examples"], None).code,
        2
    );
}

#[test]
fn stdin_with_a_name() {
    let text =
        std::fs::read_to_string(root().join("fixtures/examples/win-webserver-no-selector.yaml"))
            .expect("fixture");
    let args = [
        "--format",
        "concise",
        "--stdin-filename",
        "deploy/web.yaml",
        "-",
    ];
    let run = winlint(&args, Some(&text));
    insta::assert_snapshot!("stdin", transcript(&args, &run));
}

#[test]
fn config_replaces_the_cluster() {
    // The pools in this config have no Linux pool without a taint the pod tolerates.
    let args = [
        "--format",
        "concise",
        "--config",
        "fixtures/config/tainted-linux.winlint.yaml",
        "fixtures/examples/win-webserver-no-selector.yaml",
    ];
    let run = winlint(&args, None);
    insta::assert_snapshot!("config_tainted_linux", transcript(&args, &run));
}

#[test]
fn config_is_discovered_upwards() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect("fake repo root");
    std::fs::copy(
        root().join("fixtures/config/tainted-linux.winlint.yaml"),
        dir.path().join(".winlint.yaml"),
    )
    .expect("copy");
    let sub = dir.path().join("apps/web");
    std::fs::create_dir_all(&sub).expect("mkdir");
    std::fs::copy(
        root().join("fixtures/examples/win-webserver-no-selector.yaml"),
        sub.join("deploy.yaml"),
    )
    .expect("copy");
    let run = winlint_in(&sub, &["--format", "concise", "deploy.yaml"], None);
    // The discovered pools (no untainted Linux pool, one Windows Server 2022 pool) replace
    // the default cluster: the ltsc2019 image is judged against `win22` only.
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        !run.stdout.contains("windows-workload-may-land-on-linux"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("error[windows-build-image-mismatch]")
            && run.stdout.contains("`win22`"),
        "{}",
        run.stdout
    );
}

#[test]
fn invalid_config_is_exit_2_with_file_and_line() {
    let args = [
        "--config",
        "fixtures/config/invalid.winlint.yaml",
        "fixtures/examples",
    ];
    let run = winlint(&args, None);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("config_invalid", transcript(&args, &run));
}

#[test]
fn closed_pipe_exits_quietly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text =
        std::fs::read_to_string(root().join("fixtures/examples/win-webserver-no-selector.yaml"))
            .expect("fixture");
    for i in 0..400 {
        std::fs::write(dir.path().join(format!("d{i:03}.yaml")), &text).expect("write");
    }
    let mut child = command(dir.path(), &["."])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout);
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{:?} {stderr}",
        out.status
    );
}

#[test]
fn output_is_identical_with_one_and_eight_jobs() {
    let Some(corpus) = common::corpus_or_skip() else {
        return;
    };
    let corpus = corpus.to_str().expect("utf-8 path");
    let one = winlint(&["-j", "1", "--format", "json", corpus], None);
    let eight = winlint(&["-j", "8", "--format", "json", corpus], None);
    assert_ne!(one.code, 2, "{}", one.stderr);
    assert!(one.stdout.len() > 1000);
    assert!(
        one.stdout == eight.stdout,
        "JSON differs between -j 1 and -j 8"
    );
    let again = winlint(&["-j", "8", "--format", "json", corpus], None);
    assert!(eight.stdout == again.stdout, "JSON differs between runs");
}

#[test]
fn json_contract() {
    let run = winlint(&["--format", "json", "fixtures/examples"], None);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    let keys = |o: &serde_json::Value| {
        let mut k: Vec<String> = o.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&v), ["findings", "summary", "version"]);
    assert_eq!(v["version"], 1);
    assert_eq!(
        keys(&v["summary"]),
        [
            "byRule",
            "documents",
            "errors",
            "files",
            "infos",
            "resources",
            "skipped",
            "suppressed",
            "warnings"
        ]
    );
    let findings = v["findings"].as_array().expect("array");
    assert!(!findings.is_empty());
    for f in findings {
        // Findings moved from a render to its template add `rendered` and `approximate`
        // (tests/render.rs checks them); every other key is always there.
        let mut k = keys(f);
        let rendered = k.iter().any(|x| x == "rendered");
        k.retain(|x| x != "rendered" && x != "approximate");
        // Findings with a known fix add `fix` (tests/fix.rs checks it).
        if let Some(fix) = f.get("fix") {
            assert!(["safe", "unsafe"].contains(&fix["applicability"].as_str().unwrap_or("")));
            assert!(!fix["edits"].as_array().expect("edits").is_empty());
            k.retain(|x| x != "fix");
        }
        assert_eq!(rendered, f.get("approximate").is_some());
        assert_eq!(
            k,
            [
                "column",
                "endColumn",
                "endLine",
                "file",
                "help",
                "line",
                "message",
                "resource",
                "rule",
                "severity"
            ]
        );
        assert!(f["line"].as_u64().expect("line") >= 1);
        assert!(f["column"].as_u64().expect("column") >= 1);
        assert!(["error", "warning", "info"].contains(&f["severity"].as_str().expect("severity")));
        if f["rule"] == "invalid-yaml" {
            assert!(f["resource"].is_null());
        } else {
            assert_eq!(
                keys(&f["resource"]),
                ["apiVersion", "kind", "name", "namespace"]
            );
        }
    }
    let s = &v["summary"];
    assert_eq!(s["files"], 10);
    assert_eq!(s["skipped"], 1);
    assert_eq!(
        s["errors"].as_u64().expect("errors")
            + s["warnings"].as_u64().expect("warnings")
            + s["infos"].as_u64().expect("infos"),
        findings.len() as u64
    );

    // A chart's findings say where they were in the render (needs helm: scripts/test).
    common::require_tools();
    let run = winlint(
        &[
            "--format",
            "json",
            "--config",
            "fixtures/charts/win-app.winlint.yaml",
            "fixtures/charts/win-app",
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    let findings = v["findings"].as_array().expect("array");
    assert!(!findings.is_empty());
    for f in findings {
        assert_eq!(keys(&f["rendered"]), ["line", "profile"]);
        assert!(f["rendered"]["line"].as_u64().is_some());
        assert!(f["approximate"].is_boolean());
    }
}

#[test]
fn walk_honours_gitignore_and_reads_named_files_of_any_extension() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad =
        std::fs::read_to_string(root().join("fixtures/examples/win-webserver-no-selector.yaml"))
            .expect("fixture");
    std::fs::write(dir.path().join(".gitignore"), "ignored/\n").expect("write");
    std::fs::create_dir(dir.path().join("ignored")).expect("mkdir");
    std::fs::write(dir.path().join("ignored/a.yaml"), &bad).expect("write");
    std::fs::create_dir(dir.path().join(".git")).expect("mkdir");
    std::fs::write(dir.path().join(".git/b.yaml"), &bad).expect("write");
    std::fs::write(dir.path().join("c.txt"), &bad).expect("write");
    std::fs::write(dir.path().join("d.yml"), &bad).expect("write");
    let run = winlint_in(dir.path(), &["--format", "concise", "."], None);
    assert_eq!(
        run.stdout.lines().filter(|l| l.contains("error[")).count(),
        1,
        "{}",
        run.stdout
    );
    assert!(run.stdout.starts_with("./d.yml:"), "{}", run.stdout);
    let named = winlint_in(dir.path(), &["--format", "concise", "c.txt"], None);
    assert!(
        named
            .stdout
            .contains("c.txt:18:5: error[windows-workload-may-land-on-linux]"),
        "{}",
        named.stdout
    );
}

#[test]
fn select_and_ignore() {
    let all = winlint(
        &["--format", "concise", "fixtures/examples/typos.yaml"],
        None,
    );
    assert!(all.stdout.contains("[unknown-field]"));
    let ignored = winlint(
        &[
            "--format",
            "concise",
            "--ignore",
            "unknown-field",
            "fixtures/examples/typos.yaml",
        ],
        None,
    );
    assert!(
        !ignored.stdout.contains("[unknown-field]"),
        "{}",
        ignored.stdout
    );
    assert!(ignored.stdout.contains("[invalid-resource]"));
    let by_category = winlint(
        &[
            "--format",
            "concise",
            "--ignore",
            "suspicious",
            "--select",
            "unknown-field",
            "fixtures/examples/typos.yaml",
        ],
        None,
    );
    assert!(
        by_category.stdout.contains("[unknown-field]"),
        "a rule name beats its category"
    );
    let typo = winlint(&["--ignore", "unknown-feild", "fixtures/examples"], None);
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr.contains("did you mean `unknown-field`?"),
        "{}",
        typo.stderr
    );
}
