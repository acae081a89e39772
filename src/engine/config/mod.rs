//! `.winlint.yaml`: found in the current directory or above (up to the repository root),
//! or named with `--config`. Parsed with the same positioned YAML as manifests, so every
//! mistake points at its line.

mod cluster;
mod nodes;
mod raw;
mod schema;
mod sections;
mod source;

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::engine::error::Error;
use crate::engine::settings::RuleSettings;
use crate::facts::azure_policy::AzurePolicy;
use crate::facts::cluster::Cluster;
use crate::facts::images::{Classifier, Lock};
use crate::facts::inventory::Inventory;
use crate::facts::Context;
use raw::RawConfig;
pub use schema::schema;
use source::Source;

pub const FILE_NAME: &str = ".winlint.yaml";

/// The lowest severity that fails the run (`--fail-on`, `failOn:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

/// The effective configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub cluster: Cluster,
    pub rules: RuleSettings,
    /// `--no-suppressions`: report what annotations, comments, exemptions and the baseline
    /// would silence.
    pub no_suppressions: bool,
    /// `winlint explain`: also record where each pod template can run
    /// ([`crate::engine::lint::FileReport::explained`]).
    pub explain: bool,
    /// `--format junit`: also record every object linted, clean ones included
    /// ([`crate::engine::lint::FileReport::objects`]).
    pub record_objects: bool,
    /// Paths never linted (globs relative to `base`).
    pub exclude: Vec<String>,
    /// Rules ignored in matching paths.
    pub per_path_ignores: Vec<(String, Vec<String>)>,
    /// Objects that are not the user's to fix (vendored charts).
    pub exemptions: Vec<Exemption>,
    /// `failOn:` (the command line's `--fail-on` wins).
    pub fail_on: Option<FailOn>,
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
    /// `images.lockFile`, resolved against the config file's folder; see [`Config::lock_path`].
    pub lock_file: Option<PathBuf>,
    /// `images.insecureRegistries`: host[:port] globs asked over plain HTTP.
    pub insecure_registries: Vec<String>,
    /// `--kube-version`: the Kubernetes version the manifests are for (default: the one
    /// winlint's API model targets), for `api-version-removed`.
    pub kube_version: Option<String>,
}

/// `path` relative to `cwd`, as a user reads it.
pub fn shown_from(path: &Path, cwd: &Path) -> String {
    use crate::engine::paths::{lexical, relative};
    relative(&lexical(path), &lexical(cwd))
}

/// Why an image lock cannot be used.
#[derive(Debug)]
pub enum LockTrouble {
    Unreadable(std::io::Error),
    Invalid(String),
}

/// The image lock at `path`; `Ok(None)` when there is none.
pub fn read_lock(path: &Path) -> Result<Option<Lock>, LockTrouble> {
    match std::fs::read_to_string(path) {
        Ok(text) => Lock::parse(&text).map(Some).map_err(LockTrouble::Invalid),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(LockTrouble::Unreadable(e)),
    }
}

/// The image lock's file name, beside `.winlint.yaml` or in the current folder.
pub const LOCK_FILE_NAME: &str = ".winlint-images.lock";

impl Config {
    /// Where the image lock is: `images.lockFile`, else beside the config file, else in the
    /// current folder.
    pub fn lock_path(&self, cwd: &Path) -> PathBuf {
        if let Some(f) = &self.lock_file {
            return cwd.join(f);
        }
        match self.path.as_deref().and_then(Path::parent) {
            Some(dir) if !dir.as_os_str().is_empty() => cwd.join(dir).join(LOCK_FILE_NAME),
            _ => cwd.join(LOCK_FILE_NAME),
        }
    }

    /// The minor version of the Kubernetes the manifests are for: `--kube-version`, else the
    /// one winlint's API model targets.
    pub fn kube_minor(&self) -> u32 {
        self.kube_version
            .as_deref()
            .and_then(crate::rules::kube_minor)
            .unwrap_or(crate::rules::TARGET_MINOR)
    }

