//! Fixes through the real binary: every case in fixtures/fix becomes its `.fixed` file under
//! `--fix`, stays so under a second `--fix`, and re-lints without the fixed findings and
//! without new ones; `--diff` writes nothing; unsafe fixes wait for `--unsafe-fixes`; JSON and
//! SARIF carry the edits; and `--fix` over a copy of the shared corpus keeps every file
//! parseable and changes no byte outside the edited lines.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{corpus, json, root, winlint_in};

/// The cases: `<case>.<ext>` beside `<case>.fixed.<ext>`.
fn cases() -> Vec<(PathBuf, PathBuf)> {
    let dir = root().join("fixtures/fix");
    let mut out: Vec<(PathBuf, PathBuf)> = std::fs::read_dir(&dir)
        .expect("fixtures/fix")
        .filter_map(|e| {
            let p = e.ok()?.path();
            let name = p.file_name()?.to_str()?.to_owned();
            let (stem, ext) = name.rsplit_once('.')?;
            if stem.ends_with(".fixed") {
                return None;
            }
            Some((p.clone(), dir.join(format!("{stem}.fixed.{ext}"))))
        })
        .collect();
    out.sort();
    assert!(out.len() >= 10, "fixtures/fix has {} cases", out.len());
    out
}

/// A temporary folder holding a copy of `file`.
fn copy(file: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let to = dir.path().join(file.file_name().expect("name"));
    std::fs::copy(file, &to).expect("copy");
    (dir, to)
}

fn name(p: &Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).expect("utf-8 name")
}

fn fix_flags(case: &Path) -> Vec<&'static str> {
    if name(case).starts_with("unsafe-") {
        vec!["--fix", "--unsafe-fixes"]
    } else {
        vec!["--fix"]
    }
}

/// (rule, resource) of each unsuppressed JSON finding, counted; and those with a fix.
fn findings(dir: &Path, file: &str) -> (BTreeMap<String, usize>, Vec<String>) {
    let run = winlint_in(dir, &["--format", "json", file], None);
    assert_ne!(run.code, 2, "{}", run.stderr);
    let doc = json(&run);
    let mut all = BTreeMap::new();
    let mut fixable = Vec::new();
    for f in doc["findings"].as_array().expect("findings") {
        let key = format!("{} {}", f["rule"], f["resource"]);
        *all.entry(key.clone()).or_insert(0) += 1;
        if f.get("fix").is_some() {
            fixable.push(key);
        }
    }
    (all, fixable)
}

#[test]
fn every_case_fixes_to_its_fixed_file_and_stays_fixed() {
    for (case, fixed) in cases() {
        let (dir, file) = copy(&case);
        let file_name = name(&file);
        let (before, fixable) = findings(dir.path(), file_name);
        assert!(!fixable.is_empty(), "{file_name}: no finding with a fix");
        let mut args = fix_flags(&case);
        args.push(file_name);
        let run = winlint_in(dir.path(), &args, None);
        assert_eq!(run.code, 0, "{file_name}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stdout.starts_with("Fixed ") && run.stdout.contains(" in 1 file (0 remaining)"),
            "{file_name}: {}",
            run.stdout
        );
        let got = std::fs::read(&file).expect("fixed file");
        let want = std::fs::read(&fixed).expect("the .fixed file");
        assert!(
            got == want,
            "{file_name} fixed differs from {}:\n{}",
            name(&fixed),
            String::from_utf8_lossy(&got)
        );
        // The re-lint: no fixed finding left, nothing new.
        let (after, _) = findings(dir.path(), file_name);
        for key in &fixable {
            assert!(
                !after.contains_key(key),
                "{file_name}: {key} is still there"
            );
        }
        for (key, n) in &after {
            assert!(
                before.get(key).is_some_and(|b| n <= b),
                "{file_name}: the fix added {key}"
            );
        }
        // A second --fix changes nothing.
        let again = winlint_in(dir.path(), &args, None);
        assert!(
            again.stdout.starts_with("Fixed 0 findings in 0 files"),
            "{file_name}: {}",
            again.stdout
        );
        assert_eq!(std::fs::read(&file).expect("file"), want, "{file_name}");
    }
}

