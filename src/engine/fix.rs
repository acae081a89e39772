//! Applying fixes to one file's text: pick the fixes that do not overlap, apply them, lint
//! the result, and keep only edits that leave the file valid and add no finding. Rounds
//! repeat (as ruff's do) so a fix that waited for an overlapping one gets its turn; the
//! result is stable, so a second `--fix` changes nothing.

use std::collections::{BTreeSet, HashMap};

use crate::engine::lint::{lint_text, Scope};
use crate::finding::{Applicability, Edit, Finding, Fix};
use crate::yaml::edit::apply;

/// Rounds of fixing one file; each round applies at least one fix or stops.
const MAX_ROUNDS: usize = 10;

/// Which finding is which across re-lints: the rule and the object. Positions, field paths
/// and messages move when a fix lands (a pin shortens a list of pools), these do not; a fix
/// is kept when no rule fires more often on an object than before.
pub type Key = (&'static str, String);

pub fn key(f: &Finding) -> Key {
    let resource = f
        .resource
        .as_ref()
        .map(|r| format!("{r:?}"))
        .unwrap_or_default();
    (f.rule, resource)
}

/// The result of fixing one file.
#[derive(Debug)]
pub struct Fixed {
    pub text: String,
    /// Findings of the original text that the fixed text no longer has.
    pub fixed: usize,
    /// The findings of the fixed text.
    pub findings: Vec<Finding>,
}

/// Fixes `text` (the file's decoded text) with the fixes of its findings, except those of
/// `blocked` (suppressed by the configuration) and, without `unsafe_fixes`, unsafe ones.
///
/// A fix may uncover findings a worse one hid (a pod that can now be scheduled can now land
/// on the wrong build), and later rounds may fix those: rounds first only refuse edits that
/// break the file, and the result is kept when it has no finding the original lacked. Else
/// every round refuses any edit that adds a finding.
pub fn fix_text(
    path: &str,
    text: &str,
    cx: &Scope<'_>,
    blocked: &BTreeSet<Key>,
    unsafe_fixes: bool,
) -> Fixed {
    let findings = lint_text(path.to_owned(), text.to_owned(), cx).findings;
    let before = counts(&findings);
    let go = |strict: bool| {
        rounds(
            path,
            text,
            findings.clone(),
            cx,
            blocked,
            unsafe_fixes,
            strict,
        )
    };
    let (current, findings) = match go(false) {
        (t, f) if acceptable(&before, &f, true) => (t, f),
        _ => go(true),
    };
    let after = counts(&findings);
    let fixed = before
        .iter()
        .map(|(k, n)| n.saturating_sub(after.get(k).copied().unwrap_or(0)))
        .sum();
    Fixed {
        text: current,
        fixed,
        findings,
    }
}

fn rounds(
    path: &str,
    text: &str,
    mut findings: Vec<Finding>,
    cx: &Scope<'_>,
    blocked: &BTreeSet<Key>,
    unsafe_fixes: bool,
    strict: bool,
) -> (String, Vec<Finding>) {
    let mut current = text.to_owned();
    for _ in 0..MAX_ROUNDS {
        let fixes = select(&findings, blocked, unsafe_fixes);
        if fixes.is_empty() {
            break;
        }
        let Some((next, next_findings)) = accept(path, &current, &findings, &fixes, cx, strict)
        else {
            break;
        };
        current = next;
        findings = next_findings;
    }
    (current, findings)
}

/// The fixes to try, the most severe finding's first (its fix often settles the others'),
/// then in finding order: an exact repeat of an accepted fix is dropped (two
/// rules adding the same key), and so is one whose edits overlap an accepted fix's (it is
/// tried again next round, against the new text).
pub fn select<'f>(
    findings: &'f [Finding],
    blocked: &BTreeSet<Key>,
    unsafe_fixes: bool,
) -> Vec<&'f Fix> {
    let mut order: Vec<&Finding> = findings.iter().collect();
    order.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let mut taken: Vec<&Fix> = Vec::new();
    for f in order {
        let Some(fix) = &f.fix else { continue };
        if f.suppressed.is_some()
            || f.rendered.is_some()
            || fix.edits.is_empty()
            || (fix.applicability == Applicability::Unsafe && !unsafe_fixes)
            || blocked.contains(&key(f))
        {
            continue;
        }
        if taken.iter().any(|t| t.edits == fix.edits) {
            continue;
        }
        let overlaps = taken
            .iter()
            .flat_map(|t| &t.edits)
            .any(|a| fix.edits.iter().any(|b| overlap(a, b)));
        if !overlaps {
            taken.push(fix);
        }
    }
    taken
}

