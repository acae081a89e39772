//! The cluster model: node pools with labels and taints, and the RuntimeClasses the cluster
//! has. Without configuration it is the cluster the Kubernetes Windows guide recommends: a
//! Linux pool, and Windows pools for Server 2019, 2022 and 2025 tainted `os=windows:NoSchedule`.
//! `.winlint.yaml` replaces it with declared pools (open world), with the real nodes of a
//! `kubectl get nodes -o yaml` file (closed world), or with a built-in preset.

use std::collections::BTreeMap;
use std::path::PathBuf;

use k8s_openapi::api::core::v1::Taint;

use crate::facts::inventory::RuntimeClassDef;
use crate::facts::node_labels;
use crate::facts::scheduling::{LabelValue, Labels};

pub const OS_LABEL: &str = "kubernetes.io/os";
pub const ARCH_LABEL: &str = "kubernetes.io/arch";
pub const BETA_OS_LABEL: &str = "beta.kubernetes.io/os";
pub const BETA_ARCH_LABEL: &str = "beta.kubernetes.io/arch";
pub const WINDOWS_BUILD_LABEL: &str = "node.kubernetes.io/windows-build";

/// A group of identical nodes (or one real node, from a nodes file).
#[derive(Debug, Clone, PartialEq)]
pub struct NodePool {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<Taint>,
    /// Closed-world pools list every label their nodes have; open-world pools leave
    /// unlisted keys unknown.
    pub closed_world: bool,
}

impl NodePool {
    /// The pool's operating system, from `kubernetes.io/os` (or the beta label).
    pub fn os(&self) -> Option<&str> {
        self.labels
            .get(OS_LABEL)
            .or_else(|| self.labels.get(BETA_OS_LABEL))
            .map(String::as_str)
    }

    /// The Windows build number from `node.kubernetes.io/windows-build` (`10.0.17763` -> 17763).
    pub fn windows_build(&self) -> Option<u32> {
        parse_build_label(self.labels.get(WINDOWS_BUILD_LABEL)?)
    }
}

/// `10.0.N` -> N: the value a Windows kubelet writes to `node.kubernetes.io/windows-build`
/// (`MajorVersion.MinorVersion.BuildNumber`).
pub fn parse_build_label(v: &str) -> Option<u32> {
    let mut parts = v.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("10"), Some("0"), Some(b), None)
            if !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit()) =>
        {
            b.parse().ok()
        }
        _ => None,
    }
}

impl Labels for NodePool {
    /// Kubelets always set the OS and arch labels (and their deprecated beta twins), and
    /// only Windows kubelets set the windows-build label; so a pool that declares its OS
    /// tells us those even when it does not list them.
    fn label(&self, key: &str) -> LabelValue<'_> {
        if let Some(v) = self.labels.get(key) {
            return LabelValue::Value(v);
        }
        if self.closed_world {
            return LabelValue::Absent;
        }
        let derived = match key {
            BETA_OS_LABEL => self.labels.get(OS_LABEL),
            OS_LABEL => self.labels.get(BETA_OS_LABEL),
            BETA_ARCH_LABEL => self.labels.get(ARCH_LABEL),
            ARCH_LABEL => self.labels.get(BETA_ARCH_LABEL),
            _ => None,
        };
        match (derived, self.os()) {
            (Some(v), _) => LabelValue::Value(v),
            (None, Some("linux")) if key == WINDOWS_BUILD_LABEL => LabelValue::Absent,
            (None, Some(os)) if node_labels::describes(key) => LabelValue::Implied {
                os,
                build: self.windows_build(),
            },
            (None, _) => LabelValue::Unknown,
        }
    }
}

/// Where the cluster model came from. Findings that depend on a model that is not the
/// user's own (the default, or a preset) say so in their help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterSource {
    /// No `cluster:` pools in the configuration: the `kubernetes-guide` preset.
    Default,
    /// `cluster.preset` in this config file.
    Preset { name: &'static str, config: PathBuf },
    /// `cluster.nodePools` in this config file.
    NodePools(PathBuf),
    /// `cluster.nodes`: the real nodes saved in `file`, named by `config`.
    Nodes { config: PathBuf, file: PathBuf },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub pools: Vec<NodePool>,
    pub source: ClusterSource,
    /// `cluster.runtimeClasses`: RuntimeClasses that exist in the cluster. RuntimeClass
    /// objects in the scanned files come first (they are what will be applied).
    pub runtime_classes: Vec<RuntimeClassDef>,
}

