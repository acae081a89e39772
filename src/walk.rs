//! Finds the files to lint: files named on the command line whatever their extension, and
//! `*.yaml`, `*.yml`, `*.json` below directories (honouring .gitignore, skipping `.git`).

use std::path::{Path, PathBuf};

use crate::error::Error;

/// One input, named as the user wrote it (with `/` separators).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File {
        display: String,
        path: PathBuf,
    },
    Stdin {
        display: String,
    },
    /// A directory entry the walker could not read.
    Unreadable {
        display: String,
        message: String,
    },
    /// An entry deliberately not read (a symlink, a FIFO): reported as a notice.
    Skipped {
        display: String,
        message: String,
    },
}

impl Input {
    pub fn display(&self) -> &str {
        match self {
            Input::File { display, .. }
            | Input::Stdin { display }
            | Input::Unreadable { display, .. }
            | Input::Skipped { display, .. } => display,
        }
    }
}

fn shown(p: &Path) -> String {
    let s = p.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

fn is_manifest(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "yaml" | "yml" | "json"))
}

/// Expands the command-line paths into sorted, de-duplicated inputs. A path named on the
/// command line is read even through a symlink; inside directories symlinks are entered
/// only with `follow_symlinks` (the walker detects loops), so untrusted content cannot make
/// winlint read files outside the tree.
pub fn discover(
    paths: &[String],
    stdin_name: &str,
    follow_symlinks: bool,
) -> Result<Vec<Input>, Error> {
    let mut out = Vec::new();
    for arg in paths {
        if arg == "-" {
            out.push(Input::Stdin {
                display: stdin_name.to_owned(),
            });
            continue;
        }
        let path = Path::new(arg);
        let meta = std::fs::metadata(path).map_err(|_| Error::PathNotFound(arg.clone()))?;
        if meta.is_file() {
            out.push(Input::File {
                display: shown(path),
                path: path.to_path_buf(),
            });
            continue;
        }
        if !meta.is_dir() {
            out.push(Input::Skipped {
                display: shown(path),
                message: "not a regular file (FIFO, socket or device); skipped".into(),
            });
            continue;
        }
        let walker = ignore::WalkBuilder::new(path)
            .hidden(false)
            .require_git(false)
            .follow_links(follow_symlinks)
            .filter_entry(|e| e.file_name() != ".git")
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    if e.depth() == 0 || !is_manifest(e.path()) {
                        continue;
                    }
                    let Some(ft) = e.file_type() else { continue };
                    if ft.is_file() {
                        out.push(Input::File {
                            display: shown(e.path()),
                            path: e.path().to_path_buf(),
                        });
                    } else if ft.is_symlink() {
                        out.push(Input::Skipped {
                            display: shown(e.path()),
                            message: "symlink not followed (use --follow-symlinks to lint what it points to)".into(),
                        });
                    } else if !ft.is_dir() {
                        out.push(Input::Skipped {
                            display: shown(e.path()),
                            message: "not a regular file (FIFO, socket or device); skipped".into(),
                        });
                    }
                }
                Err(err) => {
                    let display = match &err {
                        ignore::Error::WithPath { path, .. } => shown(path),
                        ignore::Error::WithDepth { err, .. } => match err.as_ref() {
                            ignore::Error::WithPath { path, .. } => shown(path),
                            _ => shown(path),
                        },
                        ignore::Error::Loop { child, .. } => shown(child),
                        _ => shown(path),
                    };
                    out.push(Input::Unreadable {
                        display,
                        message: err.to_string(),
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| a.display().cmp(b.display()));
    out.dedup_by(|a, b| a.display() == b.display());
    Ok(out)
}

/// `shown` (as typed, relative to `cwd`) relative to `base`, with `/`; paths outside `base`
/// stay as typed. Used for globs in the config, baselines and SARIF URIs.
pub fn relative_to(base: &Path, cwd: &Path, shown: &str) -> String {
    let abs = normalize(&cwd.join(shown));
    match abs.strip_prefix(normalize(base)) {
        Ok(rel) => rel.to_string_lossy().replace('\\', "/"),
        Err(_) => shown.to_owned(),
    }
}

/// `a/./b/../c` to `a/c`, without touching the filesystem.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
