//! Helm charts and kustomizations through the real binary and the real tools (helm v4.1.4,
//! kubectl v1.35.2, installed by scripts/install-tools): rendering, attribution to template
//! lines, values profiles, tool and render failures, packaged charts, piped renders, and the
//! real charts of the corpus with and without their Windows values.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{json, require_tools, root, transcript, winlint, winlint_in, Run};
use serde_json::Value;

const WIN_APP: &str = "fixtures/charts/win-app";
const WIN_APP_CONFIG: &str = "fixtures/charts/win-app.winlint.yaml";

fn snapshot(name: &str, args: &[&str]) -> Run {
    let run = winlint(args, None);
    insta::assert_snapshot!(name, transcript(args, &run));
    run
}

fn findings(v: &Value) -> &Vec<Value> {
    v["findings"].as_array().expect("findings")
}

/// The text of a 1-based line of a file (relative paths are from the repository root).
fn line_text(file: &str, line: u64) -> String {
    let text = std::fs::read_to_string(root().join(file)).expect("file the finding names");
    text.lines()
        .nth(line as usize - 1)
        .unwrap_or_else(|| panic!("{file} has no line {line}"))
        .to_owned()
}

#[test]
fn windows_values_profile_reports_at_the_template_line() {
    require_tools();
    let run = snapshot(
        "windows_values_profile",
        &["--color", "never", "--config", WIN_APP_CONFIG, WIN_APP],
    );
    assert_eq!(run.code, 1);
    // The default profile renders no Windows DaemonSet and no finding: only the Windows
    // render is wrong.
    let v = json(&winlint(
        &["--format", "json", "--config", WIN_APP_CONFIG, WIN_APP],
        None,
    ));
    // Every finding comes from the Windows render; one of them is the placement mistake.
    assert!(
        findings(&v)
            .iter()
            .all(|f| f["rendered"]["profile"] == "windows"),
        "{v:#}"
    );
    let placement: Vec<&serde_json::Value> = findings(&v)
        .iter()
        .filter(|f| f["rule"] == "windows-workload-may-land-on-linux")
        .collect();
    assert_eq!(placement.len(), 1, "{v:#}");
    let f = placement[0];
    assert_eq!(
        f["file"],
        "fixtures/charts/win-app/templates/daemonset-windows.yaml"
    );
    assert_eq!(f["rendered"]["profile"], "windows");
    assert_eq!(f["approximate"], false);
    let line = f["line"].as_u64().expect("line");
    assert_eq!(
        line_text(f["file"].as_str().expect("file"), line).trim(),
        "spec:"
    );
    // Without the profiles only the defaults render, which are clean.
    let plain = winlint(&["--format", "concise", WIN_APP], None);
    assert_eq!(plain.code, 0, "{}", plain.stdout);
    // The same values on the command line give the same finding.
    let direct = winlint(
        &[
            "--format",
            "concise",
            "-f",
            "fixtures/charts/win-app/values-windows.yaml",
            WIN_APP,
        ],
        None,
    );
    assert!(
        direct.stdout.lines().any(|l| l
            .starts_with("fixtures/charts/win-app/templates/daemonset-windows.yaml:18:5: error[windows-workload-may-land-on-linux]")),
        "{}",
        direct.stdout
    );
    // --set reaches helm too: a nodeSelector for the Windows DaemonSet fixes it.
    let fixed = winlint(
        &[
            "--format",
            "concise",
            "--config",
            WIN_APP_CONFIG,
            "--set",
            "windows.nodeSelector.kubernetes\\.io/os=windows",
            WIN_APP,
        ],
        None,
    );
    assert!(!fixed.stdout.contains("error["), "{}", fixed.stdout);
    assert!(
        !fixed.stdout.contains("windows-workload-may-land-on-linux"),
        "{}",
        fixed.stdout
    );
}

