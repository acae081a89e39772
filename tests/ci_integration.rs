//! CI and pre-commit fit: SARIF validated against the shared schema, JUnit, GitHub
//! annotations, several outputs in one run, suppressions, config keys, baselines, the rule
//! commands, and the real pre-commit running the hook.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{root, transcript, winlint, winlint_in};

/// The Python that has jsonschema and pre-commit (installed by scripts/install-python-tools).
fn python() -> PathBuf {
    let p = std::env::var_os("WINLINT_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".tools/venv/bin/python"));
    assert!(
        p.exists(),
        "{} is missing: run ./scripts/test, which installs the test tools",
        p.display()
    );
    p
}

/// Validates a SARIF file against ../shared/schemas/sarif-schema-2.1.0.json.
fn validate_sarif(path: &Path) {
    let Some(schema) = common::shared_or_skip("schemas/sarif-schema-2.1.0.json") else {
        return;
    };
    let script = "import json,sys,jsonschema\nschema=json.load(open(sys.argv[1]))\ndoc=json.load(open(sys.argv[2]))\njsonschema.validate(doc, schema)\nprint(len(doc['runs'][0]['results']))";
    let out = Command::new(python())
        .arg("-c")
        .arg(script)
        .arg(&schema)
        .arg(path)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "SARIF does not validate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn sarif_of(args: &[&str]) -> (serde_json::Value, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("out.sarif");
    let path_s = path.to_str().expect("utf-8").to_owned();
    let mut all = vec!["--format", "sarif", "--output", &path_s];
    all.extend_from_slice(args);
    let run = winlint(&all, None);
    assert_ne!(run.code, 2, "{}", run.stderr);
    let doc = serde_json::from_str(&std::fs::read_to_string(&path).expect("sarif written"))
        .expect("json");
    (doc, path, dir)
}

#[test]
fn sarif_validates_on_the_corpus() {
    let Some(corpus) = common::corpus_or_skip() else {
        return;
    };
    let (doc, path, _dir) = sarif_of(&[corpus.to_str().expect("utf-8")]);
    validate_sarif(&path);
    let results = doc["runs"][0]["results"].as_array().expect("results");
    assert!(results.len() > 10);
    for r in results {
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().expect("line") >= 1);
        assert!(r["partialFingerprints"]["winlint/v1"].is_string());
    }
    // Not every result on line 1, unlike kube-linter.
    assert!(results
        .iter()
        .any(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"] != 1));
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    for rule in rules {
        for key in ["shortDescription", "fullDescription", "help", "helpUri"] {
            assert!(!rule[key].is_null(), "rule {} lacks {key}", rule["id"]);
        }
    }
}

#[test]
fn sarif_with_suppressions_validates_and_keeps_them() {
    let (doc, path, _dir) = sarif_of(&["fixtures/suppressions"]);
    validate_sarif(&path);
    let results = doc["runs"][0]["results"].as_array().expect("results");
    let suppressed: Vec<_> = results
        .iter()
        .filter(|r| r["suppressions"].is_array())
        .collect();
    assert_eq!(suppressed.len(), 6, "{results:#?}");
    let reasons: Vec<&str> = suppressed
        .iter()
        .filter_map(|r| r["suppressions"][0]["justification"].as_str())
        .collect();
    assert!(
        reasons.contains(&"scheduled by the platform's mutating webhook"),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&"kept for an old admission controller"),
        "{reasons:?}"
    );
    let uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .expect("uri");
    assert!(uri.starts_with("fixtures/suppressions/"), "{uri}");
}

#[test]
fn fingerprints_survive_line_moves() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad =
        std::fs::read_to_string(root().join("fixtures/examples/win-webserver-no-selector.yaml"))
            .expect("fixture");
    std::fs::write(dir.path().join("a.yaml"), &bad).expect("write");
    let fp = |d: &Path| {
        let out = winlint_in(d, &["--format", "sarif", "a.yaml"], None);
        let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("sarif");
        v["runs"][0]["results"][0]["partialFingerprints"]["winlint/v1"].clone()
    };
    let before = fp(dir.path());
    std::fs::write(dir.path().join("a.yaml"), format!("# moved\n# down\n{bad}")).expect("write");
    assert_eq!(before, fp(dir.path()));
}

