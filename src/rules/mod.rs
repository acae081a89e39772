//! The rule registry. A rule is a unit struct in its own file, declared once with
//! [`declare_rule!`] (name, category, default severity, the other severities it grades to)
//! and documented in `rules/<name>.md`; the Rust side owns identity, the Markdown owns the
//! prose and the examples, which tests run. Adding a rule: its file, its doc, one line in
//! [`registry!`] below.

#[macro_use]
mod declare;
mod meta;
pub mod precedence;
mod shared;

pub use meta::{Category, RuleMeta};

use crate::facts::{Context, Pod};
use crate::finding::Finding;
use crate::k8s::Object;

pub(crate) use api_version_removed::META as API_VERSION_REMOVED;
pub use api_version_removed::{api_version_removed_diagnostic, kube_minor, TARGET_MINOR};
pub use duplicate_key::duplicate_key_diagnostic;
pub use helm_dependency_missing::helm_dependency_missing_diagnostic;
pub use helm_not_found::helm_not_found_diagnostic;
pub use helm_render_failed::helm_render_failed_diagnostic;
pub use input_too_large::input_too_large_diagnostic;
pub use internal_error::internal_error_diagnostic;
pub use invalid_resource::invalid_resource_diagnostic;
pub use invalid_yaml::invalid_yaml_diagnostic;
pub use io_error::io_error_diagnostic;
pub use kustomize_build_failed::kustomize_build_failed_diagnostic;
pub use kustomize_not_found::kustomize_not_found_diagnostic;
pub use unknown_field::unknown_field_diagnostic;
pub use unused_suppression::unused_suppression_diagnostic;

/// The identity [`declare_rule!`] gives a rule.
pub trait Declared {
    fn meta(&self) -> &'static RuleMeta;
}

pub trait Rule: Declared + Sync {
    /// Checks one pod template. Rules about files or documents (invalid YAML, unknown
    /// fields) are reported by the pipeline through their diagnostic functions instead.
    fn check_workload<'a>(&self, _w: &Pod<'a>, _cx: &Context<'a>, _out: &mut Vec<Finding>) {}
    /// Checks any decoded object (RuntimeClasses, Namespaces, ...), pod templates included.
    fn check_object(&self, _obj: &Object<'_, '_>, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

impl dyn Rule + '_ {
    /// Kebab-case, naming the flagged pattern; the user-facing contract.
    pub fn name(&self) -> &'static str {
        self.meta().name
    }
    pub fn category(&self) -> Category {
        self.meta().category
    }
    pub fn default_severity(&self) -> crate::finding::Severity {
        self.meta().severity
    }
    /// The rule's Markdown doc (`rules/<name>.md`).
    pub fn doc(&self) -> &'static str {
        self.meta().doc
    }
}

/// Declares each rule's module and lists it in [`RULES`], in the order of the README table.
macro_rules! registry {
    ($($module:ident::$rule:ident,)*) => {
        $(mod $module;)*
        /// Every rule, in the order of the README table.
        pub static RULES: &[&dyn Rule] = &[$(&$module::$rule),*];
        /// Every rule's source file name, for the test that finds forgotten rules.
        #[cfg(test)]
        pub(crate) const MODULES: &[&str] = &[$(stringify!($module)),*];
    };
}

