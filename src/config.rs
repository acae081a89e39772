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
    /// `--no-suppressions`: report what annotations, comments, exemptions and the baseline
    /// would silence.
    pub no_suppressions: bool,
    /// Paths never linted (globs relative to `base`).
    pub exclude: Vec<String>,
    /// Rules ignored in matching paths.
    pub per_path_ignores: Vec<(String, Vec<String>)>,
    /// Objects that are not the user's to fix (vendored charts).
    pub exemptions: Vec<Exemption>,
    /// `failOn:` (the command line's `--fail-on` wins).
    pub fail_on: Option<crate::cli::FailOn>,
    /// `baseline:`, resolved against the config file's folder.
    pub baseline: Option<PathBuf>,
    /// The folder globs and relative paths are resolved against: the config file's folder.
    pub base: Option<PathBuf>,
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
    /// `gmsa.webhookInstalled`: the windows-gmsa admission webhook runs in the cluster, so
    /// the `gmsa-*` rules check pods even when no GMSACredentialSpec is among the inputs.
    pub gmsa_webhook: bool,
    /// `azurePolicy:`: the parameters of the Azure Policy parity rules.
    pub azure_policy: AzurePolicy,
}

/// The parameters the Azure Policy built-ins for Windows pods take (their policy definitions
/// in Azure/azure-policy, `built-in-policies/policyDefinitions/Kubernetes/Windows*.json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzurePolicy {
    /// `allowedUserNames` of "Kubernetes cluster Windows containers should only run with
    /// approved user and domain user group"; `DOMAIN\*` allows a domain's users. The policy
    /// has no default; winlint's is `ContainerUser`, the user Windows containers should run as.
    pub allowed_user_names: Vec<String>,
    /// `excludedImages`: exact images, or prefixes when the entry ends with `*`.
    pub excluded_images: Vec<String>,
    /// `excludedNamespaces`; the policies' default.
    pub excluded_namespaces: Vec<String>,
}

