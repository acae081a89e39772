//! Running the real `winlint` binary from tests.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn command(cwd: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_winlint"));
    cmd.args(args)
        .current_dir(cwd)
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", test_cache_home())
        .env_remove("CLICOLOR_FORCE");
    cmd
}

/// The cache folder every test run of winlint gets by default (`$XDG_CACHE_HOME`): under
/// target/tmp, never the user's own cache. Tests of the cache itself pass their own
/// `--cache-dir`.
pub fn test_cache_home() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("xdg-cache")
}

/// Runs winlint in the repository root with `args`, feeding `stdin` if given.
pub fn winlint(args: &[&str], stdin: Option<&str>) -> Run {
    winlint_in(&root(), args, stdin)
}

pub fn winlint_in(cwd: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = command(cwd, args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("winlint binary starts");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin pipe")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    let out = child.wait_with_output().expect("winlint finishes");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

/// The shared corpus beside the checkout, which CI has too.
pub fn corpus() -> PathBuf {
    root().join("../shared/corpus")
}

/// `../shared/<rel>` when it is beside the checkout. Without it, a test that needs it is
/// skipped outside CI, saying which folder is missing (written straight to stderr, which
/// the test harness does not capture); in CI (`CI` set and not `false`) it fails instead, so
/// a lost corpus cannot pass unnoticed.
pub fn shared_or_skip(rel: &str) -> Option<PathBuf> {
    let path = root().join("../shared").join(rel);
    if path.exists() {
        return Some(path);
    }
    let message = format!(
        "{} is missing: the tests that need ../shared/{rel} (a folder beside the checkout) cannot run",
        path.display()
    );
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(
        !in_ci,
        "{message} (CI is set, so this fails instead of skipping)"
    );
    let _ = writeln!(std::io::stderr(), "skipped: {message}");
    None
}

/// The shared corpus, or `None` (the test returns early) outside CI when it is missing.
pub fn corpus_or_skip() -> Option<PathBuf> {
    shared_or_skip("corpus")
}

/// A snapshot body: the command, exit code, stdout and stderr.
pub fn transcript(args: &[&str], run: &Run) -> String {
    format!(
        "$ winlint {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        run.code,
        run.stdout,
        run.stderr
    )
}

/// The helm and kubectl the render tests need: the pinned versions that `scripts/test`
/// installs into `.tools/bin` and puts on PATH. Fails (never skips) when they are missing.
pub fn require_tools() {
    let check = |program: &str, args: &[&str], want: &str| {
        let out = std::process::Command::new(program).args(args).output();
        let text = out
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        assert!(
            text.contains(want),
            "these tests run the real {program} {want}, which is not on PATH (found: {:?}); \
             run ./scripts/test, which installs it into .tools/bin, or put .tools/bin first on PATH",
            text.trim()
        );
    };
    check("helm", &["version", "--short"], "v4.1.4");
    check("kubectl", &["version", "--client"], "v1.35.2");
}

/// Parses a JSON report.
pub fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\nstderr:\n{}", run.stdout, run.stderr))
}
