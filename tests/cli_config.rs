//! Config, baseline and completion behaviour through the real binary (issue 16): a missing
//! `--config` said once, winlint's own files never linted as manifests when walked, the
//! config schema agreeing with winlint, every config mistake reported, rule names completed.

mod common;

use std::path::Path;

use common::{winlint, winlint_in};

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

#[test]
fn missing_config_file_gives_its_cause_once() {
    let run = winlint(
        &["--config", "no-such-config.yaml", "fixtures/examples"],
        None,
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("cannot read config file `no-such-config.yaml`"),
        "{}",
        run.stderr
    );
    let cause = "No such file or directory";
    assert_eq!(run.stderr.matches(cause).count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("help:"), "{}", run.stderr);
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec:\n  containers:\n  - name: c\n    image: mcr.microsoft.com/windows/nanoserver:ltsc2022\n";

fn files_checked(run: &common::Run) -> String {
    run.stderr
        .lines()
        .chain(run.stdout.lines())
        .find(|l| l.starts_with("Checked "))
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn baseline_config_and_lock_are_not_linted_when_walked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "pod.yaml", POD);
    // Baseline under a YAML name, so the walk would pick it up as a manifest.
    let run = winlint_in(d, &["--write-baseline", "baseline.yaml", "."], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(d.join("baseline.yaml").is_file());
    let run = winlint_in(d, &["--baseline", "baseline.yaml", "."], None);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        files_checked(&run).starts_with("Checked 1 file:"),
        "{}",
        files_checked(&run)
    );
    // The same through the config, which is itself never linted either; a config file and
    // an image lock in a folder below are some other run's and are left out as well.
    write(
        d,
        ".winlint.yaml",
        "baseline: baseline.yaml\nimages: {lockFile: images.lock.json}\n",
    );
    write(d, "images.lock.json", "{\"version\": 1, \"images\": {}}\n");
    write(d, "sub/.winlint.yaml", "rules: {select: [pedantic]}\n");
    let run = winlint_in(d, &["--format", "json", "."], None);
    assert_ne!(run.code, 2, "{}", run.stderr);
    let v = common::json(&run);
    let files = v["summary"]["files"].as_u64();
    assert_eq!(files, Some(1), "{}", run.stdout);
    // Named on the command line, a file is read: that is the user's choice.
    let run = winlint_in(d, &["--format", "json", "baseline.yaml"], None);
    assert_ne!(run.code, 2, "{}", run.stderr);
    assert_eq!(common::json(&run)["summary"]["files"].as_u64(), Some(1));
}

#[test]
fn a_missing_shared_folder_skips_outside_ci_and_fails_in_ci() {
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    let got = std::panic::catch_unwind(|| common::shared_or_skip("no-such-folder"));
    match got {
        Ok(found) => {
            assert!(!in_ci, "CI is set but the missing folder was skipped");
            assert_eq!(found, None);
        }
        Err(panic) => {
            assert!(in_ci, "outside CI a missing folder must skip, not fail");
            let text = panic.downcast_ref::<String>().cloned().unwrap_or_default();
            assert!(text.contains("no-such-folder is missing"), "{text}");
        }
    }
}

