//! The one finding type every rule produces, and the source text it points into.

use std::fmt;
use std::sync::OnceLock;

use miette::{Diagnostic, LabeledSpan, SourceCode};

use crate::k8s::ResourceId;
use crate::yaml::Span;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A span with the text shown under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

impl Label {
    pub fn new(span: Span, text: impl Into<String>) -> Label {
        Label {
            span,
            text: text.into(),
        }
    }
}

/// One problem found in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// Lowercase, no trailing period: what is wrong.
    pub message: String,
    /// Where, and why there.
    pub primary: Label,
    pub secondary: Vec<Label>,
    /// What to add or change, with YAML to paste when short.
    pub help: Option<String>,
    /// The object concerned; `None` for file-level findings (invalid YAML, I/O).
    pub resource: Option<ResourceId>,
    /// The field path of the primary span in the object (`spec.template.spec`), filled in
    /// by the pipeline; baselines and fingerprints use it instead of line numbers.
    pub field: Option<String>,
    /// Why the finding is suppressed (an annotation, a comment, the baseline), if it is.
    pub suppressed: Option<String>,
    /// Set when the finding was made in a Helm render or kustomize build and moved to the
    /// template or base file it came from (`crate::engine::render`).
    pub rendered: Option<RenderedAt>,
    /// The edits that fix the finding in its file, when the fix is known.
    pub fix: Option<Fix>,
}

/// Whether a fix can be applied without a judgement the linter cannot make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applicability {
    Safe,
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

pub use crate::yaml::edit::Edit;

/// The edits that fix a finding; they never overlap each other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

/// Where a finding was seen in a render, for findings reported at a template line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedAt {
    /// The Helm values profile; `None` for kustomize builds and renders read from stdin.
    pub profile: Option<String>,
    /// The kustomization folder that was built, for kustomize builds.
    pub kustomization: Option<String>,
    /// 1-based line in the render.
    pub line: usize,
    /// No unique template line produced the field: the position is the enclosing key's.
    pub approximate: bool,
}

impl RenderedAt {
    /// Which render, and where in it: `rendered with values profile `p`, line 22 of the render`.
    pub fn origin(&self) -> String {
        match (&self.profile, &self.kustomization) {
            (Some(p), _) => format!(
                "rendered with values profile `{p}`, line {} of the render",
                self.line
            ),
            (None, Some(k)) => format!(
                "built from kustomization `{k}`, line {} of the build",
                self.line
            ),
            (None, None) => format!("line {} of the render", self.line),
        }
    }
}

impl Finding {
    pub fn new(
        rule: &'static str,
        severity: Severity,
        message: impl Into<String>,
        primary: Label,
    ) -> Finding {
        Finding {
            rule,
            severity,
            message: message.into(),
            primary,
            secondary: Vec::new(),
            help: None,
            resource: None,
            field: None,
            suppressed: None,
            rendered: None,
            fix: None,
        }
    }
    pub fn with_help(mut self, help: impl Into<String>) -> Finding {
        // Helps built from snippets end with a line break; shown, it is an empty line.
        let mut help = help.into();
        help.truncate(help.trim_end().len());
        self.help = Some(help);
        self
    }
    pub fn with_secondary(mut self, label: Label) -> Finding {
        self.secondary.push(label);
        self
    }
    pub fn with_fix(mut self, fix: Option<Fix>) -> Finding {
        self.fix = fix;
        self
    }
    pub fn with_resource(mut self, id: &ResourceId) -> Finding {
        self.resource = Some(id.clone());
        self
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Finding {}

impl Diagnostic for Finding {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.rule))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = std::iter::once(LabeledSpan::new_primary_with_span(
            Some(self.primary.text.clone()),
            (self.primary.span.start, self.primary.span.len()),
        ));
        let rest = self.secondary.iter().map(|l| {
            LabeledSpan::new_with_span(Some(l.text.clone()), (l.span.start, l.span.len()))
        });
        Some(Box::new(primary.chain(rest)))
    }
}

/// A finding paired with its file's text, for miette's renderer. Source is attached when
/// rendering, not when finding.
pub struct WithSource<'a> {
    pub finding: &'a Finding,
    pub source: &'a dyn SourceCode,
}

impl fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.finding, f)
    }
}
impl fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.finding, f)
    }
}
impl std::error::Error for WithSource<'_> {}

impl Diagnostic for WithSource<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.finding.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.finding.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.finding.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.finding.labels()
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }
}

/// A file's text with a lazily built line index: 1-based lines and columns (columns count
/// Unicode characters) are computed once, from the text, for every output format.
#[derive(Debug)]
pub struct SourceText {
    pub text: String,
    line_starts: OnceLock<Vec<usize>>,
}

/// A 1-based position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SourceText {
    pub fn new(text: String) -> SourceText {
        SourceText {
            text,
            line_starts: OnceLock::new(),
        }
    }

    fn starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// The 1-based line and column of a byte offset (clamped into the text).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.starts();
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let start = starts[line - 1];
        let column = self.text[start..offset].chars().count() + 1;
        Position { line, column }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_chars() {
        let s = SourceText::new("ab\nüc\n".to_string());
        assert_eq!(s.position(0), Position { line: 1, column: 1 });
        assert_eq!(s.position(3), Position { line: 2, column: 1 });
        assert_eq!(s.position(5), Position { line: 2, column: 2 });
        assert_eq!(s.position(7), Position { line: 3, column: 1 });
        assert_eq!(s.position(99), Position { line: 3, column: 1 });
    }
}
