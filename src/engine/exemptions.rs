//! Suppressions from the configuration and the baseline, applied to each file's report in
//! input order: `exclude` (never linted), `perPathIgnores`, `exemptions`, `baseline`.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher, GlobSet, GlobSetBuilder};

use crate::engine::baseline::Baseline;
use crate::engine::config::Config;
use crate::engine::error::Error;
use crate::engine::lint::FileReport;
use crate::rules;

fn glob(g: &str) -> Option<GlobMatcher> {
    Glob::new(g).ok().map(|g| g.compile_matcher())
}

/// Does `entry` (a rule name, a category or `all`) cover `rule`?
fn covers(entry: &str, rule: &str) -> bool {
    entry == rule
        || entry == "all"
        || rules::find(rule).is_some_and(|r| r.category().as_str() == entry)
}

struct Exemption {
    rules: Vec<String>,
    namespaces: Vec<GlobMatcher>,
    kinds: Vec<GlobMatcher>,
    names: Vec<GlobMatcher>,
    reason: String,
}

pub struct Policy {
    base: PathBuf,
    cwd: PathBuf,
    repo_root: PathBuf,
    exclude: GlobSet,
    per_path: Vec<(GlobMatcher, String, Vec<String>)>,
    exemptions: Vec<Exemption>,
    baseline: Option<RefCell<Baseline>>,
    enabled: bool,
}

impl Policy {
    pub fn new(
        config: &Config,
        base: &Path,
        cwd: &Path,
        repo_root: &Path,
        baseline_flag: Option<&Path>,
    ) -> Result<Policy, Error> {
        let mut exclude = GlobSetBuilder::new();
        for g in &config.exclude {
            if let Ok(g) = Glob::new(g) {
                exclude.add(g);
            }
        }
        let baseline_path = baseline_flag
            .map(Path::to_path_buf)
            .or_else(|| config.baseline.clone());
        let baseline = match baseline_path {
            Some(p) if !config.no_suppressions => {
                Some(RefCell::new(Baseline::load(&p).map_err(Error::Usage)?))
            }
            _ => None,
        };
        let matchers = |v: &[String]| v.iter().filter_map(|g| glob(g)).collect::<Vec<_>>();
        Ok(Policy {
            base: base.to_path_buf(),
            cwd: cwd.to_path_buf(),
            repo_root: repo_root.to_path_buf(),
            exclude: exclude.build().unwrap_or_else(|_| GlobSet::empty()),
            per_path: config
                .per_path_ignores
                .iter()
                .filter_map(|(g, r)| Some((glob(g)?, g.clone(), r.clone())))
                .collect(),
            exemptions: config
                .exemptions
                .iter()
                .map(|x| Exemption {
                    rules: x.rules.clone(),
                    namespaces: matchers(&x.namespaces),
                    kinds: matchers(&x.kinds),
                    names: matchers(&x.names),
                    reason: x.reason.clone(),
                })
                .collect(),
            baseline,
            enabled: !config.no_suppressions,
        })
    }

    /// `exclude:` globs match paths relative to the config file's folder.
    pub fn excluded(&self, shown: &str) -> bool {
        !self.exclude.is_empty()
            && self.exclude.is_match(crate::engine::paths::relative_to(
                &self.base, &self.cwd, shown,
            ))
    }

    pub fn apply(&self, report: &mut FileReport) {
        if !self.enabled || report.findings.is_empty() {
            return;
        }
        let rel = if self.per_path.is_empty() {
            String::new()
        } else {
            crate::engine::paths::relative_to(&self.base, &self.cwd, &report.path)
        };
        for f in report
            .findings
            .iter_mut()
            .filter(|f| f.suppressed.is_none())
        {
            if let Some((_, g, _)) = self
                .per_path
                .iter()
                .find(|(m, _, r)| m.is_match(&rel) && r.iter().any(|e| covers(e, f.rule)))
            {
                f.suppressed = Some(format!("perPathIgnores `{g}` in the config"));
                continue;
            }
            let Some(id) = &f.resource else { continue };
            let hit = self.exemptions.iter().find(|x| {
                let any = |m: &[GlobMatcher], v: Option<&str>| {
                    m.is_empty() || v.is_some_and(|v| m.iter().any(|g| g.is_match(v)))
                };
                (x.rules.is_empty() || x.rules.iter().any(|e| covers(e, f.rule)))
                    && any(
                        &x.namespaces,
                        Some(id.namespace.as_deref().unwrap_or("default")),
                    )
                    && any(&x.kinds, Some(&id.kind))
                    && any(&x.names, id.name.as_deref())
            });
            if let Some(x) = hit {
                f.suppressed = Some(format!("exemption: {}", x.reason));
            }
        }
        if let Some(b) = &self.baseline {
            let file = crate::engine::paths::relative_to(&self.repo_root, &self.cwd, &report.path);
            b.borrow_mut().apply(&mut report.findings, &file);
        }
    }

    pub fn baseline_fixed(&self) -> usize {
        self.baseline.as_ref().map_or(0, |b| b.borrow().fixed())
    }
}
