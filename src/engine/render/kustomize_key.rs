//! The render-cache key of a kustomize build: the tool, the wrapper, and the content of
//! every local file the kustomization can reach (its folder's files, the files it names,
//! and the bases and components it names, followed to their own kustomizations).

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::cache::{Key, KeyBuilder};
use super::kustomize::{first_doc, is_remote, referenced_files, KUSTOMIZATION_FILES};
use crate::yaml::{Arena, Node};

/// How deep bases may nest before the key gives up following them (kustomize itself
/// rejects cycles; this bounds a pathological tree).
const MAX_DEPTH: usize = 64;

/// `args` without the last one (the wrapper folder, a fresh temporary path each run), the
/// wrapper's text and its folder's parent (the build's origin paths are relative to the
/// wrapper), and the inputs under `target`.
pub(super) fn build_key(
    program: &Path,
    args: &[OsString],
    wrapper: &Path,
    wrapper_text: &str,
    target: &Path,
) -> Key {
    let mut k = KeyBuilder::new("kustomize build");
    k.tool(program);
    for a in args.iter().take(args.len().saturating_sub(1)) {
        k.os(a);
    }
    k.text(wrapper_text);
    k.os(wrapper.parent().unwrap_or(wrapper).as_os_str());
    let mut seen = BTreeSet::new();
    inputs(target, &mut k, &mut seen, 0);
    k.finish()
}

fn inputs(dir: &Path, k: &mut KeyBuilder, seen: &mut BTreeSet<PathBuf>, depth: usize) {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if depth > MAX_DEPTH || !seen.insert(dir.clone()) {
        return;
    }
    k.os(dir.as_os_str());
    // The folder's own files: the kustomization, and anything it names by a path the
    // lists below do not cover.
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|es| {
            es.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.extend(referenced_files(&dir));
    files.sort();
    files.dedup();
    for f in &files {
        k.os(f.as_os_str());
        k.file(f);
    }
    let Some(name) = KUSTOMIZATION_FILES.iter().find(|f| dir.join(f).is_file()) else {
        return;
    };
    let text = std::fs::read(dir.join(name))
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let arena = Arena::new();
    let Some(doc) = first_doc(&arena, &text) else {
        return;
    };
    for key in ["resources", "bases", "components"] {
        for item in doc.root.get(key).and_then(Node::as_seq).unwrap_or_default() {
            let Some(entry) = item.as_str().filter(|e| !is_remote(e)) else {
                continue;
            };
            let sub = dir.join(entry);
            if sub.is_dir() {
                inputs(&sub, k, seen, depth + 1);
            }
        }
    }
}
