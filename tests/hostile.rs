//! Hostile and broken input through the real binary: every case runs with a time and memory
//! cap, must give its exact finding (or be linted correctly), and must not hide the finding
//! of a known-bad manifest beside it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::root;

const NEIGHBOUR: &str = "neighbour.yaml";
/// The finding the neighbour file always produces.
const NEIGHBOUR_FINDING: &str = "neighbour.yaml:18:5: error[windows-workload-may-land-on-linux]";

fn bad_manifest() -> String {
    std::fs::read_to_string(root().join("fixtures/examples/win-webserver-no-selector.yaml"))
        .expect("fixture")
}

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Case {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(NEIGHBOUR), bad_manifest()).expect("write neighbour");
        Case { dir }
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> &Case {
        std::fs::write(self.path(name), bytes).expect("write case");
        self
    }
    /// Runs `winlint --format concise <args> .` under `ulimit -v` and a wall-clock limit.
    fn run(&self, args: &[&str]) -> (i32, String) {
        self.run_env(args, &[])
    }
    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg("ulimit -v 8000000; exec \"$@\"")
            .arg("sh")
            .arg(env!("CARGO_BIN_EXE_winlint"))
            .args(["--format", "concise", "-j", "2"])
            .args(args)
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .env("XDG_CACHE_HOME", common::test_cache_home())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if child.try_wait().expect("wait").is_some() {
                break;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("winlint ran longer than 30 s on {args:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().expect("output");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("panicked") || env.iter().any(|(k, _)| *k == "WINLINT_TEST_PANIC"),
            "{stderr}"
        );
        (out.status.code().unwrap_or(-1), stdout)
    }
}

/// Asserts the hostile file's finding and that the neighbour still got its finding.
fn expect(out: &(i32, String), line_prefix: &str) {
    assert!(
        out.1.lines().any(|l| l.starts_with(line_prefix)),
        "no `{line_prefix}` in\n{}",
        out.1
    );
    assert!(
        out.1
            .lines()
            .any(|l| l.trim_start_matches("./").starts_with(NEIGHBOUR_FINDING)),
        "neighbour finding lost:\n{}",
        out.1
    );
    assert_ne!(out.0, 2, "exit code 2 on:\n{}", out.1);
}

