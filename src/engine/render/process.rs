//! Runs a rendering tool: an argument list (never a shell), a working folder and environment
//! of our choosing, a deadline and a cap on what it may print.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// How long one `helm template` or kustomize build may take.
pub const TIMEOUT: Duration = Duration::from_secs(120);
/// The most a tool may print on stdout (a render larger than this is not a manifest set).
pub const OUTPUT_CAP: usize = 64 << 20;
/// The most of stderr that is kept for messages.
const STDERR_CAP: usize = 64 << 10;

/// What a finished tool run gave.
#[derive(Debug)]
pub struct Output {
    pub success: bool,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

/// Why a tool run gave no output.
#[derive(Debug)]
pub enum ToolError {
    /// The binary does not exist or cannot be executed.
    NotFound(std::io::Error),
    TimedOut,
    TooLarge,
    Io(std::io::Error),
}

/// Runs `program args...` in `cwd` with `envs` added, waiting at most [`TIMEOUT`].
///
/// The tools are Go programs, which start as many threads as the machine has cores. A render
/// runs in one of winlint's `-j` job slots, so it gets one core (`GOMAXPROCS=1`) unless the
/// user's environment sets `GOMAXPROCS`: `-j 1` then uses one core, and renders running side
/// by side do not contend for the same ones.
pub fn run(
    program: &Path,
    args: &[std::ffi::OsString],
    cwd: &Path,
    envs: &[(&str, std::ffi::OsString)],
) -> Result<Output, ToolError> {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if std::env::var_os("GOMAXPROCS").is_none() {
        cmd.env("GOMAXPROCS", "1");
    }
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => {
            ToolError::NotFound(e)
        }
        _ => ToolError::Io(e),
    })?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    // Read both pipes on their own threads so a chatty tool never blocks on a full pipe.
    let (closed, stdout_closed) = mpsc::channel();
    let out_reader = thread::spawn(move || {
        let r = read_capped(stdout, OUTPUT_CAP);
        let _ = closed.send(());
        r
    });
    let err_reader = thread::spawn(move || read_capped(stderr, STDERR_CAP));
    let deadline = Instant::now() + TIMEOUT;
    // The tool's stdout closes when it exits: wait for that instead of polling its status
    // (a poll's sleep is paid on every render); then it is reaped within a millisecond or so.
    let _ = stdout_closed.recv_timeout(TIMEOUT);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => break None,
            Ok(None) => thread::sleep(Duration::from_millis(1)),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(ToolError::Io(e));
            }
        }
    };
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(ToolError::TimedOut);
    };
    let (stdout, overflow) = out_reader.join().unwrap_or_default();
    let (stderr, _) = err_reader.join().unwrap_or_default();
    if overflow {
        return Err(ToolError::TooLarge);
    }
    Ok(Output {
        success: status.success(),
        stdout,
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    })
}

/// Reads a pipe to its end, keeping at most `cap` bytes; says whether there was more.
fn read_capped(mut r: impl Read, cap: usize) -> (Vec<u8>, bool) {
    let mut kept = Vec::new();
    let mut buf = [0u8; 64 << 10];
    let mut overflow = false;
    loop {
        match r.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = cap.saturating_sub(kept.len());
                if n > room {
                    overflow = true;
                }
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
        }
    }
    (kept, overflow)
}

/// The first program called `name` on PATH.
pub(super) fn which(name: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file() || p.with_extension("exe").is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_binary_is_not_found() {
        let r = run(
            Path::new("/nonexistent/winlint-no-such-tool"),
            &[],
            Path::new("."),
            &[],
        );
        assert!(matches!(r, Err(ToolError::NotFound(_))), "{r:?}");
    }

    /// A tool gets one core unless the user chose otherwise; its status and both streams
    /// come back once it has exited.
    #[test]
    fn tools_run_on_one_core_and_are_reaped() {
        let script = "printf '%s' \"$GOMAXPROCS\"; echo oops >&2; exit 3";
        let args = ["-c".into(), script.into()];
        let out = run(Path::new("/bin/sh"), &args, Path::new("."), &[]).expect("runs");
        assert!(!out.success);
        assert_eq!(out.stderr, "oops\n");
        let want = std::env::var("GOMAXPROCS").unwrap_or_else(|_| "1".into());
        assert_eq!(String::from_utf8_lossy(&out.stdout), want);
    }
}
