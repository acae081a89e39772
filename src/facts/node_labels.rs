//! Node labels that cloud providers and Windows distributions set and whose values say the
//! node's OS (and for some, its Windows build), besides `kubernetes.io/os` and
//! `node.kubernetes.io/windows-build`. A pool whose OS is known then answers a selector on
//! such a key even when it does not list the label: a Linux pool never has
//! `kubernetes.azure.com/os-sku: Windows2022`. A value the table does not list stays
//! unknown, and a pool of the right OS and build may or may not carry the label at all
//! (another provider's cluster), so that stays unknown too.

/// One label key and what its documented values imply.
pub struct OsLabel {
    pub key: &'static str,
    /// `(value, os, Windows build)`; values are case-sensitive, as labels are.
    pub values: &'static [(&'static str, &'static str, Option<u32>)],
    /// Where the values are documented.
    pub source: &'static str,
}

pub static OS_LABELS: &[OsLabel] = &[
    OsLabel {
        key: "kubernetes.azure.com/os-sku",
        values: &[
            ("Ubuntu", "linux", None),
            ("Ubuntu2204", "linux", None),
            ("Ubuntu2404", "linux", None),
            ("AzureLinux", "linux", None),
            ("AzureLinux3", "linux", None),
            ("AzureContainerLinux", "linux", None),
            ("CBLMariner", "linux", None),
            ("Mariner", "linux", None),
            ("Windows2019", "windows", Some(17763)),
            ("Windows2022", "windows", Some(20348)),
            ("Windows2025", "windows", Some(26100)),
            ("WindowsAnnual", "windows", None),
        ],
        source: "AKS ContainerServiceOSSku (Azure REST API reference, agent pool `osSKU`); AKS sets the node label `kubernetes.azure.com/os-sku` to it",
    },
    OsLabel {
        key: "kubernetes.azure.com/mode",
        // "Windows2019/Windows2022: Unsupported for system node pools" (ContainerServiceOSSku).
        values: &[("system", "linux", None)],
        source: "AKS system node pools (use-system-pools): Linux only; `user` pools may be either",
    },
    OsLabel {
        key: "cloud.google.com/gke-os-distribution",
        values: &[
            ("cos", "linux", None),
            ("cos_containerd", "linux", None),
            ("ubuntu", "linux", None),
            ("ubuntu_containerd", "linux", None),
            ("windows_ltsc", "windows", None),
            ("windows_ltsc_containerd", "windows", None),
            ("windows_sac", "windows", None),
            ("windows_sac_containerd", "windows", None),
        ],
        source: "GKE node images (concepts/node-images): the image type a node pool runs",
    },
    OsLabel {
        key: "node.openshift.io/os_id",
        values: &[
            ("rhcos", "linux", None),
            ("rhel", "linux", None),
            ("Windows", "windows", None),
        ],
        source: "OpenShift node labels; Windows Machine Config Operator nodes carry `Windows`",
    },
];

/// Whether `key` is one of the labels the table knows.
pub fn describes(key: &str) -> bool {
    OS_LABELS.iter().any(|l| l.key == key)
}

/// The OS and build that `value` of `key` implies, if the table lists it.
pub fn implied(key: &str, value: &str) -> Option<(&'static str, Option<u32>)> {
    let label = OS_LABELS.iter().find(|l| l.key == key)?;
    label
        .values
        .iter()
        .find(|(v, _, _)| *v == value)
        .map(|(_, os, build)| (*os, *build))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_imply_os_and_build() {
        assert_eq!(
            implied("kubernetes.azure.com/os-sku", "Windows2022"),
            Some(("windows", Some(20348)))
        );
        assert_eq!(
            implied("kubernetes.azure.com/mode", "system"),
            Some(("linux", None))
        );
        assert_eq!(implied("kubernetes.azure.com/mode", "user"), None);
        assert_eq!(implied("kubernetes.azure.com/os-sku", "windows2022"), None);
        assert!(describes("node.openshift.io/os_id") && !describes("agentpool"));
        for l in OS_LABELS {
            assert!(!l.source.is_empty() && !l.values.is_empty());
        }
    }
}
