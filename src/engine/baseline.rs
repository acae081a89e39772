//! Baselines: `--write-baseline FILE` records today's findings; with `baseline:` in the config
//! (or `--baseline FILE`) those are not reported and new ones are. Entries are matched by rule,
//! file, object and field path, never by line, so edits elsewhere in a file keep them valid;
//! entries that no longer match anything are counted as fixed.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub rule: String,
    /// Relative to the repository root, with `/`.
    pub file: String,
    /// `Kind/namespace/name`; null for file-level findings.
    pub resource: Option<String>,
    /// The field path of the finding (`spec.template.spec`), or its message when it has none.
    pub field: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct BaselineFile {
    version: u32,
    entries: Vec<Entry>,
}

/// The entry a finding would have.
pub fn entry(f: &Finding, file: &str) -> Entry {
    Entry {
        rule: f.rule.to_owned(),
        file: file.to_owned(),
        resource: f.resource.as_ref().map(|r| {
            format!(
                "{}/{}/{}",
                r.kind,
                r.namespace.as_deref().unwrap_or(""),
                r.name.as_deref().unwrap_or("")
            )
        }),
        field: f.field.clone().unwrap_or_else(|| f.message.clone()),
    }
}

/// A loaded baseline: how many findings of each entry are still allowed.
#[derive(Debug, Default)]
pub struct Baseline {
    remaining: BTreeMap<Entry, usize>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read baseline `{}`: {e}", path.display()))?;
        let file: BaselineFile = serde_json::from_str(&text)
            .map_err(|e| format!("invalid baseline `{}`: {e}", path.display()))?;
        if file.version != 1 {
            return Err(format!(
                "baseline `{}` has version {}, expected 1",
                path.display(),
                file.version
            ));
        }
        let mut remaining = BTreeMap::new();
        for e in file.entries {
            *remaining.entry(e).or_insert(0) += 1;
        }
        Ok(Baseline { remaining })
    }

    /// Marks the findings the baseline covers as suppressed.
    pub fn apply(&mut self, findings: &mut [Finding], file: &str) {
        for f in findings.iter_mut().filter(|f| f.suppressed.is_none()) {
            if let Some(n) = self.remaining.get_mut(&entry(f, file)) {
                if *n > 0 {
                    *n -= 1;
                    f.suppressed = Some("in the baseline".into());
                }
            }
        }
    }

    /// Entries that matched no finding: fixed since the baseline was written.
    pub fn fixed(&self) -> usize {
        self.remaining.values().sum()
    }
}

/// Writes the entries, sorted, as the baseline file.
pub fn write(path: &Path, mut entries: Vec<Entry>) -> std::io::Result<usize> {
    entries.sort();
    let n = entries.len();
    let text = serde_json::to_string_pretty(&BaselineFile {
        version: 1,
        entries,
    })
    .map_err(std::io::Error::other)?;
    std::fs::write(path, text + "\n")?;
    Ok(n)
}