#[test]
fn diff_prints_the_fix_and_writes_nothing() {
    for (case, fixed) in cases() {
        let (dir, file) = copy(&case);
        let original = std::fs::read(&file).expect("file");
        let mut args = fix_flags(&case);
        args[0] = "--diff";
        args.push(name(&file));
        let run = winlint_in(dir.path(), &args, None);
        assert_eq!(run.code, 1, "{}: {}", name(&file), run.stderr);
        assert!(
            run.stdout.starts_with(&format!(
                "--- a/{}\n+++ b/{}\n@@ ",
                name(&file),
                name(&file)
            )),
            "{}",
            run.stdout
        );
        assert!(run.stderr.starts_with("Would fix "), "{}", run.stderr);
        assert_eq!(
            std::fs::read(&file).expect("file"),
            original,
            "--diff wrote"
        );
        // Each added line of the diff is a line of the fixed file.
        let want = std::fs::read_to_string(&fixed).expect("fixed");
        for added in run
            .stdout
            .lines()
            .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        {
            assert!(
                want.contains(&added[1..]),
                "{added:?} is not in {}",
                name(&fixed)
            );
        }
    }
    // Nothing to fix: exit 0.
    let dir = tempfile::tempdir().expect("tempdir");
    let (_d, clean) = copy(&root().join("fixtures/fix/pod.fixed.json"));
    let run = winlint_in(
        dir.path(),
        &["--diff", clean.to_str().expect("utf-8")],
        None,
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn unsafe_fixes_wait_for_the_flag() {
    let (dir, file) = copy(&root().join("fixtures/fix/unsafe-os-name.yaml"));
    let original = std::fs::read(&file).expect("file");
    let run = winlint_in(
        dir.path(),
        &["--format", "json", "unsafe-os-name.yaml"],
        None,
    );
    let doc = json(&run);
    let fix = &doc["findings"][0]["fix"];
    assert_eq!(fix["applicability"], "unsafe", "{doc}");
    let run = winlint_in(dir.path(), &["--fix", "unsafe-os-name.yaml"], None);
    assert_eq!(run.code, 1, "the finding remains: {}", run.stdout);
    assert_eq!(run.stdout, "Fixed 0 findings in 0 files (1 remaining)\n");
    assert_eq!(std::fs::read(&file).expect("file"), original);
}

#[test]
fn json_and_sarif_carry_the_edits() {
    let dir = root().join("fixtures/fix");
    let run = winlint_in(&dir, &["--format", "json", "flow-style.yaml"], None);
    let doc = json(&run);
    let text = std::fs::read_to_string(dir.join("flow-style.yaml")).expect("case");
    let line = text.lines().nth(3).expect("line 4");
    let f = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "windows-taint-not-tolerated")
        .expect("the taint finding");
    let edit = &f["fix"]["edits"][0];
    assert_eq!(f["fix"]["applicability"], "safe");
    assert_eq!(edit["line"], 4);
    assert_eq!(edit["line"], edit["endLine"]);
    assert_eq!(edit["column"], edit["endColumn"], "an insertion");
    // Columns count characters: the insertion lands just after the existing toleration.
    let col = edit["column"].as_u64().expect("column") as usize;
    let before: String = line.chars().take(col - 1).collect();
    assert!(
        before.ends_with("{key: dedicated, operator: Exists}"),
        "{before}"
    );
    assert_eq!(
        edit["text"],
        ", {key: os, operator: Equal, value: windows, effect: NoSchedule}"
    );
    // The help is the same edit.
    let help = f["help"].as_str().expect("help");
    assert!(
        help.contains("{key: os, operator: Equal, value: windows, effect: NoSchedule}"),
        "{help}"
    );
    // Findings without a fix have no `fix` key.
    let run = winlint_in(
        &root(),
        &["--format", "json", "fixtures/fix/build-mismatch.fixed.yaml"],
        None,
    );
    assert!(json(&run)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .all(|f| f.get("fix").is_none()));

    let out = tempfile::tempdir().expect("tempdir");
    let sarif = out.path().join("out.sarif");
    let run = winlint_in(
        &dir,
        &[
            "--format",
            "sarif",
            "-o",
            sarif.to_str().expect("utf-8"),
            ".",
        ],
        None,
    );
    assert_ne!(run.code, 2, "{}", run.stderr);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("sarif")).expect("json");
    let with_fixes = doc["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| {
            r["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
                .is_string()
        })
        .count();
    assert!(with_fixes >= 10, "{with_fixes} results with fixes");
    validate_sarif(&sarif);
}

