//! The pipeline for one file: decode, split, parse with positions, decode typed models, run
//! the rules. Files are independent, so the caller runs this in parallel.

use std::collections::BTreeSet;

use crate::engine::config::Config;
use crate::engine::suppress::Suppressions;
use crate::facts::explain::{explain, Explanation};
use crate::facts::inventory::Inventory;
use crate::facts::{Context, Memo, Pod};
use crate::finding::{Finding, RenderedAt, SourceText};
use crate::k8s::{classify, Classified, ResourceId};
use crate::rules::{self, precedence, Rule, RULES};
use crate::yaml::decode::{decode, Decoded};
use crate::yaml::{parse_chunk_skipping, split_documents, Limits, Span};

/// What linting a file needs: the run's configuration and the facts' context.
#[derive(Clone, Copy)]
pub struct Scope<'c> {
    pub config: &'c Config,
    pub facts: Context<'c>,
}

impl<'c> Scope<'c> {
    /// The scope of a run over `config` with the definitions found in its inputs.
    pub fn new(config: &'c Config, inventory: &'c Inventory) -> Scope<'c> {
        Scope {
            config,
            facts: config.context(&config.images, inventory),
        }
    }
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub files: usize,
    /// Non-empty YAML documents (valid or not).
    pub documents: usize,
    /// Kubernetes objects, after expanding `List` items.
    pub resources: usize,
    /// Documents that are not Kubernetes objects (values files, CI config, ...).
    pub skipped: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.files += o.files;
        self.documents += o.documents;
        self.resources += o.resources;
        self.skipped += o.skipped;
    }
}

/// What linting one file produced.
#[derive(Debug)]
pub struct FileReport {
    /// The path as the user wrote it, with `/` separators.
    pub path: String,
    pub source: SourceText,
    /// Sorted by position, then rule.
    pub findings: Vec<Finding>,
    pub counts: Counts,
    /// Said on stderr with `--verbose` (a library chart that was not rendered, ...).
    pub notes: Vec<String>,
    /// The image references of the file's pod templates, as written (`winlint images`).
    pub images: BTreeSet<String>,
    /// With `Config::explain`: where each pod template of the file can run.
    pub explained: Vec<Explained>,
    /// With `Config::record_objects`: the objects linted in this file, clean or not, in file
    /// order (JUnit's test cases).
    pub objects: Vec<ResourceId>,
}

/// One pod template's [`Explanation`], at the object's first key.
#[derive(Debug, Clone)]
pub struct Explained {
    pub span: Span,
    /// 1-based line of `span` in the report's file.
    pub line: usize,
    /// Set when the object was rendered (a chart, a kustomization) and moved to its
    /// template or base file, as for findings.
    pub rendered: Option<RenderedAt>,
    pub explanation: Explanation,
}

impl FileReport {
    /// A report of `path` with its text, findings and counts, and no notes.
    pub fn new(path: String, text: String, findings: Vec<Finding>, counts: Counts) -> FileReport {
        FileReport {
            path,
            source: SourceText::new(text),
            findings,
            counts,
            notes: Vec::new(),
            images: BTreeSet::new(),
            explained: Vec::new(),
            objects: Vec::new(),
        }
    }

    /// An empty report of one file: nothing to say, or one file-level finding to add.
    pub fn of_file(path: String) -> FileReport {
        let counts = Counts {
            files: 1,
            ..Counts::default()
        };
        FileReport::new(path, String::new(), Vec::new(), counts)
    }
}

/// The order of findings within a file, the one definition: position, rule, message, then
/// the render (values profile and line) a finding came from.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let pa = a.rendered.as_ref().map(|r| (r.profile.clone(), r.line));
        let pb = b.rendered.as_ref().map(|r| (r.profile.clone(), r.line));
        (a.primary.span.start, a.rule, &a.message, pa).cmp(&(
            b.primary.span.start,
            b.rule,
            &b.message,
            pb,
        ))
    });
}

/// Lints one file's bytes.
pub fn lint_bytes(path: String, bytes: Vec<u8>, cx: &Scope<'_>) -> FileReport {
    match decode(bytes) {
        Decoded::Text(text) => lint_text(path, text, cx),
        Decoded::Invalid { lossy, at, why } => {
            let counts = Counts {
                files: 1,
                documents: 1,
                ..Counts::default()
            };
            let findings = vec![rules::invalid_yaml_diagnostic(at, why)];
            FileReport::new(path, lossy, findings, counts)
        }
    }
}

