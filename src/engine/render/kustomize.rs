//! Kustomizations: built with `kubectl kustomize` (or `kustomize build` when kubectl is not
//! installed) through a wrapper kustomization in a scratch folder that only adds
//! `buildMetadata: [originAnnotations]`, so every resource says which file defined it. The
//! annotations are removed before linting; each finding is moved to the same field of the
//! base or overlay file the resource came from.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::cache::{self, RenderCache};
use super::kustomize_key::build_key;
use super::process::which;
use super::process::{self, ToolError};
use super::{lint_render, moved, scratch, shown_paths, tool_message, Moved, RenderedFrom};
use crate::engine::lint::Scope;
use crate::engine::lint::{lint_bytes, Counts, FileReport};
use crate::engine::paths::{join_display, lexical, relative};
use crate::finding::{Finding, SourceText};
use crate::rules::{kustomize_build_failed_diagnostic, kustomize_not_found_diagnostic};
use crate::yaml::{parse_chunk, split_documents, Arena, Doc, Limits, Node, Span, Value};

/// The file names that make a folder a kustomization, in kustomize's order of preference.
pub const KUSTOMIZATION_FILES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

const ORIGIN: &str = "config.kubernetes.io/origin:";

/// Builds and lints one kustomization folder.
pub fn lint_kustomization(
    display: &str,
    dir: &Path,
    cache: Option<&RenderCache>,
    cx: &Scope<'_>,
) -> Vec<FileReport> {
    let counts = Counts {
        files: 1,
        ..Counts::default()
    };
    let file = KUSTOMIZATION_FILES
        .iter()
        .find(|f| dir.join(f).is_file())
        .copied()
        .unwrap_or("kustomization.yaml");
    let k_path = join_display(display, file);
    let k_text = std::fs::read(dir.join(file))
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let k_arena = Arena::new();
    let k_root = first_doc(&k_arena, &k_text);
    let kind = k_root
        .as_ref()
        .and_then(|d| d.root.get("kind").and_then(Node::as_str).map(str::to_owned));
    if kind.as_deref() == Some("Component") {
        let mut head = FileReport::new(k_path, k_text.clone(), Vec::new(), counts);
        head.notes.push(format!(
            "{display}: kustomize component (`kind: Component`) not built on its own; it is linted where a kustomization that uses it is built"
        ));
        return vec![head];
    }
    let resources = local_resources(&k_root, dir, display);
    let remote = remote_entry(&k_root);
    drop(k_root);
    let mut head = FileReport::new(k_path.clone(), k_text.clone(), Vec::new(), counts);
    if let Some((entry, span)) = remote {
        head.findings.push(kustomize_build_failed_diagnostic(
            &format!(
                "remote resource `{entry}` is not fetched: winlint builds kustomizations offline"
            ),
            span,
        ));
        return with_fallback(head, resources, cx);
    }
    let Some(build) = build(dir, display, &k_text, cache, &mut head) else {
        return with_fallback(head, resources, cx);
    };
    let (text, origins) = strip_origins(&build.output);
    let mut report = lint_render(format!("{display} (kustomize build)"), text, cx);
    let mut sink = Moved::default();
    super::carry(&mut report, &mut sink);
    head.images.append(&mut report.images);
    head.counts.documents += report.counts.documents;
    head.counts.resources += report.counts.resources;
    head.counts.skipped += report.counts.skipped;
    attribute(report, &origins, &build, display, &k_path, &mut sink);
    sink.finish(head)
}

/// A finished build, and the folders its origin paths are read against.
struct Build {
    output: String,
    /// The kustomization's folder, resolved.
    target: PathBuf,
    /// The wrapper's folder, resolved: origin paths are relative to it.
    wrapper: PathBuf,
    /// Holds the wrapper folder until the findings are moved.
    _home: tempfile::TempDir,
}