/// Pre-commit names changed files: a template named on its own renders its chart (once, however
/// many of its files are named), with the paths as typed, never read as plain YAML.
#[test]
fn a_template_named_on_its_own_renders_its_chart() {
    require_tools();
    let args = [
        "--format",
        "concise",
        "--config",
        WIN_APP_CONFIG,
        "fixtures/charts/win-app/templates/daemonset-windows.yaml",
        "fixtures/charts/win-app/templates/daemonset.yaml",
        "fixtures/charts/win-app/values.yaml",
    ];
    let named = winlint(&args, None);
    let whole = winlint(
        &["--format", "concise", "--config", WIN_APP_CONFIG, WIN_APP],
        None,
    );
    assert_eq!(named.code, 1, "{}", named.stdout);
    assert!(!named.stdout.contains("invalid-yaml"), "{}", named.stdout);
    assert_eq!(named.stdout, whole.stdout);
    // From inside the templates folder the chart is `..`; paths stay relative to where winlint
    // runs.
    let inside = winlint_in(
        &root().join("fixtures/charts/win-app/templates"),
        &[
            "--format",
            "concise",
            "--config",
            "../../win-app.winlint.yaml",
            "daemonset-windows.yaml",
        ],
        None,
    );
    assert_eq!(inside.code, 1, "{}{}", inside.stdout, inside.stderr);
    assert!(
        inside.stdout.lines().any(|l| l.starts_with(
            "../templates/daemonset-windows.yaml:18:5: error[windows-workload-may-land-on-linux]"
        )),
        "{}",
        inside.stdout
    );
}

/// A patch named on its own is a partial object: it stands for the kustomization that lists
/// it, as does the kustomization file; a file no kustomization lists is linted as it is.
#[test]
fn a_patch_named_on_its_own_builds_its_kustomization() {
    require_tools();
    let overlay = "fixtures/kustomize/win-web/overlays/windows";
    let folder = winlint(&["--format", "concise", overlay], None);
    for named in ["windows-nodes.yaml", "kustomization.yaml"] {
        let run = winlint(
            &["--format", "concise", &format!("{overlay}/{named}")],
            None,
        );
        assert_eq!(run.stdout, folder.stdout, "{named}");
    }
    assert!(
        folder
            .stdout
            .contains("(built from fixtures/kustomize/win-web/overlays/windows)"),
        "{}",
        folder.stdout
    );
    assert!(
        !folder.stdout.contains("windows-nodes.yaml:"),
        "{}",
        folder.stdout
    );
    let unlisted = winlint(
        &[
            "--format",
            "concise",
            "fixtures/examples/win-webserver.yaml",
        ],
        None,
    );
    assert!(
        unlisted
            .stdout
            .contains("fixtures/examples/win-webserver.yaml:"),
        "{}",
        unlisted.stdout
    );
}

#[test]
fn fields_from_an_include_point_into_the_named_template() {
    require_tools();
    // `containers:` is `include "win-app.windows-container"`; its `resources` come from a
    // `toYaml` inside that named template in _helpers.tpl.
    let v = json(&winlint(
        &[
            "--format",
            "json",
            "--config",
            WIN_APP_CONFIG,
            "--set",
            "windows.resources.limit.cpu=1",
            WIN_APP,
        ],
        None,
    ));
    let f = findings(&v)
        .iter()
        .find(|f| f["rule"] == "unknown-field")
        .unwrap_or_else(|| panic!("no unknown-field: {v:#}"));
    assert_eq!(f["file"], "fixtures/charts/win-app/templates/_helpers.tpl");
    assert_eq!(f["approximate"], false);
    let line = line_text(
        "fixtures/charts/win-app/templates/_helpers.tpl",
        f["line"].as_u64().expect("line"),
    );
    assert_eq!(line.trim(), "{{- toYaml . | nindent 4 }}");
}

#[test]
fn json_marks_rendered_findings() {
    require_tools();
    let v = json(&winlint(
        &["--format", "json", "--config", WIN_APP_CONFIG, WIN_APP],
        None,
    ));
    let f = &findings(&v)[0];
    let mut keys: Vec<&str> = f
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "approximate",
            "column",
            "endColumn",
            "endLine",
            "file",
            "help",
            "line",
            "message",
            "rendered",
            "resource",
            "rule",
            "severity"
        ]
    );
    let mut rkeys: Vec<&str> = f["rendered"]
        .as_object()
        .expect("rendered")
        .keys()
        .map(String::as_str)
        .collect();
    rkeys.sort_unstable();
    assert_eq!(rkeys, ["line", "profile"]);
    assert!(f["rendered"]["line"].as_u64().expect("rendered line") > 1);
}