#[test]
fn several_formats_in_one_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sarif = dir.path().join("r.sarif");
    let junit = dir.path().join("r.xml");
    let (s, j) = (
        sarif.to_str().expect("utf-8"),
        junit.to_str().expect("utf-8"),
    );
    let args = [
        "--format",
        "concise",
        "--format",
        "sarif",
        "--output",
        s,
        "--format",
        "junit",
        "-o",
        j,
        "fixtures/examples/typos.yaml",
    ];
    let run = winlint(&args, None);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("typos.yaml:8:3: warning[unknown-field]"),
        "{}",
        run.stdout
    );
    validate_sarif(&sarif);
    let xml = std::fs::read_to_string(&junit).expect("junit");
    assert!(
        xml.contains(
            "<testsuite name=\"fixtures/examples/typos.yaml\" tests=\"1\" failures=\"3\">"
        ),
        "{xml}"
    );
    assert!(xml.contains("<failure type=\"invalid-resource\""), "{xml}");
    let bad = winlint(
        &[
            "--format",
            "json",
            "--format",
            "concise",
            "fixtures/examples",
        ],
        None,
    );
    assert_eq!(bad.code, 2, "two formats cannot share stdout");
    assert!(
        bad.stderr
            .contains("only one --format can go to standard output"),
        "{}",
        bad.stderr
    );
}

#[test]
fn github_and_junit_snapshots() {
    for format in ["github", "junit"] {
        let args = [
            "--format",
            format,
            "fixtures/examples/typos.yaml",
            "fixtures/examples/linux-nginx.yaml",
        ];
        let run = winlint(&args, None);
        insta::assert_snapshot!(format!("format_{format}"), transcript(&args, &run));
    }
}

#[test]
fn suppression_forms() {
    let args = ["--format", "concise", "fixtures/suppressions"];
    let run = winlint(&args, None);
    insta::assert_snapshot!("suppressions", transcript(&args, &run));
    let all = winlint(
        &[
            "--format",
            "concise",
            "--no-suppressions",
            "fixtures/suppressions",
        ],
        None,
    );
    for silenced in [
        "annotations.yaml:13:5: error[windows-workload-may-land-on-linux]",
        "annotations.yaml:30:5: error[windows-workload-may-land-on-linux]",
        "annotations.yaml:31:7: warning[unknown-field]",
        "comments.yaml:7:3: warning[unknown-field]",
        "comments.yaml:12:27: error[invalid-resource]",
        "generated.yaml:7:1: error[windows-workload-may-land-on-linux]",
    ] {
        assert!(
            !run.stdout.contains(silenced),
            "{silenced} is suppressed:\n{}",
            run.stdout
        );
        assert!(
            all.stdout.contains(silenced),
            "--no-suppressions shows {silenced}:\n{}",
            all.stdout
        );
    }
    let json = winlint(&["--format", "json", "fixtures/suppressions"], None);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(v["summary"]["suppressed"], 6);
}

fn config_run(config: &str, files: &[(&str, &str)], args: &[&str]) -> common::Run {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect("repo root");
    std::fs::write(dir.path().join(".winlint.yaml"), config).expect("config");
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    let mut all = if args.contains(&"--format") {
        vec![]
    } else {
        vec!["--format", "concise"]
    };
    all.extend_from_slice(args);
    all.push(".");
    winlint_in(dir.path(), &all, None)
}

fn bad() -> String {
    std::fs::read_to_string(root().join("fixtures/examples/win-webserver-no-selector.yaml"))
        .expect("fixture")
}

fn typos() -> String {
    std::fs::read_to_string(root().join("fixtures/examples/typos.yaml")).expect("fixture")
}