/// Builds the kustomization through the wrapper; when that fails, the reason is added to
/// `head` and there is no build.
fn build(
    dir: &Path,
    display: &str,
    k_text: &str,
    cache: Option<&RenderCache>,
    head: &mut FileReport,
) -> Option<Build> {
    let tool = which("kubectl")
        .map(|p| (p, vec![OsString::from("kustomize")]))
        .or_else(|| which("kustomize").map(|p| (p, vec![OsString::from("build")])));
    let Some((program, mut args)) = tool else {
        head.findings.push(kustomize_not_found_diagnostic());
        return None;
    };
    let failed = |head: &mut FileReport, message: &str| {
        let at = named_entry(k_text, message);
        head.findings
            .push(kustomize_build_failed_diagnostic(message, at));
    };
    let home = match scratch() {
        Ok(h) => h,
        Err(e) => {
            failed(head, &format!("cannot create a temporary folder: {e}"));
            return None;
        }
    };
    let (Ok(target), Ok(wrapper)) = (
        std::fs::canonicalize(dir),
        std::fs::canonicalize(home.path()),
    ) else {
        failed(head, "cannot resolve the kustomization's folder");
        return None;
    };
    // kustomize takes only relative resource paths.
    let rel = relative(&target, &wrapper);
    let wrapper_text = format!(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- {rel:?}\nbuildMetadata: [originAnnotations]\n"
    );
    if let Err(e) = std::fs::write(wrapper.join("kustomization.yaml"), &wrapper_text) {
        failed(head, &format!("cannot write the build wrapper: {e}"));
        return None;
    }
    // Sibling folders share patch files in many repositories (cluster-api's flavors); reading
    // local files is what a linter does anyway.
    args.extend([
        "--load-restrictor".into(),
        "LoadRestrictionsNone".into(),
        wrapper.clone().into_os_string(),
    ]);
    let envs = [(
        "KUBECONFIG",
        home.path().join("kubeconfig").into_os_string(),
    )];
    let key = || build_key(&program, &args, &wrapper, &wrapper_text, &target);
    let run = || process::run(&program, &args, &wrapper, &envs);
    let why = match cache::run_cached(cache, key, run) {
        Ok(o) if o.success => {
            return Some(Build {
                output: String::from_utf8_lossy(&o.stdout).into_owned(),
                target,
                wrapper,
                _home: home,
            });
        }
        Ok(o) => {
            let message = unwrapped(&tool_message(&o.stderr), &target);
            shown_paths(&message, &target, display)
        }
        Err(ToolError::NotFound(_)) => {
            head.findings.push(kustomize_not_found_diagnostic());
            return None;
        }
        Err(ToolError::TimedOut) => {
            format!("no result after {} seconds", process::TIMEOUT.as_secs())
        }
        Err(ToolError::TooLarge) => {
            format!("the build is larger than {} MiB", process::OUTPUT_CAP >> 20)
        }
        Err(ToolError::Io(e)) => e.to_string(),
    };
    failed(head, &why);
    None
}