impl Default for AzurePolicy {
    fn default() -> Self {
        AzurePolicy {
            allowed_user_names: vec!["ContainerUser".into()],
            excluded_images: Vec::new(),
            excluded_namespaces: [
                "kube-system",
                "gatekeeper-system",
                "azure-arc",
                "azure-extensions-usage-system",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

/// `exemptions:` entry: findings of `rules` on matching objects are suppressed with `reason`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Exemption {
    #[serde(default)]
    pub rules: Vec<String>,
    #[serde(default)]
    pub namespaces: Vec<String>,
    #[serde(default)]
    pub kinds: Vec<String>,
    #[serde(default)]
    pub names: Vec<String>,
    pub reason: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct RawConfig {
    #[serde(default)]
    cluster: Option<RawCluster>,
    #[serde(default)]
    rules: Option<RawRules>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    per_path_ignores: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    exemptions: Vec<Exemption>,
    #[serde(default)]
    fail_on: Option<crate::cli::FailOn>,
    #[serde(default)]
    baseline: Option<String>,
    #[serde(default)]
    gmsa: Option<RawGmsa>,
    #[serde(default)]
    azure_policy: Option<RawAzurePolicy>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawGmsa {
    #[serde(default)]
    webhook_installed: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawAzurePolicy {
    #[serde(default)]
    allowed_user_names: Option<Vec<String>>,
    #[serde(default)]
    excluded_images: Option<Vec<String>>,
    #[serde(default)]
    excluded_namespaces: Option<Vec<String>>,
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

/// The top-level keys the config accepts, read from the parser's own field list (a test
/// compares them with the published JSON Schema).
pub fn top_level_keys() -> &'static [&'static str] {
    match crate::model::known::<RawConfig>(&[]) {
        crate::model::Known::Struct(_, fields) => fields,
        _ => &[],
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
    parse(&shown, &text).map(|mut c| {
        if c.cluster.source != ClusterSource::Default {
            c.cluster.source = ClusterSource::Config(path.clone());
        }
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let base = if base.as_os_str().is_empty() {
            cwd.to_path_buf()
        } else {
            cwd.join(base)
        };
        c.baseline = c.baseline.map(|b| base.join(b));
        c.base = Some(base);
        c.path = Some(path);
        c
    })
}

/// Parses config text; `name` is used in errors.
pub fn parse(name: &str, text: &str) -> Result<Config, Error> {
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
    let root = roots.first().map(|d| &d.root);
    let span_at = |path: &[PathKey<'_>]| {
        root.and_then(|n| n.at(path))
            .map_or((0, 0), |n: &Node<'_>| (n.span.start, n.span.len()))
    };
    for (i, g) in raw.exclude.iter().enumerate() {
        if let Err(e) = globset::Glob::new(g) {
            let (start, len) = span_at(&[PathKey::Key("exclude"), PathKey::Index(i)]);
            return Err(err(
                start,
                len,
                format!("`exclude[{i}]`: invalid glob: {e}"),
                "here",
                None,
            ));
        }
    }
    config.exclude = raw.exclude;
    for (glob, names) in &raw.per_path_ignores {
        let span = root
            .and_then(|n| n.get("perPathIgnores"))
            .and_then(|n| n.entry(glob))
            .map_or((0, 0), |e| (e.key.span.start, e.key.span.len()));
        if let Err(e) = globset::Glob::new(glob) {
            return Err(err(
                span.0,
                span.1,
                format!("`perPathIgnores`: invalid glob `{glob}`: {e}"),
                "here",
                None,
            ));
        }
        for name in names {
            if let Err(u) = check_selector(name, false) {
                return Err(err(
                    span.0,
                    span.1,
                    format!(
                        "`perPathIgnores.{glob}`: unknown rule or category `{}`",
                        u.entry
                    ),
                    "in this entry",
                    u.suggestion.map(|s| format!("did you mean `{s}`?")),
                ));
            }
        }
    }
    config.per_path_ignores = raw.per_path_ignores.into_iter().collect();
    for (i, x) in raw.exemptions.iter().enumerate() {
        for (j, name) in x.rules.iter().enumerate() {
            if let Err(u) = check_selector(name, false) {
                let (start, len) = span_at(&[
                    PathKey::Key("exemptions"),
                    PathKey::Index(i),
                    PathKey::Key("rules"),
                    PathKey::Index(j),
                ]);
                return Err(err(
                    start,
                    len,
                    format!(
                        "`exemptions[{i}].rules`: unknown rule or category `{}`",
                        u.entry
                    ),
                    "here",
                    u.suggestion.map(|s| format!("did you mean `{s}`?")),
                ));
            }
        }
        for glob in x.namespaces.iter().chain(&x.kinds).chain(&x.names) {
            if let Err(e) = globset::Glob::new(glob) {
                let (start, len) = span_at(&[PathKey::Key("exemptions"), PathKey::Index(i)]);
                return Err(err(
                    start,
                    len,
                    format!("`exemptions[{i}]`: invalid glob `{glob}`: {e}"),
                    "in this entry",
                    None,
                ));
            }
        }
    }
    config.exemptions = raw.exemptions;
    config.fail_on = raw.fail_on;
    config.baseline = raw.baseline.map(PathBuf::from);
    config.gmsa_webhook = raw.gmsa.is_some_and(|g| g.webhook_installed);
    if let Some(a) = raw.azure_policy {
        let defaults = AzurePolicy::default();
        config.azure_policy = AzurePolicy {
            allowed_user_names: a.allowed_user_names.unwrap_or(defaults.allowed_user_names),
            excluded_images: a.excluded_images.unwrap_or(defaults.excluded_images),
            excluded_namespaces: a
                .excluded_namespaces
                .unwrap_or(defaults.excluded_namespaces),
        };
    }
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
    fn ci_keys_parse_and_validate() {
        let c = parse("c.yaml", "failOn: error\nexclude: [\"vendor/**\"]\nperPathIgnores: {\"legacy/*.yaml\": [unknown-field]}\nexemptions:\n- {rules: [windows-workload-may-land-on-linux], namespaces: [kube-*], reason: vendored}\nbaseline: .winlint-baseline.json\n").expect("valid");
        assert_eq!(c.fail_on, Some(crate::cli::FailOn::Error));
        assert_eq!(c.exclude, ["vendor/**"]);
        assert_eq!(c.per_path_ignores[0].1, ["unknown-field"]);
        assert_eq!(c.exemptions[0].reason, "vendored");
        let text = "exemptions:\n- {rules: [windows-workload-may-land-on-linx], reason: x}\n";
        let Err(Error::Config { help, .. }) = parse("c.yaml", text) else {
            panic!("expected a config error")
        };
        assert_eq!(
            help.as_deref(),
            Some("did you mean `windows-workload-may-land-on-linux`?")
        );
        assert!(matches!(
            parse("c.yaml", "failOn: sometimes\n"),
            Err(Error::Config { .. })
        ));
    }

    #[test]
    fn gmsa_and_azure_policy_settings() {
        let c = parse("c.yaml", "").expect("valid");
        assert!(!c.gmsa_webhook);
        assert_eq!(c.azure_policy.allowed_user_names, ["ContainerUser"]);
        assert_eq!(c.azure_policy.excluded_namespaces.len(), 4);
        let c = parse(
            "c.yaml",
            "gmsa: {webhookInstalled: true}\nazurePolicy: {allowedUserNames: [\"CONTOSO\\\\*\"], excludedImages: [\"mcr.microsoft.com/oss/*\"]}\n",
        )
        .expect("valid");
        assert!(c.gmsa_webhook);
        assert_eq!(c.azure_policy.allowed_user_names, ["CONTOSO\\*"]);
        assert_eq!(c.azure_policy.excluded_images, ["mcr.microsoft.com/oss/*"]);
        assert_eq!(c.azure_policy.excluded_namespaces.len(), 4, "default kept");
        let text = "gmsa:\n  webhookinstalled: true\n";
        let Err(Error::Config { message, span, .. }) = parse("c.yaml", text) else {
            panic!("expected a config error")
        };
        assert!(
            message.contains("unknown field `webhookinstalled`"),
            "{message}"
        );
        assert_eq!(
            &text[span.offset()..span.offset() + span.len()],
            "webhookinstalled"
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
