//! Helm charts and kustomizations: render them with the real tools (`helm template`,
//! `kubectl kustomize`), lint the render as one virtual file with the ordinary pipeline, then
//! move every finding to the template or base file, and the line in it, that produced the
//! field (`attribution`). Rendering runs inside the per-input parallel work, like any file.

mod archive;
mod attribution;
mod cache;
mod helm;
mod helm_sources;
mod kustomize;
mod kustomize_key;
mod process;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

pub use archive::is_chart_archive;
pub use cache::{RenderCache, DEFAULT_MAX_BYTES as DEFAULT_CACHE_MAX_BYTES};
pub use helm::{lint_chart, lint_helm_stream};
pub use kustomize::{lint_kustomization, referenced_files, KUSTOMIZATION_FILES};

use crate::engine::lint::Scope;
use crate::engine::lint::{sort_findings, Counts, Explained, FileReport};
use crate::engine::paths::{join_display, lexical, relative};
use crate::facts::inventory::Inventory;
use crate::facts::Context;
use crate::finding::{Finding, Label, RenderedAt, Severity, SourceText};
use crate::yaml::Span;

/// A named set of values files, rendered and linted on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuesProfile {
    pub name: String,
    /// Absolute paths.
    pub files: Vec<PathBuf>,
}

/// How charts and kustomizations are rendered: the command-line options and the config's
/// `helm.valuesProfiles`.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The helm binary: `--helm-binary`, else `WINLINT_HELM`, else `helm` on PATH.
    pub helm: PathBuf,
    pub release_name: String,
    pub namespace: Option<String>,
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
    /// `--values` files (absolute), applied after each profile's files.
    pub values: Vec<PathBuf>,
    /// `--set K=V`, applied last.
    pub set: Vec<String>,
    pub include_tests: bool,
    /// From the config; empty means one profile, `default`, with no values files.
    pub profiles: Vec<ValuesProfile>,
    /// Where renders are cached; `None` with `--no-cache`.
    pub cache: Option<RenderCache>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            helm: PathBuf::from("helm"),
            release_name: "release-name".into(),
            namespace: None,
            kube_version: None,
            api_versions: Vec::new(),
            values: Vec::new(),
            set: Vec::new(),
            include_tests: false,
            profiles: Vec::new(),
            cache: None,
        }
    }
}

/// Findings moved to the files they came from, grouped by file.
#[derive(Default)]
struct Moved {
    files: BTreeMap<String, (String, Vec<Finding>)>,
    /// The render's explained workloads, while carrier findings move them ([`carry`]).
    explained: Vec<Option<Explained>>,
}

/// The rule name of the findings that carry explained workloads through attribution.
const CARRIER: &str = "<explained>";

/// Hands the render's explained workloads (`winlint explain`) to `sink`, each replaced in
/// the report by a carrier finding at its span: attribution then moves them to the template
/// or base file and line exactly as it moves findings, and [`Moved::finish`] unpacks them.
fn carry(report: &mut FileReport, sink: &mut Moved) {
    for e in report.explained.drain(..) {
        let label = Label::new(e.span, "");
        let index = sink.explained.len().to_string();
        report
            .findings
            .push(Finding::new(CARRIER, Severity::Info, index, label));
        sink.explained.push(Some(e));
    }
}

/// Takes the carriers out of `findings` and returns the workloads they carried, at their
/// new place in `text`.
fn unpack(
    findings: &mut Vec<Finding>,
    text: &str,
    all: &mut [Option<Explained>],
) -> Vec<Explained> {
    let mut out = Vec::new();
    let mut source: Option<SourceText> = None;
    findings.retain(|f| {
        if f.rule != CARRIER {
            return true;
        }
        let taken = f
            .message
            .parse::<usize>()
            .ok()
            .and_then(|i| all.get_mut(i)?.take());
        if let Some(mut e) = taken {
            e.span = f.primary.span;
            let source = source.get_or_insert_with(|| SourceText::new(text.to_owned()));
            e.line = source.position(e.span.start).line;
            e.rendered = f.rendered.clone();
            out.push(e);
        }
        false
    });
    out
}