#[test]
fn config_exclude_per_path_ignores_exemptions_and_fail_on() {
    let bad = bad();
    let typos = typos();
    let files = [
        ("vendor/x.yaml", bad.as_str()),
        ("apps/web.yaml", bad.as_str()),
        ("legacy/t.yaml", typos.as_str()),
    ];
    let run = config_run(
        "exclude: [\"vendor/**\"]\nperPathIgnores:\n  \"legacy/*.yaml\": [suspicious]\n",
        &files,
        &[],
    );
    assert!(!run.stdout.contains("vendor/x.yaml"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("./apps/web.yaml:18:5: error[windows-workload-may-land-on-linux]"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("[unknown-field]"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("legacy/t.yaml:19:14: error[invalid-resource]"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("(2 suppressed)"), "{}", run.stdout);

    let exempt = config_run(
        "exemptions:\n- rules: [windows-workload-may-land-on-linux]\n  names: [win-*]\n  reason: vendored chart, fixed upstream\n",
        &[("a.yaml", bad.as_str())],
        &["--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&exempt.stdout).expect("json");
    assert_eq!(v["summary"]["suppressed"], 1, "{}", exempt.stdout);
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(
        !rules.contains(&"windows-workload-may-land-on-linux"),
        "{rules:?}"
    );

    let warn_only = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeselector: {}\n  containers: [{name: c, image: nginx}]\n";
    let lenient = config_run("failOn: error\n", &[("w.yaml", warn_only)], &[]);
    assert_eq!(lenient.code, 0, "{}", lenient.stdout);
    let strict = config_run(
        "failOn: error\n",
        &[("w.yaml", warn_only)],
        &["--fail-on", "warning"],
    );
    assert_eq!(strict.code, 1, "the command line wins");
}

#[test]
fn bad_configs_point_at_the_line() {
    let cases = [
        ("rulez: {}\n", "unknown field `rulez`"),
        (
            "rules:\n  select: pedantic\n",
            "invalid type: string \"pedantic\", expected a sequence",
        ),
        (
            "rules:\n  ignore: [windows-workload-may-land-on-linx]\n",
            "did you mean `windows-workload-may-land-on-linux`?",
        ),
        (
            "exemptions:\n- {rules: [unknown-feild], reason: x}\n",
            "did you mean `unknown-field`?",
        ),
        (
            "exemptions:\n- {rules: [unknown-field]}\n",
            "missing field `reason`",
        ),
        ("failOn: sometimes\n", "unknown variant `sometimes`"),
        (
            "perPathIgnores: {\"a/**\": [nope]}\n",
            "unknown rule or category `nope`",
        ),
    ];
    for (config, expected) in cases {
        let run = config_run(config, &[], &[]);
        assert_eq!(run.code, 2, "{config}");
        // miette wraps long messages: compare with the wrapping undone.
        let flat = run
            .stderr
            .replace('│', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(flat.contains(expected), "{config}: {}", run.stderr);
        assert!(
            run.stderr.contains(".winlint.yaml:"),
            "{config}: no file:line in {}",
            run.stderr
        );
    }
}

#[test]
fn baseline_records_today_and_reports_new_and_fixed() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect("repo root");
    let d = dir.path();
    let bad = bad();
    let dup = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: x, a: y}\n";
    std::fs::write(d.join("a.yaml"), &bad).expect("write");
    std::fs::write(d.join("c.yaml"), dup).expect("write");
    let today = winlint_in(d, &["--format", "json", "."], None);
    let v: serde_json::Value = serde_json::from_str(&today.stdout).expect("json");
    let count = v["findings"].as_array().expect("findings").len();
    assert!(count >= 2);
    let write = winlint_in(
        d,
        &["--write-baseline", ".winlint-baseline.json", "."],
        None,
    );
    assert_eq!(write.code, 0, "{}", write.stderr);
    assert!(
        write
            .stderr
            .contains(&format!("wrote {count} baseline entries")),
        "{}",
        write.stderr
    );
    let text = std::fs::read_to_string(d.join(".winlint-baseline.json")).expect("baseline");
    assert!(
        !text.contains("\"line\""),
        "entries are not matched by line"
    );
    std::fs::write(
        d.join(".winlint.yaml"),
        "baseline: .winlint-baseline.json\n",
    )
    .expect("config");

    let clean = winlint_in(d, &["--format", "concise", "."], None);
    assert_eq!(clean.code, 0, "{}", clean.stdout);
    assert!(
        clean.stdout.contains(&format!("({count} suppressed)")),
        "{}",
        clean.stdout
    );

    // Edits elsewhere move lines; a new mistake is reported; a fixed one is counted.
    std::fs::write(
        d.join("a.yaml"),
        format!("# a comment\n# and another\n{bad}"),
    )
    .expect("write");
    std::fs::write(d.join("c.yaml"), dup.replace(", a: y", "")).expect("write");
    std::fs::write(d.join("new.yaml"), &bad).expect("write");
    let after = winlint_in(d, &["--format", "concise", "."], None);
    assert_eq!(after.code, 1);
    let reported: Vec<&str> = after.stdout.lines().filter(|l| l.contains("[")).collect();
    assert!(
        !reported.is_empty() && reported.iter().all(|l| l.starts_with("./new.yaml:")),
        "{}",
        after.stdout
    );
    assert!(
        after
            .stderr
            .contains("1 baseline entries match no finding any more (fixed)"),
        "{}",
        after.stderr
    );
    let everything = winlint_in(d, &["--format", "concise", "--no-suppressions", "."], None);
    assert!(
        everything.stdout.contains("./a.yaml:20:5"),
        "{}",
        everything.stdout
    );
}

#[test]
fn rule_commands() {
    let list = winlint(&["rules", "--format", "json"], None);
    assert_eq!(list.code, 0);
    let v: serde_json::Value = serde_json::from_str(&list.stdout).expect("json");
    assert!(v.as_array().expect("array").iter().any(|r| r["name"]
        == "windows-workload-may-land-on-linux"
        && r["category"] == "correctness"));
    let text = winlint(&["rules"], None);
    assert!(text.stdout.lines().any(|l| l.starts_with("unknown-field ")
        && l.contains("suspicious")
        && l.contains("warning")));
    let doc = winlint(&["rule", "unknown-field"], None);
    assert!(doc.stdout.starts_with("# unknown-field\n"));
    let missing = winlint(&["rule", "unknown-feild"], None);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("did you mean `unknown-field`?"));
    let md = winlint(&["rules", "--format", "markdown"], None);
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    assert!(
        readme.contains(md.stdout.trim()),
        "README rule table differs from `winlint rules --format markdown`"
    );
    let completions = winlint(&["completions", "bash"], None);
    assert!(completions.stdout.contains("_winlint()"));
}

#[test]
fn config_schema_matches_the_config_parser() {
    let run = winlint(&["config-schema"], None);
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).expect("schema is JSON");
    // Every object of the config, as the parser sees it and as the schema documents it.
    let places: [(&[&str], &str); 9] = [
        (&["helm"], "/properties/helm/properties"),
        (&[], "/properties"),
        (&["cluster"], "/properties/cluster/properties"),
        (
            &["cluster", "nodePools"],
            "/properties/cluster/properties/nodePools/items/properties",
        ),
        (
            &["cluster", "runtimeClasses"],
            "/properties/cluster/properties/runtimeClasses/items/properties",
        ),
        (&["rules"], "/properties/rules/properties"),
        (&["images"], "/properties/images/properties"),
        (&["exemptions"], "/properties/exemptions/items/properties"),
        (
            &["cluster", "nodePools", "taints"],
            "/properties/cluster/properties/nodePools/items/properties/taints/items/properties",
        ),
    ];
    for (path, pointer) in places {
        let mut documented: Vec<String> = schema
            .pointer(pointer)
            .and_then(|v| v.as_object())
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        documented.sort();
        let mut accepted: Vec<String> = winlint::engine::config::keys_at(path)
            .iter()
            .map(|s| s.to_string())
            .collect();
        accepted.sort();
        assert_eq!(
            documented, accepted,
            "schema and parser disagree at {path:?}"
        );
    }
    // Example configs used in tests validate against the schema.
    let examples = [
        root().join("fixtures/config/tainted-linux.winlint.yaml"),
        root().join("fixtures/config/gmsa-webhook.winlint.yaml"),
        root().join("fixtures/config/azure-policy.winlint.yaml"),
    ];
    for ex in examples {
        let out = Command::new(python())
            .arg("-c")
            .arg("import json,sys,jsonschema\nschema=json.loads(sys.argv[1])\ndoc=json.loads(sys.argv[2])\njsonschema.validate(doc, schema)")
            .arg(&run.stdout)
            .arg(yaml_to_json(&ex))
            .output()
            .expect("python");
        assert!(
            out.status.success(),
            "{}: {}",
            ex.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Converts a config file to JSON through winlint's own YAML layer.
fn yaml_to_json(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("read");
    let chunk = winlint::yaml::split_documents(&text)[0];
    let arena = winlint::yaml::Arena::new();
    let limits = winlint::yaml::Limits::default();
    let docs = winlint::yaml::parse_chunk(&arena, chunk, limits).expect("yaml");
    let v: serde_json::Value = winlint::yaml::from_node(&docs[0].root).expect("value");
    v.to_string()
}

#[test]
fn pre_commit_runs_the_hook() {
    let python = python();
    let pre_commit = python.with_file_name("pre-commit");
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(root())
        .output()
        .expect("git");
    let rev = String::from_utf8(head.stdout)
        .expect("utf-8")
        .trim()
        .to_owned();
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(d)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
            .env("PRE_COMMIT_HOME", root().join(".tools/pre-commit-home"))
            .env("XDG_CACHE_HOME", common::test_cache_home())
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    pre_commit.parent().expect("bin").display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .output()
            .expect("git runs")
    };
    assert!(git(&["init", "-q"]).status.success());
    std::fs::write(
        d.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n- repo: {}\n  rev: {rev}\n  hooks:\n  - id: winlint\n",
            root().display()
        ),
    )
    .expect("config");
    let install = Command::new(&pre_commit)
        .arg("install")
        .current_dir(d)
        .env("PRE_COMMIT_HOME", root().join(".tools/pre-commit-home"))
        .output()
        .expect("pre-commit");
    assert!(
        install.status.success(),
        "{}",
        String::from_utf8_lossy(&install.stderr)
    );
    std::fs::write(d.join("deploy.yaml"), bad()).expect("write");
    assert!(git(&["add", "."]).status.success());
    let rejected = git(&["commit", "-qm", "bad manifest"]);
    let out = String::from_utf8_lossy(&rejected.stdout).into_owned()
        + &String::from_utf8_lossy(&rejected.stderr);
    assert!(
        !rejected.status.success(),
        "the hook must reject the bad manifest:\n{out}"
    );
    assert!(out.contains("windows-workload-may-land-on-linux"), "{out}");
    std::fs::write(
        d.join("deploy.yaml"),
        std::fs::read_to_string(root().join("fixtures/examples/win-webserver-complete.yaml"))
            .expect("good"),
    )
    .expect("write");
    assert!(git(&["add", "."]).status.success());
    let accepted = git(&["commit", "-qm", "good manifest"]);
    let out = String::from_utf8_lossy(&accepted.stdout).into_owned()
        + &String::from_utf8_lossy(&accepted.stderr);
    assert!(
        accepted.status.success(),
        "the hook must pass the good manifest:\n{out}"
    );

    // A RuntimeClass and the pods that name it, in different files among others: the hook
    // sees them in one process (require_serial), as one direct run does.
    let rc = std::fs::read_to_string(
        root().join("fixtures/placement/default/runtimeclass/runtimeclasses.yaml"),
    )
    .expect("runtimeclasses");
    let first = rc.split("\n---\n").next().expect("first RuntimeClass");
    std::fs::write(d.join("a-runtimeclass.yaml"), first).expect("write");
    let pod = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: iis}\nspec:\n  selector:\n    matchLabels: {app: iis}\n  template:\n    metadata:\n      labels: {app: iis}\n    spec:\n      os: {name: windows}\n      runtimeClassName: windows-2019\n      containers:\n      - name: iis\n        image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019\n";
    for i in 0..6 {
        std::fs::write(
            d.join(format!("pod-{i}.yaml")),
            pod.replace("iis}", &format!("iis{i}}}")),
        )
        .expect("write");
    }
    let direct = winlint_in(d, &["--format", "concise", "."], None);
    assert_eq!(
        direct.code, 0,
        "one direct run is clean:\n{}",
        direct.stdout
    );
    assert!(git(&["add", "."]).status.success());
    let split = git(&["commit", "-qm", "runtime class and its pods"]);
    let out = String::from_utf8_lossy(&split.stdout).into_owned()
        + &String::from_utf8_lossy(&split.stderr);
    assert!(
        split.status.success(),
        "the hook must agree with one direct run:\n{out}"
    );
    assert!(!out.contains("runtimeclass-not-found"), "{out}");
}

/// Runs git in `dir` as the pre-commit hook sees it: a fixed identity, the shared
/// pre-commit cache, and `path` first on PATH.
fn git_in(dir: &Path, path: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .env("PRE_COMMIT_HOME", root().join(".tools/pre-commit-home"))
        .env(
            "PATH",
            format!(
                "{}:{}",
                path.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .output()
        .expect("git runs")
}

/// The README's `.pre-commit-config.yaml` example (a YAML block with `repos:`) that uses `hook`.
fn readme_pre_commit_config(hook: &str) -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    readme
        .split("```yaml\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .find(|block| block.starts_with("repos:") && block.contains(&format!("- id: {hook} ")))
        .unwrap_or_else(|| panic!("README has no pre-commit example with hook {hook}"))
        .to_owned()
}

/// The concise finding lines of an output (`path:line:col: severity[rule] message`), sorted.
fn finding_lines(out: &str) -> Vec<String> {
    let mut lines: Vec<String> = out
        .lines()
        .filter(|l| {
            let mut parts = l.splitn(4, ':');
            let (_, line, col) = (parts.next(), parts.next(), parts.next());
            line.is_some_and(|n| n.parse::<u32>().is_ok())
                && col.is_some_and(|n| n.parse::<u32>().is_ok())
                && l.contains('[')
        })
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines
}

#[test]
fn pre_commit_system_hook_lints_files_together() {
    let python = python();
    let pre_commit = python.with_file_name("pre-commit");
    let built = PathBuf::from(env!("CARGO_BIN_EXE_winlint"));
    // The built winlint first on PATH, then pre-commit.
    let path = std::env::join_paths([
        built.parent().expect("bin dir"),
        pre_commit.parent().expect("venv bin"),
    ])
    .expect("PATH");
    let path = PathBuf::from(path);
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(root())
        .output()
        .expect("git");
    let rev = String::from_utf8(head.stdout)
        .expect("utf-8")
        .trim()
        .to_owned();
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    assert!(git_in(d, &path, &["init", "-q"]).status.success());
    // The README's example, pointed at this checkout, with concise output to compare.
    let config = readme_pre_commit_config("winlint-system")
        .replace(
            "https://github.com/winlint/winlint",
            &root().display().to_string(),
        )
        .replace("rev: v0.1.0", &format!("rev: {rev}"))
        .replace(
            "  - id: winlint-system ",
            "  - id: winlint-system\n    args: [--format, concise]\n   ",
        );
    assert!(
        config.contains(&rev) && config.contains("args: [--format, concise]"),
        "{config}"
    );
    std::fs::write(d.join(".pre-commit-config.yaml"), config).expect("config");
    // The manifest and the README's other example are valid as written.
    std::fs::write(
        d.join("rust-hooks.yaml"),
        readme_pre_commit_config("winlint"),
    )
    .expect("write");
    for (what, file) in [
        ("validate-manifest", root().join(".pre-commit-hooks.yaml")),
        ("validate-config", d.join("rust-hooks.yaml")),
        ("validate-config", d.join(".pre-commit-config.yaml")),
    ] {
        let out = Command::new(&pre_commit)
            .arg(what)
            .arg(&file)
            .output()
            .expect("pre-commit");
        assert!(
            out.status.success(),
            "{what} {}: {}{}",
            file.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::remove_file(d.join("rust-hooks.yaml")).expect("remove");
    let install = Command::new(&pre_commit)
        .arg("install")
        .current_dir(d)
        .env("PRE_COMMIT_HOME", root().join(".tools/pre-commit-home"))
        .output()
        .expect("pre-commit");
    assert!(
        install.status.success(),
        "{}",
        String::from_utf8_lossy(&install.stderr)
    );

    // A RuntimeClass, the pods that name it, one pod naming a RuntimeClass nowhere defined
    // and one without an OS selector, each in its own file: more files than one batch when
    // pre-commit spreads them over processes.
    let rc = std::fs::read_to_string(
        root().join("fixtures/placement/default/runtimeclass/runtimeclasses.yaml"),
    )
    .expect("runtimeclasses");
    let first = rc.split("\n---\n").next().expect("first RuntimeClass");
    let mut files = vec!["a-runtimeclass.yaml".to_owned()];
    std::fs::write(d.join(&files[0]), first).expect("write");
    let pod = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: iis}\nspec:\n  selector:\n    matchLabels: {app: iis}\n  template:\n    metadata:\n      labels: {app: iis}\n    spec:\n      os: {name: windows}\n      runtimeClassName: windows-2019\n      containers:\n      - name: iis\n        image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019\n";
    for i in 0..8 {
        let name = format!("pod-{i}.yaml");
        std::fs::write(d.join(&name), pod.replace("iis}", &format!("iis{i}}}"))).expect("write");
        files.push(name);
    }
    std::fs::write(
        d.join("pod-missing-class.yaml"),
        pod.replace("windows-2019", "windows-2025"),
    )
    .expect("write");
    std::fs::write(d.join("web.yaml"), bad()).expect("write");
    files.push("pod-missing-class.yaml".to_owned());
    files.push("web.yaml".to_owned());
    files.sort();

    let mut args = vec!["--format", "concise"];
    args.extend(files.iter().map(String::as_str));
    let direct = winlint_in(d, &args, None);
    assert_eq!(direct.code, 1, "{}", direct.stdout);
    let want = finding_lines(&direct.stdout);
    assert!(
        want.iter()
            .any(|l| l.starts_with("pod-missing-class.yaml:")
                && l.contains("[runtimeclass-not-found]")),
        "{}",
        direct.stdout
    );
    assert!(
        want.iter()
            .any(|l| l.starts_with("web.yaml:")
                && l.contains("[windows-workload-may-land-on-linux]")),
        "{}",
        direct.stdout
    );

    assert!(git_in(d, &path, &["add", "."]).status.success());
    let commit = git_in(d, &path, &["commit", "-qm", "runtime class and its pods"]);
    let out = String::from_utf8_lossy(&commit.stdout).into_owned()
        + &String::from_utf8_lossy(&commit.stderr);
    assert!(
        !commit.status.success(),
        "the hook must reject the commit:\n{out}"
    );
    assert!(out.contains("- hook id: winlint-system"), "{out}");
    assert_eq!(
        finding_lines(&out),
        want,
        "the hook's findings differ from one direct run:\n{out}"
    );
}