/// Every rule name, from `winlint rules --format json`.
fn rule_names() -> Vec<String> {
    let run = winlint(&["rules", "--format", "json"], None);
    common::json(&run)
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|r| r["name"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn completions_offer_rule_names_not_files() {
    let names = rule_names();
    assert!(names.len() > 40, "{names:?}");
    let bash = winlint(&["completions", "bash"], None);
    assert_eq!(bash.code, 0, "{}", bash.stderr);
    // The bash case arms of `--select`, `--ignore` and `winlint rule` list the names.
    for arm in ["--select)", "--ignore)"] {
        let at = bash.stdout.find(arm).expect(arm);
        let body = &bash.stdout[at..at + bash.stdout[at..].find(";;").expect("arm end")];
        assert!(
            !body.contains("compgen -f"),
            "{arm} completes files: {body}"
        );
        for n in names.iter().map(String::as_str).chain(["pedantic", "all"]) {
            assert!(body.contains(n), "{arm} lacks {n}");
        }
    }
    let rule = bash
        .stdout
        .find("winlint__subcmd__rule)")
        .expect("rule arm");
    let opts = bash.stdout[rule..].lines().nth(1).unwrap_or_default();
    assert!(names.iter().all(|n| opts.contains(n.as_str())), "{opts}");
    let fish = winlint(&["completions", "fish"], None);
    assert_eq!(fish.code, 0, "{}", fish.stderr);
    for needle in [
        "-l select",
        "-l ignore",
        "__fish_winlint_using_subcommand rule\" -f -a",
    ] {
        // One `complete` command per option; a value list with summaries spans lines.
        let line = fish
            .stdout
            .split("\ncomplete ")
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no fish line with {needle}"));
        assert!(line.contains(" -f "), "{needle} completes files: {line}");
        assert!(names.iter().all(|n| line.contains(n.as_str())), "{line}");
    }
}

/// The real bash, completing with the generated script: the rule name under the cursor.
#[test]
fn bash_completes_a_rule_name_and_select_keeps_comma_lists() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("winlint.bash");
    std::fs::write(&script, winlint(&["completions", "bash"], None).stdout).expect("write");
    let complete = |words: &str| {
        let program = format!(
            "source \"$1\"; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             _winlint winlint \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\""
        );
        let out = std::process::Command::new("bash")
            .args(["-c", &program, "bash"])
            .arg(&script)
            .output()
            .expect("bash runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(
        complete("winlint --select windows-ta"),
        "windows-taint-not-tolerated\n"
    );
    assert_eq!(complete("winlint --ignore pedan"), "pedantic\n");
    assert_eq!(complete("winlint rule pod-os"), "pod-os-label-mismatch\n");
    // Parsing is unchanged: a comma-separated list still selects both.
    let run = winlint(
        &[
            "--select",
            "pedantic,missing-pod-os-field",
            "--ignore",
            "windows-taint-not-tolerated,unknown-field",
            "--format",
            "concise",
            "fixtures/examples",
        ],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("[missing-pod-os-field]"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("[unknown-field]"), "{}", run.stdout);
    assert!(!run.stdout.contains("[windows-taint-not-tolerated]"));
}

/// Configs (JSON, which is YAML too) and whether winlint accepts them: each top-level key
/// with a valid and a wrong value. The schema must give the same verdict for every one.
const CONFIG_CASES: &[(&str, bool)] = &[
    ("{}", true),
    (
        r#"{"cluster": {"preset": "aks", "runtimeClasses": [{"name": "w", "handler": "runhcs-wcow-process", "scheduling": {"nodeSelector": {"kubernetes.io/os": "windows"}, "tolerations": [{"key": "os", "operator": "Exists"}]}, "overhead": {"podFixed": {"cpu": "250m"}}}]}}"#,
        true,
    ),
    (
        r#"{"cluster": {"nodePools": [{"name": "win", "labels": {"kubernetes.io/os": "windows"}, "taints": [{"key": "os", "value": "windows", "effect": "NoSchedule"}]}]}}"#,
        true,
    ),
    (
        r#"{"rules": {"select": ["pedantic", "all"], "ignore": ["missing-pod-os-field", "suspicious"], "severity": {"windows-build-unpinned": "error", "api-version-removed": "warning"}}}"#,
        true,
    ),
    (
        r#"{"exclude": ["vendor/**"], "failOn": "never", "baseline": ".winlint-baseline.json"}"#,
        true,
    ),
    (
        r#"{"perPathIgnores": {"legacy/*.yaml": ["unknown-field", "pedantic", "all"]}}"#,
        true,
    ),
    (
        r#"{"exemptions": [{"rules": ["windows-workload-may-land-on-linux", "correctness"], "namespaces": ["kube-*"], "kinds": ["DaemonSet"], "names": ["agent-*"], "reason": "vendored"}]}"#,
        true,
    ),
    (
        r#"{"images": {"windows": ["reg.io/win/*"], "linux": ["reg.io/*"], "multiOS": [], "lockFile": "images.lock", "insecureRegistries": ["localhost:5000"]}}"#,
        true,
    ),
    (r#"{"helm": {"valuesProfiles": {"default": []}}}"#, true),
    (
        r#"{"gmsa": {"webhookInstalled": true}, "azurePolicy": {"allowedUserNames": ["ContainerUser"], "excludedImages": [], "excludedNamespaces": ["kube-system"]}}"#,
        true,
    ),
    (r#"{"rules": {"select": ["pedantik"]}}"#, false),
    (r#"{"rules": {"ignore": ["windows-taint"]}}"#, false),
    (r#"{"rules": {"severity": {"not-a-rule": "error"}}}"#, false),
    (r#"{"rules": {"severity": {"pedantic": "error"}}}"#, false),
    (
        r#"{"rules": {"severity": {"duplicate-key": "fatal"}}}"#,
        false,
    ),
    (r#"{"rules": {"selct": ["pedantic"]}}"#, false),
    (
        r#"{"cluster": {"preset": "aks", "nodePools": [{"name": "w"}]}}"#,
        false,
    ),
    (
        r#"{"cluster": {"nodes": "nodes.yaml", "preset": "aks"}}"#,
        false,
    ),
    (r#"{"cluster": {"preset": "eks"}}"#, false),
    (r#"{"cluster": {"nodePools": []}}"#, false),
    (r#"{"cluster": {"nodepools": [{"name": "w"}]}}"#, false),
    (
        r#"{"cluster": {"nodePools": [{"name": "w", "taints": [{"key": "os", "effect": "NoScheduled"}]}]}}"#,
        false,
    ),
    (r#"{"cluster": {"runtimeClasses": [{"name": "w"}]}}"#, false),
    (r#"{"perPathIgnores": {"x/*": ["no-such-rule"]}}"#, false),
    (r#"{"perPathIgnores": {"x/*": "unknown-field"}}"#, false),
    (
        r#"{"exemptions": [{"rules": ["missing-pod-os-field"]}]}"#,
        false,
    ),
    (
        r#"{"exemptions": [{"rules": ["nope"], "reason": "r"}]}"#,
        false,
    ),
    (r#"{"failOn": "sometimes"}"#, false),
    (r#"{"baseline": 3}"#, false),
    (r#"{"exclude": "vendor/**"}"#, false),
    (r#"{"images": {"windows": "reg.io/*"}}"#, false),
    (r#"{"images": {"multiOs": []}}"#, false),
    (
        r#"{"helm": {"valuesProfiles": {"w": "values.yaml"}}}"#,
        false,
    ),
    (r#"{"gmsa": {"webhookInstalled": "yes"}}"#, false),
    (r#"{"azurePolicy": {"allowedUsernames": ["x"]}}"#, false),
    (r#"{"unknown": 1}"#, false),
];

/// The Python with jsonschema (installed by scripts/install-python-tools).
fn python() -> std::path::PathBuf {
    let p = std::env::var_os("WINLINT_TEST_PYTHON")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| common::root().join(".tools/venv/bin/python"));
    assert!(
        p.exists(),
        "{} is missing: run ./scripts/test, which installs the test tools",
        p.display()
    );
    p
}

/// The schema's verdict on each document, from the real jsonschema validator.
fn schema_verdicts(schema: &Path, docs: &Path) -> Vec<bool> {
    let script = "import json,sys,jsonschema\n\
        schema=json.load(open(sys.argv[1]))\n\
        jsonschema.Draft7Validator.check_schema(schema)\n\
        v=jsonschema.Draft7Validator(schema)\n\
        print(''.join('1' if v.is_valid(d) else '0' for d in json.load(open(sys.argv[2]))))";
    let out = std::process::Command::new(python())
        .args(["-c", script])
        .arg(schema)
        .arg(docs)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .chars()
        .map(|c| c == '1')
        .collect()
}

#[test]
fn config_schema_and_winlint_agree_on_every_case() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::create_dir(d.join("manifests")).expect("mkdir");
    write(
        d,
        "nodes.yaml",
        "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Node, metadata: {name: w, labels: {kubernetes.io/os: windows}}}\n",
    );
    // The baseline a valid case names.
    let baseline = winlint_in(
        d,
        &["--write-baseline", ".winlint-baseline.json", "manifests"],
        None,
    );
    assert_eq!(baseline.code, 0, "{}", baseline.stderr);
    // Every top-level key has at least one valid and one wrong case.
    let schema_run = winlint(&["config-schema"], None);
    let schema: serde_json::Value = serde_json::from_str(&schema_run.stdout).expect("JSON");
    let keys: Vec<&String> = schema["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .collect();
    for key in &keys {
        for want in [true, false] {
            assert!(
                CONFIG_CASES
                    .iter()
                    .any(|(doc, ok)| *ok == want && doc.contains(&format!("\"{key}\""))),
                "no {} case for `{key}`",
                if want { "valid" } else { "invalid" }
            );
        }
    }
    let docs: Vec<serde_json::Value> = CONFIG_CASES
        .iter()
        .map(|(doc, _)| serde_json::from_str(doc).expect("case is JSON"))
        .collect();
    write(d, "cases.json", &serde_json::Value::from(docs).to_string());
    write(d, "schema.json", &schema_run.stdout);
    let by_schema = schema_verdicts(&d.join("schema.json"), &d.join("cases.json"));
    assert_eq!(by_schema.len(), CONFIG_CASES.len());
    for (i, ((doc, want), schema_ok)) in CONFIG_CASES.iter().zip(by_schema).enumerate() {
        let name = format!("case-{i}.winlint.yaml");
        write(d, &name, doc);
        let run = winlint_in(d, &["--config", &name, "manifests"], None);
        assert!(run.code == 0 || run.code == 2, "{doc}: {}", run.stderr);
        let winlint_ok = run.code == 0;
        assert_eq!(winlint_ok, *want, "winlint on {doc}: {}", run.stderr);
        assert_eq!(schema_ok, *want, "the schema on {doc}");
    }
}

#[test]
fn checked_in_schema_is_the_generated_one() {
    let run = winlint(&["config-schema"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let file = std::fs::read_to_string(common::root().join("schemas/winlint-config.schema.json"))
        .expect("schema file");
    assert!(
        run.stdout == file,
        "schemas/winlint-config.schema.json is stale: run `winlint config-schema > schemas/winlint-config.schema.json`"
    );
    let v: serde_json::Value = serde_json::from_str(&file).expect("JSON");
    let names = rule_names();
    assert_eq!(
        v["definitions"]["ruleName"]["enum"],
        serde_json::json!(names)
    );
    let selectors = v["definitions"]["ruleSelector"]["enum"]
        .as_array()
        .expect("selector enum");
    for s in
        names
            .iter()
            .map(String::as_str)
            .chain(["correctness", "suspicious", "pedantic", "all"])
    {
        assert!(selectors.iter().any(|x| x == s), "{s}");
    }
}

#[test]
fn every_config_mistake_is_reported_with_its_line_and_help() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::create_dir(d.join("manifests")).expect("mkdir");
    write(
        d,
        "three.yaml",
        "rules:\n  select: [pedantik]\n  severity: {not-a-rule: error}\ncluster:\n  preset: aks\n  nodePools: [{name: w}]\n",
    );
    let run = winlint_in(d, &["--config", "three.yaml", "manifests"], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("invalid config `three.yaml`: 3 mistakes"),
        "{}",
        run.stderr
    );
    for (message, at) in [
        ("unknown rule or category `pedantik`", "three.yaml:2:12"),
        ("unknown rule `not-a-rule`", "three.yaml:3:14"),
        ("`preset` and `nodePools`", "three.yaml:6:3"),
    ] {
        assert_eq!(
            run.stderr.matches(message).count(),
            1,
            "{message}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(at), "{at}: {}", run.stderr);
    }
    // A help per mistake, plus the summary's.
    assert_eq!(run.stderr.matches("help:").count(), 4, "{}", run.stderr);
    // In file order.
    let first = run.stderr.find("pedantik").unwrap_or(usize::MAX);
    let last = run.stderr.find("second cluster model").unwrap_or(0);
    assert!(first < last, "{}", run.stderr);
}