/// Moves each finding of the linted build to the file its resource came from (by the
/// document's origin), else leaves it in the build.
fn attribute(
    report: FileReport,
    origins: &[Option<Origin>],
    build: &Build,
    display: &str,
    k_path: &str,
    sink: &mut Moved,
) {
    let render = report.source;
    let chunks: Vec<(usize, usize)> = split_documents(&render.text)
        .iter()
        .map(|c| (c.offset, c.offset + c.text.len()))
        .collect();
    let mut files: HashMap<PathBuf, Option<String>> = HashMap::new();
    for f in report.findings {
        let at = f.primary.span.start;
        let i = chunks
            .iter()
            .position(|&(s, e)| s <= at && at < e.max(s + 1))
            .unwrap_or(0);
        let (start, end) = chunks.get(i).copied().unwrap_or((0, render.text.len()));
        let origin = origins.get(i).and_then(Option::as_ref);
        let Some((source_abs, generated)) =
            origin.map(|o| (lexical(&build.wrapper.join(&o.path)), o.generated))
        else {
            unattributed(f, &render, display, k_path, sink);
            continue;
        };
        let shown = join_display(display, &relative(&source_abs, &build.target));
        let Some(source_text) = files
            .entry(source_abs.clone())
            .or_insert_with(|| {
                std::fs::read(&source_abs)
                    .ok()
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
            })
            .clone()
        else {
            unattributed(f, &render, display, k_path, sink);
            continue;
        };
        let doc_text = &render.text[start..end];
        let mapped = if generated {
            // A generated resource (configMapGenerator, ...): its kustomization file.
            moved(f, &render, RenderedFrom::Kustomization(display), |s| {
                (start <= s.start && s.start < end.max(start + 1))
                    .then_some((Span::new(0, 0), true))
            })
        } else {
            let arena = Arena::new();
            let map = Mapper::new(&arena, doc_text, start, &source_text);
            moved(f, &render, RenderedFrom::Kustomization(display), |s| {
                (start <= s.start && s.start < end.max(start + 1)).then(|| map.map(s))
            })
        };
        if let Some(f) = mapped {
            sink.push(&shown, &source_text, f);
        }
    }
}

/// The build error without the part about winlint's wrapper kustomization (everything up to
/// the last mention of the kustomization's own folder).
fn unwrapped(message: &str, target: &Path) -> String {
    let mark = format!("{}': ", target.display());
    match message.rfind(&mark) {
        Some(i) => message[i + mark.len()..].to_owned(),
        None => message.to_owned(),
    }
}

/// A resource kustomize would download: winlint builds offline.
pub(super) fn is_remote(entry: &str) -> bool {
    entry.contains("://")
        || entry.contains("?ref=")
        || entry.starts_with("git@")
        || ["github.com/", "gitlab.com/", "bitbucket.org/"]
            .iter()
            .any(|h| entry.starts_with(h))
}

/// The first remote entry of `resources`, `bases` or `components`, with its span.
fn remote_entry(root: &Option<Doc<'_>>) -> Option<(String, Span)> {
    let doc = root.as_ref()?;
    ["resources", "bases", "components"].iter().find_map(|key| {
        doc.root
            .get(key)
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .find_map(|n| {
                let s = n.as_str()?;
                is_remote(s).then(|| (s.to_owned(), n.span))
            })
    })
}

/// A finding that cannot be moved stays at its place in the build, under the kustomization.
fn unattributed(f: Finding, render: &SourceText, display: &str, _k_path: &str, sink: &mut Moved) {
    let path = format!("{display} (kustomize build)");
    if let Some(f) = moved(f, render, RenderedFrom::Kustomization(display), |s| {
        Some((s, true))
    }) {
        sink.push(&path, &render.text, f);
    }
}

/// When the build failed, the manifest files the kustomization lists are linted on their own,
/// so that they are still checked.
fn with_fallback(
    head: FileReport,
    resources: Vec<(String, PathBuf)>,
    cx: &Scope<'_>,
) -> Vec<FileReport> {
    let mut out = vec![head];
    for (shown, path) in resources {
        if let Ok(bytes) = std::fs::read(&path) {
            let mut r = lint_bytes(shown, bytes, cx);
            r.counts.files = 0;
            out[0].counts.documents += r.counts.documents;
            out[0].counts.resources += r.counts.resources;
            out[0].counts.skipped += r.counts.skipped;
            r.counts = Counts::default();
            out.push(r);
        }
    }
    out
}

