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
