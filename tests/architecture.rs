//! The architecture, checked: the folders of `src/` are layers and imports only go down
//! (`yaml` -> `k8s` -> `facts` -> `finding` -> `rules` -> `engine` -> `output` -> `cli`),
//! and inside a layer no two modules import each other, directly or around a circle.
//!
//! It reads the `crate::` and `super::` paths of every source file (comment lines and the
//! `#[cfg(test)]` module at a file's end left out): a module is a layer's file or folder
//! (`engine::render`, `facts::pod`), and a parent naming its own children (a registry, a
//! `mod` line, a re-export) is a declaration, not an import.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Bottom first; modules on one line share a rank.
const LAYERS: &[&[&str]] = &[
    &["suggest", "yaml"],
    &["k8s"],
    &["facts"],
    &["finding"],
    &["rules"],
    &["engine"],
    &["output"],
    &["cli", "fuzzing"],
];

fn rank(top: &str) -> usize {
    LAYERS
        .iter()
        .position(|l| l.contains(&top))
        .unwrap_or_else(|| {
            panic!("`{top}` is in no layer: add it to LAYERS and README's architecture section")
        })
}

/// Source files as module paths (`engine/render/helm.rs` -> `[engine, render, helm]`).
fn modules(dir: &Path, prefix: &[String], out: &mut Vec<(Vec<String>, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src")
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        if path.is_dir() {
            let mut p = prefix.to_vec();
            p.push(name);
            modules(&path, &p, out);
        } else if let Some(stem) = name.strip_suffix(".rs") {
            let mut p = prefix.to_vec();
            if !matches!(stem, "mod" | "lib" | "main") {
                p.push(stem.to_owned());
            }
            let text = std::fs::read_to_string(&path).expect("source");
            out.push((p, text));
        }
    }
}

/// The code that ships: no comment lines, no test module at the end.
fn code(text: &str) -> String {
    let body = text.split("\n#[cfg(test)]\nmod tests").next().unwrap_or("");
    body.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths after each `anchor::` (`crate`, `super`), groups expanded one level.
fn paths_after(code: &str, anchor: &str) -> Vec<Vec<String>> {
    let ident = |s: &str| -> Vec<String> {
        s.split("::")
            .map(|p| {
                p.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .take_while(|p| !p.is_empty())
            .collect()
    };
    let mut out = Vec::new();
    let needle = format!("{anchor}::");
    let mut rest = code;
    while let Some(i) = rest.find(&needle) {
        let before = rest[..i].chars().last();
        rest = &rest[i + needle.len()..];
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let p = ident(item.trim());
                if !p.is_empty() {
                    out.push(p);
                }
            }
        } else {
            let p = ident(rest);
            if !p.is_empty() {
                out.push(p);
            }
        }
    }
    out
}

/// The module a path names: a layer's file or folder, else the layer itself.
fn unit(path: &[String]) -> Vec<String> {
    let second_is_module = path
        .get(1)
        .is_some_and(|s| s.chars().next().is_some_and(|c| c.is_ascii_lowercase()));
    path[..if second_is_module { 2 } else { 1 }].to_vec()
}

fn edges() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let mut files = Vec::new();
    modules(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &[],
        &mut files,
    );
    let mut graph: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, text) in files {
        if module.is_empty() {
            continue; // lib.rs and main.rs declare the layers
        }
        let code = code(&text);
        let me = unit(&module);
        let mut targets: Vec<Vec<String>> = paths_after(&code, "crate");
        if module.len() == 2 {
            // `super::x` in `engine/walk.rs` is the sibling `engine::x`.
            for p in paths_after(&code, "super") {
                let mut t = vec![module[0].clone()];
                t.extend(p);
                targets.push(t);
            }
        }
        let entry = graph.entry(me.clone()).or_default();
        for t in targets {
            let to = unit(&t);
            let declares_child = to.len() > me.len() && to.starts_with(&me);
            if to != me && !declares_child && !t.is_empty() {
                entry.insert(to);
            }
        }
    }
    graph
}

#[test]
fn imports_only_go_down() {
    let mut wrong = Vec::new();
    for (from, tos) in edges() {
        for to in tos {
            if rank(&to[0]) > rank(&from[0]) {
                wrong.push(format!("{} imports {}", from.join("::"), to.join("::")));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that go up a layer:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_import_circle() {
    let graph = edges();
    // Depth-first search with colours; a grey node met again closes a circle.
    fn visit(
        n: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, u8>,
        stack: &mut Vec<Vec<String>>,
    ) {
        match state.get(n) {
            Some(1) => {
                let from = stack.iter().position(|s| s == n).unwrap_or(0);
                let circle: Vec<String> = stack[from..].iter().map(|s| s.join("::")).collect();
                panic!("import circle: {} -> {}", circle.join(" -> "), n.join("::"));
            }
            Some(_) => return,
            None => {}
        }
        state.insert(n.clone(), 1);
        stack.push(n.clone());
        for m in graph.get(n).into_iter().flatten() {
            visit(m, graph, state, stack);
        }
        stack.pop();
        state.insert(n.clone(), 2);
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        visit(n, &graph, &mut state, &mut Vec::new());
    }
    // The check sees what it should: the layers and the modules inside them.
    assert!(graph.contains_key(&vec!["engine".to_owned(), "walk".to_owned()]));
    assert!(graph[&vec!["engine".to_owned(), "walk".to_owned()]]
        .contains(&vec!["engine".to_owned(), "paths".to_owned()]));
}

#[test]
fn the_reader_finds_paths() {
    let text = "use crate::{facts::pod::Pod, finding::Finding};\nlet x = crate::k8s::Object;\n// crate::cli::x\n";
    let found = paths_after(&code(text), "crate");
    let units: Vec<Vec<String>> = found.iter().map(|p| unit(p)).collect();
    assert_eq!(
        units,
        [
            vec!["facts".to_owned(), "pod".to_owned()],
            vec!["finding".to_owned()],
            vec!["k8s".to_owned()],
        ]
    );
}
