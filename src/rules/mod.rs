//! The rule registry. A rule is a unit struct in its own file with a doc in `rules/`;
//! the Rust side owns identity (name, category, default severity), the Markdown owns
//! the prose and the examples, which tests run.

mod azure_windows_allowed_usernames;
mod azure_windows_container_admin;
mod azure_windows_hostprocess;
mod azure_windows_resources;
mod duplicate_key;
mod gmsa_credspec_not_found;
mod gmsa_initcontainer_not_inlined;
mod gmsa_inline_mismatch;
mod gmsa_rbac_missing;
mod gmsa_spec_without_name;
mod hostprocess_inconsistent;
mod hostprocess_pod_security;
mod hostprocess_run_as_non_root;
mod hostprocess_user;
mod input_too_large;
mod internal_error;
mod invalid_resource;
mod invalid_yaml;
mod io_error;
mod linux_pod_windows_options;
mod os_name_invalid;
mod run_as_non_root_container_administrator;
mod unknown_field;
mod unused_suppression;
mod windows_forbidden_container_field;
mod windows_forbidden_pod_field;
mod windows_linux_only_field_ignored;
mod windows_options_format;
mod windows_options_on_linux_target;
mod windows_unsupported_pod_feature;
mod windows_workload_may_land_on_linux;
// Issue 9: Helm charts and kustomizations.
mod helm_dependency_missing;
mod helm_not_found;
mod helm_render_failed;
mod kustomize_build_failed;
mod kustomize_not_found;

// Issue 8: placement and Windows-version rules on the cluster model.
mod deprecated_os_arch_label;
mod dotnet_multiplatform_tag_on_windows;
mod linux_image_on_windows_pod;
mod linux_workload_may_land_on_windows;
mod missing_pod_os_field;
mod mixed_os_images;
mod os_field_selector_mismatch;
mod os_label_value_invalid;
mod pod_os_label_mismatch;
mod pod_overhead_manual;
pub mod precedence;
mod runtimeclass_nodeselector_conflict;
mod runtimeclass_not_found;
mod runtimeclass_windows_scheduling_missing;
mod shared;
pub use shared::ImageFact;
mod unsatisfiable_node_constraints;
mod windows_build_image_mismatch;
mod windows_build_label_format;
mod windows_build_unpinned;
mod windows_image_on_linux_pod;
mod windows_images_incompatible_builds;
mod windows_taint_not_tolerated;

pub use duplicate_key::duplicate_key_diagnostic;
pub use input_too_large::input_too_large_diagnostic;
pub use internal_error::internal_error_diagnostic;
pub use invalid_resource::invalid_resource_diagnostic;
pub use invalid_yaml::invalid_yaml_diagnostic;
pub use io_error::io_error_diagnostic;
pub use unknown_field::unknown_field_diagnostic;
pub use unused_suppression::unused_suppression_diagnostic;
// Issue 9: Helm charts and kustomizations.
pub use helm_dependency_missing::helm_dependency_missing_diagnostic;
pub use helm_not_found::helm_not_found_diagnostic;
pub use helm_render_failed::helm_render_failed_diagnostic;
pub use kustomize_build_failed::kustomize_build_failed_diagnostic;
pub use kustomize_not_found::kustomize_not_found_diagnostic;

use crate::config::Config;
use crate::finding::{Finding, Severity};
use crate::images::Classifier;
use crate::inventory::Inventory;
use crate::model::{Object, Workload};

/// Clippy's sense: correctness (surely wrong), suspicious (most likely wrong), pedantic (off
/// by default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    Correctness,
    Suspicious,
    Pedantic,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Correctness => "correctness",
            Category::Suspicious => "suspicious",
            Category::Pedantic => "pedantic",
        }
    }
}

/// What rules may consult besides the object itself.
pub struct Context<'c> {
    /// The effective configuration: cluster model, rule settings, ...
    pub config: &'c Config,
    pub images: &'c Classifier,
    /// RuntimeClasses, Namespaces and GMSA credential specs found in all inputs.
    pub inventory: &'c Inventory,
}