    /// winlint's own files, which a directory walk must not lint as manifests: this config
    /// file, its baseline, the image lock, and `extra` (the command line's baseline files).
    pub fn own_files(&self, cwd: &Path, extra: &[Option<&Path>]) -> Vec<PathBuf> {
        let mut own = vec![self.lock_path(cwd)];
        own.extend(self.path.iter().chain(&self.baseline).map(|p| cwd.join(p)));
        own.extend(extra.iter().flatten().map(|p| cwd.join(p)));
        own
    }

    /// Reads the image lock when there is one: a missing lock is no lock; an unreadable or
    /// malformed one is an error (its facts would silently go missing otherwise).
    pub fn load_lock(&mut self, cwd: &Path) -> Result<(), Error> {
        let path = self.lock_path(cwd);
        let shown = shown_from(&path, cwd);
        let lock = match read_lock(&path) {
            Ok(Some(lock)) => lock,
            Ok(None) => return Ok(()),
            Err(LockTrouble::Unreadable(e)) => {
                return Err(Error::Usage(format!(
                    "cannot read image lock `{shown}`: {e}"
                )))
            }
            Err(LockTrouble::Invalid(why)) => {
                return Err(Error::Usage(format!(
                    "invalid image lock `{shown}`: {why}; run `winlint images lock` to rewrite it"
                )))
            }
        };
        self.images = std::mem::take(&mut self.images).with_lock(lock);
        Ok(())
    }

    /// The facts' view of this configuration, with `images` and the inputs' definitions.
    pub fn context<'c>(&'c self, images: &'c Classifier, inventory: &'c Inventory) -> Context<'c> {
        Context {
            cluster: &self.cluster,
            images,
            inventory,
            azure_policy: &self.azure_policy,
            gmsa_webhook: self.gmsa_webhook,
            source: "",
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

/// The keys the config accepts at a path (`&[]` for the top level, `&["cluster"]`, ...),
/// read from the parser's own field lists; a test compares them with the published JSON
/// Schema.
pub fn keys_at(path: &[&str]) -> &'static [&'static str] {
    match crate::k8s::known::<RawConfig>(path) {
        crate::k8s::Known::Struct(_, fields) => fields,
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
    let arena = crate::yaml::Arena::new();
    let src = Source::parse(&arena, name, text)?;
    // Every mistake is collected, then all are reported together in file order.
    let mut errors = Vec::new();
    let raw = src.raw(&mut errors);
    sections::exclude(&src, &raw.exclude, &mut errors);
    sections::per_path_ignores(&src, &raw.per_path_ignores, &mut errors);
    sections::exemptions(&src, &raw.exemptions, &mut errors);
    let mut config = Config {
        exclude: raw.exclude,
        per_path_ignores: raw.per_path_ignores.into_iter().collect(),
        exemptions: raw.exemptions,
        fail_on: raw.fail_on,
        baseline: raw.baseline.map(PathBuf::from),
        gmsa_webhook: raw.gmsa.is_some_and(|g| g.webhook_installed),
        azure_policy: sections::azure_policy(raw.azure_policy),
        ..Config::default()
    };
    if let Some(r) = raw.rules {
        config.rules = sections::rules(&src, r, &mut errors);
    }
    if let Some(helm) = raw.helm {
        config.helm_profiles = sections::helm_profiles(&src, &helm, base, check_files, &mut errors);
    }
    if let Some(c) = raw.cluster {
        config.cluster = cluster::cluster(&src, c, name, base, &mut errors);
    }
    if let Some(mut images) = raw.images {
        config.images = sections::images(&mut images);
        config.lock_file = images.lock_file.map(|f| base.join(f));
        config.insecure_registries = images.insecure_registries;
    }
    source::reported(name, errors)?;
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::cluster::ClusterSource;
    use crate::facts::images::ImageOs;
    use crate::facts::inventory::Origin;
    use crate::finding::Severity;

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
        assert_eq!(c.fail_on, Some(FailOn::Error));
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
