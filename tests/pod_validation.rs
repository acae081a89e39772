//! The Windows pod validation rules (API validation, admission, kubelet, HostProcess, silent
//! failures, Azure Policy parity): every fixture under `fixtures/pod-validation` marks the
//! lines where a rule must report with `# expect: <rule>`, and nothing else may be reported by
//! the rules under test; CLI snapshots of each fixture folder; the §B.1/§B.2 table test; and
//! the rule docs' field lists against the tables.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{root, transcript, winlint};
use winlint::engine::config::Config;
use winlint::engine::lint::lint_text;
use winlint::engine::lint::Scope;
use winlint::facts::images::Classifier;
use winlint::facts::inventory::Inventory;
use winlint::k8s::windows_fields::{self, Field, CONTAINER_FIELDS, POD_FIELDS};
use winlint::rules;

/// Every rule of this family.
const POD_VALIDATION_RULES: &[&str] = &[
    "os-name-invalid",
    "windows-forbidden-pod-field",
    "windows-forbidden-container-field",
    "linux-pod-windows-options",
    "windows-options-format",
    "hostprocess-inconsistent",
    "run-as-non-root-container-administrator",
    "gmsa-spec-without-name",
    "gmsa-credspec-not-found",
    "gmsa-rbac-missing",
    "gmsa-inline-mismatch",
    "gmsa-initcontainer-not-inlined",
    "hostprocess-user",
    "hostprocess-run-as-non-root",
    "hostprocess-pod-security",
    "windows-linux-only-field-ignored",
    "windows-unsupported-pod-feature",
    "windows-options-on-linux-target",
    "azure-windows-resources",
    "azure-windows-container-admin",
    "azure-windows-allowed-usernames",
    "azure-windows-hostprocess",
];

const GMSA_RULES: &[&str] = &[
    "gmsa-spec-without-name",
    "gmsa-credspec-not-found",
    "gmsa-rbac-missing",
    "gmsa-inline-mismatch",
    "gmsa-initcontainer-not-inlined",
];

const AZURE_RULES: &[&str] = &[
    "azure-windows-resources",
    "azure-windows-container-admin",
    "azure-windows-allowed-usernames",
    "azure-windows-hostprocess",
];

/// A fixture folder, the rules it tests, and the config it needs.
struct Case {
    dir: &'static str,
    rules: &'static [&'static str],
    config: Option<&'static str>,
}

const fn case(dir: &'static str, rules: &'static [&'static str]) -> Case {
    Case {
        dir,
        rules,
        config: None,
    }
}

const CASES: &[Case] = &[
    case("os-name-invalid", &["os-name-invalid"]),
    case(
        "windows-forbidden-pod-field",
        &["windows-forbidden-pod-field"],
    ),
    case(
        "windows-forbidden-container-field",
        &["windows-forbidden-container-field"],
    ),
    case("linux-pod-windows-options", &["linux-pod-windows-options"]),
    case("windows-options-format", &["windows-options-format"]),
    case("hostprocess-inconsistent", &["hostprocess-inconsistent"]),
    case(
        "run-as-non-root-container-administrator",
        &["run-as-non-root-container-administrator"],
    ),
    case("gmsa-spec-without-name", &["gmsa-spec-without-name"]),
    case("gmsa-credspec-not-found", &["gmsa-credspec-not-found"]),
    case("gmsa-rbac-missing", &["gmsa-rbac-missing"]),
    case("gmsa-inline-mismatch", &["gmsa-inline-mismatch"]),
    case(
        "gmsa-initcontainer-not-inlined",
        &["gmsa-initcontainer-not-inlined"],
    ),
    case("gmsa-gate-off", GMSA_RULES),
    Case {
        dir: "gmsa-webhook-config",
        rules: GMSA_RULES,
        config: Some("fixtures/config/gmsa-webhook.winlint.yaml"),
    },
    case("hostprocess-user", &["hostprocess-user"]),
    case(
        "hostprocess-run-as-non-root",
        &["hostprocess-run-as-non-root"],
    ),
    case("hostprocess-pod-security", &["hostprocess-pod-security"]),
    case(
        "windows-linux-only-field-ignored",
        &["windows-linux-only-field-ignored"],
    ),
    case(
        "windows-unsupported-pod-feature",
        &["windows-unsupported-pod-feature"],
    ),
    case(
        "windows-options-on-linux-target",
        &["windows-options-on-linux-target"],
    ),
    case("azure-windows-resources", &["azure-windows-resources"]),
    case(
        "azure-windows-container-admin",
        &["azure-windows-container-admin"],
    ),
    case(
        "azure-windows-allowed-usernames",
        &["azure-windows-allowed-usernames"],
    ),
    case("azure-windows-hostprocess", &["azure-windows-hostprocess"]),
    Case {
        dir: "azure-policy-config",
        rules: AZURE_RULES,
        config: Some("fixtures/config/azure-policy.winlint.yaml"),
    },
];

fn args(case: &Case, format: &str) -> Vec<String> {
    let mut a: Vec<String> = vec![
        "--format".into(),
        format.into(),
        "--fail-on".into(),
        "never".into(),
        "--ignore".into(),
        "all".into(),
        "--select".into(),
        case.rules.join(","),
    ];
    if let Some(c) = case.config {
        a.push("--config".into());
        a.push(c.into());
    }
    a.push(format!("fixtures/pod-validation/{}", case.dir));
    a
}

/// `(line, rule)` of every `# expect: <rule>` marker in a fixture.
fn expected(text: &str) -> BTreeSet<(u64, String)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let rule = l.split("# expect: ").nth(1)?.trim();
            Some((i as u64 + 1, rule.to_owned()))
        })
        .collect()
}

