//! In-manifest suppressions: `winlint.io/ignore-<rule>: "<reason>"` and
//! `winlint.io/ignore: "<rule>,<rule>"` annotations on an object's metadata or its pod
//! template's metadata; `# winlint-ignore <rule>[,<rule>] [-- reason]` on the line above the
//! field (or at the end of its line); `# winlint-ignore-file <rule>` in a file's leading
//! comments. Suppressed findings are kept (counted, and in SARIF as suppressions); a
//! suppression that silences nothing is itself reported as `unused-suppression`.

use crate::finding::{Finding, SourceText};
use crate::rules;
use crate::yaml::{Node, Span};

pub const ANNOTATION_PREFIX: &str = "winlint.io/ignore";

/// One suppression and where it was written.
#[derive(Debug, Clone)]
struct Suppression {
    /// Rule names; `all` matches every rule.
    rules: Vec<String>,
    reason: String,
    /// The annotation key or the comment, for `unused-suppression`.
    span: Span,
    scope: Scope,
    used: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Findings of one object (by its span in the file).
    Object(Span),
    /// Findings starting on this 1-based line.
    Line(usize),
    File,
}

/// Suppressions found in one file.
#[derive(Debug, Default)]
pub struct Suppressions {
    list: Vec<Suppression>,
}

impl Suppressions {
    /// Annotations of an object (its metadata and any pod template's metadata).
    pub fn add_object(&mut self, object: &Node<'_>) {
        let mut metas = vec![object.get("metadata")];
        for path in [
            &["spec", "template"][..],
            &["template"],
            &["spec", "jobTemplate", "spec", "template"],
        ] {
            let mut n = Some(object);
            for k in path {
                n = n.and_then(|x| x.get(k));
            }
            metas.push(n.and_then(|t| t.get("metadata")));
        }
        for meta in metas.into_iter().flatten() {
            let Some(entries) = meta.get("annotations").and_then(Node::as_map) else {
                continue;
            };
            for e in entries {
                let (Some(key), Some(value)) = (e.key.as_str(), e.value.as_str()) else {
                    continue;
                };
                let Some(rest) = key.strip_prefix(ANNOTATION_PREFIX) else {
                    continue;
                };
                let (rules, reason) = if let Some(rule) = rest.strip_prefix('-') {
                    (vec![rule.to_owned()], value.to_owned())
                } else if rest.is_empty() {
                    (split_rules(value), format!("annotation {key}"))
                } else {
                    continue;
                };
                self.list.push(Suppression {
                    rules,
                    reason: if reason.trim().is_empty() {
                        format!("annotation {key}")
                    } else {
                        reason
                    },
                    span: e.key.span,
                    scope: Scope::Object(object.span),
                    used: false,
                });
            }
        }
    }

    /// `# winlint-ignore` comments of a file.
    pub fn add_comments(&mut self, source: &SourceText) {
        let text = &source.text;
        if !text.contains("winlint-ignore") {
            return;
        }
        let mut leading = true;
        let mut offset = 0;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            let start = offset;
            offset += line.len();
            let trimmed = line.trim();
            let comment_only = trimmed.starts_with('#');
            if !comment_only && !trimmed.is_empty() && trimmed != "---" {
                leading = false;
            }
            let Some(at) = line.find("# winlint-ignore") else {
                continue;
            };
            let directive = line[at + 2..].trim_end();
            let span = Span::new(start + at, start + at + 2 + directive.len());
            let (file_wide, rest) = match directive.strip_prefix("winlint-ignore-file") {
                Some(r) => (true, r),
                None => match directive.strip_prefix("winlint-ignore") {
                    Some(r) => (false, r),
                    None => continue,
                },
            };
            if !rest.is_empty() && !rest.starts_with(' ') {
                continue;
            }
            let (names, reason) = match rest.split_once("--") {
                Some((n, r)) => (n, r.trim()),
                None => (rest, ""),
            };
            let scope = if file_wide {
                if !leading {
                    continue;
                }
                Scope::File
            } else if comment_only {
                Scope::Line(i + 2)
            } else {
                Scope::Line(i + 1)
            };
            self.list.push(Suppression {
                rules: split_rules(names),
                reason: if reason.is_empty() {
                    "comment winlint-ignore".into()
                } else {
                    reason.to_owned()
                },
                span,
                scope,
                used: false,
            });
        }
    }

    /// Marks the findings these suppressions cover, then reports the unused ones.
    /// `enabled` says which rules run: a suppression of a rule that is turned off is not
    /// reported as unused.
    pub fn apply(
        mut self,
        source: &SourceText,
        findings: &mut Vec<Finding>,
        enabled: &dyn Fn(&str) -> bool,
    ) {
        for f in findings.iter_mut() {
            if f.suppressed.is_some() || f.rule == "unused-suppression" {
                continue;
            }
            let line = source.position(f.primary.span.start).line;
            for s in &mut self.list {
                let in_scope = match s.scope {
                    Scope::File => true,
                    Scope::Line(l) => l == line,
                    Scope::Object(span) => {
                        span.start <= f.primary.span.start && f.primary.span.start <= span.end
                    }
                };
                if in_scope && s.rules.iter().any(|r| r == f.rule || r == "all") {
                    f.suppressed = Some(s.reason.clone());
                    s.used = true;
                    break;
                }
            }
        }
        if !enabled("unused-suppression") {
            return;
        }
        let off = |s: &Suppression| {
            s.rules
                .iter()
                .any(|r| rules::find(r).is_some() && !enabled(r))
        };
        for s in self.list.into_iter().filter(|s| !s.used && !off(s)) {
            let unknown: Vec<&str> = s
                .rules
                .iter()
                .map(String::as_str)
                .filter(|r| *r != "all" && rules::find(r).is_none())
                .collect();
            findings.push(rules::unused_suppression_diagnostic(
                s.span, &s.rules, &unknown,
            ));
        }
    }
}

fn split_rules(s: &str) -> Vec<String> {
    s.split([',', ' '])
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect()
}
