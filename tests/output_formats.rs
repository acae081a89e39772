//! CI output formats through the real binary (issue 16): `--statistics` and the JSON
//! `byRule`, the GitHub step summary, the progress bar on a shared terminal (a real pty),
//! SARIF fingerprints, URIs, values profiles and automation id, JUnit test cases per object,
//! and `unused-suppression` judged per name and attributed to its object.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use common::{command, corpus, json, require_tools, root, transcript, winlint, winlint_in};
use serde_json::Value;

const WIN_APP: &str = "fixtures/charts/win-app";
const WIN_APP_CONFIG: &str = "fixtures/charts/win-app.winlint.yaml";

/// The Python that has jsonschema (installed by scripts/install-python-tools).
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

/// Validates SARIF text against ../shared/schemas/sarif-schema-2.1.0.json.
fn validate_sarif(text: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("out.sarif");
    std::fs::write(&path, text).expect("write sarif");
    let schema = root().join("../shared/schemas/sarif-schema-2.1.0.json");
    let script = "import json,sys,jsonschema\njsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))";
    let out = Command::new(python())
        .args(["-c", script])
        .arg(&schema)
        .arg(&path)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "SARIF does not validate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn results(doc: &Value) -> &Vec<Value> {
    doc["runs"][0]["results"].as_array().expect("results")
}

fn artifact(result: &Value) -> &Value {
    &result["locations"][0]["physicalLocation"]["artifactLocation"]
}

#[test]
fn statistics_count_findings_per_rule() {
    let args = ["--format", "concise", "--statistics", "fixtures/examples"];
    let run = winlint(&args, None);
    insta::assert_snapshot!("statistics_concise", transcript(&args, &run));
    // The table comes after the findings and before the summary line.
    let table = run
        .stdout
        .find("count  severity  fixable  rule")
        .expect("table");
    let last_finding = run.stdout.rfind("fixtures/examples/").expect("findings");
    assert!(table > last_finding, "{}", run.stdout);
    assert!(run.stdout[table..].contains("\nChecked "), "{}", run.stdout);

    // JSON: byRule counts what the findings array holds, in rule-name order.
    let v = json(&winlint(&["--format", "json", "fixtures/examples"], None));
    let mut want: BTreeMap<String, usize> = BTreeMap::new();
    for f in v["findings"].as_array().expect("findings") {
        *want
            .entry(f["rule"].as_str().expect("rule").into())
            .or_default() += 1;
    }
    let by_rule = v["summary"]["byRule"].as_object().expect("byRule");
    let got: BTreeMap<String, usize> = by_rule
        .iter()
        .map(|(k, c)| (k.clone(), c["count"].as_u64().expect("count") as usize))
        .collect();
    assert_eq!(got, want);
    let keys: Vec<&String> = by_rule.keys().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "byRule is in rule-name order");
    assert_eq!(
        by_rule["windows-workload-may-land-on-linux"]["severity"],
        "error"
    );

    // The human table is the same; -q drops the summary line, not the table.
    let human = winlint(&["--statistics", "-q", "fixtures/examples"], None);
    let concise_table = &run.stdout[table..run.stdout.find("\nChecked ").expect("summary") + 1];
    assert!(human.stdout.ends_with(concise_table), "{}", human.stdout);
}

#[test]
fn github_appends_a_step_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "# an earlier step\n").expect("write");
    let out = command(&root(), &["--format", "github", "fixtures/examples"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("winlint runs");
    assert_eq!(out.status.code(), Some(1));
    let md = std::fs::read_to_string(&summary).expect("summary");
    assert!(md.starts_with("# an earlier step\n\n## winlint\n"), "{md}");
    insta::assert_snapshot!("github_step_summary", md);
    // Without the variable nothing is written, and the annotations are the same.
    let plain = winlint(&["--format", "github", "fixtures/examples"], None);
    assert_eq!(plain.stdout, String::from_utf8_lossy(&out.stdout));
}

#[test]
fn github_summary_lists_ten_files_at_most() {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = dir.path().join("summary.md");
    let out = command(
        &root(),
        &[
            "--format",
            "github",
            "fixtures/examples",
            "fixtures/precision",
        ],
    )
    .env("GITHUB_STEP_SUMMARY", &summary)
    .output()
    .expect("winlint runs");
    assert_ne!(out.status.code(), Some(2));
    let md = std::fs::read_to_string(&summary).expect("summary");
    let files = md
        .split("### Files with the most findings")
        .nth(1)
        .expect("files section");
    let rows: Vec<u64> = files
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let n = l.trim_end_matches(" |").rsplit("| ").next().expect("count");
            n.parse().expect("a count")
        })
        .collect();
    assert_eq!(rows.len(), 10, "{md}");
    assert!(rows.windows(2).all(|w| w[0] >= w[1]), "{md}");
    assert!(md.contains("at most 10 error, 10 warning and 10 notice annotations per step"));
}