impl Moved {
    fn push(&mut self, path: &str, text: &str, mut finding: Finding) {
        // A template or base is not the object: the fix's edits are of the render and would
        // land in the wrong text. The help (rendered from them) says where to make it.
        if finding.fix.take().is_some() {
            let at = finding.primary.span.start.min(text.len());
            let line = text.as_bytes()[..at]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            if let Some(help) = &mut finding.help {
                if !help.ends_with('\n') {
                    help.push('\n');
                }
                help.push_str(&format!("make this change in `{path}` at line {line}"));
            }
        }
        self.files
            .entry(path.to_owned())
            .or_insert_with(|| (text.to_owned(), Vec::new()))
            .1
            .push(finding);
    }

    /// The reports: `head` (the chart's or kustomization's own file, carrying the counts
    /// and notes) first, then one per file findings were moved to.
    fn finish(mut self, head: FileReport) -> Vec<FileReport> {
        let mut out = Vec::new();
        let mut head = head;
        let mut explained: BTreeMap<String, Vec<Explained>> = BTreeMap::new();
        for (path, (text, findings)) in &mut self.files {
            let e = unpack(findings, text, &mut self.explained);
            explained.insert(path.clone(), e);
        }
        if let Some((_, mut extra)) = self.files.remove(&head.path) {
            head.findings.append(&mut extra);
        }
        head.explained
            .extend(explained.remove(&head.path).unwrap_or_default());
        // A workload whose carrier found no file stays in the chart's or kustomization's.
        head.explained.extend(self.explained.into_iter().flatten());
        sort_findings(&mut head.findings);
        out.push(head);
        for (path, (text, mut findings)) in self.files {
            sort_findings(&mut findings);
            let mut report = FileReport::new(path, text, findings, Counts::default());
            report.explained = explained.remove(&report.path).unwrap_or_default();
            out.push(report);
        }
        out
    }
}

/// Lints a render with the definitions it carries (a chart's own RuntimeClass) ahead of the
/// ones found in the other inputs.
fn lint_render(name: String, text: String, cx: &Scope<'_>) -> FileReport {
    let mut local = Inventory::default();
    if crate::facts::inventory::may_contain_definitions(text.as_bytes()) {
        local.collect(&name, &text);
    }
    local.absorb(cx.facts.inventory.clone());
    let roles = local.gmsa_role_names();
    if !roles.is_empty() && crate::facts::inventory::may_contain_bindings(text.as_bytes(), &roles) {
        local.collect_bindings(&text, &roles);
    }
    let cx = Scope {
        config: cx.config,
        facts: Context {
            inventory: &local,
            ..cx.facts
        },
    };
    crate::engine::lint::lint_text(name, text, &cx)
}