#[test]
fn every_fixture_folder_is_a_case_and_every_rule_has_one() {
    let dir = root().join("fixtures/pod-validation");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures/pod-validation")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CASES.iter().map(|c| c.dir.to_owned()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "fixtures/pod-validation and CASES disagree"
    );
    for rule in POD_VALIDATION_RULES {
        assert!(rules::find(rule).is_some(), "{rule} is not registered");
        assert!(
            CASES.iter().any(|c| c.dir == *rule),
            "{rule} has no fixture folder"
        );
    }
}

#[test]
fn fixtures_report_exactly_the_marked_lines() {
    for case in CASES {
        let a = args(case, "json");
        let argv: Vec<&str> = a.iter().map(String::as_str).collect();
        let run = winlint(&argv, None);
        assert_eq!(run.code, 0, "{}: {}", case.dir, run.stderr);
        let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
        let findings = v["findings"].as_array().expect("findings");
        let dir = root().join("fixtures/pod-validation").join(case.dir);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("case folder")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        let mut triggers = 0;
        for path in files {
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&path).expect("fixture");
            let want = expected(&text);
            let shown = format!("fixtures/pod-validation/{}/{name}", case.dir);
            let got: BTreeSet<(u64, String)> = findings
                .iter()
                .filter(|f| f["file"] == shown.as_str())
                .filter(|f| case.rules.iter().any(|r| f["rule"] == *r))
                .map(|f| {
                    (
                        f["line"].as_u64().expect("line"),
                        f["rule"].as_str().expect("rule").to_owned(),
                    )
                })
                .collect();
            if name.starts_with("trigger-") {
                triggers += 1;
                assert!(!want.is_empty(), "{shown}: a trigger fixture marks no line");
            } else {
                assert!(
                    want.is_empty(),
                    "{shown}: only trigger-* fixtures mark lines"
                );
            }
            assert_eq!(got, want, "{shown}: reported (line, rule) vs marked");
        }
        let needs_trigger = !matches!(case.dir, "gmsa-gate-off");
        assert_eq!(
            triggers > 0,
            needs_trigger,
            "{}: trigger fixtures",
            case.dir
        );
    }
}

#[test]
fn fixture_folders_concise() {
    for case in CASES {
        let a = args(case, "concise");
        let argv: Vec<&str> = a.iter().map(String::as_str).collect();
        let run = winlint(&argv, None);
        insta::assert_snapshot!(format!("concise-{}", case.dir), transcript(&argv, &run));
    }
}