#[test]
fn values_profile_in_github_and_sarif() {
    require_tools();
    let args = ["--config", WIN_APP_CONFIG, WIN_APP];
    let gh = winlint(&[&["--format", "github"][..], &args].concat(), None);
    let lines: Vec<&str> = gh.stdout.lines().collect();
    assert!(!lines.is_empty());
    for l in &lines {
        assert!(l.contains(" (values profile windows)"), "{l}");
    }
    let sarif = winlint(&[&["--format", "sarif"][..], &args].concat(), None);
    validate_sarif(&sarif.stdout);
    let doc: Value = serde_json::from_str(&sarif.stdout).expect("sarif");
    assert_eq!(
        doc["runs"][0]["automationDetails"]["id"],
        "winlint/default+windows/"
    );
    for r in results(&doc) {
        assert_eq!(r["properties"]["rendered"]["profile"], "windows", "{r:#}");
        assert!(r["properties"]["rendered"]["line"].as_u64().is_some());
        let text = r["message"]["text"].as_str().expect("text");
        assert!(
            text.contains("(values profile windows)\n\nhelp: "),
            "{text}"
        );
    }
    // Without profiles the analysis is the default one.
    let plain = winlint(&["--format", "sarif", "fixtures/examples"], None);
    let doc: Value = serde_json::from_str(&plain.stdout).expect("sarif");
    assert_eq!(
        doc["runs"][0]["automationDetails"]["id"],
        "winlint/default/"
    );
}

#[test]
fn sarif_fingerprints_are_unique_on_the_corpus() {
    require_tools();
    let corpus = corpus();
    let corpus = corpus.to_str().expect("utf-8");
    // `all` adds the Azure Policy rules, which report each container at the pod-level user
    // name it inherits: findings that share rule, file, object and field.
    for select in [None, Some("all")] {
        let mut args = vec!["--format", "sarif"];
        if let Some(s) = select {
            args.extend(["--select", s]);
        }
        args.push(corpus);
        let run = winlint(&args, None);
        assert_ne!(run.code, 2, "{}", run.stderr);
        let doc: Value = serde_json::from_str(&run.stdout).expect("sarif");
        let all = results(&doc);
        let fingerprints: BTreeSet<&str> = all
            .iter()
            .map(|r| r["partialFingerprints"]["winlint/v1"].as_str().expect("fp"))
            .collect();
        assert!(all.len() > 500, "{}", all.len());
        assert_eq!(fingerprints.len(), all.len(), "--select {select:?}");
        if select.is_some() {
            assert!(fingerprints.iter().any(|f| f.ends_with("/1")));
        }
    }
}