/// Two edits touch the same bytes, or insert at the same place.
fn overlap(a: &Edit, b: &Edit) -> bool {
    if a.span.is_empty() || b.span.is_empty() {
        return a.span.start.max(b.span.start) <= a.span.end.min(b.span.end)
            && (a.span.start == b.span.start
                || (a.span.start < b.span.end && b.span.start < a.span.end));
    }
    a.span.start < b.span.end && b.span.start < a.span.end
}

/// Applies `fixes` together when the result lints clean of new findings; otherwise one by
/// one, keeping each that does. `None` when none can be kept.
fn accept(
    path: &str,
    text: &str,
    findings: &[Finding],
    fixes: &[&Fix],
    cx: &Scope<'_>,
    strict: bool,
) -> Option<(String, Vec<Finding>)> {
    let before = counts(findings);
    let attempt = |edits: &[Edit]| -> Option<(String, Vec<Finding>)> {
        let next = apply(text, edits)?;
        let report = lint_text(path.to_owned(), next.clone(), cx);
        acceptable(&before, &report.findings, strict).then_some((next, report.findings))
    };
    let all: Vec<Edit> = fixes.iter().flat_map(|f| f.edits.clone()).collect();
    if let Some(done) = attempt(&all) {
        return Some(done);
    }
    let mut kept: Vec<Edit> = Vec::new();
    let mut last = None;
    for fix in fixes {
        let mut trial = kept.clone();
        trial.extend(fix.edits.iter().cloned());
        if let Some(done) = attempt(&trial) {
            kept = trial;
            last = Some(done);
        }
    }
    last
}

/// No finding of the new text is new: every key occurs at most as often as before (only
/// the findings of a broken file or object, unless `strict`).
fn acceptable(before: &HashMap<Key, usize>, after: &[Finding], strict: bool) -> bool {
    counts(after)
        .iter()
        .filter(|(k, _)| strict || BROKEN.contains(&k.0))
        .all(|(k, n)| before.get(k).is_some_and(|b| n <= b))
}

/// The rules that say a file or object is broken.
const BROKEN: &[&str] = &[
    "invalid-yaml",
    "duplicate-key",
    "invalid-resource",
    "unknown-field",
    "internal-error",
];

fn counts(findings: &[Finding]) -> HashMap<Key, usize> {
    let mut m = HashMap::new();
    for f in findings.iter().filter(|f| f.suppressed.is_none()) {
        *m.entry(key(f)).or_insert(0) += 1;
    }
    m
}

/// A unified diff of one file (`--diff`), three lines of context.
pub fn unified_diff(path: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Span;

    fn edit(start: usize, end: usize) -> Edit {
        Edit {
            span: Span::new(start, end),
            text: "x".into(),
        }
    }

    #[test]
    fn overlaps() {
        assert!(overlap(&edit(3, 3), &edit(3, 3)));
        assert!(overlap(&edit(2, 5), &edit(3, 3)));
        assert!(!overlap(&edit(2, 3), &edit(3, 3)));
        assert!(!overlap(&edit(2, 3), &edit(3, 4)));
        assert!(overlap(&edit(2, 4), &edit(3, 5)));
    }
}