pub trait Rule: Sync {
    /// Kebab-case, naming the flagged pattern; the user-facing contract.
    fn name(&self) -> &'static str;
    fn category(&self) -> Category;
    fn default_severity(&self) -> Severity;
    /// The rule's Markdown doc (`rules/<name>.md`).
    fn doc(&self) -> &'static str;
    /// Checks one pod template. Rules about files or documents (invalid YAML, unknown
    /// fields) are reported by the pipeline through their diagnostic functions instead.
    fn check_workload<'a>(&self, _w: &Workload<'a>, _cx: &Context<'a>, _out: &mut Vec<Finding>) {}
    /// Checks any decoded object (RuntimeClasses, Namespaces, ...), pod templates included.
    fn check_object(&self, _obj: &Object<'_, '_>, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

/// Every rule, in the order of the README table.
pub static RULES: &[&dyn Rule] = &[
    &invalid_yaml::InvalidYaml,
    &io_error::IoError,
    &input_too_large::InputTooLarge,
    &internal_error::InternalError,
    &invalid_resource::InvalidResource,
    &unknown_field::UnknownField,
    &duplicate_key::DuplicateKey,
    &unused_suppression::UnusedSuppression,
    &windows_workload_may_land_on_linux::WindowsWorkloadMayLandOnLinux,
    // Issue 8: placement and Windows-version rules on the cluster model.
    &linux_workload_may_land_on_windows::LinuxWorkloadMayLandOnWindows,
    &windows_taint_not_tolerated::WindowsTaintNotTolerated,
    &unsatisfiable_node_constraints::UnsatisfiableNodeConstraints,
    &os_label_value_invalid::OsLabelValueInvalid,
    &deprecated_os_arch_label::DeprecatedOsArchLabel,
    &os_field_selector_mismatch::OsFieldSelectorMismatch,
    &pod_os_label_mismatch::PodOsLabelMismatch,
    &missing_pod_os_field::MissingPodOsField,
    &runtimeclass_nodeselector_conflict::RuntimeclassNodeselectorConflict,
    &runtimeclass_not_found::RuntimeclassNotFound,
    &runtimeclass_windows_scheduling_missing::RuntimeclassWindowsSchedulingMissing,
    &pod_overhead_manual::PodOverheadManual,
    &windows_build_label_format::WindowsBuildLabelFormat,
    &windows_build_image_mismatch::WindowsBuildImageMismatch,
    &windows_build_unpinned::WindowsBuildUnpinned,
    &windows_images_incompatible_builds::WindowsImagesIncompatibleBuilds,
    &mixed_os_images::MixedOsImages,
    &linux_image_on_windows_pod::LinuxImageOnWindowsPod,
    &windows_image_on_linux_pod::WindowsImageOnLinuxPod,
    &dotnet_multiplatform_tag_on_windows::DotnetMultiplatformTagOnWindows,
    // Issue 9: Helm charts and kustomizations (tool and render failures).
    &helm_not_found::HelmNotFound,
    &helm_dependency_missing::HelmDependencyMissing,
    &helm_render_failed::HelmRenderFailed,
    &kustomize_not_found::KustomizeNotFound,
    &kustomize_build_failed::KustomizeBuildFailed,
    &os_name_invalid::OsNameInvalid,
    &windows_forbidden_pod_field::WindowsForbiddenPodField,
    &windows_forbidden_container_field::WindowsForbiddenContainerField,
    &linux_pod_windows_options::LinuxPodWindowsOptions,
    &windows_options_format::WindowsOptionsFormat,
    &hostprocess_inconsistent::HostprocessInconsistent,
    &run_as_non_root_container_administrator::RunAsNonRootContainerAdministrator,
    &gmsa_spec_without_name::GmsaSpecWithoutName,
    &gmsa_credspec_not_found::GmsaCredspecNotFound,
    &gmsa_rbac_missing::GmsaRbacMissing,
    &gmsa_inline_mismatch::GmsaInlineMismatch,
    &gmsa_initcontainer_not_inlined::GmsaInitcontainerNotInlined,
    &hostprocess_user::HostprocessUser,
    &hostprocess_run_as_non_root::HostprocessRunAsNonRoot,
    &hostprocess_pod_security::HostprocessPodSecurity,
    &windows_linux_only_field_ignored::WindowsLinuxOnlyFieldIgnored,
    &windows_unsupported_pod_feature::WindowsUnsupportedPodFeature,
    &windows_options_on_linux_target::WindowsOptionsOnLinuxTarget,
    &azure_windows_resources::AzureWindowsResources,
    &azure_windows_container_admin::AzureWindowsContainerAdmin,
    &azure_windows_allowed_usernames::AzureWindowsAllowedUsernames,
    &azure_windows_hostprocess::AzureWindowsHostprocess,
];

pub fn find(name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.name() == name)
}

/// The one-line summary: the first non-empty line after the doc's title.
pub fn summary(rule: &dyn Rule) -> &'static str {
    rule.doc()
        .lines()
        .skip(1)
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

/// The README's rule table, generated from the registry (a test keeps the README in sync).
pub fn markdown_table() -> String {
    let mut s =
        String::from("| rule | category | default severity | summary |\n|---|---|---|---|\n");
    for r in RULES {
        s.push_str(&format!(
            "| [`{}`](rules/{}.md) | {} | {} | {} |\n",
            r.name(),
            r.name(),
            r.category().as_str(),
            r.default_severity(),
            summary(*r)
        ));
    }
    s
}
