//! `winlint --fix` and `--diff`: lint, fix the plain YAML and JSON files whose findings carry
//! fixes (renders are not the object: their findings carry none), write each file
//! atomically or print the diff, and exit by the findings that remain.

use std::collections::{BTreeSet, HashMap};
use std::io::{self, Write};
use std::path::Path;

use rayon::prelude::*;

use super::run::{prepare, stream, Outcome, Progress};
use super::{RunError, EXIT_CLEAN, EXIT_FINDINGS};
use crate::cli::args::{Args, FailOn};
use crate::engine::fix::{fix_text, key, unified_diff, Key};
use crate::engine::lint::{FileReport, Scope};
use crate::engine::walk::Input;
use crate::finding::Applicability;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What fixing one file came to.
enum Change {
    /// New bytes for the file (BOM kept), the findings fixed, and the original bytes.
    Fixed {
        bytes: Vec<u8>,
        original: Vec<u8>,
        fixed: usize,
        diff: String,
    },
    /// The file could not be fixed; why (said on stderr).
    Skipped(String),
    Unchanged,
}

pub(crate) fn run(
    args: &Args,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<i32, RunError> {
    let p = prepare(args, true)?;
    let cx = Scope::new(&p.config, &p.inventory);
    let files: HashMap<&str, &Path> = p
        .inputs
        .iter()
        .filter_map(|i| match i {
            Input::File { display, path } => Some((display.as_str(), path.as_path())),
            _ => None,
        })
        .collect();
    let work = p.work(&cx, args.max_file_size, None);
    let progress = Progress::new(p.inputs.len(), args.quiet);
    let mut reports = Vec::new();
    stream(&work, &progress, &mut |mut report| {
        p.policy.apply(&mut report);
        reports.push(report);
        Ok(())
    })?;
    progress.finish();
    let changes: Vec<Change> = p.pool.install(|| {
        reports
            .par_iter_mut()
            .map(|r| fix_report(r, files.get(r.path.as_str()).copied(), &cx, args))
            .collect()
    });
    let (mut fixed, mut touched) = (0, 0);
    for (report, change) in reports.iter_mut().zip(changes) {
        match change {
            Change::Fixed {
                bytes,
                original,
                fixed: n,
                diff,
            } => {
                if args.diff {
                    stdout.write_all(diff.as_bytes())?;
                } else if let Some(path) = files.get(report.path.as_str()) {
                    if let Err(e) = write_atomically(path, &original, &bytes) {
                        writeln!(stderr, "warning: {} not fixed: {e}", report.path)?;
                        continue;
                    }
                }
                fixed += n;
                touched += 1;
                p.policy.apply(report);
            }
            Change::Skipped(why) => writeln!(stderr, "warning: {} not fixed: {why}", report.path)?,
            Change::Unchanged => {}
        }
    }
    let fail_on = args.fail_on.or(p.config.fail_on).unwrap_or(FailOn::Warning);
    let mut outcome = Outcome::default();
    let mut remaining = 0;
    for r in &reports {
        outcome.add(r, fail_on);
        remaining += r.findings.iter().filter(|f| f.suppressed.is_none()).count();
    }
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let verb = if args.diff { "Would fix" } else { "Fixed" };
    let line = format!(
        "{verb} {} in {} ({remaining} remaining)",
        plural(fixed, "finding", "findings"),
        plural(touched, "file", "files"),
    );
    if args.diff {
        writeln!(stderr, "{line}")?;
        stdout.flush()?;
        return Ok(if touched > 0 {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        });
    }
    if !args.quiet {
        writeln!(stdout, "{line}")?;
    }
    stdout.flush()?;
    Ok(outcome.exit_code())
}

/// Fixes one linted file; its findings become those of the fixed text.
fn fix_report(report: &mut FileReport, path: Option<&Path>, cx: &Scope<'_>, args: &Args) -> Change {
    let fixable = report.findings.iter().any(|f| {
        f.suppressed.is_none()
            && f.rendered.is_none()
            && f.fix
                .as_ref()
                .is_some_and(|x| args.unsafe_fixes || x.applicability == Applicability::Safe)
    });
    let Some(path) = path else {
        return Change::Unchanged;
    };
    if !fixable {
        return Change::Unchanged;
    }
    // What the configuration suppresses (exemptions, per-path ignores, the baseline) stays.
    let blocked: BTreeSet<Key> = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_some())
        .map(key)
        .collect();
    let original = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return Change::Skipped(format!("cannot read it again: {e}")),
    };
    let (bom, body) = match original.strip_prefix(BOM) {
        Some(rest) => (true, rest),
        None => (false, original.as_slice()),
    };
    // The findings were made from this text; another writer since then voids their spans.
    let Ok(text) = std::str::from_utf8(body) else {
        return Change::Skipped("it is not UTF-8 text".into());
    };
    if text != report.source.text {
        return Change::Skipped("it changed since it was read".into());
    }
    let done = fix_text(&report.path, text, cx, &blocked, args.unsafe_fixes);
    if done.text == text {
        return Change::Unchanged;
    }
    let diff = unified_diff(&report.path, text, &done.text);
    let mut bytes = Vec::with_capacity(done.text.len() + 3);
    if bom {
        bytes.extend_from_slice(BOM);
    }
    bytes.extend_from_slice(done.text.as_bytes());
    report.findings = done.findings;
    Change::Fixed {
        bytes,
        original,
        fixed: done.fixed,
        diff,
    }
}

/// Replaces `path` with `bytes` through a temporary file in the same folder and a rename,
/// keeping its permissions; refuses when the file no longer holds `original`.
fn write_atomically(path: &Path, original: &[u8], bytes: &[u8]) -> io::Result<()> {
    if std::fs::read(path)? != original {
        return Err(io::Error::other("it changed since it was read"));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let permissions = std::fs::metadata(path)?.permissions();
    let mut tmp = tempfile::Builder::new()
        .prefix(".winlint-fix-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    std::fs::set_permissions(tmp.path(), permissions)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
