//! The cluster model: node pools with labels and taints. Without configuration it is the
//! cluster the Kubernetes Windows guide recommends: a Linux pool, and Windows pools for
//! Server 2019, 2022 and 2025 tainted `os=windows:NoSchedule`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use k8s_openapi::api::core::v1::Taint;

use crate::scheduling::{Label, Labels};

pub const OS_LABEL: &str = "kubernetes.io/os";
pub const ARCH_LABEL: &str = "kubernetes.io/arch";
pub const BETA_OS_LABEL: &str = "beta.kubernetes.io/os";
pub const BETA_ARCH_LABEL: &str = "beta.kubernetes.io/arch";
pub const WINDOWS_BUILD_LABEL: &str = "node.kubernetes.io/windows-build";

/// A group of identical nodes.
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
        let v = self.labels.get(WINDOWS_BUILD_LABEL)?;
        let mut parts = v.split('.');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("10"), Some("0"), Some(b), None) => b.parse().ok(),
            _ => None,
        }
    }
}

impl Labels for NodePool {
    /// Kubelets always set the OS and arch labels (and their deprecated beta twins), and
    /// only Windows kubelets set the windows-build label; so a pool that declares its OS
    /// tells us those even when it does not list them.
    fn label(&self, key: &str) -> Label<'_> {
        if let Some(v) = self.labels.get(key) {
            return Label::Value(v);
        }
        if self.closed_world {
            return Label::Absent;
        }
        let derived = match key {
            BETA_OS_LABEL => self.labels.get(OS_LABEL),
            OS_LABEL => self.labels.get(BETA_OS_LABEL),
            BETA_ARCH_LABEL => self.labels.get(ARCH_LABEL),
            ARCH_LABEL => self.labels.get(BETA_ARCH_LABEL),
            _ => None,
        };
        match derived {
            Some(v) => Label::Value(v),
            None if key == WINDOWS_BUILD_LABEL && self.os() == Some("linux") => Label::Absent,
            None => Label::Unknown,
        }
    }
}

/// Where the cluster model came from; findings that depend on the default say so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterSource {
    Default,
    Config(PathBuf),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub pools: Vec<NodePool>,
    pub source: ClusterSource,
}

impl Default for Cluster {
    fn default() -> Self {
        Cluster::kubernetes_guide()
    }
}

impl Cluster {
    /// The mixed cluster of the Kubernetes Windows user guide: Windows nodes registered
    /// with `--register-with-taints='os=windows:NoSchedule'`.
    pub fn kubernetes_guide() -> Cluster {
        let pool = |name: &str, labels: &[(&str, &str)], taints: Vec<Taint>| NodePool {
            name: name.to_owned(),
            labels: labels
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            taints,
            closed_world: false,
        };
        let windows_taint = || {
            vec![Taint {
                key: "os".into(),
                value: Some("windows".into()),
                effect: "NoSchedule".into(),
                ..Default::default()
            }]
        };
        let windows = |name: &str, build: &str| {
            pool(
                name,
                &[
                    (OS_LABEL, "windows"),
                    (ARCH_LABEL, "amd64"),
                    (WINDOWS_BUILD_LABEL, build),
                ],
                windows_taint(),
            )
        };
        Cluster {
            pools: vec![
                pool(
                    "linux",
                    &[(OS_LABEL, "linux"), (ARCH_LABEL, "amd64")],
                    Vec::new(),
                ),
                windows("windows-2019", "10.0.17763"),
                windows("windows-2022", "10.0.20348"),
                windows("windows-2025", "10.0.26100"),
            ],
            source: ClusterSource::Default,
        }
    }

    pub fn pools_with_os<'c>(&'c self, os: &'c str) -> impl Iterator<Item = &'c NodePool> + 'c {
        self.pools.iter().filter(move |p| p.os() == Some(os))
    }

    pub fn is_default(&self) -> bool {
        self.source == ClusterSource::Default
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_pools_and_derived_labels() {
        let c = Cluster::default();
        assert_eq!(c.pools.len(), 4);
        let linux = &c.pools[0];
        assert_eq!(linux.label(BETA_OS_LABEL), Label::Value("linux"));
        assert_eq!(linux.label(WINDOWS_BUILD_LABEL), Label::Absent);
        assert_eq!(linux.label("agentpool"), Label::Unknown);
        let builds: Vec<_> = c
            .pools_with_os("windows")
            .filter_map(NodePool::windows_build)
            .collect();
        assert_eq!(builds, [17763, 20348, 26100]);
    }
}
