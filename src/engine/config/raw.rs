//! The serde shape of `.winlint.yaml`: unknown keys are errors, and `keys_at` reads the
//! accepted keys from these structs.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use serde::Deserialize;

use super::{Exemption, FailOn};
use crate::finding::Severity;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct RawConfig {
    #[serde(default)]
    pub(super) cluster: Option<RawCluster>,
    #[serde(default)]
    pub(super) rules: Option<RawRules>,
    #[serde(default)]
    pub(super) exclude: Vec<String>,
    #[serde(default)]
    pub(super) per_path_ignores: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub(super) exemptions: Vec<Exemption>,
    #[serde(default)]
    pub(super) fail_on: Option<FailOn>,
    #[serde(default)]
    pub(super) baseline: Option<String>,
    #[serde(default)]
    pub(super) images: Option<RawImages>,
    #[serde(default)]
    pub(super) helm: Option<RawHelm>,
    #[serde(default)]
    pub(super) gmsa: Option<RawGmsa>,
    #[serde(default)]
    pub(super) azure_policy: Option<RawAzurePolicy>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct RawHelm {
    #[serde(default)]
    pub(super) values_profiles: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct RawGmsa {
    #[serde(default)]
    pub(super) webhook_installed: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct RawAzurePolicy {
    #[serde(default)]
    pub(super) allowed_user_names: Option<Vec<String>>,
    #[serde(default)]
    pub(super) excluded_images: Option<Vec<String>>,
    #[serde(default)]
    pub(super) excluded_namespaces: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRules {
    #[serde(default)]
    pub(super) select: Vec<String>,
    #[serde(default)]
    pub(super) ignore: Vec<String>,
    #[serde(default)]
    pub(super) severity: BTreeMap<String, Level>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub(super) enum Level {
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
pub(super) struct RawCluster {
    #[serde(default)]
    pub(super) node_pools: Option<Vec<RawPool>>,
    #[serde(default)]
    pub(super) nodes: Option<String>,
    #[serde(default)]
    pub(super) preset: Option<String>,
    #[serde(default)]
    pub(super) runtime_classes: Vec<RawRuntimeClass>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPool {
    pub(super) name: String,
    #[serde(default)]
    pub(super) labels: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) taints: Vec<RawTaint>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTaint {
    pub(super) key: String,
    #[serde(default)]
    pub(super) value: Option<String>,
    pub(super) effect: Effect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRuntimeClass {
    pub(super) name: String,
    pub(super) handler: String,
    #[serde(default)]
    pub(super) scheduling: Option<RawScheduling>,
    #[serde(default)]
    pub(super) overhead: Option<RawOverhead>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct RawScheduling {
    #[serde(default)]
    pub(super) node_selector: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub(super) tolerations: Option<Vec<RawToleration>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct RawToleration {
    #[serde(default)]
    pub(super) key: Option<String>,
    #[serde(default)]
    pub(super) operator: Option<Operator>,
    #[serde(default)]
    pub(super) value: Option<String>,
    #[serde(default)]
    pub(super) effect: Option<Effect>,
    #[serde(default)]
    pub(super) toleration_seconds: Option<i64>,
}

#[derive(Deserialize, Clone, Copy)]
pub(super) enum Operator {
    Equal,
    Exists,
}

impl Operator {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Operator::Equal => "Equal",
            Operator::Exists => "Exists",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct RawOverhead {
    #[serde(default)]
    pub(super) pod_fixed: Option<BTreeMap<String, Quantity>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct RawImages {
    #[serde(default)]
    pub(super) windows: Vec<String>,
    #[serde(default)]
    pub(super) linux: Vec<String>,
    #[serde(default, rename = "multiOS")]
    pub(super) multi_os: Vec<String>,
    #[serde(default)]
    pub(super) lock_file: Option<String>,
    #[serde(default)]
    pub(super) insecure_registries: Vec<String>,
}

#[derive(Deserialize, Clone, Copy)]
pub(super) enum Effect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

impl Effect {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Effect::NoSchedule => "NoSchedule",
            Effect::PreferNoSchedule => "PreferNoSchedule",
            Effect::NoExecute => "NoExecute",
        }
    }
}
