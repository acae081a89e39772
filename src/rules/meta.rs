//! What a rule is, as [`declare_rule!`] states it, and the only way rules make findings: with
//! the declared default severity, or a graded one the declaration lists.

use crate::finding::{Applicability, Finding, Label, Severity};

/// Clippy's sense: correctness (surely wrong), suspicious (most likely wrong), pedantic (off
/// by default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    Correctness,
    Suspicious,
    Pedantic,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Correctness => "correctness",
            Category::Suspicious => "suspicious",
            Category::Pedantic => "pedantic",
        }
    }
}

/// A rule's identity.
#[derive(Debug)]
pub struct RuleMeta {
    /// Kebab-case, naming the flagged pattern; the user-facing contract.
    pub name: &'static str,
    pub category: Category,
    /// The severity of its findings unless it grades them.
    pub severity: Severity,
    /// The other severities it may grade a finding to (error when certain, warning against
    /// a built-in model, ...).
    pub also: &'static [Severity],
    /// Whether its findings can carry a fix, and how sure the fixes are: `Unsafe` when
    /// every fix needs a judgement, `Safe` when some do not (the doc's `Fix:` line says which).
    pub fix: Option<Applicability>,
    /// `rules/<name>.md`.
    pub doc: &'static str,
}

impl RuleMeta {
    /// A finding at the rule's default severity.
    pub fn finding(&'static self, message: impl Into<String>, primary: Label) -> Finding {
        Finding::new(self.name, self.severity, message, primary)
    }

    /// A finding at a graded severity, which the declaration must list.
    pub fn graded(
        &'static self,
        severity: Severity,
        message: impl Into<String>,
        primary: Label,
    ) -> Finding {
        debug_assert!(
            self.emits(severity),
            "{} emits {severity}, which its declaration does not list",
            self.name
        );
        Finding::new(self.name, severity, message, primary)
    }

    /// Whether the declaration lists `severity` (the default or a graded one).
    pub fn emits(&self, severity: Severity) -> bool {
        self.severity == severity || self.also.contains(&severity)
    }

    /// `error`, or `error (or warning)` for a rule that grades.
    pub fn severities(&self) -> String {
        let mut s = self.severity.to_string();
        if !self.also.is_empty() {
            let also: Vec<String> = self.also.iter().map(ToString::to_string).collect();
            s.push_str(&format!(" (or {})", also.join(", ")));
        }
        s
    }

    /// The one-line summary: the first non-empty line after the doc's title.
    pub fn summary(&self) -> &'static str {
        self.doc
            .lines()
            .skip(1)
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("")
    }
}
