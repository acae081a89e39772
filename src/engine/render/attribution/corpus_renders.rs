//! Over the corpus's Helm renders (helm v4.1.4 output of its charts): every line mapped
//! without `approximate` lands on a template line that can produce it, and most lines map
//! exactly.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::align::{pattern_matches, weight};
use super::template::{push_lines, Kind, TLine};
use super::{Aligned, Defines, Template};
use crate::yaml::{Chunk, Span};

fn files(d: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(d).expect("corpus folder").flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The corpus's charts by name: their folders.
fn charts(root: &Path) -> HashMap<String, PathBuf> {
    let mut all = Vec::new();
    files(&root.join("charts"), &mut all);
    all.iter()
        .filter(|p| p.ends_with("Chart.yaml"))
        .filter_map(|p| {
            let t = std::fs::read_to_string(p).ok()?;
            let name = t.lines().find_map(|l| l.strip_prefix("name: "))?;
            Some((name.trim().to_owned(), p.parent()?.to_path_buf()))
        })
        .collect()
}

/// A chart's template files (path, text), where its named templates live.
fn helper_files(chart: &Path) -> Vec<(String, String)> {
    let mut paths = Vec::new();
    files(&chart.join("templates"), &mut paths);
    paths.sort();
    paths
        .iter()
        .filter_map(|p| {
            Some((
                p.to_string_lossy().into_owned(),
                std::fs::read_to_string(p).ok()?,
            ))
        })
        .collect()
}

/// Rendered lines seen, mapped only approximately, and mapped into a helper.
#[derive(Default)]
struct Tally {
    total: usize,
    approximate: usize,
    helper: usize,
}

/// Maps every content line of the rendered document `c` (from template `t`, `# Source:`
/// `src`) and checks that an exact mapping lands on a line that can produce it.
fn check_document(src: &str, t: &str, c: &Chunk<'_>, helpers: &[(String, String)], n: &mut Tally) {
    let defines = Defines::new(
        helpers
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect(),
    );
    let tpl = Template::new(t);
    let al = Aligned::with_defines(&tpl, c.text, c.offset, Some(&defines), 0);
    // Each file's lines, classified once.
    let mut classified: HashMap<Option<usize>, Vec<TLine<'_>>> = HashMap::new();
    let mut at = c.offset;
    for raw in c.text.split_inclusive('\n') {
        let line_start = at;
        at += raw.len();
        let l = raw.trim_end_matches(['\n', '\r']);
        let ind = l.len() - l.trim_start().len();
        if !l.trim().is_empty() && !l.trim_start().starts_with('#') && l != "---" {
            n.total += 1;
            let m = al.map(Span::new(line_start + ind, line_start + l.len()));
            if m.approximate {
                n.approximate += 1;
                continue;
            }
            let (text, loose) = match m.file {
                None => (t, false),
                Some(i) => (defines.files[i].1, true),
            };
            let lines = classified.entry(m.file).or_insert_with(|| {
                let mut lines = Vec::new();
                push_lines(&mut lines, None, text, 0..text.len());
                lines
            });
            let tl = lines
                .iter()
                .find(|x| x.start <= m.span.start && m.span.start <= x.start + x.text.len())
                .expect("a template line");
            let ok = match tl.kind {
                Kind::Literal => weight(tl, l, loose) > 0,
                Kind::Pattern => pattern_matches(tl, l, loose) || tl.ends_with_action,
                Kind::Output => true,
                Kind::Control | Kind::Blank => false,
            };
            assert!(
                ok,
                "{src}: {l:?} mapped to {:?} in {:?}",
                tl.text,
                m.file.map(|i| defines.files[i].0)
            );
            if m.file.is_some() {
                n.helper += 1;
            }
        }
    }
}

#[test]
fn exact_mappings_are_plausible_and_most_are_exact() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let charts = charts(&root);
    let mut n = Tally::default();
    let mut renders = Vec::new();
    files(&root.join("rendered"), &mut renders);
    let mut helpers_of: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for p in renders.iter().filter(|p| {
        !p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("kustomize"))
    }) {
        let text = std::fs::read_to_string(p).expect("render");
        for c in crate::yaml::split_documents(&text) {
            let Some(src) = c.text.lines().find_map(|l| l.strip_prefix("# Source: ")) else {
                continue;
            };
            let Some((name, rest)) = src.split_once('/') else {
                continue;
            };
            let Some(t) = charts
                .get(name)
                .and_then(|d| std::fs::read_to_string(d.join(rest)).ok())
            else {
                continue; // a subchart the corpus does not carry
            };
            let helpers = helpers_of
                .entry(name.to_owned())
                .or_insert_with(|| helper_files(&charts[name]));
            check_document(src, &t, &c, helpers, &mut n);
        }
    }
    let Tally {
        total,
        approximate,
        helper,
    } = n;
    eprintln!("{total} lines, {approximate} approximate, {helper} in helpers");
    assert!(total > 10_000, "{total} lines");
    // 10.5% on the corpus: mostly lines from `include`d helpers (datadog's containers).
    assert!(
        approximate * 100 < total * 12,
        "{approximate} of {total} approximate"
    );
}
