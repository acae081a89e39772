//! The analysis context every fact and rule reads: the cluster model, the image tables,
//! the definitions found among the inputs and the policy parameters. It holds data only and
//! sits below the facts that consult it.

use super::cluster::Cluster;
use super::images::Classifier;
use super::inventory::Inventory;

/// What facts and rules may consult besides the object itself.
#[derive(Clone, Copy)]
pub struct Context<'c> {
    /// The cluster model: node pools, taints, RuntimeClasses declared in the config.
    pub cluster: &'c Cluster,
    pub images: &'c Classifier,
    /// RuntimeClasses, Namespaces and GMSA credential specs found in all inputs.
    pub inventory: &'c Inventory,
    /// `azurePolicy:`: the parameters of the Azure Policy parity rules.
    pub azure_policy: &'c AzurePolicy,
    /// `gmsa.webhookInstalled`: the windows-gmsa admission webhook runs in the cluster.
    pub gmsa_webhook: bool,
    /// The text of the file being linted, for rules that compute fixes in its style; empty
    /// outside a file.
    pub source: &'c str,
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
