//! In-manifest suppressions: `winlint.io/ignore-<rule>: "<reason>"` and
//! `winlint.io/ignore: "<rule>,<rule>"` annotations on an object's metadata or its pod
//! template's metadata; `# winlint-ignore <rule>[,<rule>] [-- reason]` on the line above the
//! field (or at the end of its line); `# winlint-ignore-file <rule>` in a file's leading
//! comments. Suppressed findings are kept (counted, and in SARIF as suppressions); a
//! suppression that silences nothing is itself reported as `unused-suppression`.

use crate::finding::{Finding, SourceText};
use crate::k8s::ResourceId;
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
    /// Per name in `rules`: did it silence a finding? Each name is judged on its own.
    used: Vec<bool>,
}

impl Suppression {
    fn new(rules: Vec<String>, reason: String, span: Span, scope: Scope) -> Suppression {
        let used = vec![false; rules.len()];
        Suppression {
            rules,
            reason,
            span,
            scope,
            used,
        }
    }

    /// The name that silences `rule`: the rule itself, else `all`.
    fn matching(&self, rule: &str) -> Option<usize> {
        let at = |want: &str| self.rules.iter().position(|r| r == want);
        at(rule).or_else(|| at("all"))
    }
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
    /// The objects of the file: an unused suppression written inside one belongs to it.
    objects: Vec<(Span, ResourceId)>,
}

impl Suppressions {
    /// Annotations of an object (its metadata and any pod template's metadata).
    pub fn add_object(&mut self, object: &Node<'_>, id: &ResourceId) {
        self.objects.push((object.span, id.clone()));
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
                let reason = if reason.trim().is_empty() {
                    format!("annotation {key}")
                } else {
                    reason
                };
                self.list.push(Suppression::new(
                    rules,
                    reason,
                    e.key.span,
                    Scope::Object(object.span),
                ));
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
            let reason = if reason.is_empty() {
                "comment winlint-ignore".into()
            } else {
                reason.to_owned()
            };
            self.list
                .push(Suppression::new(split_rules(names), reason, span, scope));
        }
    }

    /// Marks the findings these suppressions cover, then reports the unused names: unknown
    /// names in one finding, known names that silenced nothing in another. `enabled` says
    /// which rules run: a name of a rule that is turned off is not reported as unused.
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
                if let Some(i) = s.matching(f.rule).filter(|_| in_scope) {
                    f.suppressed = Some(s.reason.clone());
                    s.used[i] = true;
                    break;
                }
            }
        }
        if !enabled("unused-suppression") {
            return;
        }
        for s in &self.list {
            let resource = self
                .objects
                .iter()
                .find(|(span, _)| span.start <= s.span.start && s.span.start < span.end)
                .map(|(_, id)| id);
            let unused = s.rules.iter().zip(&s.used).filter(|(_, used)| !**used);
            let (mut unknown, mut stale) = (Vec::new(), Vec::new());
            for (name, _) in unused {
                if name == "all" || rules::find(name).is_some_and(|_| enabled(name)) {
                    stale.push(name.clone());
                } else if rules::find(name).is_none() {
                    unknown.push(name.as_str());
                }
            }
            let reports = [
                (!unknown.is_empty())
                    .then(|| rules::unused_suppression_diagnostic(s.span, &[], &unknown)),
                (!stale.is_empty())
                    .then(|| rules::unused_suppression_diagnostic(s.span, &stale, &[])),
            ];
            for f in reports.into_iter().flatten() {
                findings.push(match resource {
                    Some(id) => f.with_resource(id),
                    None => f,
                });
            }
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
