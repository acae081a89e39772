//! The render cache through the real binary, helm and kubectl: a second run is served from
//! the cache with the same bytes, every input of a render changes its key, damaged entries
//! are detected and rewritten, the size bound evicts the least recently used entry, and
//! concurrent runs on one cache folder agree. Helm is reached through a small script that
//! counts its runs and then execs the real helm.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;

use common::{command, require_tools, root, Run};

/// A scratch folder with a copy of the win-app chart, a cache folder, and a helm that
/// counts its runs.
struct Lab {
    dir: tempfile::TempDir,
    cache: PathBuf,
    helm: PathBuf,
}

impl Lab {
    fn new() -> Lab {
        require_tools();
        let dir = tempfile::tempdir().expect("tempdir");
        copy_dir(
            &root().join("fixtures/charts/win-app"),
            &dir.path().join("app"),
        );
        let helm = dir.path().join("helm");
        let script = format!(
            "#!/bin/sh\necho run >> '{}'\nexec helm \"$@\"\n",
            dir.path().join("helm-runs").display()
        );
        std::fs::write(&helm, script).expect("helm script");
        make_executable(&helm);
        let cache = dir.path().join("cache");
        Lab { dir, cache, helm }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Runs winlint in the lab with its cache and helm; `args` name the targets too.
    fn run(&self, args: &[&str]) -> Run {
        let run = common::winlint_in(self.dir.path(), &self.args(args), None);
        assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
        run
    }

    fn args<'a>(&'a self, extra: &[&'a str]) -> Vec<&'a str> {
        let mut args = vec![
            "--format",
            "json",
            "--cache-dir",
            self.cache.to_str().expect("utf-8 path"),
            "--helm-binary",
            self.helm.to_str().expect("utf-8 path"),
        ];
        args.extend_from_slice(extra);
        args
    }

    /// How many times helm ran since the last call.
    fn helm_runs(&self) -> usize {
        let log = self.path("helm-runs");
        let n = std::fs::read_to_string(&log)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        let _ = std::fs::remove_file(&log);
        n
    }

    fn entries(&self) -> Vec<PathBuf> {
        entries(&self.cache)
    }
}

/// The cache's entry files, in name order.
fn entries(cache: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(cache.join("renders-v1"))
        .map(|es| es.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.extension().is_some_and(|x| x == "render"));
    out.sort();
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read fixture") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

fn make_executable(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

fn append(p: &Path, text: &str) {
    let mut t = std::fs::read_to_string(p).expect("read");
    t.push_str(text);
    std::fs::write(p, t).expect("write");
}

#[test]
fn second_run_is_served_from_the_cache_with_the_same_bytes() {
    let lab = Lab::new();
    let first = lab.run(&["app", "--set", "windows.enabled=true"]);
    assert_eq!(lab.helm_runs(), 1);
    assert_eq!(lab.entries().len(), 1);
    let second = lab.run(&["app", "--set", "windows.enabled=true"]);
    assert_eq!(lab.helm_runs(), 0, "the second run renders nothing");
    assert_eq!(second.stdout, first.stdout);
    assert_eq!(second.stderr, first.stderr);
    assert!(first.stdout.contains("\"rule\""), "{}", first.stdout);
    let fresh = lab.run(&["app", "--set", "windows.enabled=true", "--no-cache"]);
    assert_eq!(lab.helm_runs(), 1, "--no-cache renders");
    assert_eq!(fresh.stdout, first.stdout);
    assert_eq!(lab.entries().len(), 1, "--no-cache writes nothing");
}

#[test]
fn every_render_input_changes_the_key() {
    let lab = Lab::new();
    let mut expected = 0;
    let mut check = |what: &str, extra: &[&str]| {
        let args: Vec<&str> = ["app"].iter().chain(extra).copied().collect();
        lab.run(&args);
        expected += 1;
        assert_eq!(lab.helm_runs(), 1, "{what}: helm renders again");
        assert_eq!(lab.entries().len(), expected, "{what}: a new entry");
        lab.run(&args);
        assert_eq!(lab.helm_runs(), 0, "{what}: the same inputs hit");
    };
    check("first run", &[]);
    append(&lab.path("app/templates/daemonset.yaml"), "# changed\n");
    check("a template", &[]);
    append(&lab.path("app/values.yaml"), "extra: 1\n");
    check("the chart's values", &[]);
    std::fs::write(lab.path("more.yaml"), "windows:\n  enabled: true\n").expect("values");
    check("a values file", &["--values", "more.yaml"]);
    append(&lab.path("more.yaml"), "extra: 2\n");
    check("the values file's content", &["--values", "more.yaml"]);
    check("--set", &["--set", "windows.enabled=true"]);
    check("the release name", &["--release-name", "other"]);
    check("the namespace", &["--namespace", "apps"]);
    check("the kube version", &["--kube-version", "1.34.0"]);
    check("the API versions", &["--api-versions", "example.com/v1"]);
    check("test hooks", &["--helm-include-tests"]);
    // A subchart in a folder, then packaged.
    let sub = lab.path("app/charts/sub");
    std::fs::create_dir_all(sub.join("templates")).expect("mkdir");
    std::fs::write(
        sub.join("Chart.yaml"),
        "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
    )
    .expect("Chart.yaml");
    std::fs::write(
        sub.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sub\n",
    )
    .expect("template");
    check("a subchart", &[]);
    append(&sub.join("templates/cm.yaml"), "data:\n  a: \"1\"\n");
    check("a subchart's template", &[]);
    let package = |dest: &Path| {
        let out = std::process::Command::new("helm")
            .args(["package", "-d"])
            .arg(dest)
            .arg(&sub)
            .output()
            .expect("helm package");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let staging = lab.path("staging");
    package(&staging);
    std::fs::remove_dir_all(&sub).expect("rm subchart folder");
    std::fs::copy(
        staging.join("sub-0.1.0.tgz"),
        lab.path("app/charts/sub-0.1.0.tgz"),
    )
    .expect("copy archive");
    check("a packaged subchart", &[]);
    // Rebuild the archive with another template.
    std::fs::create_dir_all(sub.join("templates")).expect("mkdir");
    std::fs::write(
        sub.join("Chart.yaml"),
        "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
    )
    .expect("Chart.yaml");
    std::fs::write(
        sub.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sub-changed\n",
    )
    .expect("template");
    package(&staging);
    std::fs::remove_dir_all(&sub).expect("rm subchart folder");
    std::fs::copy(
        staging.join("sub-0.1.0.tgz"),
        lab.path("app/charts/sub-0.1.0.tgz"),
    )
    .expect("copy archive");
    check("the packaged subchart's content", &[]);
}

#[test]
fn a_new_helm_binary_changes_the_key() {
    let lab = Lab::new();
    lab.run(&["app"]);
    assert_eq!(lab.helm_runs(), 1);
    // Same path, another file: as when helm is upgraded in place.
    append(&lab.path("helm"), "# another version\n");
    lab.run(&["app"]);
    assert_eq!(lab.helm_runs(), 1);
    assert_eq!(lab.entries().len(), 2);
}

#[test]
fn damaged_entries_are_detected_and_rewritten() {
    let lab = Lab::new();
    let first = lab.run(&["app"]);
    lab.helm_runs();
    let [entry] = lab.entries().try_into().expect("one entry");
    let sound = std::fs::read(&entry).expect("entry");
    let damages: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", sound[..sound.len() / 2].to_vec()),
        ("empty", Vec::new()),
        ("one byte flipped", {
            let mut b = sound.clone();
            let at = b.len() - 10;
            b[at] ^= 0x20;
            b
        }),
        ("longer", {
            let mut b = sound.clone();
            b.extend_from_slice(b"trailing");
            b
        }),
        ("not an entry", b"kind: Pod\n".to_vec()),
    ];
    for (what, bytes) in damages {
        std::fs::write(&entry, bytes).expect("damage");
        let run = lab.run(&["app"]);
        assert_eq!(run.stdout, first.stdout, "{what}: same output");
        assert_eq!(lab.helm_runs(), 1, "{what}: the entry is not trusted");
        assert_eq!(
            std::fs::read(&entry).expect("entry"),
            sound,
            "{what}: rewritten"
        );
    }
}

#[test]
fn least_recently_used_entries_are_evicted_past_the_bound() {
    let lab = Lab::new();
    lab.run(&["app", "--release-name", "rel-a"]);
    lab.run(&["app", "--release-name", "rel-b"]);
    let sizes: Vec<u64> = lab
        .entries()
        .iter()
        .map(|p| std::fs::metadata(p).expect("entry").len())
        .collect();
    assert_eq!(sizes.len(), 2);
    std::thread::sleep(std::time::Duration::from_millis(50));
    lab.run(&["app", "--release-name", "rel-a"]);
    lab.helm_runs();
    // Room for two entries and a half: the third evicts the least recently used, rel-b.
    let bound = (sizes[0] + sizes[1] + sizes[0].min(sizes[1]) / 2).to_string();
    std::thread::sleep(std::time::Duration::from_millis(50));
    lab.run(&["app", "--release-name", "rel-c", "--cache-max-size", &bound]);
    assert_eq!(lab.entries().len(), 2, "one entry evicted");
    lab.run(&["app", "--release-name", "rel-a", "--cache-max-size", &bound]);
    lab.run(&["app", "--release-name", "rel-c", "--cache-max-size", &bound]);
    assert_eq!(lab.helm_runs(), 1, "rel-a and rel-c are still cached");
    lab.run(&["app", "--release-name", "rel-b", "--cache-max-size", &bound]);
    assert_eq!(lab.helm_runs(), 1, "rel-b was evicted");
    // A bound smaller than one entry keeps nothing, and the run is still right.
    let tiny = lab.run(&["app", "--release-name", "rel-a", "--cache-max-size", "1"]);
    assert!(lab.entries().is_empty());
    assert!(tiny.stdout.contains("\"summary\""));
}

#[test]
fn concurrent_runs_agree_and_leave_a_consistent_cache() {
    let lab = Lab::new();
    copy_dir(&root().join("fixtures/kustomize/win-web"), &lab.path("kz"));
    let args = [
        "--set",
        "windows.enabled=true",
        "app",
        "kz/overlays/windows",
        "kz/overlays/typo",
    ];
    let expected = lab.run(&[&args[..], &["--no-cache"]].concat()).stdout;
    let report: serde_json::Value = serde_json::from_str(&expected).expect("JSON");
    assert!(
        report["summary"]["resources"].as_u64() > Some(3),
        "{report:#}"
    );
    lab.helm_runs();
    let children: Vec<_> = (0..6)
        .map(|_| {
            command(lab.dir.path(), &lab.args(&args))
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("winlint starts")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("winlint finishes");
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
    }
    assert_eq!(lab.entries().len(), 3, "one entry per render");
    let leftovers: Vec<_> = std::fs::read_dir(lab.cache.join("renders-v1"))
        .expect("cache")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // Every entry is sound: a further run renders nothing and prints the same.
    lab.helm_runs();
    assert_eq!(lab.run(&args).stdout, expected);
    assert_eq!(lab.helm_runs(), 0);
}

#[test]
fn kustomize_builds_are_cached_by_every_file_they_read() {
    let lab = Lab::new();
    copy_dir(&root().join("fixtures/kustomize/win-web"), &lab.path("kz"));
    let target = "kz/overlays/windows";
    let first = lab.run(&[target]);
    assert_eq!(lab.entries().len(), 1);
    assert_eq!(lab.run(&[target]).stdout, first.stdout);
    assert_eq!(lab.entries().len(), 1, "served from the cache");
    let mut expected = 1;
    for (what, file) in [
        ("a base resource", "kz/base/deployment.yaml"),
        ("the base kustomization", "kz/base/kustomization.yaml"),
        ("a patch", "kz/overlays/windows/windows-nodes.yaml"),
        ("the overlay", "kz/overlays/windows/kustomization.yaml"),
    ] {
        append(&lab.path(file), "# changed\n");
        lab.run(&[target]);
        expected += 1;
        assert_eq!(lab.entries().len(), expected, "{what}");
    }
    // A real change shows in the output.
    let base = lab.path("kz/base/deployment.yaml");
    let text = std::fs::read_to_string(&base).expect("base");
    std::fs::write(
        &base,
        text.replace(
            "servercore/iis:windowsservercore-ltsc2022",
            "servercore/iis:latest",
        ),
    )
    .expect("write");
    let changed = lab.run(&[target]);
    assert_ne!(changed.stdout, first.stdout);
}

#[test]
fn the_default_cache_is_in_xdg_cache_home() {
    let lab = Lab::new();
    let home = lab.path("xdg");
    let helm = lab.path("helm");
    let run = command(
        lab.dir.path(),
        &["--helm-binary", helm.to_str().expect("utf-8"), "app"],
    )
    .env("XDG_CACHE_HOME", &home)
    .output()
    .expect("winlint runs");
    assert!(run.status.code() == Some(0), "{run:?}");
    assert_eq!(entries(&home.join("winlint")).len(), 1);
}
