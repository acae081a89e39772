//! `api-version-removed`: a known kind under an apiVersion that Kubernetes no longer serves,
//! following the Deprecated API Migration Guide
//! (https://kubernetes.io/docs/reference/using-api/deprecation-guide/). The API server
//! answers `no matches for kind` and the object is never created. The pipeline reports it
//! (like `unknown-field`), before the object's shape is checked: an old version's fields
//! differ from the served model, and this finding's help lists the changes.

use super::Rule;
use crate::finding::{Finding, Label};
use crate::k8s::ResourceId;
use crate::yaml::Span;

/// The Kubernetes minor version winlint targets by default: the one its API model is
/// generated for (k8s-openapi's `v1_35` feature in Cargo.toml).
pub const TARGET_MINOR: u32 = 35;

/// One row of the guide: these kinds under `api_version` are not served from
/// `1.removed_in`; `replacements` are the versions to move to with the minor version
/// since when each is served, newest first; `changes` are the guide's notable changes.
struct Removed {
    api_version: &'static str,
    kinds: &'static [&'static str],
    removed_in: u32,
    replacements: &'static [(&'static str, u32)],
    changes: &'static str,
}

const APPS_SELECTOR: &str =
    "`spec.selector` is required (use the template's labels) and immutable after creation";

/// The guide's "Removed APIs by release", v1.16 to v1.32.
static REMOVED: &[Removed] = &[
    // v1.16
    Removed {
        api_version: "extensions/v1beta1",
        kinds: &["NetworkPolicy"],
        removed_in: 16,
        replacements: &[("networking.k8s.io/v1", 8)],
        changes: "",
    },
    Removed {
        api_version: "extensions/v1beta1",
        kinds: &["PodSecurityPolicy"],
        removed_in: 16,
        replacements: &[("policy/v1beta1", 10)],
        changes: "",
    },
    Removed {
        api_version: "extensions/v1beta1",
        kinds: &["DaemonSet"],
        removed_in: 16,
        replacements: &[("apps/v1", 9)],
        changes: "`spec.templateGeneration` is removed; `spec.selector` is required (use the template's labels) and immutable after creation; `spec.updateStrategy.type` defaults to `RollingUpdate` (it was `OnDelete`)",
    },
    Removed {
        api_version: "apps/v1beta2",
        kinds: &["DaemonSet"],
        removed_in: 16,
        replacements: &[("apps/v1", 9)],
        changes: "`spec.templateGeneration` is removed; `spec.selector` is required (use the template's labels) and immutable after creation",
    },
    Removed {
        api_version: "extensions/v1beta1",
        kinds: &["Deployment"],
        removed_in: 16,
        replacements: &[("apps/v1", 9)],
        changes: "`spec.rollbackTo` is removed; `spec.selector` is required (use the template's labels) and immutable after creation; `spec.progressDeadlineSeconds` defaults to 600, `spec.revisionHistoryLimit` to 10, `maxSurge` and `maxUnavailable` to 25%",
    },
    Removed {
        api_version: "apps/v1beta1",
        kinds: &["Deployment"],
        removed_in: 16,
        replacements: &[("apps/v1", 9)],
        changes: "`spec.rollbackTo` is removed; `spec.selector` is required (use the template's labels) and immutable after creation; `spec.revisionHistoryLimit` defaults to 10 (it was 2)",
    },
    Removed {
        api_version: "apps/v1beta2",
        kinds: &["Deployment"],
        removed_in: 16,
        replacements: &[("apps/v1", 9)],
        changes: APPS_SELECTOR,
    },
    Removed {
        api_version: "apps/v1beta1",
        kinds: &["StatefulSet"],
        removed_in: 16,
        replacements: &[("apps/v1", 9)],
        changes: "`spec.selector` is required (use the template's labels) and immutable after creation; `spec.updateStrategy.type` defaults to `RollingUpdate` (it was `OnDelete`)",
    },
    Removed {
        api_version: "apps/v1beta2",
        kinds: &["StatefulSet"],
        removed_in: 16,
        replacements: &[("apps/v1", 9)],
        changes: APPS_SELECTOR,
    },
    Removed {
        api_version: "extensions/v1beta1",
        kinds: &["ReplicaSet"],
        removed_in: 16,
        replacements: &[("apps/v1", 9)],
        changes: APPS_SELECTOR,
    },
    Removed {
        api_version: "apps/v1beta1",
        kinds: &["ReplicaSet"],
        removed_in: 16,
        replacements: &[("apps/v1", 9)],
        changes: APPS_SELECTOR,
    },
    Removed {
        api_version: "apps/v1beta2",
        kinds: &["ReplicaSet"],
        removed_in: 16,
        replacements: &[("apps/v1", 9)],
        changes: APPS_SELECTOR,
    },
    // v1.22
    Removed {
        api_version: "admissionregistration.k8s.io/v1beta1",
        kinds: &["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
        removed_in: 22,
        replacements: &[("admissionregistration.k8s.io/v1", 16)],
        changes: "`webhooks[*].sideEffects` (`None` or `NoneOnDryRun`) and `webhooks[*].admissionReviewVersions` are required; `failurePolicy` defaults to `Fail`, `matchPolicy` to `Equivalent`, `timeoutSeconds` to 10; webhook names must be unique",
    },
    Removed {
        api_version: "apiextensions.k8s.io/v1beta1",
        kinds: &["CustomResourceDefinition"],
        removed_in: 22,
        replacements: &[("apiextensions.k8s.io/v1", 16)],
        changes: "`spec.scope` is required; `spec.version`, `spec.validation`, `spec.subresources` and `spec.additionalPrinterColumns` move into `spec.versions[*]` (`schema.openAPIV3Schema`, required and structural); `spec.preserveUnknownFields: true` is not allowed; printer columns' `JSONPath` is `jsonPath`",
    },
    Removed {
        api_version: "apiregistration.k8s.io/v1beta1",
        kinds: &["APIService"],
        removed_in: 22,
        replacements: &[("apiregistration.k8s.io/v1", 10)],
        changes: "",
    },
    Removed {
        api_version: "authentication.k8s.io/v1beta1",
        kinds: &["TokenReview"],
        removed_in: 22,
        replacements: &[("authentication.k8s.io/v1", 6)],
        changes: "",
    },
    Removed {
        api_version: "authorization.k8s.io/v1beta1",
        kinds: &[
            "LocalSubjectAccessReview",
            "SelfSubjectAccessReview",
            "SubjectAccessReview",
        ],
        removed_in: 22,
        replacements: &[("authorization.k8s.io/v1", 6)],
        changes: "`spec.group` is renamed `spec.groups`",
    },
    Removed {
        api_version: "certificates.k8s.io/v1beta1",
        kinds: &["CertificateSigningRequest"],
        removed_in: 22,
        replacements: &[("certificates.k8s.io/v1", 19)],
        changes: "`spec.signerName` is required (not `kubernetes.io/legacy-unknown`); `spec.usages` is required, without duplicates, known usages only",
    },
    Removed {
        api_version: "coordination.k8s.io/v1beta1",
        kinds: &["Lease"],
        removed_in: 22,
        replacements: &[("coordination.k8s.io/v1", 14)],
        changes: "",
    },
    Removed {
        api_version: "extensions/v1beta1",
        kinds: &["Ingress"],
        removed_in: 22,
        replacements: &[("networking.k8s.io/v1", 19)],
        changes: INGRESS_CHANGES,
    },
    Removed {
        api_version: "networking.k8s.io/v1beta1",
        kinds: &["Ingress"],
        removed_in: 22,
        replacements: &[("networking.k8s.io/v1", 19)],
        changes: INGRESS_CHANGES,
    },
    Removed {
        api_version: "networking.k8s.io/v1beta1",
        kinds: &["IngressClass"],
        removed_in: 22,
        replacements: &[("networking.k8s.io/v1", 19)],
        changes: "",
    },
    Removed {
        api_version: "rbac.authorization.k8s.io/v1beta1",
        kinds: &["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
        removed_in: 22,
        replacements: &[("rbac.authorization.k8s.io/v1", 8)],
        changes: "",
    },
    Removed {
        api_version: "scheduling.k8s.io/v1beta1",
        kinds: &["PriorityClass"],
        removed_in: 22,
        replacements: &[("scheduling.k8s.io/v1", 14)],
        changes: "",
    },
    Removed {
        api_version: "storage.k8s.io/v1beta1",
        kinds: &["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"],
        removed_in: 22,
        // StorageClass since 1.6, VolumeAttachment 1.13, CSINode 1.17, CSIDriver 1.19.
        replacements: &[("storage.k8s.io/v1", 19)],
        changes: "",
    },
    // v1.25
    Removed {
        api_version: "batch/v1beta1",
        kinds: &["CronJob"],
        removed_in: 25,
        replacements: &[("batch/v1", 21)],
        changes: "",
    },
    Removed {
        api_version: "discovery.k8s.io/v1beta1",
        kinds: &["EndpointSlice"],
        removed_in: 25,
        replacements: &[("discovery.k8s.io/v1", 21)],
        changes: "use each endpoint's `nodeName` and `zone` instead of `topology[\"kubernetes.io/hostname\"]` and `topology[\"topology.kubernetes.io/zone\"]`; `topology` becomes the read-only `deprecatedTopology`",
    },
    Removed {
        api_version: "events.k8s.io/v1beta1",
        kinds: &["Event"],
        removed_in: 25,
        replacements: &[("events.k8s.io/v1", 19)],
        changes: "`type` is `Normal` or `Warning`; `involvedObject` is renamed `regarding`; `action`, `reason`, `reportingComponent` and `reportingInstance` are required; use `eventTime`, `series` and `reportingComponent`/`reportingInstance` instead of `firstTimestamp`, `lastTimestamp`, `count` and `source`",
    },
    Removed {
        api_version: "autoscaling/v2beta1",
        kinds: &["HorizontalPodAutoscaler"],
        removed_in: 25,
        replacements: &[("autoscaling/v2", 23)],
        changes: HPA_CHANGES,
    },
    Removed {
        api_version: "policy/v1beta1",
        kinds: &["PodDisruptionBudget"],
        removed_in: 25,
        replacements: &[("policy/v1", 21)],
        changes: "an empty `spec.selector` (`{}`) selects every pod in the namespace (it selected none)",
    },
    Removed {
        api_version: "policy/v1beta1",
        kinds: &["PodSecurityPolicy"],
        removed_in: 25,
        replacements: &[],
        changes: "",
    },
    Removed {
        api_version: "node.k8s.io/v1beta1",
        kinds: &["RuntimeClass"],
        removed_in: 25,
        replacements: &[("node.k8s.io/v1", 20)],
        changes: "",
    },
    // v1.26
    Removed {
        api_version: "flowcontrol.apiserver.k8s.io/v1beta1",
        kinds: FLOW_CONTROL,
        removed_in: 26,
        replacements: FLOW_CONTROL_NEXT,
        changes: "",
    },
    Removed {
        api_version: "autoscaling/v2beta2",
        kinds: &["HorizontalPodAutoscaler"],
        removed_in: 26,
        replacements: &[("autoscaling/v2", 23)],
        changes: HPA_CHANGES,
    },
    // v1.27
    Removed {
        api_version: "storage.k8s.io/v1beta1",
        kinds: &["CSIStorageCapacity"],
        removed_in: 27,
        replacements: &[("storage.k8s.io/v1", 24)],
        changes: "",
    },
    // v1.29
    Removed {
        api_version: "flowcontrol.apiserver.k8s.io/v1beta2",
        kinds: FLOW_CONTROL,
        removed_in: 29,
        replacements: FLOW_CONTROL_NEXT,
        changes: "PriorityLevelConfiguration's `spec.limited.assuredConcurrencyShares` is renamed `spec.limited.nominalConcurrencyShares`",
    },
    // v1.32
    Removed {
        api_version: "flowcontrol.apiserver.k8s.io/v1beta3",
        kinds: FLOW_CONTROL,
        removed_in: 32,
        replacements: &[("flowcontrol.apiserver.k8s.io/v1", 29)],
        changes: "PriorityLevelConfiguration's `spec.limited.nominalConcurrencyShares` defaults to 30 only when unset: an explicit 0 stays 0",
    },
];

const INGRESS_CHANGES: &str = "`spec.backend` is renamed `spec.defaultBackend`; a backend's `serviceName` becomes `service.name` and `servicePort` becomes `service.port.number` (or `service.port.name`); every path needs a `pathType` (`ImplementationSpecific` keeps the old behaviour)";
const HPA_CHANGES: &str = "`targetAverageUtilization` becomes `target.averageUtilization` with `target.type: Utilization` (and `targetAverageValue` becomes `target.averageValue` with `target.type: AverageValue`)";
const FLOW_CONTROL: &[&str] = &["FlowSchema", "PriorityLevelConfiguration"];
const FLOW_CONTROL_NEXT: &[(&str, u32)] = &[
    ("flowcontrol.apiserver.k8s.io/v1", 29),
    ("flowcontrol.apiserver.k8s.io/v1beta3", 26),
];

/// The minor version of a Kubernetes version as `--kube-version` takes it (`1.35`,
/// `v1.35.2`, `1.36.0-rc.1`); `None` when it is not one.
pub fn kube_minor(version: &str) -> Option<u32> {
    let v = version.strip_prefix('v').unwrap_or(version);
    let mut parts = v.split(['.', '-', '+']);
    match (parts.next(), parts.next()) {
        (Some("1"), Some(minor)) => minor.parse().ok(),
        _ => None,
    }
}

/// The row that removes `kind` under `api_version` by Kubernetes `1.minor`.
fn removal(api_version: &str, kind: &str, minor: u32) -> Option<&'static Removed> {
    REMOVED.iter().find(|r| {
        r.api_version == api_version && r.kinds.contains(&kind) && minor >= r.removed_in
    })
}

/// The finding for `id` (its apiVersion value at `at`) when that apiVersion of its kind is
/// not served by Kubernetes `1.minor`.
pub fn api_version_removed_diagnostic(id: &ResourceId, at: Span, minor: u32) -> Option<Finding> {
    let row = removal(&id.api_version, &id.kind, minor)?;
    let kind = &id.kind;
    let old = &id.api_version;
    // The newest replacement the target version serves (PodSecurityPolicy has none after 1.24).
    let replacement = row
        .replacements
        .iter()
        .find(|(new, since)| *since <= minor && removal(new, kind, minor).is_none());
    let (message, help) = match replacement {
        Some((new, since)) => {
            let mut help = format!("change it to:\napiVersion: {new}\n(served since Kubernetes 1.{since})");
            if !row.changes.is_empty() {
                help.push_str(&format!("\nchanges in {new}: {}", row.changes));
            }
            (
                format!("`{old}` {kind} was removed in Kubernetes 1.{}; use `{new}`", row.removed_in),
                help,
            )
        }
        None => (
            format!(
                "`{old}` {kind} was removed in Kubernetes 1.{}; no apiVersion serves {kind} in 1.{minor}",
                row.removed_in
            ),
            "PodSecurityPolicy has no replacement API: enforce the Pod Security Standards with \
             Pod Security Admission (namespace label `pod-security.kubernetes.io/enforce`) and \
             delete this object"
                .to_owned(),
        ),
    };
    let label = format!("not served since Kubernetes 1.{}", row.removed_in);
    Some(
        META.finding(message, Label::new(at, label))
            .with_help(help)
            .with_resource(id),
    )
}

declare_rule! {
    pub struct ApiVersionRemoved {
        name: "api-version-removed",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for ApiVersionRemoved {}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(api_version: &str, kind: &str) -> ResourceId {
        ResourceId {
            api_version: api_version.into(),
            kind: kind.into(),
            name: Some("x".into()),
            namespace: None,
        }
    }

    #[test]
    fn removal_version_and_replacement() {
        let at = Span { start: 0, end: 1 };
        let f = api_version_removed_diagnostic(&id("extensions/v1beta1", "Deployment"), at, 35)
            .expect("removed");
        assert_eq!(
            f.message,
            "`extensions/v1beta1` Deployment was removed in Kubernetes 1.16; use `apps/v1`"
        );
        assert!(f.help.as_deref().is_some_and(|h| h.contains("spec.selector")));
        // Served still at 1.15; kinds the version never removed are not flagged.
        assert!(api_version_removed_diagnostic(&id("extensions/v1beta1", "Deployment"), at, 15).is_none());
        assert!(api_version_removed_diagnostic(&id("apps/v1", "Deployment"), at, 35).is_none());
        assert!(api_version_removed_diagnostic(&id("policy/v1beta1", "Eviction"), at, 35).is_none());
        // The replacement is one the target serves: v1beta3 before 1.29, v1 from then.
        let fs = id("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema");
        let at_27 = api_version_removed_diagnostic(&fs, at, 27).expect("removed");
        assert!(at_27.message.ends_with("use `flowcontrol.apiserver.k8s.io/v1beta3`"));
        let at_35 = api_version_removed_diagnostic(&fs, at, 35).expect("removed");
        assert!(at_35.message.ends_with("use `flowcontrol.apiserver.k8s.io/v1`"));
        // PodSecurityPolicy: policy/v1beta1 until 1.25, then nothing.
        let psp = id("extensions/v1beta1", "PodSecurityPolicy");
        let at_20 = api_version_removed_diagnostic(&psp, at, 20).expect("removed");
        assert!(at_20.message.ends_with("use `policy/v1beta1`"), "{}", at_20.message);
        let at_35 = api_version_removed_diagnostic(&psp, at, 35).expect("removed");
        assert!(at_35.message.ends_with("no apiVersion serves PodSecurityPolicy in 1.35"));
    }

    #[test]
    fn every_row_is_well_formed() {
        for r in REMOVED {
            assert!(r.api_version.contains('/') && !r.kinds.is_empty());
            assert!((16..=TARGET_MINOR).contains(&r.removed_in), "{}", r.api_version);
            // The oldest replacement is served when the old version goes, so there is
            // always one to move to (PodSecurityPolicy after 1.24 aside).
            if let Some((new, since)) = r.replacements.last() {
                assert!(*since <= r.removed_in, "{} {new}", r.api_version);
            }
            let newest_first = r.replacements.windows(2).all(|w| w[0].1 >= w[1].1);
            assert!(newest_first, "{}", r.api_version);
            for (new, since) in r.replacements {
                assert!(
                    !REMOVED.iter().any(|o| o.api_version == *new
                        && o.kinds.iter().any(|k| r.kinds.contains(k))
                        && o.removed_in <= *since),
                    "{new} is itself removed before it is suggested"
                );
            }
        }
    }

    #[test]
    fn kube_versions() {
        assert_eq!(kube_minor("1.35"), Some(35));
        assert_eq!(kube_minor("v1.15.3"), Some(15));
        assert_eq!(kube_minor("1.36.0-rc.1"), Some(36));
        assert_eq!(kube_minor("2.0"), None);
        assert_eq!(kube_minor("banana"), None);
    }
}
