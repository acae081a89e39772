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