#[test]
fn missing_helm_is_one_finding_per_chart() {
    let args = [
        "--format",
        "concise",
        "--helm-binary",
        "fixtures/no-such-helm",
        WIN_APP,
        "fixtures/charts/broken",
    ];
    let run = snapshot("missing_helm", &args);
    assert_eq!(run.code, 1);
    // WINLINT_HELM chooses the binary too.
    let mut cmd = common::command(&root(), &["--format", "concise", WIN_APP]);
    let out = cmd
        .env("WINLINT_HELM", "fixtures/no-such-helm-either")
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("error[helm-not-found] cannot run helm (`fixtures/no-such-helm-either`)"),
        "{stdout}"
    );
}

#[test]
fn broken_template_points_at_helms_position() {
    require_tools();
    let run = snapshot(
        "broken_template",
        &["--color", "never", "fixtures/charts/broken"],
    );
    assert_eq!(run.code, 1);
    assert!(run
        .stdout
        .contains("fixtures/charts/broken/templates/daemonset.yaml:15:26]"));
}

#[test]
fn missing_dependency_names_them_and_the_fix() {
    require_tools();
    let run = snapshot(
        "missing_dependency",
        &["--color", "never", "fixtures/charts/needs-deps"],
    );
    assert_eq!(run.code, 1);
}