#[test]
fn sarif_uris_for_stdin_and_odd_file_names() {
    let text =
        std::fs::read_to_string(root().join("fixtures/examples/typos.yaml")).expect("fixture");
    let unnamed = winlint(&["--format", "sarif", "-"], Some(&text));
    validate_sarif(&unnamed.stdout);
    let doc: Value = serde_json::from_str(&unnamed.stdout).expect("sarif");
    for r in results(&doc) {
        assert_eq!(artifact(r)["uri"], "stdin");
        assert!(artifact(r)["uriBaseId"].is_null());
    }
    let named = winlint(
        &[
            "--format",
            "sarif",
            "--stdin-filename",
            "deploy/web app.yaml",
            "-",
        ],
        Some(&text),
    );
    validate_sarif(&named.stdout);
    let doc: Value = serde_json::from_str(&named.stdout).expect("sarif");
    for r in results(&doc) {
        assert_eq!(artifact(r)["uri"], "deploy/web%20app.yaml");
        assert_eq!(artifact(r)["uriBaseId"], "%SRCROOT%");
    }

    // A repository whose folder and file names need escaping.
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path().join("my repo");
    std::fs::create_dir_all(repo.join(".git")).expect("repo");
    std::fs::create_dir_all(repo.join("dé ploy")).expect("folder");
    std::fs::write(repo.join("dé ploy/web #1 100%.yaml"), &text).expect("write");
    let run = winlint_in(&repo, &["--format", "sarif", "."], None);
    validate_sarif(&run.stdout);
    let doc: Value = serde_json::from_str(&run.stdout).expect("sarif");
    assert_eq!(
        artifact(&results(&doc)[0])["uri"],
        "d%C3%A9%20ploy/web%20%231%20100%25.yaml"
    );
    let base = doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("base");
    assert!(
        base.starts_with("file:///") && base.ends_with("/my%20repo/"),
        "{base}"
    );
}

#[test]
fn junit_has_a_case_per_object() {
    let run = winlint(
        &["--format", "junit", "fixtures/output/two-objects.yaml"],
        None,
    );
    assert_eq!(run.code, 1);
    let xml = &run.stdout;
    assert!(
        xml.contains("<testsuite name=\"fixtures/output/two-objects.yaml\" tests=\"2\""),
        "{xml}"
    );
    // The clean ConfigMap passes; the Pod fails, in file order.
    let clean = xml
        .find("<testcase name=\"ConfigMap/settings\" classname=\"fixtures/output/two-objects.yaml\"/>")
        .expect("a passing case for the clean object");
    let pod = xml.find("<testcase name=\"Pod/iis\"").expect("pod case");
    assert!(clean < pod, "{xml}");
    assert!(xml[pod..].contains("<failure type="), "{xml}");
}

#[test]
fn unused_suppressions_are_judged_per_name_and_belong_to_their_object() {
    let file = "fixtures/output/unused-suppressions.yaml";
    let args = ["--format", "concise", file];
    let run = winlint(&args, None);
    insta::assert_snapshot!("unused_suppressions", transcript(&args, &run));
    let v = json(&winlint(&["--format", "json", file], None));
    let unused: Vec<&Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "unused-suppression")
        .collect();
    let at = |line: u64| -> Vec<&Value> {
        unused
            .iter()
            .copied()
            .filter(|f| f["line"] == line)
            .collect()
    };
    // The file-level comment belongs to no object.
    assert_eq!(at(1).len(), 1);
    assert!(at(1)[0]["resource"].is_null());
    // The annotation and the comments inside the Pod belong to it.
    for line in [9, 13, 21] {
        for f in at(line) {
            assert_eq!(f["resource"]["name"], "iis", "{f:#}");
            assert_eq!(f["resource"]["kind"], "Pod", "{f:#}");
        }
    }
    // `windows-taint-not-tolerated,no-such-rule`: the unknown name does not hide that the
    // known one silences nothing (the pod tolerates the taint).
    let messages: Vec<&str> = at(13)
        .iter()
        .map(|f| f["message"].as_str().expect("message"))
        .collect();
    assert_eq!(
        messages,
        [
            "suppression names unknown rule `no-such-rule`",
            "suppression of `windows-taint-not-tolerated` matches no finding"
        ]
    );
    let typo = at(21);
    assert_eq!(typo.len(), 1);
    assert!(
        typo[0]["help"]
            .as_str()
            .expect("help")
            .contains("did you mean `windows-build-unpinned`?"),
        "{:#}",
        typo[0]
    );
}

#[test]
fn a_used_suppression_still_reports_its_unknown_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text =
        std::fs::read_to_string(root().join("fixtures/examples/typos.yaml")).expect("fixture");
    // typos.yaml has an unknown field on line 8: suppress it with a known and an unknown name.
    let lines: Vec<&str> = text.lines().collect();
    let mut edited = lines[..7].join("\n");
    edited.push_str("\n  # winlint-ignore unknown-field,not-a-rule\n");
    edited.push_str(&lines[7..].join("\n"));
    edited.push('\n');
    std::fs::write(dir.path().join("a.yaml"), edited).expect("write");
    let before = winlint_in(dir.path(), &["--format", "json", "a.yaml"], None);
    let v = json(&before);
    let rules: Vec<(&str, &str)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["line"] == 8 || f["line"] == 9)
        .map(|f| {
            (
                f["rule"].as_str().expect("rule"),
                f["message"].as_str().expect("message"),
            )
        })
        .collect();
    assert_eq!(
        rules,
        [(
            "unused-suppression",
            "suppression names unknown rule `not-a-rule`"
        )],
        "{v:#}"
    );
    assert_eq!(v["summary"]["suppressed"], 1);
}

