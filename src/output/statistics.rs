//! Per-rule counts of a run, like ruff's `--statistics`: a table after the findings in human
//! and concise output, and `byRule` in the JSON summary.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::finding::{Finding, Severity};

/// Whether winlint can fix a rule's findings (`winlint --fix`), as the rule declares it.
pub fn fixable(rule: &str) -> bool {
    crate::rules::find(rule).is_some_and(|r| r.meta().fix.is_some())
}

/// One rule's reported findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleCount {
    /// The most severe of its findings (a rule that grades reports both).
    pub severity: Severity,
    pub count: usize,
}

/// Reported (not suppressed) findings per rule, by rule name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ByRule(BTreeMap<&'static str, RuleCount>);

impl ByRule {
    pub fn add(&mut self, f: &Finding) {
        let c = self.0.entry(f.rule).or_insert(RuleCount {
            severity: f.severity,
            count: 0,
        });
        c.count += 1;
        c.severity = c.severity.max(f.severity);
    }

    /// Most frequent first, then by rule name.
    pub fn sorted(&self) -> Vec<(&'static str, RuleCount)> {
        let mut rows: Vec<_> = self.0.iter().map(|(r, c)| (*r, *c)).collect();
        rows.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
        rows
    }

    /// `count  severity  fixable  rule`, one row per rule; empty when nothing was reported.
    pub fn table(&self) -> String {
        let rows = self.sorted();
        if rows.is_empty() {
            return String::new();
        }
        let width = rows
            .iter()
            .map(|(_, c)| c.count.to_string().len())
            .max()
            .unwrap_or(1)
            .max("count".len());
        let mut s = format!("{:>width$}  severity  fixable  rule\n", "count");
        for (rule, c) in rows {
            let fix = if fixable(rule) { "yes" } else { "no" };
            s.push_str(&format!(
                "{:>width$}  {:<8}  {fix:<7}  {rule}\n",
                c.count,
                c.severity.as_str()
            ));
        }
        s
    }

    /// `{"<rule>": {"severity": "...", "count": N}}` in rule-name order.
    pub fn json(&self) -> BTreeMap<&'static str, JsonRuleCount> {
        self.0
            .iter()
            .map(|(r, c)| {
                let v = JsonRuleCount {
                    severity: c.severity.as_str(),
                    count: c.count,
                };
                (*r, v)
            })
            .collect()
    }
}

#[derive(Serialize)]
pub struct JsonRuleCount {
    severity: &'static str,
    count: usize,
}