#[test]
fn packaged_chart_is_rendered_and_attributed_inside_the_archive() {
    require_tools();
    let dir = tempfile::tempdir().expect("tempdir");
    let status = Command::new("helm")
        .args(["package", "--destination"])
        .arg(dir.path())
        .arg(root().join(WIN_APP))
        .stdout(Stdio::null())
        .status()
        .expect("helm package runs");
    assert!(status.success());
    std::fs::write(
        dir.path().join("values-windows.yaml"),
        "windows: {enabled: true}\n",
    )
    .expect("write");
    let run = winlint_in(
        dir.path(),
        &["--format", "concise", "-f", "values-windows.yaml", "."],
        None,
    );
    assert!(
        run.stdout.lines().any(|l| l
            .starts_with("./win-app-0.1.0.tgz/win-app/templates/daemonset-windows.yaml:18:5: error[windows-workload-may-land-on-linux]")),
        "{}{}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn library_chart_is_not_rendered_and_says_so_with_verbose() {
    let Some(corpus) = common::corpus_or_skip() else {
        return;
    };
    require_tools();
    let lib = corpus.join("charts/newrelic__helm-charts/library/common-library");
    let lib = lib.to_str().expect("utf-8");
    let quiet = winlint(&["--format", "concise", lib], None);
    assert_eq!(quiet.code, 0, "{}", quiet.stdout);
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
    let verbose = winlint(&["--format", "concise", "--verbose", lib], None);
    assert!(
        verbose
            .stderr
            .contains("library chart (`type: library`) not rendered"),
        "{}",
        verbose.stderr
    );
}

#[test]
fn piped_render_uses_the_source_comments() {
    require_tools();
    let chart = root().join(WIN_APP);
    let render = Command::new("helm")
        .args(["template", ".", "-f", "values-windows.yaml"])
        .current_dir(&chart)
        .output()
        .expect("helm template runs");
    assert!(render.status.success());
    let text = String::from_utf8(render.stdout).expect("utf-8");
    // From the chart folder the templates are found: the finding is at the template line.
    let run = winlint_in(&chart, &["--format", "json", "-"], Some(&text));
    let v = json(&run);
    let f = &findings(&v)[0];
    assert_eq!(f["file"], "templates/daemonset-windows.yaml");
    assert_eq!(f["line"], 18);
    assert_eq!(f["approximate"], false);
    assert!(f["rendered"]["profile"].is_null());
    // Elsewhere the `# Source:` path names the file, at the render's own line.
    let dir = tempfile::tempdir().expect("tempdir");
    let run = winlint_in(dir.path(), &["--format", "json", "-"], Some(&text));
    let v = json(&run);
    let f = &findings(&v)[0];
    assert_eq!(f["file"], "win-app/templates/daemonset-windows.yaml");
    assert_eq!(f["approximate"], true);
    assert_eq!(f["line"], f["rendered"]["line"]);
}

#[test]
fn kustomizations_are_built_and_attributed_to_their_base() {
    require_tools();
    let run = snapshot(
        "kustomize_overlays",
        &["--format", "concise", "fixtures/kustomize/win-web"],
    );
    assert_eq!(run.code, 1);
    // A file the kustomization does not name is linted on its own, at its own line.
    assert!(
        run.stdout.contains("fixtures/kustomize/win-web/base/example-pod.yaml:6:1: error[windows-workload-may-land-on-linux] Windows pod can be scheduled onto Linux node pool `linux`, where its containers never start\n"),
        "{}",
        run.stdout
    );
    let v = json(&winlint(
        &[
            "--format",
            "json",
            "fixtures/kustomize/win-web/overlays/typo",
        ],
        None,
    ));
    for f in findings(&v) {
        assert_eq!(f["file"], "fixtures/kustomize/win-web/base/deployment.yaml");
        assert_eq!(
            f["rendered"]["kustomization"],
            "fixtures/kustomize/win-web/overlays/typo"
        );
    }
    // The typo comes from the overlay's patch: the base has no such key, so the finding is at
    // the enclosing key and says it is approximate.
    let typo = findings(&v)
        .iter()
        .find(|f| f["rule"] == "unknown-field")
        .expect("the misspelt nodeSelector");
    assert_eq!(typo["approximate"], true);
    // The overlay that sets the nodeSelector is clean.
    let good = winlint(
        &[
            "--format",
            "concise",
            "--fail-on",
            "error",
            "fixtures/kustomize/win-web/overlays/windows",
        ],
        None,
    );
    assert_eq!(good.code, 0, "{}", good.stdout);
    assert!(
        !good.stdout.contains("windows-workload-may-land-on-linux"),
        "{}",
        good.stdout
    );
}

#[test]
fn kustomize_failures_are_findings_and_listed_files_are_still_linted() {
    require_tools();
    let run = winlint(&["--format", "concise", "fixtures/kustomize/broken"], None);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.starts_with(
            "fixtures/kustomize/broken/kustomization.yaml:5:3: error[kustomize-build-failed] kustomize build failed: "
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("missing-deployment.yaml"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("1 resource"), "{}", run.stdout);
    // Without kubectl and kustomize on PATH.
    let out = common::command(
        &root(),
        &["--format", "concise", "fixtures/kustomize/win-web/base"],
    )
    .env("PATH", "/nonexistent")
    .stdin(Stdio::null())
    .output()
    .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines.contains(&"fixtures/kustomize/win-web/base/deployment.yaml:14:5: error[windows-workload-may-land-on-linux] Windows pod can be scheduled onto Linux node pool `linux`, where its containers never start"),
        "{stdout}"
    );
    assert!(
        lines.contains(&"fixtures/kustomize/win-web/base/kustomization.yaml:1:1: error[kustomize-not-found] cannot build the kustomization: neither `kubectl` nor `kustomize` is on PATH"),
        "{stdout}"
    );
}

/// Every finding of a render names a file of the chart that exists, and a line in it.
fn assert_points_at_chart_files(v: &Value, chart: &str) {
    for f in findings(v) {
        let file = f["file"].as_str().expect("file");
        assert!(file.starts_with(chart), "{file} is not in {chart}");
        let path = Path::new(file);
        assert!(path.is_file(), "{file} does not exist: {f:#}");
        let lines = std::fs::read_to_string(path).expect("read").lines().count() as u64;
        let line = f["line"].as_u64().expect("line");
        assert!(
            line >= 1 && line <= lines.max(1),
            "{file}:{line} is past the end"
        );
        let rule = f["rule"].as_str().expect("rule");
        if rule.starts_with("helm-") {
            assert!(f.get("rendered").is_none(), "{f:#}");
        } else {
            assert!(
                file.contains("/templates/") || file.contains("/crds/"),
                "{file} is not a template: {f:#}"
            );
            assert!(f["rendered"]["line"].as_u64().is_some(), "{f:#}");
            assert!(f["approximate"].is_boolean(), "{f:#}");
        }
    }
}

/// The corpus charts, and the options of their Windows renders (the corpus README's).
fn corpus_charts() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("prometheus-community__helm-charts/charts/prometheus-windows-exporter", vec![]),
        ("prometheus-community__helm-charts/charts/prometheus-node-exporter", vec![]),
        ("fluent__helm-charts/charts/fluent-bit", vec![]),
        ("microsoft__retina/deploy/standard/manifests/controller/helm/retina", vec![]),
        (
            "kubernetes-csi__csi-driver-smb/charts/latest/csi-driver-smb",
            vec!["--set", "windows.useHostProcessContainers=false", "--set", "windows.csiproxy.enabled=true"],
        ),
        (
            "kubernetes-sigs__secrets-store-csi-driver/charts/secrets-store-csi-driver",
            vec!["--set", "windows.enabled=true"],
        ),
        (
            "kubernetes-sigs__azuredisk-csi-driver/charts/latest/azuredisk-csi-driver",
            vec!["--set", "windows.useHostProcessContainers=false"],
        ),
        (
            "kubernetes-sigs__azurefile-csi-driver/charts/latest/azurefile-csi-driver",
            vec!["--set", "windows.useHostProcessContainers=false"],
        ),
        (
            "kubernetes-sigs__windows-gmsa/charts/gmsa",
            vec![
                "--set", "credential.enabled=true",
                "--set", "credential.domainJoinConfig.dnsName=contoso.com",
                "--set", "credential.domainJoinConfig.dnsTreeName=contoso.com",
                "--set", "credential.domainJoinConfig.guid=00000000-0000-0000-0000-000000000000",
                "--set", "credential.domainJoinConfig.machineAccountName=WebApp01",
                "--set", "credential.domainJoinConfig.netBiosName=CONTOSO",
                "--set", "credential.domainJoinConfig.sid=S-1-5-21-0-0-0",
            ],
        ),
        (
            "kubernetes-sigs__windows-testing/helpers/helm",
            vec!["-f", "../shared/corpus/charts/kubernetes-sigs__windows-testing/helpers/helm/values-hyperv.yaml"],
        ),
    ]
}