#[test]
fn human_format_with_secondary_labels() {
    let argv = [
        "--color",
        "never",
        "--ignore",
        "all",
        "--select",
        "windows-forbidden-container-field,hostprocess-inconsistent",
        "fixtures/pod-validation/windows-forbidden-container-field/trigger-every-container-list.yaml",
        "fixtures/pod-validation/hostprocess-inconsistent/trigger-mixed-and-no-host-network.yaml",
    ];
    let run = winlint(&argv, None);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("human", transcript(&argv, &run));
}

#[test]
fn json_format_fields() {
    let argv = [
        "--format",
        "json",
        "--ignore",
        "all",
        "--select",
        "windows-options-format",
        "fixtures/pod-validation/windows-options-format/trigger-gmsa-fields.yaml",
    ];
    let run = winlint(&argv, None);
    insta::assert_snapshot!("json", transcript(&argv, &run));
}

#[test]
fn pedantic_rules_are_off_by_default() {
    let dir = "fixtures/pod-validation/azure-windows-resources";
    let off = winlint(&["--format", "json", "--fail-on", "never", dir], None);
    let on = winlint(
        &[
            "--format",
            "json",
            "--fail-on",
            "never",
            "--select",
            "pedantic",
            dir,
        ],
        None,
    );
    let count = |s: &str| {
        let v: serde_json::Value = serde_json::from_str(s).expect("json");
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| AZURE_RULES.iter().any(|r| f["rule"] == *r))
            .count()
    };
    assert_eq!(count(&off.stdout), 0);
    assert!(count(&on.stdout) > 0);
}

#[test]
fn gmsa_findings_say_why_they_ran() {
    let run = winlint(
        &[
            "--format",
            "json",
            "--fail-on",
            "never",
            "fixtures/pod-validation/gmsa-spec-without-name",
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let help = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "gmsa-spec-without-name")
        .and_then(|f| f["help"].as_str())
        .expect("a gmsa finding")
        .to_owned();
    assert!(
        help.contains("the inputs define GMSACredentialSpec objects"),
        "{help}"
    );
    let run = winlint(
        &[
            "--format",
            "json",
            "--fail-on",
            "never",
            "--config",
            "fixtures/config/gmsa-webhook.winlint.yaml",
            "fixtures/pod-validation/gmsa-webhook-config",
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let help = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "gmsa-spec-without-name")
        .and_then(|f| f["help"].as_str())
        .expect("a gmsa finding")
        .to_owned();
    assert!(help.contains("gmsa.webhookInstalled: true"), "{help}");
}

/// YAML for a pod: `os` (or none), a selector for that OS, one pod field set and one
/// container field set in `list`; returns the text and the 1-based line of the field's key.
fn pod_with(
    os: Option<&str>,
    pod: Option<&Field>,
    container: Option<(&str, &Field)>,
) -> (String, usize) {
    let mut lines: Vec<String> = vec![
        "apiVersion: v1".into(),
        "kind: Pod".into(),
        "metadata: {name: table}".into(),
        "spec:".into(),
    ];
    let selector = os.unwrap_or("windows");
    if let Some(os) = os {
        lines.push(format!("  os: {{name: {os}}}"));
    }
    lines.push(format!("  nodeSelector: {{kubernetes.io/os: {selector}}}"));
    lines.push("  tolerations: [{key: os, value: windows, effect: NoSchedule}]".into());
    let mut at = 0;
    let mut nest = |lines: &mut Vec<String>, indent: usize, f: &Field| {
        for (depth, key) in f.path.iter().enumerate() {
            let pad = " ".repeat(indent + 2 * depth);
            if depth + 1 == f.path.len() {
                lines.push(format!("{pad}{key}: {}", f.example));
                at = lines.len();
            } else {
                lines.push(format!("{pad}{key}:"));
            }
        }
    };
    if let Some(f) = pod {
        nest(&mut lines, 2, f);
    }
    let lists = ["initContainers", "containers", "ephemeralContainers"];
    for list in lists {
        let target = container.filter(|(l, _)| *l == list);
        if list != "containers" && target.is_none() {
            continue;
        }
        lines.push(format!("  {list}:"));
        lines.push(format!("  - name: {}", list.to_ascii_lowercase()));
        lines.push("    image: example.com/app:1".into());
        if let Some((_, f)) = target {
            nest(&mut lines, 4, f);
        }
    }
    (lines.join("\n") + "\n", at)
}

/// The findings of this family's default rules (the Azure Policy ones are opt-in).
fn lint(text: String) -> Vec<(usize, &'static str)> {
    let config = Config::default();
    let images = Classifier::default();
    let inventory = Inventory::default();
    let cx = Scope {
        config: &config,
        facts: config.context(&images, &inventory),
    };
    let report = lint_text("table.yaml".into(), text, &cx);
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.rule == "invalid-resource" || f.rule == "unknown-field"),
        "the example must decode: {:?}",
        report.findings
    );
    report
        .findings
        .iter()
        .filter(|f| POD_VALIDATION_RULES.contains(&f.rule))
        .map(|f| (report.source.position(f.primary.span.start).line, f.rule))
        .collect()
}

