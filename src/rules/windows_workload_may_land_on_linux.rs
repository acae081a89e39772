//! `windows-workload-may-land-on-linux`: a Windows pod whose node constraints still let the
//! scheduler put it on a Linux node, where it never starts.

use super::{Category, Context, Rule};
use crate::cluster::{NodePool, OS_LABEL, WINDOWS_BUILD_LABEL};
use crate::finding::{Finding, Label, Severity};
use crate::intent::{windows_evidence, Evidence};
use crate::model::Workload;
use crate::placement;
use crate::yaml::Span;

const NAME: &str = "windows-workload-may-land-on-linux";

pub fn windows_workload_may_land_on_linux_diagnostic(
    w: &Workload<'_>,
    evidence: Evidence,
    pools: &[&NodePool],
    at: (Span, &str),
    build: Option<u32>,
    default_cluster: bool,
) -> Finding {
    let names: Vec<String> = pools.iter().map(|p| format!("`{}`", p.name)).collect();
    let plural = if pools.len() == 1 { "" } else { "s" };
    let mut snippet = String::from("nodeSelector:\n");
    for (k, v) in w.spec.node_selector.iter().flatten() {
        if k != OS_LABEL {
            snippet.push_str(&format!("  {k}: {}\n", yaml_str(v)));
        }
    }
    snippet.push_str(&format!("  {OS_LABEL}: windows\n"));
    if let Some(b) = build {
        snippet.push_str(&format!("  {WINDOWS_BUILD_LABEL}: \"10.0.{b}\"\n"));
    }
    let mut help = format!(
        "restrict the pod to Windows nodes in `{}`:\n{snippet}",
        w.spec_path
    );
    if default_cluster {
        help.push_str(
            "(checked against the default cluster of the Kubernetes Windows guide; declare your node pools in .winlint.yaml to make this exact)",
        );
    }
    Finding::new(
        NAME,
        Severity::Error,
        format!(
            "Windows pod can be scheduled onto Linux node pool{plural} {}, where its containers never start",
            names.join(", ")
        ),
        Label::new(at.0, at.1),
    )
    .with_secondary(Label::new(evidence.span, evidence.text))
    .with_help(help)
    .with_resource(w.id)
}

pub struct WindowsWorkloadMayLandOnLinux;

impl Rule for WindowsWorkloadMayLandOnLinux {
    fn name(&self) -> &'static str {
        NAME
    }
    fn category(&self) -> Category {
        Category::Correctness
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn doc(&self) -> &'static str {
        include_str!("../../rules/windows-workload-may-land-on-linux.md")
    }

    fn check_workload(&self, w: &Workload<'_>, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(evidence) = windows_evidence(w, cx.images) else {
            return;
        };
        // A RuntimeClass may add a Windows nodeSelector at admission; without its
        // definition, placement cannot be judged.
        if w.spec.runtime_class_name.is_some() {
            return;
        }
        let pools: Vec<&NodePool> = cx
            .config
            .cluster
            .pools_with_os("linux")
            .filter(|p| placement::fits(w.spec, p).possible())
            .collect();
        if pools.is_empty() {
            return;
        }
        let at = if let Some(span) = w.key_span(&["nodeSelector"]) {
            (span, "this nodeSelector does not exclude Linux nodes")
        } else if let Some(span) = w.key_span(&[
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
        ]) {
            (
                span,
                "this required node affinity does not exclude Linux nodes",
            )
        } else {
            (
                w.spec_key,
                "no nodeSelector or node affinity keeps this pod off Linux nodes",
            )
        };
        let build = w
            .containers()
            .iter()
            .find_map(|c| cx.images.windows_build(c.image?));
        out.push(windows_workload_may_land_on_linux_diagnostic(
            w,
            evidence,
            &pools,
            at,
            build,
            cx.config.cluster.is_default(),
        ));
    }
}

/// Quotes a YAML value when it would otherwise change meaning.
fn yaml_str(v: &str) -> String {
    match crate::yaml::resolve_plain(v) {
        crate::yaml::Resolved::Str if !v.contains([':', '#', '"', '\'']) => v.to_owned(),
        _ => format!("{v:?}"),
    }
}
