//! `.winlint.yaml`: found in the current directory or above (up to the repository root),
//! or named with `--config`. Parsed with the same positioned YAML as manifests, so every
//! mistake points at its line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use k8s_openapi::api::core::v1::{Taint, Toleration};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use miette::NamedSource;
use serde::Deserialize;

use crate::cluster::{self, Cluster, ClusterSource, NodePool, PRESETS};
use crate::error::Error;
use crate::finding::Severity;
use crate::images::{Classifier, ImageOs, RepoPattern};
use crate::inventory::{Origin, RuntimeClassDef};
use crate::model::{classify, Classified, Typed};
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
    /// Built-in image tables plus the user's `images:` patterns.
    pub images: Classifier,
    /// `helm.valuesProfiles`: each named set of values files (absolute paths), in file order.
    pub helm_profiles: Vec<(String, Vec<PathBuf>)>,
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
    images: Option<RawImages>,
    #[serde(default)]
    helm: Option<RawHelm>,
    #[serde(default)]
    gmsa: Option<RawGmsa>,
    #[serde(default)]
    azure_policy: Option<RawAzurePolicy>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawHelm {
    #[serde(default)]
    values_profiles: BTreeMap<String, Vec<String>>,
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
    #[serde(default)]
    node_pools: Option<Vec<RawPool>>,
    #[serde(default)]
    nodes: Option<String>,
    #[serde(default)]
    preset: Option<String>,
    #[serde(default)]
    runtime_classes: Vec<RawRuntimeClass>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuntimeClass {
    name: String,
    handler: String,
    #[serde(default)]
    scheduling: Option<RawScheduling>,
    #[serde(default)]
    overhead: Option<RawOverhead>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawScheduling {
    #[serde(default)]
    node_selector: Option<BTreeMap<String, String>>,
    #[serde(default)]
    tolerations: Option<Vec<RawToleration>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawToleration {
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    operator: Option<Operator>,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    effect: Option<Effect>,
    #[serde(default)]
    toleration_seconds: Option<i64>,
}

#[derive(Deserialize, Clone, Copy)]
enum Operator {
    Equal,
    Exists,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawOverhead {
    #[serde(default)]
    pod_fixed: Option<BTreeMap<String, Quantity>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawImages {
    #[serde(default)]
    windows: Vec<String>,
    #[serde(default)]
    linux: Vec<String>,
    #[serde(default, rename = "multiOS")]
    multi_os: Vec<String>,
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

/// The keys the config accepts at a path (`&[]` for the top level, `&["cluster"]`, ...),
/// read from the parser's own field lists; a test compares them with the published JSON
/// Schema.
pub fn keys_at(path: &[&str]) -> &'static [&'static str] {
    match crate::model::known::<RawConfig>(path) {
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
    // Relative paths in the config (`cluster.nodes`, `baseline`, globs) resolve against the
    // config file's folder.
    let base = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    parse_in(&shown, &text, &base).map(|mut c| {
        c.baseline = c.baseline.map(|b| base.join(b));
        c.base = Some(cwd.join(&base));
        c.path = Some(path);
        c
    })
}

/// Parses config text; `name` is used in errors; relative paths resolve against the
/// current directory.
pub fn parse(name: &str, text: &str) -> Result<Config, Error> {
    parse_at(name, text, Path::new("."), false)
}

/// Parses config text whose relative paths resolve against `base` (the config file's folder);
/// files it names (nodes, values files) must exist there.
pub fn parse_in(name: &str, text: &str, base: &Path) -> Result<Config, Error> {
    parse_at(name, text, base, true)
}

fn parse_at(name: &str, text: &str, base: &Path, check_files: bool) -> Result<Config, Error> {
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
            let section = path.split(['.', '[']).next().unwrap_or_default();
            err(
                span.start,
                span.len(),
                message,
                "here",
                Some(shape_help(section)),
            )
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
    let root = roots.first().map(|d| &d.root);
    let span_at = |path: &[PathKey<'_>]| {
        root.and_then(|n| n.at(path))
            .map_or((0, 0), |n: &Node<'_>| (n.span.start, n.span.len()))
    };
    let key_span = |path: &[&str]| {
        let (last, parents) = path.split_last()?;
        let mut n = root?;
        for k in parents {
            n = n.get(k)?;
        }
        n.entry(last).map(|e| (e.key.span.start, e.key.span.len()))
    };
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
                if !check_files {
                    files.push(PathBuf::from(file));
                    continue;
                }
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
        let given: Vec<&str> = [
            ("nodePools", c.node_pools.is_some()),
            ("nodes", c.nodes.is_some()),
            ("preset", c.preset.is_some()),
        ]
        .iter()
        .filter(|(_, set)| *set)
        .map(|(k, _)| *k)
        .collect();
        if given.len() > 1 {
            let mut given = given;
            given.sort_by_key(|k| key_span(&["cluster", k]).map_or(0, |s| s.0));
            let (start, len) = key_span(&["cluster", given[1]]).unwrap_or((0, 0));
            return Err(err(
                start,
                len,
                format!(
                    "`cluster` takes one of `nodePools`, `nodes` and `preset`, not both `{}` and `{}`",
                    given[0], given[1]
                ),
                "second cluster model",
                None,
            ));
        }
        if let Some(pools) = c.node_pools {
            if pools.is_empty() {
                let (start, len) = span_at(&[PathKey::Key("cluster"), PathKey::Key("nodePools")]);
                return Err(err(
                    start,
                    len,
                    "`cluster.nodePools` is empty".into(),
                    "here",
                    Some(shape_help("cluster")),
                ));
            }
            config.cluster.pools = pools.into_iter().map(pool_of).collect();
            config.cluster.source = ClusterSource::NodePools(PathBuf::from(name));
        }
        if let Some(file) = c.nodes {
            let (start, len) = span_at(&[PathKey::Key("cluster"), PathKey::Key("nodes")]);
            let resolved = if base == Path::new(".") {
                PathBuf::from(&file)
            } else {
                base.join(&file)
            };
            let shown = resolved.to_string_lossy().replace('\\', "/");
            let pools = load_nodes(&resolved, &shown).map_err(|e| match e {
                NodesError::InFile(e) => e,
                NodesError::Here(message, help) => err(start, len, message, "here", help),
            })?;
            config.cluster.pools = pools;
            config.cluster.source = ClusterSource::Nodes {
                config: PathBuf::from(name),
                file: resolved,
            };
        }
        if let Some(p) = c.preset {
            let Some(preset) = cluster::preset(&p) else {
                let (start, len) = span_at(&[PathKey::Key("cluster"), PathKey::Key("preset")]);
                let names: Vec<String> = PRESETS.iter().map(|p| format!("`{}`", p.name)).collect();
                return Err(err(
                    start,
                    len,
                    format!("`cluster.preset`: unknown preset `{p}`"),
                    "not a built-in preset",
                    Some(format!("built-in presets: {}", names.join(", "))),
                ));
            };
            config.cluster = Cluster::preset(preset, PathBuf::from(name));
        }
        config.cluster.runtime_classes = c
            .runtime_classes
            .into_iter()
            .map(runtime_class_of)
            .collect();
        for (i, rc) in config.cluster.runtime_classes.iter().enumerate() {
            if config.cluster.runtime_classes[..i]
                .iter()
                .any(|o| o.name == rc.name)
            {
                let (start, len) = span_at(&[
                    PathKey::Key("cluster"),
                    PathKey::Key("runtimeClasses"),
                    PathKey::Index(i),
                ]);
                return Err(err(
                    start,
                    len,
                    format!("`cluster.runtimeClasses`: `{}` is declared twice", rc.name),
                    "second declaration",
                    None,
                ));
            }
        }
    }
    if let Some(images) = raw.images {
        let lists = [
            (images.windows, ImageOs::Windows),
            (images.linux, ImageOs::Linux),
            (images.multi_os, ImageOs::MultiOs),
        ];
        let mut user: Vec<RepoPattern> = lists
            .into_iter()
            .flat_map(|(patterns, os)| {
                patterns
                    .into_iter()
                    .map(move |pattern| RepoPattern { pattern, os })
            })
            .collect();
        // The most specific (longest) pattern wins: `myreg.io/win/*` beats `myreg.io/*`.
        user.sort_by_key(|p| std::cmp::Reverse(p.pattern.len()));
        config.images = Classifier::with_patterns(user);
    }
    Ok(config)
}

fn pool_of(p: RawPool) -> NodePool {
    NodePool {
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
    }
}

fn runtime_class_of(rc: RawRuntimeClass) -> RuntimeClassDef {
    let has_scheduling = rc.scheduling.is_some();
    let (node_selector, tolerations) = match rc.scheduling {
        Some(s) => (
            s.node_selector,
            s.tolerations.map(|ts| {
                ts.into_iter()
                    .map(|t| Toleration {
                        key: t.key,
                        operator: t.operator.map(|o| {
                            match o {
                                Operator::Equal => "Equal",
                                Operator::Exists => "Exists",
                            }
                            .to_owned()
                        }),
                        value: t.value,
                        effect: t.effect.map(|e| e.as_str().to_owned()),
                        toleration_seconds: t.toleration_seconds,
                    })
                    .collect()
            }),
        ),
        None => (None, None),
    };
    RuntimeClassDef {
        name: rc.name,
        handler: rc.handler,
        node_selector,
        tolerations,
        has_scheduling,
        overhead: rc.overhead.and_then(|o| o.pod_fixed),
        origin: Origin::Config,
    }
}

enum NodesError {
    /// Problem inside the nodes file, reported against that file.
    InFile(Error),
    /// Problem reported at the config's `nodes:` value: message and help.
    Here(String, Option<String>),
}

/// Reads the saved output of `kubectl get nodes -o yaml` (a `List` of Nodes, or Node
/// documents): one closed-world pool per node, with its real labels and `spec.taints`.
fn load_nodes(path: &Path, shown: &str) -> Result<Vec<NodePool>, NodesError> {
    let save_help = Some(format!(
        "save it with `kubectl get nodes -o yaml > {shown}`"
    ));
    let text = std::fs::read_to_string(path).map_err(|e| {
        NodesError::Here(
            format!("cannot read nodes file `{shown}`: {e}"),
            save_help.clone(),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let in_file = |at: usize, len: usize, message: String| {
        NodesError::InFile(Error::Config {
            path: shown.to_owned(),
            message,
            src: NamedSource::new(shown, text.to_owned()),
            span: (at, len).into(),
            label: "here".to_owned(),
            help: None,
        })
    };
    let mut pools = Vec::new();
    for chunk in split_documents(text) {
        let docs = parse_chunk(chunk, Limits::default())
            .map_err(|e| in_file(e.at, 0, format!("invalid YAML: {}", e.message)))?;
        for doc in &docs {
            let Classified::Objects(objects) = classify(&doc.root) else {
                continue;
            };
            for candidate in objects {
                if candidate.id.kind != "Node" {
                    continue;
                }
                let obj = candidate.decode().map_err(|(_, e)| {
                    let span = e.span.unwrap_or_default();
                    in_file(span.start, span.len(), format!("invalid Node: {e}"))
                })?;
                if let Typed::Node(node) = obj.typed {
                    let name = node
                        .metadata
                        .name
                        .clone()
                        .unwrap_or_else(|| format!("node-{}", pools.len() + 1));
                    pools.push(NodePool {
                        name,
                        labels: node.metadata.labels.unwrap_or_default(),
                        taints: node.spec.and_then(|s| s.taints).unwrap_or_default(),
                        closed_world: true,
                    });
                }
            }
        }
    }
    if pools.is_empty() {
        return Err(NodesError::Here(
            format!("nodes file `{shown}` holds no Node objects"),
            save_help,
        ));
    }
    Ok(pools)
}

/// The shape of one top-level section, for the help of a config error in it.
fn shape_help(section: &str) -> String {
    let shape = match section {
        "images" => "images:\n  windows: [\"myregistry.azurecr.io/windows/*\"]\n  linux: [\"myregistry.azurecr.io/*\"]\n  multiOS: []",
        "rules" => "rules:\n  select: [pedantic]\n  ignore: [missing-pod-os-field]\n  severity: {windows-build-unpinned: error}",
        "cluster" => "cluster:\n  nodePools:            # or `nodes: nodes.yaml`, or `preset: aks`\n  - name: windows-2022\n    labels: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: \"10.0.20348\"}\n    taints: [{key: os, value: windows, effect: NoSchedule}]\n  runtimeClasses:\n  - name: windows-2022\n    handler: runhcs-wcow-process\n    scheduling: {nodeSelector: {kubernetes.io/os: windows}}",
        _ => "cluster: {...}   # node pools, nodes file or preset; runtimeClasses\nimages: {...}    # windows, linux, multiOS patterns\nrules: {...}     # select, ignore, severity",
    };
    format!("expected shape:\n{shape}")
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
        assert!(c.cluster.is_declared());
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
    fn nodes_file_is_closed_world_and_relative_to_the_config() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("nodes.yaml"),
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata: {name: w1, labels: {kubernetes.io/os: windows}}\n  spec: {taints: [{key: os, value: windows, effect: NoSchedule}]}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}\n",
        )
        .expect("write");
        let c = parse_in("c.yaml", "cluster:\n  nodes: nodes.yaml\n", dir.path()).expect("valid");
        assert_eq!(c.cluster.pools.len(), 1);
        let p = &c.cluster.pools[0];
        assert!(p.closed_world && p.name == "w1" && p.taints.len() == 1);
        assert!(c.cluster.is_declared());
        let Err(Error::Config { message, .. }) =
            parse_in("c.yaml", "cluster:\n  nodes: nope.yaml\n", dir.path())
        else {
            panic!("expected a config error")
        };
        assert!(message.contains("cannot read nodes file"), "{message}");
    }

    #[test]
    fn presets_runtime_classes_and_images() {
        let text = "cluster:\n  preset: aks\n  runtimeClasses:\n  - name: win\n    handler: runhcs-wcow-process\n    scheduling:\n      nodeSelector: {kubernetes.io/os: windows}\n      tolerations: [{key: os, operator: Exists}]\n    overhead: {podFixed: {cpu: 1}}\nimages:\n  windows: [\"reg.io/*\"]\n  linux: [\"reg.io/linux/*\"]\n  multiOS: [reg.io/linux/pause]\n";
        let c = parse("c.yaml", text).expect("valid");
        assert!(matches!(
            c.cluster.source,
            ClusterSource::Preset { name: "aks", .. }
        ));
        assert!(!c.cluster.is_declared());
        let rc = &c.cluster.runtime_classes[0];
        assert!(rc.has_scheduling && rc.origin == Origin::Config);
        assert_eq!(rc.tolerations.as_ref().map(Vec::len), Some(1));
        assert_eq!(rc.overhead.as_ref().map(|o| o["cpu"].0.as_str()), Some("1"));
        // The longest pattern wins.
        assert_eq!(c.images.classify("reg.io/app:1"), ImageOs::Windows);
        assert_eq!(c.images.classify("reg.io/linux/app:1"), ImageOs::Linux);
        assert_eq!(c.images.classify("reg.io/linux/pause:1"), ImageOs::MultiOs);
        // Runtime classes alone keep the default pools.
        let only = parse(
            "c.yaml",
            "cluster:\n  runtimeClasses: [{name: a, handler: h}]\n",
        )
        .expect("valid");
        assert_eq!(only.cluster.source, ClusterSource::Default);
        assert_eq!(only.cluster.pools.len(), 4);
    }

    #[test]
    fn helm_profiles_keep_their_order_and_resolve_against_the_config_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("values-windows.yaml"), "windows: true\n").expect("write");
        let text =
            "helm:\n  valuesProfiles:\n    windows: [values-windows.yaml]\n    default: []\n";
        let c = parse_in("c.yaml", text, dir.path()).expect("valid");
        assert_eq!(c.helm_profiles[0].0, "windows");
        assert_eq!(c.helm_profiles[1], ("default".to_owned(), Vec::new()));
        assert!(c.helm_profiles[0].1[0].ends_with("values-windows.yaml"));
        let missing = "helm:\n  valuesProfiles:\n    w: [nope.yaml]\n";
        let Err(Error::Config { message, span, .. }) = parse_in("c.yaml", missing, dir.path())
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