/// The local files a kustomization folder's kustomization file names: resources, patches,
/// generator inputs, ... (not folders: a base folder is a kustomization of its own). The walk
/// leaves these to the build and lints every other file on its own.
pub fn referenced_files(dir: &Path) -> Vec<PathBuf> {
    let Some(file) = KUSTOMIZATION_FILES.iter().find(|f| dir.join(f).is_file()) else {
        return Vec::new();
    };
    let Ok(bytes) = std::fs::read(dir.join(file)) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&bytes);
    let arena = Arena::new();
    let Some(doc) = first_doc(&arena, &text) else {
        return Vec::new();
    };
    let mut names: Vec<&str> = Vec::new();
    let strings = |n: Option<&Node<'_>>| -> Vec<String> {
        n.and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect()
    };
    let mut owned: Vec<String> = Vec::new();
    for key in [
        "resources",
        "bases",
        "crds",
        "patchesStrategicMerge",
        "configurations",
        "generators",
        "transformers",
        "validators",
    ] {
        owned.extend(strings(doc.root.get(key)));
    }
    for key in ["patches", "patchesJson6902", "replacements"] {
        for item in doc.root.get(key).and_then(Node::as_seq).unwrap_or_default() {
            if let Some(p) = item.get("path").and_then(Node::as_str) {
                owned.push(p.to_owned());
            }
        }
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        for item in doc.root.get(key).and_then(Node::as_seq).unwrap_or_default() {
            for f in strings(item.get("files"))
                .into_iter()
                .chain(strings(item.get("envs")))
            {
                // `key=path` or `path`.
                owned.push(f.rsplit_once('=').map_or(f.clone(), |(_, p)| p.to_owned()));
            }
            if let Some(env) = item.get("env").and_then(Node::as_str) {
                owned.push(env.to_owned());
            }
        }
    }
    if let Some(p) = doc
        .root
        .get("openapi")
        .and_then(|o| o.get("path"))
        .and_then(Node::as_str)
    {
        owned.push(p.to_owned());
    }
    names.extend(owned.iter().map(String::as_str));
    names
        .into_iter()
        .filter(|n| !is_remote(n))
        .map(|n| dir.join(n))
        .filter(|p| p.is_file())
        .collect()
}

pub(super) fn first_doc<'a>(arena: &'a Arena, text: &'a str) -> Option<Doc<'a>> {
    split_documents(text).into_iter().find_map(|c| {
        parse_chunk(arena, c, Limits::default())
            .ok()?
            .into_iter()
            .next()
    })
}

/// The plain files among `resources` (and the older `bases`): not folders, not URLs.
fn local_resources(root: &Option<Doc<'_>>, dir: &Path, display: &str) -> Vec<(String, PathBuf)> {
    let Some(doc) = root else { return Vec::new() };
    let mut out = Vec::new();
    for key in ["resources", "bases"] {
        for item in doc.root.get(key).and_then(Node::as_seq).unwrap_or_default() {
            let Some(entry) = item.as_str() else { continue };
            if is_remote(entry) {
                continue;
            }
            let path = dir.join(entry);
            if path.is_file() {
                out.push((join_display(display, entry), path));
            }
        }
    }
    out
}

/// The span of the kustomization entry that an error message names (a resource path), else
/// the start of the file.
fn named_entry(text: &str, message: &str) -> Span {
    if let Some(line) = message
        .split_once("yaml: line ")
        .and_then(|(_, r)| r.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
    {
        let at = super::offset_of(text, line, 1);
        return super::rest_of_line(text, at);
    }
    let arena = Arena::new();
    let Some(doc) = first_doc(&arena, text) else {
        return Span::new(0, 0);
    };
    let mut best: Option<Span> = None;
    let mut visit = |n: &Node<'_>| {
        if let Some(s) = n.as_str() {
            if s.len() > 2 && message.contains(s) && best.is_none() {
                best = Some(n.span);
            }
        }
    };
    if let Some(map) = doc.root.as_map() {
        for e in map {
            match &e.value.value {
                Value::Seq(items) => items.iter().for_each(&mut visit),
                _ => visit(&e.value),
            }
            if let Some(items) = e.value.as_seq() {
                for item in items {
                    if let Some(p) = item.get("path") {
                        visit(p);
                    }
                }
            }
        }
    }
    best.unwrap_or_default()
}