impl Default for Cluster {
    fn default() -> Self {
        let mut c = (PRESETS[0].build)();
        c.source = ClusterSource::Default;
        c
    }
}

/// A built-in cluster model: `cluster.preset: <name>`.
pub struct Preset {
    pub name: &'static str,
    /// One line on what it models and where that is documented.
    pub about: &'static str,
    build: fn() -> Cluster,
}

/// The built-in presets. A managed offering is listed only where its default Windows node
/// labels and taints are documented publicly (README, "Cluster presets").
pub static PRESETS: &[Preset] = &[
    Preset {
        name: "kubernetes-guide",
        about: "the mixed cluster of the Kubernetes Windows user guide: Windows nodes registered with --register-with-taints='os=windows:NoSchedule' (kubernetes.io/docs/concepts/windows/user-guide/)",
        build: kubernetes_guide,
    },
    Preset {
        name: "aks",
        about: "Azure Kubernetes Service: Windows node pools carry no taint unless you add one (AKS team, MicrosoftDocs/azure-docs#52226), default Windows OS SKU Windows2022 (ContainerServiceOSSku API reference)",
        build: aks,
    },
];

pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

fn pool(name: &str, labels: &[(&str, &str)], taints: Vec<Taint>) -> NodePool {
    NodePool {
        name: name.to_owned(),
        labels: labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        taints,
        closed_world: false,
    }
}

// Kubernetes publishes Windows node binaries for amd64 only (kubernetes-node-windows-amd64),
// and the guide's Windows RuntimeClass selects `kubernetes.io/arch: amd64`. The Linux pool
// does not guess its architecture: an arm64-only DaemonSet may well have arm64 nodes to run on.
fn windows_pool(name: &str, build: &str, taints: Vec<Taint>) -> NodePool {
    pool(
        name,
        &[
            (OS_LABEL, "windows"),
            (ARCH_LABEL, "amd64"),
            (WINDOWS_BUILD_LABEL, build),
        ],
        taints,
    )
}

fn linux_pool() -> NodePool {
    pool("linux", &[(OS_LABEL, "linux")], Vec::new())
}

/// Taints that Windows nodes carry in documented setups (spec §0.10). Against a built-in
/// model, a pod that tolerates any of them has dealt with Windows taints, and winlint does
/// not insist on the model's own convention.
pub const KNOWN_WINDOWS_TAINTS: &[(&str, &str)] = &[
    // Kubernetes Windows user guide: --register-with-taints='os=windows:NoSchedule'
    ("os", "windows"),
    // Google Distributed Cloud (VMware) Windows node pools; AKS on Azure Stack HCI guidance
    ("node.kubernetes.io/os", "windows"),
    // AKS on Azure Stack HCI (localised doc excerpt, capital W)
    ("node.kubernetes.io/os", "Windows"),
    // OpenShift Windows Machine Config Bootstrapper: os=Windows:NoSchedule
    ("os", "Windows"),
];

/// The [`KNOWN_WINDOWS_TAINTS`] as NoSchedule taints.
pub fn known_windows_taints() -> Vec<Taint> {
    KNOWN_WINDOWS_TAINTS
        .iter()
        .map(|(k, v)| Taint {
            key: (*k).to_owned(),
            value: Some((*v).to_owned()),
            effect: "NoSchedule".to_owned(),
            ..Default::default()
        })
        .collect()
}

/// The mixed cluster of the Kubernetes Windows user guide: Windows nodes registered
/// with `--register-with-taints='os=windows:NoSchedule'`, one pool per supported
/// Windows Server LTSC release.
fn kubernetes_guide() -> Cluster {
    let taint = || {
        vec![Taint {
            key: "os".into(),
            value: Some("windows".into()),
            effect: "NoSchedule".into(),
            ..Default::default()
        }]
    };
    Cluster {
        pools: vec![
            linux_pool(),
            windows_pool("windows-2019", "10.0.17763", taint()),
            windows_pool("windows-2022", "10.0.20348", taint()),
            windows_pool("windows-2025", "10.0.26100", taint()),
        ],
        source: ClusterSource::Default,
        runtime_classes: Vec::new(),
    }
}

/// AKS: a Linux system pool and a Windows pool of the default Windows OS SKU (Windows2022
/// from Kubernetes 1.25; Windows2019 was retired in March 2026), without taints.
fn aks() -> Cluster {
    Cluster {
        pools: vec![
            linux_pool(),
            windows_pool("windows-2022", "10.0.20348", Vec::new()),
        ],
        source: ClusterSource::Default,
        runtime_classes: Vec::new(),
    }
}

