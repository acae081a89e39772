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
}

impl Input {
    pub fn display(&self) -> &str {
        match self {
            Input::File { display, .. }
            | Input::Stdin { display }
            | Input::Unreadable { display, .. } => display,
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

/// Expands the command-line paths into sorted, de-duplicated inputs.
pub fn discover(paths: &[String], stdin_name: &str) -> Result<Vec<Input>, Error> {
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
        if !meta.is_dir() {
            out.push(Input::File {
                display: shown(path),
                path: path.to_path_buf(),
            });
            continue;
        }
        let walker = ignore::WalkBuilder::new(path)
            .hidden(false)
            .require_git(false)
            .filter_entry(|e| e.file_name() != ".git")
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    let is_file = e.file_type().is_some_and(|t| t.is_file() || t.is_symlink());
                    if is_file && e.depth() > 0 && is_manifest(e.path()) {
                        if e.path().is_dir() {
                            continue;
                        }
                        out.push(Input::File {
                            display: shown(e.path()),
                            path: e.path().to_path_buf(),
                        });
                    }
                }
                Err(err) => {
                    let display = match &err {
                        ignore::Error::WithPath { path, .. } => shown(path),
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