/// Where a built resource came from.
#[derive(Debug, Clone)]
struct Origin {
    path: String,
    /// Made by a generator: `path` is the kustomization that configured it.
    generated: bool,
}

/// Removes the origin annotations (and an `annotations:` key left empty) from a build; returns
/// the text and each document's origin, in document order.
fn strip_origins(built: &str) -> (String, Vec<Option<Origin>>) {
    let mut out = String::with_capacity(built.len());
    let mut origins = Vec::new();
    for chunk in split_documents(built) {
        let lines: Vec<&str> = chunk.text.split_inclusive('\n').collect();
        let mut keep = vec![true; lines.len()];
        let mut origin = None;
        for (i, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            if !trimmed.starts_with(ORIGIN) {
                continue;
            }
            let ind = line.len() - trimmed.len();
            keep[i] = false;
            let mut path = None;
            let mut configured_in = None;
            for (j, l) in lines.iter().enumerate().skip(i + 1) {
                let t = l.trim_start();
                if t.is_empty() || l.len() - t.len() <= ind {
                    break;
                }
                keep[j] = false;
                if let Some(p) = t.strip_prefix("path: ") {
                    path.get_or_insert(p.trim().trim_matches('"').to_owned());
                }
                if let Some(p) = t.strip_prefix("configuredIn: ") {
                    configured_in = Some(p.trim().trim_matches('"').to_owned());
                }
            }
            origin = match (path, configured_in) {
                (Some(path), _) => Some(Origin {
                    path,
                    generated: false,
                }),
                (None, Some(path)) => Some(Origin {
                    path,
                    generated: true,
                }),
                _ => None,
            };
            // `annotations:` with nothing left under it.
            if let Some(k) = (0..i).rev().find(|&k| keep[k]) {
                let a = lines[k];
                let at = a.trim_start();
                let a_ind = a.len() - at.len();
                let next = (i + 1..lines.len()).find(|&n| keep[n]);
                let empty = next.is_none_or(|n| {
                    let t = lines[n].trim_start();
                    lines[n].len() - t.len() <= a_ind
                });
                if at.trim_end() == "annotations:" && empty {
                    keep[k] = false;
                }
            }
        }
        for (line, k) in lines.iter().zip(&keep) {
            if *k {
                out.push_str(line);
            }
        }
        origins.push(origin);
    }
    (out, origins)
}

/// Maps positions in a built document to the same field in its source file: the rendered
/// node's key path is followed in the source document of the same kind and name.
struct Mapper<'s> {
    rendered: Option<Doc<'s>>,
    source_docs: Vec<Doc<'s>>,
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

