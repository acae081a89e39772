//! Finds the files to lint: files named on the command line whatever their extension, and
//! `*.yaml`, `*.yml`, `*.json` below directories (honouring .gitignore, skipping `.git`).
//! A Helm chart (a folder with `Chart.yaml`, or a packaged `.tgz` chart) and a kustomization
//! (a folder with `kustomization.yaml`, `kustomization.yml` or `Kustomization`) are one input
//! each, rendered by `crate::engine::render`. A chart's files are not linted on their own (templates
//! are not YAML; subcharts belong to their parent chart). The files a kustomization names
//! (resources, patches, generator inputs) are not linted on their own either: resources are
//! linted through the build, and patches are partial objects; every other file in a
//! kustomization's folder is, as before. Each kustomization found is its own input. A file
//! named on the command line inside a chart folder stands for its chart; one that a
//! kustomization above it lists (or the kustomization file itself) stands for that
//! kustomization.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::engine::error::Error;
use crate::engine::paths::{join_display, lexical, shown};
use crate::engine::render::KUSTOMIZATION_FILES;

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
    /// A Helm chart: its folder, or a packaged `.tgz` chart.
    Chart {
        display: String,
        path: PathBuf,
    },
    /// A folder with a kustomization file.
    Kustomization {
        display: String,
        path: PathBuf,
    },
}

impl Input {
    pub fn display(&self) -> &str {
        match self {
            Input::File { display, .. }
            | Input::Stdin { display }
            | Input::Unreadable { display, .. }
            | Input::Skipped { display, .. }
            | Input::Chart { display, .. }
            | Input::Kustomization { display, .. } => display,
        }
    }
}

fn is_manifest(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "yaml" | "yml" | "json"))
}

fn is_packaged_chart_name(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("tgz"))
}

/// What one walked directory holds, before charts and kustomizations claim their files.
#[derive(Default)]
struct Found {
    files: Vec<PathBuf>,
    charts: Vec<PathBuf>,
    kustomizations: Vec<PathBuf>,
    archives: Vec<PathBuf>,
}

impl Found {
    /// Turns the walk into inputs: the outermost chart folder claims everything below it;
    /// a kustomization folder claims the manifests below it but not nested charts or
    /// kustomizations.
    fn into_inputs(mut self, out: &mut Vec<Input>) {
        self.charts.sort();
        let mut charts: Vec<PathBuf> = Vec::new();
        for c in self.charts {
            if !charts.iter().any(|p| c.starts_with(p)) {
                charts.push(c);
            }
        }
        let in_chart = |p: &Path| charts.iter().any(|c| p.starts_with(c));
        self.kustomizations.retain(|k| !in_chart(k));
        let claimed: std::collections::HashSet<PathBuf> = self
            .kustomizations
            .iter()
            .flat_map(|k| {
                let mut files = crate::engine::render::referenced_files(k);
                files.extend(KUSTOMIZATION_FILES.iter().map(|f| k.join(f)));
                files
            })
            .map(|p| lexical(&p))
            .collect();
        for f in self.files {
            if !in_chart(&f) && (claimed.is_empty() || !claimed.contains(&lexical(&f))) {
                out.push(Input::File {
                    display: shown(&f),
                    path: f,
                });
            }
        }
        let archives: Vec<PathBuf> = self
            .archives
            .into_iter()
            .filter(|a| !in_chart(a) && crate::engine::render::is_chart_archive(a))
            .collect();
        for c in charts.into_iter().chain(archives) {
            out.push(Input::Chart {
                display: shown(&c),
                path: c,
            });
        }
        for k in self.kustomizations {
            out.push(Input::Kustomization {
                display: shown(&k),
                path: k,
            });
        }
    }
}

/// The chart a file named on the command line belongs to, as the user would type it: the
/// nearest folder above it with a `Chart.yaml`, or, for a subchart under `charts/`, its
/// outermost parent chart. Pre-commit names the changed files, and a template is not YAML
/// until it is rendered, so the chart is linted as when its folder is walked.
fn enclosing_chart(arg: &str) -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    let file = lexical(&cwd.join(arg));
    let mut chart = file
        .ancestors()
        .skip(1)
        .find(|d| d.join("Chart.yaml").is_file())?;
    while let Some(parent) = chart
        .parent()
        .filter(|p| p.file_name().is_some_and(|n| n == "charts"))
        .and_then(Path::parent)
        .filter(|p| p.join("Chart.yaml").is_file())
    {
        chart = parent;
    }
    Some(folder_as_typed(arg, &file, chart))
}

/// The kustomization a file named on the command line belongs to: its own folder for a
/// kustomization file, else the nearest folder above it whose kustomization lists it (a
/// resource or a patch, which is a partial object and means nothing on its own).
fn enclosing_kustomization(arg: &str) -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    let file = lexical(&cwd.join(arg));
    let name = file.file_name()?.to_str()?;
    let dir = if KUSTOMIZATION_FILES.contains(&name) {
        file.parent()?
    } else {
        file.ancestors().skip(1).find(|d| {
            KUSTOMIZATION_FILES.iter().any(|k| d.join(k).is_file())
                && crate::engine::render::referenced_files(d)
                    .iter()
                    .any(|p| lexical(p) == file)
        })?
    };
    Some(folder_as_typed(arg, &file, dir))
}

/// `folder`, an ancestor of `file` (typed as `arg`), written the way `arg` was typed.
fn folder_as_typed(arg: &str, file: &Path, folder: &Path) -> String {
    let depth = file
        .strip_prefix(folder)
        .map_or(0, |rel| rel.components().count());
    let up = vec![".."; depth].join("/");
    join_display(&shown(Path::new(arg)), &up)
}