impl Cluster {
    pub fn preset(p: &Preset, config: PathBuf) -> Cluster {
        Cluster {
            source: ClusterSource::Preset {
                name: p.name,
                config,
            },
            ..(p.build)()
        }
    }

    pub fn pools_with_os<'c>(&'c self, os: &'c str) -> impl Iterator<Item = &'c NodePool> + 'c {
        self.pools.iter().filter(move |p| p.os() == Some(os))
    }

    /// The user described this cluster (node pools or real nodes), so findings are exact.
    pub fn is_declared(&self) -> bool {
        matches!(
            self.source,
            ClusterSource::NodePools(_) | ClusterSource::Nodes { .. }
        )
    }

    /// Kept for callers that only distinguish "the user's cluster" from a built-in one.
    pub fn is_default(&self) -> bool {
        !self.is_declared()
    }

    /// The sentence a finding's help ends with when it depends on a built-in model.
    pub fn caveat(&self) -> Option<String> {
        let what = match &self.source {
            ClusterSource::Default => {
                "the default cluster of the Kubernetes Windows guide".to_owned()
            }
            ClusterSource::Preset { name, .. } => format!("the `{name}` preset"),
            ClusterSource::NodePools(_) | ClusterSource::Nodes { .. } => return None,
        };
        Some(format!(
            "(checked against {what}; declare your node pools in .winlint.yaml to make this exact)"
        ))
    }

    /// The distinct Windows builds of the cluster's Windows pools, ascending.
    pub fn windows_builds(&self) -> Vec<u32> {
        let mut b: Vec<u32> = self
            .pools_with_os("windows")
            .filter_map(NodePool::windows_build)
            .collect();
        b.sort_unstable();
        b.dedup();
        b
    }
}

/// `` `a`, `b`, `c` and 4 more ``: pool names for messages, at most `max` spelled out.
pub fn name_list<'p>(names: impl IntoIterator<Item = &'p str>, max: usize) -> String {
    let names: Vec<&str> = names.into_iter().collect();
    let shown: Vec<String> = names.iter().take(max).map(|n| format!("`{n}`")).collect();
    let mut s = shown.join(", ");
    if names.len() > max {
        s.push_str(&format!(" and {} more", names.len() - max));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_pools_and_derived_labels() {
        let c = Cluster::default();
        assert_eq!(c.pools.len(), 4);
        let linux = &c.pools[0];
        assert_eq!(linux.label(BETA_OS_LABEL), LabelValue::Value("linux"));
        assert_eq!(linux.label(ARCH_LABEL), LabelValue::Unknown);
        assert_eq!(linux.label(WINDOWS_BUILD_LABEL), LabelValue::Absent);
        assert_eq!(linux.label("agentpool"), LabelValue::Unknown);
        assert_eq!(c.windows_builds(), [17763, 20348, 26100]);
        assert!(c
            .caveat()
            .is_some_and(|s| s.contains("Kubernetes Windows guide")));
    }

    #[test]
    fn closed_world_pools_have_no_derived_labels() {
        let mut p = linux_pool();
        p.closed_world = true;
        assert_eq!(p.label(BETA_OS_LABEL), LabelValue::Absent);
        assert_eq!(p.label("agentpool"), LabelValue::Absent);
        assert_eq!(p.label(OS_LABEL), LabelValue::Value("linux"));
    }

    #[test]
    fn presets() {
        assert_eq!(PRESETS[0].name, "kubernetes-guide");
        let aks = Cluster::preset(preset("aks").expect("aks"), PathBuf::from("c.yaml"));
        assert!(aks.pools_with_os("windows").all(|p| p.taints.is_empty()));
        assert!(aks.caveat().is_some_and(|s| s.contains("`aks` preset")));
        assert!(preset("gke").is_none());
    }

    #[test]
    fn build_labels() {
        assert_eq!(parse_build_label("10.0.17763"), Some(17763));
        for bad in [
            "17763",
            "10.0.17763.1",
            "10.0.",
            "ltsc2019",
            "10.1.17763",
            "10.0.x",
        ] {
            assert_eq!(parse_build_label(bad), None, "{bad}");
        }
    }

    #[test]
    fn name_lists() {
        assert_eq!(name_list(["a"], 3), "`a`");
        assert_eq!(
            name_list(["a", "b", "c", "d", "e"], 3),
            "`a`, `b`, `c` and 2 more"
        );
    }
}