/// Validates a SARIF file against ../shared/schemas/sarif-schema-2.1.0.json with the real
/// jsonschema.
fn validate_sarif(path: &Path) {
    let python = std::env::var_os("WINLINT_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".tools/venv/bin/python"));
    let schema = root().join("../shared/schemas/sarif-schema-2.1.0.json");
    let script = "import json,sys,jsonschema\njsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))";
    let out = std::process::Command::new(python)
        .args(["-c", script])
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

#[test]
fn rules_say_whether_they_fix() {
    let run = winlint_in(&root(), &["rules", "--format", "json"], None);
    let doc = json(&run);
    let fix_of = |name: &str| -> serde_json::Value {
        doc.as_array()
            .expect("rules")
            .iter()
            .find(|r| r["name"] == name)
            .map(|r| r["fix"].clone())
            .expect("rule listed")
    };
    for name in [
        "windows-workload-may-land-on-linux",
        "linux-workload-may-land-on-windows",
        "windows-taint-not-tolerated",
        "os-label-value-invalid",
        "os-name-invalid",
        "deprecated-os-arch-label",
        "missing-pod-os-field",
        "windows-build-unpinned",
        "windows-build-image-mismatch",
        "pod-os-label-mismatch",
    ] {
        assert_eq!(fix_of(name), "safe", "{name}");
    }
    assert!(fix_of("invalid-yaml").is_null());
}

#[cfg(unix)]
#[test]
fn fix_keeps_the_mode_and_leaves_no_temporary_file() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, file) = copy(&root().join("fixtures/fix/linux-workload.yaml"));
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let run = winlint_in(dir.path(), &["--fix", "linux-workload.yaml"], None);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let mode = std::fs::metadata(&file).expect("file").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    assert_eq!(names, ["linux-workload.yaml"]);
}

#[test]
fn rendered_findings_get_no_edit() {
    common::require_tools();
    // A chart whose template is a Windows pod with fixable findings: the template text is
    // not the object, so the findings keep their help and carry no edit, and --fix leaves it.
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = dir.path().join("win");
    std::fs::create_dir_all(chart.join("templates")).expect("mkdir");
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: win\nversion: 0.1.0\n",
    )
    .expect("Chart.yaml");
    std::fs::write(
        chart.join("values.yaml"),
        "image: mcr.microsoft.com/windows/servercore:ltsc2019\n",
    )
    .expect("values.yaml");
    let template = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers:\n  - name: c\n    image: {{ .Values.image }}\n";
    std::fs::write(chart.join("templates/pod.yaml"), template).expect("template");
    let run = winlint_in(dir.path(), &["--format", "json", "win"], None);
    let doc = json(&run);
    let rendered: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f.get("rendered").is_some())
        .collect();
    assert!(
        rendered
            .iter()
            .any(|f| f["rule"] == "windows-workload-may-land-on-linux"),
        "{doc}"
    );
    assert!(rendered.iter().all(|f| f.get("fix").is_none()), "{doc}");
    assert!(rendered.iter().all(|f| f["help"].is_string()), "{doc}");
    let run = winlint_in(dir.path(), &["--fix", "win"], None);
    assert!(
        run.stdout.starts_with("Fixed 0 findings in 0 files"),
        "{}",
        run.stdout
    );
    assert_eq!(
        std::fs::read_to_string(chart.join("templates/pod.yaml")).expect("template"),
        template
    );
}

/// Copies a folder tree.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let kind = e.file_type().expect("type");
        let dest = to.join(e.file_name());
        if kind.is_dir() {
            copy_tree(&e.path(), &dest);
        } else if kind.is_file() {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

/// Every file of a tree, relative path to bytes.
fn read_tree(dir: &Path, rel: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for e in std::fs::read_dir(dir.join(rel)).expect("read_dir") {
        let e = e.expect("entry");
        let r = rel.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            read_tree(dir, &r, out);
        } else {
            out.insert(r, std::fs::read(e.path()).expect("read"));
        }
    }
}