#[test]
fn corpus_charts_render_with_and_without_their_windows_values() {
    let Some(_corpus) = common::corpus_or_skip() else {
        return;
    };
    require_tools();
    for (chart, windows) in corpus_charts() {
        let path = format!("../shared/corpus/charts/{chart}");
        let mut variants = vec![Vec::new()];
        if !windows.is_empty() {
            variants.push(windows.clone());
        }
        for extra in variants {
            let mut args = vec!["--format", "json"];
            args.extend(&extra);
            args.push(&path);
            let run = winlint(&args, None);
            assert_ne!(run.code, 2, "{chart}: {}", run.stderr);
            let v = json(&run);
            let resources = v["summary"]["resources"].as_u64().expect("resources");
            assert!(resources > 0, "{chart} {extra:?} rendered nothing: {v:#}");
            assert!(
                findings(&v)
                    .iter()
                    .all(|f| !f["rule"].as_str().is_some_and(|r| r.starts_with("helm-"))),
                "{chart} {extra:?} did not render: {v:#}"
            );
            assert_points_at_chart_files(&v, &path);
        }
    }
}

#[test]
fn corpus_chart_folder_renders_every_installable_chart() {
    let Some(_corpus) = common::corpus_or_skip() else {
        return;
    };
    require_tools();
    let charts = "../shared/corpus/charts";
    let v = json(&winlint(&["--format", "json", charts], None));
    assert_points_at_chart_files(&v, charts);
    let missing: Vec<&Value> = findings(&v)
        .iter()
        .filter(|f| f["rule"] == "helm-dependency-missing")
        .collect();
    let files: Vec<&str> = missing
        .iter()
        .map(|f| f["file"].as_str().expect("file"))
        .collect();
    assert_eq!(
        files,
        [
            "../shared/corpus/charts/DataDog__helm-charts/charts/datadog/requirements.yaml",
            "../shared/corpus/charts/newrelic__helm-charts/charts/newrelic-logging/Chart.yaml",
        ]
    );
    assert!(missing[0]["message"]
        .as_str()
        .is_some_and(|m| m
            .ends_with("datadog-crds, kube-state-metrics, datadog-csi-driver, datadog-operator")));
    assert!(missing[1]["help"]
        .as_str()
        .is_some_and(|h| h.starts_with("run `helm dependency build ../shared/corpus/charts/newrelic__helm-charts/charts/newrelic-logging`")));
    // Every other chart rendered: as many resources as the corpus's own default renders hold
    // (winlint also renders the charts' CRDs).
    let rendered = json(&winlint(
        &[
            "--format",
            "json",
            "../shared/corpus/rendered/prometheus-windows-exporter.yaml",
            "../shared/corpus/rendered/prometheus-node-exporter.yaml",
            "../shared/corpus/rendered/fluent-bit.yaml",
            "../shared/corpus/rendered/retina.yaml",
            "../shared/corpus/rendered/csi-driver-smb.yaml",
            "../shared/corpus/rendered/secrets-store-csi-driver.yaml",
            "../shared/corpus/rendered/azuredisk-csi-driver.yaml",
            "../shared/corpus/rendered/azurefile-csi-driver.yaml",
            "../shared/corpus/rendered/gmsa.yaml",
            "../shared/corpus/rendered/windows-testing-helpers.yaml",
        ],
        None,
    ));
    let ours = v["summary"]["resources"].as_u64().expect("resources");
    let theirs = rendered["summary"]["resources"]
        .as_u64()
        .expect("resources");
    assert!(ours >= theirs && theirs > 100, "{ours} < {theirs}");
}