/// The terminal's screen lines after `raw`: carriage return, erase-line (`ESC[2K`, `ESC[K`)
/// and colours applied, the way a terminal shows them.
fn screen_lines(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    let mut lines = Vec::new();
    let mut line: Vec<char> = Vec::new();
    let mut col = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                lines.push(line.iter().collect());
                line.clear();
                col = 0;
            }
            '\r' => col = 0,
            '\x1b' if chars.peek() == Some(&'[') => {
                chars.next();
                let mut params = String::new();
                let mut end = ' ';
                for p in chars.by_ref() {
                    if p.is_ascii_alphabetic() {
                        end = p;
                        break;
                    }
                    params.push(p);
                }
                if end == 'K' {
                    match params.as_str() {
                        "2" => line.clear(),
                        _ => line.truncate(col),
                    }
                }
            }
            c => {
                if col < line.len() {
                    line[col] = c;
                } else {
                    line.resize(col, ' ');
                    line.push(c);
                }
                col += 1;
            }
        }
    }
    lines.push(line.iter().collect());
    lines
}

/// Runs winlint with stdout and stderr on one pseudo-terminal (Python's pty module) and
/// returns everything the terminal received.
fn on_a_terminal(args: &[&str]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("tty.out");
    let script = r#"
import fcntl, os, pty, struct, subprocess, sys, termios
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
child = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
os.close(slave)
data = bytearray()
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
child.wait()
open(sys.argv[1], "wb").write(data)
"#;
    let status = Command::new(python())
        .arg("-c")
        .arg(script)
        .arg(&out)
        .arg(env!("CARGO_BIN_EXE_winlint"))
        .args(args)
        .current_dir(root())
        .env_remove("CI")
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .status()
        .expect("python runs");
    assert!(status.success());
    std::fs::read(&out).expect("terminal output")
}

fn is_finding(line: &str) -> bool {
    ["error[", "warning[", "info["]
        .iter()
        .any(|m| line.contains(m))
}

/// Does `text` hold the bar's `12/345 files`?
fn has_bar(text: &str) -> bool {
    text.match_indices(" files").any(|(i, _)| {
        text[..i]
            .rsplit([' ', '\r', '\n'])
            .next()
            .is_some_and(|w| w.contains('/') && w.chars().all(|c| c.is_ascii_digit() || c == '/'))
    })
}

#[test]
fn progress_bar_never_starts_a_finding_line() {
    require_tools();
    let corpus = corpus();
    let corpus = corpus.to_str().expect("utf-8");
    let args = ["--format", "concise", corpus];
    let raw = on_a_terminal(&args);
    // The corpus takes seconds, so the bar (shown after a second) is drawn.
    assert!(
        has_bar(&String::from_utf8_lossy(&raw)),
        "the progress bar was never drawn"
    );
    let screen = screen_lines(&raw);
    let shown: Vec<&str> = screen
        .iter()
        .map(String::as_str)
        .filter(|l| is_finding(l))
        .collect();
    // Every finding line reached the terminal whole: the same lines as through a pipe, none
    // starting with the bar. The bar is gone at the end.
    let piped = winlint(&args, None);
    let want: Vec<&str> = piped.stdout.lines().filter(|l| is_finding(l)).collect();
    assert!(want.len() > 100);
    assert_eq!(shown, want);
    assert!(
        !screen.iter().any(|l| has_bar(l)),
        "the bar was left on screen"
    );
    assert!(screen.iter().any(|l| l.starts_with("Checked ")));

    // -q hides the bar (and the summary line).
    let quiet = on_a_terminal(&["--format", "concise", "-q", corpus]);
    assert!(!has_bar(&String::from_utf8_lossy(&quiet)));
}