#[test]
fn alias_bomb() {
    let mut s = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
    for i in 0..8u8 {
        let (p, n) = ((b'a' + i) as char, (b'a' + i + 1) as char);
        s.push_str(&format!(
            "{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        ));
    }
    let c = Case::new();
    c.write("bomb.yaml", s);
    expect(&c.run(&["."]), "./bomb.yaml:6:8: error[invalid-yaml]");
    assert!(c
        .run(&["."])
        .1
        .contains("aliases expand to more than 100000 nodes"));
}

/// libyaml-safer panics in a state it did not port (a tag followed by `,` in a flow
/// collection): that document is `invalid-yaml`, quietly, and the next document is linted.
#[test]
fn parser_panic_is_the_documents_invalid_yaml() {
    let c = Case::new();
    let mut s = String::from("a: [!!str, b]\n---\n");
    s.push_str(&bad_manifest());
    c.write("panics.yaml", s);
    let out = c.run(&["."]);
    expect(&out, "./panics.yaml:2:1: error[invalid-yaml]");
    assert!(
        out.1
            .contains("the YAML parser could not read this document"),
        "{}",
        out.1
    );
    assert!(
        out.1.lines().any(|l| l.starts_with("./panics.yaml:20:5: error[windows-workload-may-land-on-linux]")),
        "{}",
        out.1
    );
}

#[test]
fn deep_nesting() {
    let c = Case::new();
    let mut block = String::new();
    for i in 0..10_000 {
        block.push_str(&" ".repeat(i));
        block.push_str("k:\n");
    }
    c.write("block.yaml", block);
    c.write("flow.yaml", "[".repeat(10_000) + &"]".repeat(10_000));
    let out = c.run(&["."]);
    expect(&out, "./block.yaml:257:");
    assert!(
        out.1.contains("nesting deeper than 256 levels"),
        "{}",
        out.1
    );
    expect(&out, "./flow.yaml:1:");
}

#[test]
fn big_scalar_and_long_lines() {
    let c = Case::new();
    let blob = "a".repeat(100_000_000);
    c.write(
        "big.yaml",
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\ndata:\n  blob: {blob}\n"
        ),
    );
    let out = c.run(&["--max-file-size", "200000000", "."]);
    assert!(
        !out.1.contains("big.yaml"),
        "a big but valid file has no finding:\n{}",
        out.1
    );
    expect(&out, "Checked 2 files");
}

#[test]
fn file_over_the_size_limit() {
    let c = Case::new();
    c.write("huge.yaml", "# ".repeat(2500));
    let out = c.run(&["--max-file-size", "4000", "."]);
    expect(
        &out,
        "./huge.yaml:1:1: error[input-too-large] file is 5000 bytes, over the 4000-byte limit",
    );
}

#[test]
fn encodings_and_line_endings() {
    let c = Case::new();
    let bad = bad_manifest();
    c.write(
        "bom.yaml",
        [b"\xEF\xBB\xBF".as_slice(), bad.as_bytes()].concat(),
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(bad.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    c.write("utf16.yaml", utf16);
    c.write("crlf.yaml", bad.replace('\n', "\r\n"));
    let mixed: String = bad
        .lines()
        .enumerate()
        .map(|(i, l)| format!("{l}{}", if i % 2 == 0 { "\r\n" } else { "\n" }))
        .collect();
    c.write("mixed.yaml", mixed);
    c.write(
        "latin1.yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n",
    );
    c.write("binary.yaml", b"\x00\x01\x02\x03\xff\xfe\x00");
    let out = c.run(&["."]);
    for f in ["bom", "utf16", "crlf", "mixed"] {
        expect(
            &out,
            &format!("./{f}.yaml:18:5: error[windows-workload-may-land-on-linux]"),
        );
    }
    expect(&out, "./latin1.yaml:3:");
    assert!(
        out.1.contains(
            "./latin1.yaml:3:21: error[invalid-yaml] invalid YAML: the file is not UTF-8 text"
        ),
        "{}",
        out.1
    );
    expect(
        &out,
        "./binary.yaml:1:5: error[invalid-yaml] invalid YAML: the file is binary, not text",
    );
}

#[test]
fn nul_bytes_tabs_and_duplicates() {
    let c = Case::new();
    c.write("nul.yaml", "apiVersion: v1\nkind: Pod\x00\n");
    c.write(
        "tabs.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n",
    );
    c.write("dup.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: d}\nspec:\n  containers: [{name: c, image: nginx}]\n  containers: [{name: c, image: nginx}]\n");
    let out = c.run(&["."]);
    expect(&out, "./nul.yaml:2:");
    expect(&out, "./tabs.yaml:4:");
    expect(
        &out,
        "./dup.yaml:6:3: warning[duplicate-key] duplicate key `containers`",
    );
}

#[test]
fn merge_keys_anchors_tags_and_odd_keys() {
    let c = Case::new();
    // The nodeSelector arrives through a merge key: the pod is correctly placed.
    c.write("merge.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: m}\nspec:\n  <<: {nodeSelector: {kubernetes.io/os: windows}}\n  containers: [{name: c, image: 'mcr.microsoft.com/windows/nanoserver:ltsc2022'}]\n");
    // Anchors do not cross documents.
    c.write("anchors.yaml", "a: &x 1\n---\nb: *x\n");
    c.write("tags.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: !custom t}\ndata: {k: !!str 0644, b: !!binary aGk=}\n");
    c.write("keys.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: k\n  labels:\n    ? [a, b]\n    : c\nspec:\n  containers: [{name: c, image: nginx}]\n");
    let out = c.run(&["."]);
    // The merged nodeSelector counts: no placement finding, no unknown `<<` field.
    let merge_lines = |needle: &str| {
        out.1
            .lines()
            .any(|l| l.starts_with("./merge.yaml") && l.contains(needle))
    };
    assert!(
        !merge_lines("may-land-on-linux") && !merge_lines("unknown-field"),
        "{}",
        out.1
    );
    expect(
        &out,
        "./anchors.yaml:3:4: error[invalid-yaml] invalid YAML: unknown anchor 'x' referenced",
    );
    assert!(!out.1.contains("./tags.yaml"), "{}", out.1);
    expect(&out, "./keys.yaml:6:7: error[invalid-resource]");
}

#[test]
fn empty_and_comment_only_documents() {
    let c = Case::new();
    c.write("empty.yaml", "");
    c.write("comments.yaml", "# nothing here\n# at all\n");
    c.write("markers.yaml", "---\n...\n---\n---\n");
    let out = c.run(&["."]);
    expect(&out, "Checked 4 files: 1 document");
    let theirs = out
        .1
        .lines()
        .filter(|l| {
            ["./empty", "./comments", "./markers"]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .count();
    assert_eq!(theirs, 0, "{}", out.1);
}

#[cfg(unix)]
#[test]
fn fifos_symlinks_and_directories_named_yaml() {
    use std::os::unix::fs::symlink;
    let c = Case::new();
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("secret.yaml"), bad_manifest()).expect("write");
    symlink(outside.path().join("secret.yaml"), c.path("link.yaml")).expect("symlink");
    symlink(c.dir.path(), c.path("loop")).expect("loop symlink");
    std::fs::create_dir(c.path("dir.yaml")).expect("mkdir");
    std::fs::write(
        c.path("dir.yaml/inner.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    )
    .expect("write");
    let fifo_ok = Command::new("mkfifo")
        .arg(c.path("pipe.yaml"))
        .status()
        .is_ok_and(|s| s.success());
    assert!(fifo_ok, "mkfifo");

    let out = c.run(&["."]);
    expect(
        &out,
        "./link.yaml:1:1: info[io-error] not read: symlink not followed",
    );
    expect(
        &out,
        "./pipe.yaml:1:1: info[io-error] not read: not a regular file",
    );
    assert!(!out.1.contains("secret"), "{}", out.1);
    expect(&out, "Checked 4 files");

    let followed = c.run(&["--follow-symlinks", "."]);
    expect(
        &followed,
        "./link.yaml:18:5: error[windows-workload-may-land-on-linux]",
    );
    assert!(
        followed.1.contains("error[io-error]"),
        "the loop is reported:\n{}",
        followed.1
    );

    // Named explicitly, a FIFO is not opened (which would block forever).
    let named = c.run(&["pipe.yaml", NEIGHBOUR]);
    expect(&named, "pipe.yaml:1:1: info[io-error]");
}

#[test]
fn dangling_symlink_is_an_io_error_and_the_run_goes_on() {
    let c = Case::new();
    #[cfg(unix)]
    std::os::unix::fs::symlink(c.path("gone.yaml"), c.path("dangling.yaml")).expect("symlink");
    let out = c.run(&["--follow-symlinks", "."]);
    expect(&out, "./dangling.yaml:1:1: error[io-error]");
}

#[test]
fn a_panic_on_one_file_is_contained() {
    let c = Case::new();
    c.write(
        "boom.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n",
    );
    let out = c.run_env(&["."], &[("WINLINT_TEST_PANIC", "boom.yaml")]);
    assert!(
        out.1.contains(
            "./boom.yaml:1:1: error[internal-error] winlint failed on this file: test panic"
        ),
        "{}",
        out.1
    );
    assert!(out.1.contains(NEIGHBOUR_FINDING), "{}", out.1);
    assert_eq!(out.0, 2, "internal errors exit with 2");
}

/// Every file's path, size and modification time below `dir`.
fn tree_state(dir: &Path) -> Vec<(PathBuf, u64, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir") {
            let e = e.expect("entry");
            let m = e.metadata().expect("metadata");
            if m.is_dir() {
                stack.push(e.path());
            }
            out.push((e.path(), m.len(), m.modified().expect("mtime")));
        }
    }
    out.sort();
    out
}

#[test]
fn never_writes_into_the_scanned_tree() {
    let c = Case::new();
    std::fs::create_dir(c.path("sub")).expect("mkdir");
    c.write("sub/a.yaml", bad_manifest());
    c.write(
        "sub/.winlint.yaml",
        "cluster:\n  nodePools:\n  - name: l\n    labels: {kubernetes.io/os: linux}\n",
    );
    let before = tree_state(c.dir.path());
    let out = c.run(&["."]);
    expect(&out, "./sub/a.yaml:18:5");
    assert_eq!(before, tree_state(c.dir.path()));
}
