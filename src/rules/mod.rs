//! The rule registry. A rule is a unit struct in its own file with a doc in `rules/`;
//! the Rust side owns identity (name, category, default severity), the Markdown owns
//! the prose and the examples, which tests run.

mod duplicate_key;
mod invalid_resource;
mod invalid_yaml;
mod io_error;
mod unknown_field;
mod windows_workload_may_land_on_linux;
// Issue 9: Helm charts and kustomizations.
mod helm_dependency_missing;
mod helm_not_found;
mod helm_render_failed;
mod kustomize_build_failed;
mod kustomize_not_found;

pub use duplicate_key::duplicate_key_diagnostic;
pub use invalid_resource::invalid_resource_diagnostic;
pub use invalid_yaml::invalid_yaml_diagnostic;
pub use io_error::io_error_diagnostic;
pub use unknown_field::unknown_field_diagnostic;
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
    fn check_workload(&self, _w: &Workload<'_>, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
    /// Checks any decoded object (RuntimeClasses, Namespaces, ...), pod templates included.
    fn check_object(&self, _obj: &Object<'_, '_>, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

/// Every rule, in the order of the README table.
pub static RULES: &[&dyn Rule] = &[
    &invalid_yaml::InvalidYaml,
    &io_error::IoError,
    &invalid_resource::InvalidResource,
    &unknown_field::UnknownField,
    &duplicate_key::DuplicateKey,
    &windows_workload_may_land_on_linux::WindowsWorkloadMayLandOnLinux,
    // Issue 9: Helm charts and kustomizations (tool and render failures).
    &helm_not_found::HelmNotFound,
    &helm_dependency_missing::HelmDependencyMissing,
    &helm_render_failed::HelmRenderFailed,
    &kustomize_not_found::KustomizeNotFound,
    &kustomize_build_failed::KustomizeBuildFailed,
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
