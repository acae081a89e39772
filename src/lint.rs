//! The pipeline for one file: decode, split, parse with positions, decode typed models, run
//! the rules. Files are independent, so the caller runs this in parallel.

use crate::finding::{Finding, SourceText};
use crate::model::{classify, Classified};
use crate::rules::{self, Context, RULES};
use crate::yaml::{parse_chunk, split_documents, Limits};

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
}

/// Lints one file's bytes.
pub fn lint_bytes(path: String, bytes: Vec<u8>, cx: &Context<'_>) -> FileReport {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let finding = rules::invalid_yaml_diagnostic(at, "the file is not UTF-8 text");
            return FileReport {
                path,
                source: SourceText::new(text),
                findings: vec![finding],
                counts: Counts {
                    files: 1,
                    documents: 1,
                    ..Counts::default()
                },
                notes: Vec::new(),
            };
        }
    };
    lint_text(path, text, cx)
}

/// Lints one file's text.
pub fn lint_text(path: String, mut text: String, cx: &Context<'_>) -> FileReport {
    // A UTF-8 byte order mark is not content; editors do not count it as a column either.
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    let mut findings = Vec::new();
    let mut counts = Counts {
        files: 1,
        ..Counts::default()
    };
    for chunk in split_documents(&text) {
        match parse_chunk(chunk, Limits::default()) {
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
                                lint_object(candidate, cx, &mut findings);
                            }
                        }
                    }
                }
            }
        }
    }
    let settings = &cx.config.rules;
    findings.retain(|f| settings.enabled_name(f.rule));
    for f in &mut findings {
        f.severity = settings.severity(f.rule, f.severity);
    }
    findings.sort_by(|a, b| {
        (a.primary.span.start, a.rule, &a.message).cmp(&(b.primary.span.start, b.rule, &b.message))
    });
    FileReport {
        path,
        source: SourceText::new(text),
        findings,
        counts,
        notes: Vec::new(),
    }
}

fn lint_object(
    candidate: crate::model::Candidate<'_, '_>,
    cx: &Context<'_>,
    out: &mut Vec<Finding>,
) {
    let fallback = candidate.node.span;
    for u in candidate.unknown_fields() {
        out.push(rules::unknown_field_diagnostic(&candidate.id, &u));
    }
    let object = match candidate.decode() {
        Ok(o) => o,
        Err((id, err)) => {
            out.push(rules::invalid_resource_diagnostic(&id, &err, fallback));
            return;
        }
    };
    let workload = object.workload();
    for rule in RULES.iter().filter(|r| cx.config.rules.enabled(**r)) {
        rule.check_object(&object, cx, out);
        if let Some(w) = &workload {
            rule.check_workload(w, cx, out);
        }
    }
}