#[test]
fn every_table_row_is_reported_once_at_its_line() {
    let cases = POD_FIELDS
        .iter()
        .map(|f| (Some(f), None))
        .chain(CONTAINER_FIELDS.iter().flat_map(|f| {
            ["initContainers", "containers", "ephemeralContainers"]
                .into_iter()
                .map(move |l| (None, Some((l, f))))
        }));
    for (pod, container) in cases {
        let what = pod
            .map(|f| f.dotted())
            .or_else(|| container.map(|(l, f)| format!("{l}[0].{}", f.dotted())))
            .expect("a field");
        let forbidden = if pod.is_some() {
            "windows-forbidden-pod-field"
        } else {
            "windows-forbidden-container-field"
        };
        let (text, line) = pod_with(Some("windows"), pod, container);
        assert_eq!(lint(text.clone()), [(line, forbidden)], "{what}:\n{text}");
        let (text, _) = pod_with(Some("linux"), pod, container);
        assert_eq!(lint(text.clone()), [], "{what} on a Linux pod:\n{text}");
        // Without `os`, the same field on a Windows-bound pod is accepted and ignored; the
        // examples that ask for nothing (`privileged: false`, `capabilities: {drop: [ALL]}`,
        // `procMount: Default`) are not worth a finding then.
        let field = pod.or(container.map(|(_, f)| f)).expect("a field");
        let asks_nothing = matches!(
            (field.key(), field.example),
            (_, "false" | "Default" | "{drop: [ALL]}") | ("hostUsers", "true")
        );
        let (text, line) = pod_with(None, pod, container);
        let want: Vec<(usize, &str)> = if asks_nothing {
            Vec::new()
        } else {
            vec![(line, "windows-linux-only-field-ignored")]
        };
        assert_eq!(lint(text.clone()), want, "{what} without os:\n{text}");
    }
}

/// The lists between `<!-- fields:start -->` and `<!-- fields:end -->` in a doc.
fn doc_field_lists(doc: &str) -> Vec<String> {
    doc.split("<!-- fields:start -->")
        .skip(1)
        .map(|s| {
            s.split("<!-- fields:end -->")
                .next()
                .unwrap_or("")
                .trim()
                .to_owned()
        })
        .collect()
}

#[test]
fn rule_docs_list_the_table_fields() {
    let pod = windows_fields::markdown(POD_FIELDS).trim().to_owned();
    let container = windows_fields::markdown(CONTAINER_FIELDS).trim().to_owned();
    let doc = |name: &str| rules::find(name).expect("rule").doc();
    assert_eq!(
        doc_field_lists(doc("windows-forbidden-pod-field")),
        std::slice::from_ref(&pod),
        "paste windows_fields::markdown(POD_FIELDS)"
    );
    assert_eq!(
        doc_field_lists(doc("windows-forbidden-container-field")),
        std::slice::from_ref(&container),
        "paste windows_fields::markdown(CONTAINER_FIELDS)"
    );
    assert_eq!(
        doc_field_lists(doc("windows-linux-only-field-ignored")),
        [pod, container],
        "paste both tables"
    );
}

#[test]
fn configs_in_fixtures_validate() {
    for c in CASES.iter().filter_map(|c| c.config) {
        assert!(Path::new(&root().join(c)).is_file(), "{c}");
        winlint::engine::config::parse(c, &std::fs::read_to_string(root().join(c)).expect("read"))
            .expect("valid config");
    }
}