/// Expands the command-line paths into sorted, de-duplicated inputs. A path named on the
/// command line is read even through a symlink; inside directories symlinks are entered
/// only with `follow_symlinks` (the walker detects loops), so untrusted content cannot make
/// winlint read files outside the tree. Chart and kustomization folders become one input each.
pub fn discover(
    paths: &[String],
    stdin_name: &str,
    follow_symlinks: bool,
) -> Result<Vec<Input>, Error> {
    discover_except(paths, stdin_name, follow_symlinks, &[])
}

/// [`discover`], leaving out `own`: winlint's own files (the config, the baseline, the
/// image lock), which are not manifests, when met while walking a directory. A file named
/// on the command line is still read: naming it is the user's choice.
pub fn discover_except(
    paths: &[String],
    stdin_name: &str,
    follow_symlinks: bool,
    own: &[PathBuf],
) -> Result<Vec<Input>, Error> {
    let own = own_set(own);
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
            out.push(named_file(arg, path));
        } else if !meta.is_dir() {
            out.push(Input::Skipped {
                display: shown(path),
                message: "not a regular file (FIFO, socket or device); skipped".into(),
            });
        } else {
            walk_dir(path, follow_symlinks, &own, &mut out);
        }
    }
    out.sort_by(|a, b| a.display().cmp(b.display()));
    out.dedup_by(|a, b| a.display() == b.display());
    Ok(out)
}

/// A file named on the command line: a packaged chart, the chart or kustomization it
/// belongs to, or else the file itself.
fn named_file(arg: &str, path: &Path) -> Input {
    if is_packaged_chart_name(path) && crate::engine::render::is_chart_archive(path) {
        return Input::Chart {
            display: shown(path),
            path: path.to_path_buf(),
        };
    }
    if let Some(display) = enclosing_chart(arg) {
        return Input::Chart {
            path: PathBuf::from(&display),
            display,
        };
    }
    if let Some(display) = enclosing_kustomization(arg) {
        return Input::Kustomization {
            path: PathBuf::from(&display),
            display,
        };
    }
    Input::File {
        display: shown(path),
        path: path.to_path_buf(),
    }
}

/// Walks one directory named on the command line. Skipped and unreadable entries go to
/// `out` as they are met; the files found go through [`Found::into_inputs`] at the end.
fn walk_dir(path: &Path, follow_symlinks: bool, own: &HashSet<PathBuf>, out: &mut Vec<Input>) {
    let walker = ignore::WalkBuilder::new(path)
        .hidden(false)
        .require_git(false)
        .follow_links(follow_symlinks)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    let mut found = Found::default();
    for entry in walker {
        match entry {
            Ok(e) => walk_entry(&e, path, &mut found, out),
            Err(err) => out.push(unreadable(&err, path)),
        }
    }
    // A `.winlint.yaml` or image lock found below is some folder's own config, whichever
    // config this run uses.
    found.files.retain(|f| {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        name != crate::engine::config::FILE_NAME && name != crate::engine::config::LOCK_FILE_NAME
    });
    if !own.is_empty() {
        found.files.retain(|f| !own.contains(&absolute(f)));
    }
    found.into_inputs(out);
}

/// `p` made absolute against the current folder and resolved lexically, so that a file
/// compares equal however it was reached (`./b.json`, `dir/../b.json`).
fn absolute(p: &Path) -> PathBuf {
    lexical(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
}

fn own_set(own: &[PathBuf]) -> HashSet<PathBuf> {
    own.iter().map(|p| absolute(p)).collect()
}

/// Sorts one walked entry: symlinks and special files named like manifests are reported
/// as skipped; regular files are recorded in `found`.
fn walk_entry(e: &ignore::DirEntry, root: &Path, found: &mut Found, out: &mut Vec<Input>) {
    let Some(ft) = e.file_type() else { return };
    let p = e.path();
    if ft.is_dir() || e.depth() == 0 {
        return;
    }
    if ft.is_symlink() {
        if is_manifest(p) {
            out.push(Input::Skipped {
                display: shown(p),
                message: "symlink not followed (use --follow-symlinks to lint what it points to)"
                    .into(),
            });
        }
        return;
    }
    if !ft.is_file() {
        if is_manifest(p) {
            out.push(Input::Skipped {
                display: shown(p),
                message: "not a regular file (FIFO, socket or device); skipped".into(),
            });
        }
        return;
    }
    let name = e.file_name().to_str().unwrap_or_default();
    let dir = p.parent().unwrap_or(root).to_path_buf();
    if name == "Chart.yaml" {
        found.charts.push(dir);
    } else if KUSTOMIZATION_FILES.contains(&name) {
        if !found.kustomizations.contains(&dir) {
            found.kustomizations.push(dir);
        }
    } else if is_packaged_chart_name(p) {
        found.archives.push(p.to_path_buf());
    }
    if is_manifest(p) {
        found.files.push(p.to_path_buf());
    }
}

/// A walk error as an input, named by the path it names, else by the walked `root`.
fn unreadable(err: &ignore::Error, root: &Path) -> Input {
    let display = match err {
        ignore::Error::WithPath { path, .. } => shown(path),
        ignore::Error::WithDepth { err, .. } => match err.as_ref() {
            ignore::Error::WithPath { path, .. } => shown(path),
            _ => shown(root),
        },
        ignore::Error::Loop { child, .. } => shown(child),
        _ => shown(root),
    };
    Input::Unreadable {
        display,
        message: err.to_string(),
    }
}
