//! `.winlint.yaml`: found in the current directory or above (up to the repository root),
//! or named with `--config`. Parsed with the same positioned YAML as manifests, so every
//! mistake points at its line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use k8s_openapi::api::core::v1::Taint;
use miette::NamedSource;
use serde::Deserialize;

use crate::cluster::{Cluster, ClusterSource, NodePool};
use crate::error::Error;
use crate::finding::Severity;
use crate::settings::{check_selector, RuleSettings};
use crate::yaml::{from_node, parse_chunk, split_documents, Limits, Node, PathKey};

pub const FILE_NAME: &str = ".winlint.yaml";

/// The effective configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub cluster: Cluster,
    pub rules: RuleSettings,
    /// `helm.valuesProfiles`: each named set of values files (absolute paths), in file order.
    pub helm_profiles: Vec<(String, Vec<PathBuf>)>,
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawConfig {
    #[serde(default)]
    cluster: Option<RawCluster>,
    #[serde(default)]
    rules: Option<RawRules>,
    #[serde(default)]
    helm: Option<RawHelm>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawHelm {
    #[serde(default)]
    values_profiles: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, Level>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Level {
    Error,
    Warning,
    Info,
}

impl From<Level> for Severity {
    fn from(l: Level) -> Severity {
        match l {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Info => Severity::Info,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawCluster {
    node_pools: Vec<RawPool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawPool {
    name: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    taints: Vec<RawTaint>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaint {
    key: String,
    #[serde(default)]
    value: Option<String>,
    effect: Effect,
}

#[derive(Deserialize, Clone, Copy)]
enum Effect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

impl Effect {
    fn as_str(self) -> &'static str {
        match self {
            Effect::NoSchedule => "NoSchedule",
            Effect::PreferNoSchedule => "PreferNoSchedule",
            Effect::NoExecute => "NoExecute",
        }
    }
}

/// Finds `.winlint.yaml` from `start` upwards, stopping at the repository root (a folder
/// with `.git`) or the filesystem root.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if d.join(".git").exists() {
            return None;
        }
        dir = d.parent();
    }
    None
}

/// Loads the explicit config, or the discovered one, or the defaults.
pub fn load(explicit: Option<&Path>, cwd: &Path) -> Result<Config, Error> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => match discover(cwd) {
            Some(p) => p,
            None => return Ok(Config::default()),
        },
    };
    let shown = path.to_string_lossy().replace('\\', "/");
    let text = std::fs::read_to_string(&path).map_err(|source| Error::ConfigRead {
        path: shown.clone(),
        source,
    })?;
    let base = path
        .parent()
        .map_or_else(|| cwd.to_path_buf(), |p| cwd.join(p));
    parse_in(&shown, &text, Some(&base)).map(|mut c| {
        if c.cluster.source != ClusterSource::Default {
            c.cluster.source = ClusterSource::Config(path.clone());
        }
        c.path = Some(path);
        c
    })
}

/// Parses config text; `name` is used in errors.
pub fn parse(name: &str, text: &str) -> Result<Config, Error> {
    parse_in(name, text, None)
}

/// Parses config text; values files of `helm.valuesProfiles` are resolved against `base` (the
/// config file's folder) and must exist there.
fn parse_in(name: &str, text: &str, base: Option<&Path>) -> Result<Config, Error> {
    let err =
        |at: usize, len: usize, message: String, label: &str, help: Option<String>| Error::Config {
            path: name.to_owned(),
            message,
            src: NamedSource::new(name, text.to_owned()),
            span: (at, len).into(),
            label: label.to_owned(),
            help,
        };
    let mut roots = Vec::new();
    for chunk in split_documents(text) {
        let docs = parse_chunk(chunk, Limits::default()).map_err(|e| {
            err(
                e.at,
                0,
                format!("invalid YAML: {}", e.message),
                "here",
                None,
            )
        })?;
        roots.extend(docs.into_iter().filter(|d| !d.root.is_null()));
    }
    if roots.len() > 1 {
        return Err(err(
            roots[1].root.span.start,
            0,
            "a config file holds one YAML document".into(),
            "second document",
            None,
        ));
    }
    let raw: RawConfig = match roots.first() {
        None => RawConfig::default(),
        Some(doc) => from_node(&doc.root).map_err(|e| {
            let span = e.span.unwrap_or_default();
            let path = e.path_string();
            let message = if path.is_empty() {
                e.message.clone()
            } else {
                format!("`{path}`: {}", e.message)
            };
            err(span.start, span.len(), message, "here", Some(config_help()))
        })?,
    };
    let mut config = Config::default();
    if let Some(r) = raw.rules {
        let root = roots.first().map(|d| &d.root);
        let at = |path: &[PathKey<'_>]| {
            root.and_then(|n| n.at(path))
                .map_or((0, 0), |n: &Node<'_>| (n.span.start, n.span.len()))
        };
        for (list, entries) in [("select", &r.select), ("ignore", &r.ignore)] {
            for (i, entry) in entries.iter().enumerate() {
                if let Err(u) = check_selector(entry, false) {
                    let (start, len) =
                        at(&[PathKey::Key("rules"), PathKey::Key(list), PathKey::Index(i)]);
                    return Err(err(
                        start,
                        len,
                        format!("`rules.{list}`: unknown rule or category `{}`", u.entry),
                        "not a rule, category or `all`",
                        u.suggestion.map(|s| format!("did you mean `{s}`?")),
                    ));
                }
            }
        }
        for name in r.severity.keys() {
            if let Err(u) = check_selector(name, true) {
                let span = root
                    .and_then(|n| n.get("rules"))
                    .and_then(|n| n.get("severity"))
                    .and_then(|n| n.entry(name))
                    .map_or((0, 0), |e| (e.key.span.start, e.key.span.len()));
                return Err(err(
                    span.0,
                    span.1,
                    format!("`rules.severity`: unknown rule `{}`", u.entry),
                    "not a rule",
                    u.suggestion.map(|s| format!("did you mean `{s}`?")),
                ));
            }
        }
        config.rules = RuleSettings {
            select: r.select,
            ignore: r.ignore,
            severity: r.severity.into_iter().map(|(k, v)| (k, v.into())).collect(),
        };
    }
    if let Some(helm) = raw.helm {
        let root = roots.first().map(|d| &d.root);
        let profiles = root
            .and_then(|n| n.get("helm"))
            .and_then(|n| n.get("valuesProfiles"))
            .and_then(Node::as_map)
            .unwrap_or_default();
        for entry in profiles {
            // Names and order from the tree, the validated strings from serde.
            let name = entry.key.as_str().unwrap_or_default().to_owned();
            let listed = helm.values_profiles.get(&name).cloned().unwrap_or_default();
            let items = entry.value.as_seq().unwrap_or_default();
            let mut files = Vec::new();
            for (file, item) in listed.iter().zip(items) {
                let Some(base) = base else {
                    files.push(PathBuf::from(file));
                    continue;
                };
                let path = base.join(file);
                let file = file.as_str();
                if !path.is_file() {
                    return Err(err(
                        item.span.start,
                        item.span.len(),
                        format!(
                            "`helm.valuesProfiles.{name}`: values file `{file}` does not exist"
                        ),
                        "not found next to the config file",
                        Some("paths are relative to the folder of the config file".into()),
                    ));
                }
                files.push(std::path::absolute(&path).unwrap_or(path));
            }
            config.helm_profiles.push((name, files));
        }
    }
    if let Some(c) = raw.cluster {
        if c.node_pools.is_empty() {
            return Err(err(
                0,
                0,
                "`cluster.nodePools` is empty".into(),
                "here",
                Some(config_help()),
            ));
        }
        config.cluster = Cluster {
            pools: c
                .node_pools
                .into_iter()
                .map(|p| NodePool {
                    name: p.name,
                    labels: p.labels,
                    taints: p
                        .taints
                        .into_iter()
                        .map(|t| Taint {
                            key: t.key,
                            value: t.value,
                            effect: t.effect.as_str().to_owned(),
                            ..Default::default()
                        })
                        .collect(),
                    closed_world: false,
                })
                .collect(),
            source: ClusterSource::Config(PathBuf::from(name)),
        };
    }
    Ok(config)
}

fn config_help() -> String {
    "expected shape:\ncluster:\n  nodePools:\n  - name: windows-2022\n    labels: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: \"10.0.20348\"}\n    taints: [{key: os, value: windows, effect: NoSchedule}]".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_replace_the_default() {
        let c = parse(
            "c.yaml",
            "cluster:\n  nodePools:\n  - name: lin\n    labels: {kubernetes.io/os: linux}\n  - name: win\n    labels: {kubernetes.io/os: windows}\n    taints: [{key: os, value: windows, effect: NoSchedule}]\n",
        )
        .expect("valid");
        assert_eq!(c.cluster.pools.len(), 2);
        assert_eq!(c.cluster.pools[1].taints[0].effect, "NoSchedule");
        assert!(!c.cluster.is_default());
    }

    #[test]
    fn unknown_key_points_at_its_line() {
        let text = "cluster:\n  nodepools: []\n";
        let Err(Error::Config { message, span, .. }) = parse("c.yaml", text) else {
            panic!("expected a config error")
        };
        assert!(message.contains("unknown field `nodepools`"), "{message}");
        assert_eq!(
            &text[span.offset()..span.offset() + span.len()],
            "nodepools"
        );
    }

    #[test]
    fn rule_settings_are_validated_with_suggestions() {
        let c = parse("c.yaml", "rules:\n  select: [pedantic]\n  ignore: [unknown-field]\n  severity: {duplicate-key: error}\n").expect("valid");
        assert_eq!(c.rules.select, ["pedantic"]);
        assert_eq!(c.rules.severity["duplicate-key"], Severity::Error);
        let text = "rules:\n  ignore: [unknown-feild]\n";
        let Err(Error::Config {
            message,
            span,
            help,
            ..
        }) = parse("c.yaml", text)
        else {
            panic!("expected a config error")
        };
        assert!(message.contains("unknown-feild"), "{message}");
        assert_eq!(
            &text[span.offset()..span.offset() + span.len()],
            "unknown-feild"
        );
        assert_eq!(help.as_deref(), Some("did you mean `unknown-field`?"));
    }

    #[test]
    fn helm_profiles_keep_their_order_and_resolve_against_the_config_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("values-windows.yaml"), "windows: true\n").expect("write");
        let text =
            "helm:\n  valuesProfiles:\n    windows: [values-windows.yaml]\n    default: []\n";
        let c = parse_in("c.yaml", text, Some(dir.path())).expect("valid");
        assert_eq!(c.helm_profiles[0].0, "windows");
        assert_eq!(c.helm_profiles[1], ("default".to_owned(), Vec::new()));
        assert!(c.helm_profiles[0].1[0].ends_with("values-windows.yaml"));
        let missing = "helm:\n  valuesProfiles:\n    w: [nope.yaml]\n";
        let Err(Error::Config { message, span, .. }) =
            parse_in("c.yaml", missing, Some(dir.path()))
        else {
            panic!("expected a config error")
        };
        assert!(message.contains("nope.yaml"), "{message}");
        assert_eq!(
            &missing[span.offset()..span.offset() + span.len()],
            "nope.yaml"
        );
    }

    #[test]
    fn bad_effect_is_an_error() {
        let text = "cluster:\n  nodePools:\n  - name: w\n    taints: [{key: os, value: windows, effect: NoScheduled}]\n";
        let Err(Error::Config { message, .. }) = parse("c.yaml", text) else {
            panic!("expected a config error")
        };
        assert!(message.contains("NoScheduled"), "{message}");
    }
}