/// One chart per rule family, with values that put a mistake into the render: each finding
/// lands on the template line that produced the field.
#[test]
fn each_rule_family_points_at_the_producing_template_line() {
    let Some(_corpus) = common::corpus_or_skip() else {
        return;
    };
    require_tools();
    let chart = "../shared/corpus/charts/prometheus-community__helm-charts/charts/prometheus-windows-exporter";
    let run = |sets: &[&str]| {
        let mut args = vec!["--format", "json"];
        for s in sets {
            args.extend(["--set", s]);
        }
        args.push(chart);
        let v = json(&winlint(&args, None));
        assert_points_at_chart_files(&v, chart);
        v
    };
    let at = |v: &Value, rule: &str| {
        let f = findings(v)
            .iter()
            .find(|f| f["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule}: {v:#}"));
        assert_eq!(f["file"], format!("{chart}/templates/daemonset.yaml"));
        assert_eq!(f["approximate"], false, "{f:#}");
        line_text(
            f["file"].as_str().expect("file"),
            f["line"].as_u64().expect("line"),
        )
    };
    // Windows placement: the user drops the chart's Windows nodeSelector.
    let v = run(&["nodeSelector=null"]);
    assert_eq!(at(&v, "windows-workload-may-land-on-linux").trim(), "spec:");
    // Schema: a misspelt toleration key; a toleration of the wrong type.
    let v = run(&["tolerations[0].keyy=os", "tolerations[0].operator=Exists"]);
    assert!(at(&v, "unknown-field").contains("toYaml"));
    let v = run(&["tolerations[0].tolerationSeconds=soon"]);
    assert!(at(&v, "invalid-resource").contains("toYaml"));
    // Render and tool failures: the two corpus charts without their dependencies.
    let v = json(&winlint(
        &[
            "--format",
            "json",
            "../shared/corpus/charts/newrelic__helm-charts/charts/newrelic-logging",
        ],
        None,
    ));
    let f = &findings(&v)[0];
    assert_eq!(f["rule"], "helm-dependency-missing");
    assert_eq!(
        line_text(
            f["file"].as_str().expect("file"),
            f["line"].as_u64().expect("line")
        ),
        "dependencies:"
    );
}