impl<'s> Mapper<'s> {
    fn new(arena: &'s Arena, doc_text: &'s str, offset: usize, source_text: &'s str) -> Mapper<'s> {
        let rendered = parse_chunk(
            arena,
            crate::yaml::Chunk {
                text: doc_text,
                offset,
            },
            Limits::default(),
        )
        .ok()
        .and_then(|d| d.into_iter().next());
        let source_docs = split_documents(source_text)
            .into_iter()
            .filter_map(|c| parse_chunk(arena, c, Limits::default()).ok())
            .flatten()
            .collect();
        Mapper {
            rendered,
            source_docs,
        }
    }

    fn map(&self, span: Span) -> (Span, bool) {
        let Some(rendered) = &self.rendered else {
            return (Span::new(0, 0), true);
        };
        let mut steps = Vec::new();
        let on_key = path_to(&rendered.root, span.start, &mut steps);
        let kind = rendered.root.get("kind").and_then(Node::as_str);
        let name = rendered
            .root
            .get("metadata")
            .and_then(|m| m.get("name"))
            .and_then(Node::as_str)
            .unwrap_or("");
        // The source document of the same kind whose name is in the built name (kustomize
        // adds prefixes and suffixes); else the only document.
        let doc = self
            .source_docs
            .iter()
            .filter(|d| d.root.get("kind").and_then(Node::as_str) == kind)
            .find(|d| {
                d.root
                    .get("metadata")
                    .and_then(|m| m.get("name"))
                    .and_then(Node::as_str)
                    .is_some_and(|n| name.contains(n))
            })
            .or_else(|| (self.source_docs.len() == 1).then(|| &self.source_docs[0]));
        let Some(doc) = doc else {
            return (Span::new(0, 0), true);
        };
        let mut node = &doc.root;
        let mut last_key: Option<Span> = None;
        for (i, step) in steps.iter().enumerate() {
            let next = match step {
                Step::Key(k) => node.entry(k).map(|e| {
                    last_key = Some(e.key.span);
                    (&e.value, Some(e.key.span))
                }),
                Step::Index(n) => node.as_seq().and_then(|s| s.get(*n)).map(|v| (v, None)),
            };
            match next {
                Some((v, key)) => {
                    let is_last = i + 1 == steps.len();
                    if is_last && on_key {
                        if let Some(k) = key {
                            return (k, false);
                        }
                    }
                    node = v;
                }
                None => {
                    return (last_key.unwrap_or(doc.root.span), true);
                }
            }
        }
        (node.span, false)
    }
}

/// The key path to the deepest node holding `offset`; true when `offset` is on a key.
fn path_to(node: &Node<'_>, offset: usize, steps: &mut Vec<Step>) -> bool {
    let inside =
        |s: Span| s.start <= offset && (offset < s.end || (s.is_empty() && offset == s.start));
    match node.value {
        Value::Map(entries) => {
            for e in entries {
                let key = e.key.as_str().unwrap_or_default().to_owned();
                if inside(e.key.span) {
                    steps.push(Step::Key(key));
                    return true;
                }
                if inside(e.value.span) {
                    steps.push(Step::Key(key));
                    return path_to(&e.value, offset, steps);
                }
            }
            false
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                if inside(item.span) {
                    steps.push(Step::Index(i));
                    return path_to(item, offset, steps);
                }
            }
            false
        }
        Value::Scalar(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_read_and_removed() {
        let built = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    config.kubernetes.io/origin: |\n      path: ../x/base/cm.yaml\n  name: a\n---\napiVersion: v1\nkind: Service\nmetadata:\n  annotations:\n    config.kubernetes.io/origin: |\n      configuredIn: kustomization.yaml\n      configuredBy:\n        kind: X\n    keep: \"1\"\n  name: b\n";
        let (text, origins) = strip_origins(built);
        assert_eq!(
            text,
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Service\nmetadata:\n  annotations:\n    keep: \"1\"\n  name: b\n"
        );
        assert_eq!(
            origins[0].as_ref().map(|o| o.path.as_str()),
            Some("../x/base/cm.yaml")
        );
        assert!(origins[1].as_ref().is_some_and(|o| o.generated));
    }

    #[test]
    fn fields_map_by_key_path() {
        let source = "# base\nkind: Deployment\nmetadata:\n  name: web\nspec:\n    template:\n      spec:\n        containers:\n          - name: c\n            image: \"nginx\"\n";
        let built = "kind: Deployment\nmetadata:\n  name: prod-web\nspec:\n  template:\n    spec:\n      containers:\n      - image: nginx\n        name: c\n";
        let arena = Arena::new();
        let m = Mapper::new(&arena, built, 0, source);
        let at = built.find("image").expect("image");
        let (span, approx) = m.map(Span::new(at, at + 5));
        assert_eq!(&source[span.start..span.end], "image");
        assert!(!approx);
        let at = built.find("nginx").expect("value");
        let (span, _) = m.map(Span::new(at, at + 5));
        assert_eq!(&source[span.start..span.end], "\"nginx\"");
    }
}