/// Which render a finding came from.
#[derive(Clone, Copy)]
enum RenderedFrom<'a> {
    /// A Helm values profile.
    Profile(&'a str),
    /// A kustomization folder.
    Kustomization(&'a str),
    /// Standard input.
    Stdin,
}

/// Moves one finding: its primary label (and the secondary labels that map into the same
/// file) through `map`, and records where it was in the render.
fn moved(
    mut f: Finding,
    render: &SourceText,
    from: RenderedFrom<'_>,
    map: impl Fn(Span) -> Option<(Span, bool)>,
) -> Option<Finding> {
    let line = render.position(f.primary.span.start).line;
    let (span, approximate) = map(f.primary.span)?;
    f.primary.span = span;
    f.secondary = f
        .secondary
        .into_iter()
        .filter_map(|l| map(l.span).map(|(s, _)| Label::new(s, l.text)))
        .collect();
    let (profile, kustomization) = match from {
        RenderedFrom::Profile(p) => (Some(p.to_owned()), None),
        RenderedFrom::Kustomization(k) => (None, Some(k.to_owned())),
        RenderedFrom::Stdin => (None, None),
    };
    f.rendered = Some(RenderedAt {
        profile,
        kustomization,
        line,
        approximate,
    });
    Some(f)
}

/// A temporary home for a tool run, removed when dropped.
fn scratch() -> std::io::Result<tempfile::TempDir> {
    tempfile::Builder::new().prefix("winlint-render-").tempdir()
}

/// The tool's error without its `Error: ` prefix and the usage text some tools append.
fn tool_message(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    let start = lines
        .iter()
        .rposition(|l| l.starts_with("Error: ") || l.starts_with("error: "))
        .unwrap_or(0);
    let msg = lines[start..]
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let msg = msg
        .strip_prefix("Error: ")
        .or_else(|| msg.strip_prefix("error: "))
        .unwrap_or(&msg);
    if msg.is_empty() {
        "the tool failed without a message".into()
    } else {
        msg.to_owned()
    }
}

/// `message` with every absolute path near `base` (sharing its first folder) rewritten
/// relative to `shown`, the way the user typed `base`: tool errors then name files as the rest
/// of the output does, and read the same on every machine.
fn shown_paths(message: &str, base: &Path, shown: &str) -> String {
    let is_start = |prev: Option<char>| {
        prev.is_none_or(|c| c.is_whitespace() || matches!(c, '\'' | '"' | '`' | '(' | '='))
    };
    let is_end =
        |c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '`' | ')' | ',' | ':' | ';');
    let first = |p: &Path| {
        p.components()
            .find(|c| matches!(c, Component::Normal(_)))
            .map(|c| c.as_os_str().to_owned())
    };
    let mut out = String::with_capacity(message.len());
    let mut prev = None;
    let mut rest = message;
    while let Some(c) = rest.chars().next() {
        if c == '/' && is_start(prev) {
            let end = rest.find(is_end).unwrap_or(rest.len());
            let token = Path::new(&rest[..end]);
            let near = first(token);
            if near.is_some() && near == first(base) {
                out.push_str(&join_display(shown, &relative(&lexical(token), base)));
                prev = rest[..end].chars().last();
                rest = &rest[end..];
                continue;
            }
        }
        out.push(c);
        prev = Some(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The byte offset of a 1-based line and column in `text` (clamped).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut at = start;
    for (n, (i, _)) in text[start..line_end].char_indices().enumerate() {
        at = start + i;
        if n + 1 == column.max(1) {
            return at;
        }
    }
    if column > 1 {
        line_end
    } else {
        at
    }
}

/// The span from `offset` to the end of its line.
fn rest_of_line(text: &str, offset: usize) -> Span {
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    Span::new(offset, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_paths_are_shown_as_typed() {
        let base = Path::new("/check/work/shared/corpus/x/flavors/windows");
        let shown = "../shared/corpus/x/flavors/windows";
        let msg = "open /check/work/shared/corpus/x/flavors/default: no such file; lstat '/check/work/shared/corpus/x/flavors/windows/p.yaml' failed";
        assert_eq!(
            shown_paths(msg, base, shown),
            "open ../shared/corpus/x/flavors/default: no such file; lstat '../shared/corpus/x/flavors/windows/p.yaml' failed"
        );
        // Paths elsewhere (a temporary folder) and URL paths stay as they are.
        let other = "wrote /tmp/winlint-render-1/k.yaml via https://example.org/a/b";
        assert_eq!(shown_paths(other, base, shown), other);
        assert_eq!(shown_paths("", base, shown), "");
    }

    #[test]
    fn offsets_of_lines_and_columns() {
        let t = "ab\ncde\n";
        assert_eq!(offset_of(t, 2, 2), 4);
        assert_eq!(offset_of(t, 1, 1), 0);
        assert_eq!(offset_of(t, 9, 1), t.len());
        assert_eq!(rest_of_line(t, 3), Span::new(3, 6));
    }

    #[test]
    fn tool_messages_lose_their_prefix() {
        assert_eq!(
            tool_message("WARNING: x\nError: template: a/b.yaml:3:4: bad\n"),
            "template: a/b.yaml:3:4: bad"
        );
    }
}