registry! {
    invalid_yaml::InvalidYaml,
    io_error::IoError,
    input_too_large::InputTooLarge,
    internal_error::InternalError,
    invalid_resource::InvalidResource,
    unknown_field::UnknownField,
    api_version_removed::ApiVersionRemoved,
    duplicate_key::DuplicateKey,
    unused_suppression::UnusedSuppression,
    windows_workload_may_land_on_linux::WindowsWorkloadMayLandOnLinux,
    linux_workload_may_land_on_windows::LinuxWorkloadMayLandOnWindows,
    windows_taint_not_tolerated::WindowsTaintNotTolerated,
    unsatisfiable_node_constraints::UnsatisfiableNodeConstraints,
    os_label_value_invalid::OsLabelValueInvalid,
    deprecated_os_arch_label::DeprecatedOsArchLabel,
    os_field_selector_mismatch::OsFieldSelectorMismatch,
    pod_os_label_mismatch::PodOsLabelMismatch,
    missing_pod_os_field::MissingPodOsField,
    runtimeclass_nodeselector_conflict::RuntimeclassNodeselectorConflict,
    runtimeclass_not_found::RuntimeclassNotFound,
    runtimeclass_windows_scheduling_missing::RuntimeclassWindowsSchedulingMissing,
    pod_overhead_manual::PodOverheadManual,
    windows_build_label_format::WindowsBuildLabelFormat,
    windows_build_image_mismatch::WindowsBuildImageMismatch,
    windows_build_unpinned::WindowsBuildUnpinned,
    windows_images_incompatible_builds::WindowsImagesIncompatibleBuilds,
    mixed_os_images::MixedOsImages,
    linux_image_on_windows_pod::LinuxImageOnWindowsPod,
    windows_image_on_linux_pod::WindowsImageOnLinuxPod,
    dotnet_multiplatform_tag_on_windows::DotnetMultiplatformTagOnWindows,
    helm_not_found::HelmNotFound,
    helm_dependency_missing::HelmDependencyMissing,
    helm_render_failed::HelmRenderFailed,
    kustomize_not_found::KustomizeNotFound,
    kustomize_build_failed::KustomizeBuildFailed,
    os_name_invalid::OsNameInvalid,
    windows_forbidden_pod_field::WindowsForbiddenPodField,
    windows_forbidden_container_field::WindowsForbiddenContainerField,
    linux_pod_windows_options::LinuxPodWindowsOptions,
    windows_options_format::WindowsOptionsFormat,
    hostprocess_inconsistent::HostprocessInconsistent,
    run_as_non_root_container_administrator::RunAsNonRootContainerAdministrator,
    gmsa_spec_without_name::GmsaSpecWithoutName,
    gmsa_credspec_not_found::GmsaCredspecNotFound,
    gmsa_rbac_missing::GmsaRbacMissing,
    gmsa_inline_mismatch::GmsaInlineMismatch,
    gmsa_initcontainer_not_inlined::GmsaInitcontainerNotInlined,
    hostprocess_user::HostprocessUser,
    hostprocess_run_as_non_root::HostprocessRunAsNonRoot,
    hostprocess_pod_security::HostprocessPodSecurity,
    windows_linux_only_field_ignored::WindowsLinuxOnlyFieldIgnored,
    windows_unsupported_pod_feature::WindowsUnsupportedPodFeature,
    windows_options_on_linux_target::WindowsOptionsOnLinuxTarget,
    azure_windows_resources::AzureWindowsResources,
    azure_windows_container_admin::AzureWindowsContainerAdmin,
    azure_windows_allowed_usernames::AzureWindowsAllowedUsernames,
    azure_windows_hostprocess::AzureWindowsHostprocess,
}

pub fn find(name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.name() == name)
}

/// The one-line summary: the first non-empty line after the doc's title.
pub fn summary(rule: &dyn Rule) -> &'static str {
    rule.meta().summary()
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
            r.meta().severities(),
            summary(*r)
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rule file that the registry forgets fails here.
    #[test]
    fn registry_lists_every_rule_file() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/rules");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .expect("src/rules")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|f| f.strip_suffix(".rs").map(str::to_owned))
            .filter(|f| !["mod", "declare", "meta", "precedence", "shared"].contains(&f.as_str()))
            .collect();
        files.sort();
        let mut listed: Vec<String> = MODULES.iter().map(|m| (*m).to_owned()).collect();
        listed.sort();
        assert_eq!(files, listed);
        for r in RULES {
            assert_eq!(
                r.name().replace('-', "_"),
                MODULES[RULES
                    .iter()
                    .position(|x| x.name() == r.name())
                    .expect("listed")],
                "a rule's file is named after it"
            );
            assert!(!r.meta().also.contains(&r.default_severity()));
        }
    }
}