/// (file, broken-file rule) pairs of a JSON report: what makes a file unparseable or an object
/// undecodable.
fn broken(doc: &serde_json::Value) -> std::collections::BTreeSet<(String, String)> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            [
                "invalid-yaml",
                "duplicate-key",
                "invalid-resource",
                "unknown-field",
            ]
            .contains(&f["rule"].as_str().unwrap_or(""))
        })
        .map(|f| (f["file"].to_string(), f["rule"].to_string()))
        .collect()
}

/// The 1-based lines each file's fix edits touch, from a JSON report.
fn edited_lines(doc: &serde_json::Value) -> BTreeMap<String, Vec<(u64, u64)>> {
    let mut out: BTreeMap<String, Vec<(u64, u64)>> = BTreeMap::new();
    for f in doc["findings"].as_array().expect("findings") {
        for e in f["fix"]["edits"].as_array().into_iter().flatten() {
            let file = f["file"].as_str().expect("file").to_owned();
            let range = (
                e["line"].as_u64().expect("line"),
                e["endLine"].as_u64().expect("endLine"),
            );
            out.entry(file).or_default().push(range);
        }
    }
    out
}

#[test]
fn fix_over_the_corpus_keeps_files_parseable_and_other_bytes_untouched() {
    common::require_tools();
    let tmp = tempfile::tempdir().expect("tempdir");
    let copy_root = tmp.path().join("corpus");
    copy_tree(&corpus(), &copy_root);
    let mut before = BTreeMap::new();
    read_tree(&copy_root, Path::new(""), &mut before);

    let lint = |args: &[&str]| winlint_in(&copy_root, args, None);
    let first = lint(&["--format", "json", "."]);
    assert_ne!(first.code, 2, "{}", first.stderr);
    let first = json(&first);
    let edits = edited_lines(&first);

    let fixed = lint(&["--fix", "."]);
    assert_ne!(fixed.code, 2, "{}", fixed.stderr);
    let summary = fixed.stdout.trim();
    assert!(summary.starts_with("Fixed "), "{summary}");
    eprintln!("corpus: {summary}");

    let mut after = BTreeMap::new();
    read_tree(&copy_root, Path::new(""), &mut after);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "files added or removed"
    );
    let mut changed = 0;
    for (path, old) in &before {
        let new = &after[path];
        if old == new {
            continue;
        }
        changed += 1;
        let shown = format!("./{}", path.display());
        let shown = shown.trim_start_matches("./").to_owned();
        let ranges = edits
            .iter()
            .find(|(f, _)| f.trim_start_matches("./") == shown)
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("{shown} changed but no finding offered an edit there"));
        // Every original line the fix replaced or removed is a line an edit touched.
        let (old, new) = (String::from_utf8_lossy(old), String::from_utf8_lossy(new));
        let diff = similar::TextDiff::from_lines(old.as_ref(), new.as_ref());
        for op in diff.ops() {
            if op.tag() == similar::DiffTag::Equal {
                continue;
            }
            let removed = op.old_range();
            for line in removed.start + 1..=removed.end {
                let line = line as u64;
                assert!(
                    ranges.iter().any(|(a, b)| *a <= line && line <= *b),
                    "{shown}: line {line} changed outside every edit ({ranges:?})"
                );
            }
        }
    }
    assert!(changed > 10, "only {changed} files changed");
    let summary_files: usize = summary
        .split(" in ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("M files");
    assert_eq!(summary_files, changed, "{summary}");

    // Still parseable: no file or object broken that was not broken before.
    let second = lint(&["--format", "json", "."]);
    let second = json(&second);
    let new_broken: Vec<_> = broken(&second)
        .difference(&broken(&first))
        .cloned()
        .collect();
    assert!(new_broken.is_empty(), "{new_broken:?}");
    // And stable: a second --fix changes nothing.
    let again = lint(&["--fix", "."]);
    assert!(
        again.stdout.starts_with("Fixed 0 findings in 0 files"),
        "{}",
        again.stdout
    );
}