/// Lints one file's text.
pub fn lint_text(path: String, text: String, cx: &Scope<'_>) -> FileReport {
    let mut findings = Vec::new();
    let mut counts = Counts {
        files: 1,
        ..Counts::default()
    };
    let suppress = !cx.config.no_suppressions;
    let mut suppressions = Suppressions::default();
    let mut images = BTreeSet::new();
    let mut explained = Vec::new();
    let mut linted = Vec::new();
    // Rules compute fixes in the file's own style, so they see its text.
    let file_cx = Scope {
        config: cx.config,
        facts: Context {
            source: &text,
            ..cx.facts
        },
    };
    let active: Vec<&dyn Rule> = RULES
        .iter()
        .copied()
        .filter(|r| cx.config.rules.enabled(*r))
        .collect();
    // One arena for the file: each chunk's trees are dropped before the next is parsed.
    let mut arena = crate::yaml::take_arena();
    for chunk in split_documents(&text) {
        arena.reset();
        match parse_chunk_skipping(&arena, chunk, Limits::default(), crate::k8s::body_unread) {
            Err(e) => {
                counts.documents += 1;
                findings.push(rules::invalid_yaml_diagnostic(e.at, &e.message));
            }
            Ok(docs) => {
                for doc in docs {
                    if doc.root.is_null() {
                        continue;
                    }
                    counts.documents += 1;
                    for (span, key) in &doc.duplicate_keys {
                        findings.push(rules::duplicate_key_diagnostic(*span, key));
                    }
                    match classify(&doc.root) {
                        Classified::NotAnObject => counts.skipped += 1,
                        Classified::Objects(objects) => {
                            counts.resources += objects.len();
                            for candidate in objects {
                                if suppress {
                                    suppressions.add_object(candidate.node, &candidate.id);
                                }
                                if cx.config.record_objects {
                                    linted.push(candidate.id.clone());
                                }
                                let (f, i, e) = (&mut findings, &mut images, &mut explained);
                                lint_object(candidate, &active, &file_cx, f, i, e);
                            }
                        }
                    }
                }
            }
        }
    }
    crate::yaml::keep_arena(arena);
    let settings = &cx.config.rules;
    findings.retain(|f| settings.enabled_name(f.rule));
    let mut source = SourceText::new(text);
    for e in &mut explained {
        e.line = source.position(e.span.start).line;
    }
    if suppress {
        suppressions.add_comments(&source);
        suppressions.apply(&source, &mut findings, &|rule| settings.enabled_name(rule));
    }
    for f in &mut findings {
        f.severity = settings.severity(f.rule, f.severity);
    }
    sort_findings(&mut findings);
    // Keep the text only where a renderer (or a render's attribution) needs it.
    if findings.is_empty() && explained.is_empty() {
        source = SourceText::new(String::new());
    }
    FileReport {
        path,
        source,
        findings,
        counts,
        notes: Vec::new(),
        images,
        explained,
        objects: linted,
    }
}

fn lint_object(
    candidate: crate::k8s::Candidate<'_, '_>,
    active: &[&dyn Rule],
    cx: &Scope<'_>,
    out: &mut Vec<Finding>,
    images: &mut BTreeSet<String>,
    explained: &mut Vec<Explained>,
) {
    let fallback = candidate.node.span;
    let node = candidate.node;
    // A removed apiVersion is the mistake: the old version's fields differ from the served
    // model, so its unknown fields and shape errors are not reported on top of it.
    if let Some(f) = removed_api_version(&candidate, active, cx) {
        out.push(f);
        if let Ok(object) = candidate.decode() {
            run_rules(object, node, active, cx, out, images, explained);
        }
        return;
    }
    for u in candidate.unknown_fields() {
        let mut f = rules::unknown_field_diagnostic(&candidate.id, &u);
        f.field = Some(node.path_at(u.key_span.start));
        out.push(f);
    }
    let object = match candidate.decode() {
        Ok(o) => o,
        Err((id, err)) => {
            let mut f = rules::invalid_resource_diagnostic(&id, &err, fallback);
            f.field = Some(err.path_string());
            out.push(f);
            return;
        }
    };
    run_rules(object, node, active, cx, out, images, explained);
}

/// `api-version-removed` for this object, when it is on and the object's apiVersion of its
/// kind is not served by the Kubernetes version of the run.
fn removed_api_version(
    candidate: &crate::k8s::Candidate<'_, '_>,
    active: &[&dyn Rule],
    cx: &Scope<'_>,
) -> Option<Finding> {
    if !active
        .iter()
        .any(|r| r.name() == rules::API_VERSION_REMOVED.name)
    {
        return None;
    }
    let at = candidate.node.get("apiVersion")?.span;
    let mut f = rules::api_version_removed_diagnostic(&candidate.id, at, cx.config.kube_minor())?;
    f.field = Some("apiVersion".into());
    Some(f)
}

/// The rules over one decoded object, then the one-mistake-one-finding pass.
fn run_rules(
    object: crate::k8s::Object<'_, '_>,
    node: &crate::yaml::Node<'_>,
    active: &[&dyn Rule],
    cx: &Scope<'_>,
    out: &mut Vec<Finding>,
    images: &mut BTreeSet<String>,
    explained: &mut Vec<Explained>,
) {
    let first = out.len();
    let memo = Memo::default();
    let pod = object.workload().map(|w| Pod::new(w, &memo));
    if let Some(pod) = &pod {
        images.extend(
            pod.containers()
                .iter()
                .filter_map(|c| c.image.map(str::to_owned)),
        );
        if cx.config.explain {
            let at = node.as_map().and_then(<[_]>::first);
            explained.push(Explained {
                span: at.map_or(node.span, |e| e.key.span),
                line: 0,
                rendered: None,
                explanation: explain(pod, &cx.facts),
            });
        }
    }
    for rule in active {
        rule.check_object(&object, &cx.facts, out);
        if let Some(pod) = &pod {
            rule.check_workload(pod, &cx.facts, out);
        }
    }
    precedence::retain(out, first);
    for f in &mut out[first..] {
        f.field = Some(object.node.path_at(f.primary.span.start));
    }
}
