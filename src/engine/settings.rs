//! Which rules run and at what severity: `rules: {select, ignore, severity}` in the config
//! and `--select` / `--ignore` on the command line. Entries are rule names, categories
//! (`correctness`, `suspicious`, `pedantic`) or `all`; a rule name beats a category.
//! Without settings, correctness and suspicious rules run and pedantic ones do not.

use std::collections::BTreeMap;

use crate::finding::Severity;
use crate::rules::{self, Category, Rule, RULES};
use crate::suggest::closest;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSettings {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
}

/// Why a selector entry is not valid, with the closest valid one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSelector {
    pub entry: String,
    pub suggestion: Option<&'static str>,
}

pub const CATEGORIES: [&str; 3] = ["correctness", "suspicious", "pedantic"];

/// Checks one entry of `select`/`ignore` (or a `severity` key when `names_only`).
pub fn check_selector(entry: &str, names_only: bool) -> Result<(), UnknownSelector> {
    let known = rules::find(entry).is_some()
        || (!names_only && (entry == "all" || CATEGORIES.contains(&entry)));
    if known {
        return Ok(());
    }
    let candidates = RULES.iter().map(|r| r.name()).chain(
        if names_only { &[][..] } else { &CATEGORIES[..] }
            .iter()
            .copied(),
    );
    let candidates: Vec<&str> = candidates.collect();
    // A misspelling, else the start of a longer name (`windows-taint`).
    let suggestion =
        closest(entry, candidates.iter().copied(), |c| (c.len() / 3).max(2)).or_else(|| {
            let starts = candidates
                .iter()
                .filter(|c| entry.len() >= 4 && c.starts_with(entry));
            starts.min_by_key(|c| (c.len(), **c)).copied()
        });
    Err(UnknownSelector {
        entry: entry.to_owned(),
        suggestion,
    })
}

impl RuleSettings {
    /// Is the rule on?
    pub fn enabled(&self, rule: &dyn Rule) -> bool {
        let name = rule.name();
        if self.ignore.iter().any(|e| e == name) {
            return false;
        }
        if self.select.iter().any(|e| e == name) {
            return true;
        }
        let cat = rule.category().as_str();
        let mentions = |list: &[String]| list.iter().any(|e| e == cat || e == "all");
        if mentions(&self.ignore) {
            return false;
        }
        mentions(&self.select) || rule.category() != Category::Pedantic
    }

    pub fn enabled_name(&self, name: &str) -> bool {
        rules::find(name).is_none_or(|r| self.enabled(r))
    }

    /// The severity a finding is reported with.
    pub fn severity(&self, rule: &str, found: Severity) -> Severity {
        self.severity.get(rule).copied().unwrap_or(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(select: &[&str], ignore: &[&str]) -> RuleSettings {
        RuleSettings {
            select: select.iter().map(|x| x.to_string()).collect(),
            ignore: ignore.iter().map(|x| x.to_string()).collect(),
            severity: BTreeMap::new(),
        }
    }

    #[test]
    fn names_beat_categories() {
        let unknown = rules::find("unknown-field").expect("rule");
        assert!(s(&[], &[]).enabled(unknown));
        assert!(!s(&[], &["suspicious"]).enabled(unknown));
        assert!(s(&["unknown-field"], &["suspicious"]).enabled(unknown));
        assert!(!s(&["all"], &["unknown-field"]).enabled(unknown));
    }

    #[test]
    fn unknown_entries_get_suggestions() {
        assert!(check_selector("pedantic", false).is_ok());
        let e = check_selector("unknown-feild", false).expect_err("typo");
        assert_eq!(e.suggestion, Some("unknown-field"));
        assert!(check_selector("pedantic", true).is_err());
    }
}
