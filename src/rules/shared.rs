//! Helpers the placement and image rules share: what each container's image says, which
//! Windows builds a pod's constraints admit, where a missing constraint belongs, and the
//! YAML snippets that help text offers.

use std::collections::BTreeSet;

use super::{Context, Pod};
use crate::facts::cluster::{parse_build_label, NodePool, OS_LABEL, WINDOWS_BUILD_LABEL};
use crate::facts::images::{compatible, tag_for_build, ImageOs, KNOWN_HOST_BUILDS};
use crate::facts::placement::Scheduling;
pub use crate::facts::{image_facts, ImageFact};
use crate::finding::{Applicability, Fix};
use crate::yaml::edit::{snippet, At, Edit, Writer};
use crate::yaml::{Node, Span};

/// Where an OS or build constraint belongs: the `nodeSelector:` key, else the required
/// node affinity, else the pod spec's `spec:` key.
pub fn constraint_span(w: &Pod<'_>) -> Span {
    w.key_span(&["nodeSelector"])
        .or_else(|| {
            w.key_span(&[
                "affinity",
                "nodeAffinity",
                "requiredDuringSchedulingIgnoredDuringExecution",
            ])
        })
        .unwrap_or(w.spec_key)
}

/// Quotes a YAML value when it would otherwise change meaning.
pub fn yaml_str(v: &str) -> String {
    let plain = matches!(crate::yaml::resolve_plain(v), crate::yaml::Resolved::Str)
        && !v.is_empty()
        && !v.contains([':', '#', '"', '\'', '{', '}', '[', ']', ','])
        && !v.starts_with(['-', '?', '&', '*', '!', '|', '>', '%', '@', '`', ' '])
        && !v.ends_with(' ')
        && !v.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        v.to_owned()
    } else {
        format!("{v:?}")
    }
}

/// A `nodeSelector:` block: the pod's own entries with `set` added or replaced.
pub fn selector_snippet(w: &Pod<'_>, set: &[(&str, String)]) -> String {
    let mut entries: Vec<(String, String)> = w
        .spec
        .node_selector
        .iter()
        .flatten()
        .filter(|(k, _)| !set.iter().any(|(s, _)| s == k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    entries.extend(set.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
    let mut s = String::from("nodeSelector:\n");
    for (k, v) in entries {
        s.push_str(&format!("  {k}: {}\n", yaml_str(&v)));
    }
    s
}

/// The OS entry for [`selector_snippet`].
pub fn os_entry(os: &str) -> (&'static str, String) {
    (OS_LABEL, os.to_owned())
}

/// The build entry for [`selector_snippet`].
pub fn build_entry(build: u32) -> (&'static str, String) {
    (WINDOWS_BUILD_LABEL, format!("10.0.{build}"))
}

/// Appends the cluster's caveat (default cluster or preset) to help text.
pub fn with_caveat(mut help: String, cx: &Context<'_>) -> String {
    if let Some(c) = cx.cluster.caveat() {
        if !help.ends_with('\n') {
            help.push('\n');
        }
        help.push_str(&c);
    }
    help
}

/// `10.0.17763 (ltsc2019)`.
pub fn build_text(build: u32) -> String {
    match tag_for_build(build) {
        Some(t) => format!("10.0.{build} ({t})"),
        None => format!("10.0.{build}"),
    }
}

/// Can host build `host` run every one of `builds` with process isolation?
pub fn runs_all(host: u32, builds: &[u32]) -> bool {
    builds.iter().all(|b| compatible(host, *b))
}

/// The Windows builds a pod's own constraints (after the RuntimeClass merge) admit, asked
/// of one hypothetical Windows node per candidate build: the known host builds, the
/// cluster's, and any build the pod names. `pinned` is true when the constraints rule out
/// some candidate, i.e. the pod (or its RuntimeClass) says which builds it wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildPins {
    pub admitted: Vec<u32>,
    pub pinned: bool,
}

pub fn build_pins(sched: &Scheduling<'_>, cx: &Context<'_>) -> BuildPins {
    let mut candidates: BTreeSet<u32> = KNOWN_HOST_BUILDS.iter().copied().collect();
    candidates.extend(cx.cluster.windows_builds());
    if let Some(v) = sched
        .node_selector
        .as_ref()
        .and_then(|s| s.get(WINDOWS_BUILD_LABEL))
    {
        candidates.extend(parse_build_label(v));
    }
    let terms = sched.affinity.map(|a| a.node_selector_terms.as_slice());
    for e in terms
        .into_iter()
        .flatten()
        .flat_map(|t| t.match_expressions.iter().flatten())
    {
        if e.key == WINDOWS_BUILD_LABEL {
            candidates.extend(
                e.values
                    .iter()
                    .flatten()
                    .filter_map(|v| parse_build_label(v)),
            );
        }
    }
    let admitted: Vec<u32> = candidates
        .iter()
        .copied()
        .filter(|b| sched.admits(&windows_host(*b)).possible())
        .collect();
    BuildPins {
        pinned: admitted.len() != candidates.len(),
        admitted,
    }
}

/// Any cluster's nodes, as far as labels go: a Linux node, and a Windows node of every
/// known build; every other label unknown. Built once: rules ask for them per pod.
pub fn any_node() -> &'static [NodePool] {
    static NODES: std::sync::LazyLock<Vec<NodePool>> = std::sync::LazyLock::new(|| {
        let mut nodes = vec![NodePool {
            name: "linux".into(),
            labels: [(OS_LABEL.to_owned(), "linux".to_owned())]
                .into_iter()
                .collect(),
            taints: Vec::new(),
            closed_world: false,
        }];
        nodes.extend(KNOWN_HOST_BUILDS.iter().map(|b| windows_host(*b)));
        nodes
    });
    &NODES
}

/// A hypothetical open-world Windows node of `build`.
pub fn windows_host(build: u32) -> NodePool {
    NodePool {
        name: format!("windows-{build}"),
        labels: [
            (OS_LABEL.to_owned(), "windows".to_owned()),
            (WINDOWS_BUILD_LABEL.to_owned(), format!("10.0.{build}")),
        ]
        .into_iter()
        .collect(),
        taints: Vec::new(),
        closed_world: false,
    }
}

/// The cluster's Windows pools whose labels admit the pod (taints ignored: build rules
/// judge where the labels let the pod go; a missing toleration is its own finding).
pub fn admitted_windows_pools<'c>(sched: &Scheduling<'_>, cx: &Context<'c>) -> Vec<&'c NodePool> {
    let cluster: &'c crate::facts::cluster::Cluster = cx.cluster;
    cluster
        .pools_with_os("windows")
        .filter(|p| sched.admits(p).possible())
        .collect()
}

/// The containers whose Windows build matters: Windows images with a known build, not
/// HostProcess (HostProcess containers need no matching build, W3).
pub fn build_bound<'a, 'w>(facts: &'a [ImageFact<'w>]) -> Vec<&'a ImageFact<'w>> {
    facts
        .iter()
        .filter(|f| f.os == ImageOs::Windows && f.build.is_some() && !f.host_process)
        .collect()
}

/// Where a label requirement was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    NodeSelector,
    RequiredAffinity,
    PreferredAffinity,
    RuntimeClass,
}

/// One label requirement as written, with positions: a nodeSelector entry (operator `=`)
/// or a node affinity `matchExpressions` item.
#[derive(Debug, Clone)]
pub struct SelectorUse<'n> {
    pub key: &'n str,
    pub key_span: Span,
    pub operator: &'n str,
    pub values: Vec<(&'n str, Span)>,
    pub place: Place,
}

fn map_uses<'n>(map: Option<&'n Node<'n>>, place: Place, out: &mut Vec<SelectorUse<'n>>) {
    for e in map.and_then(Node::as_map).into_iter().flatten() {
        let (Some(key), Some(value)) = (e.key.as_str(), e.value.as_str()) else {
            continue;
        };
        out.push(SelectorUse {
            key,
            key_span: e.key.span,
            operator: "=",
            values: vec![(value, e.value.span)],
            place,
        });
    }
}

fn expression_uses<'n>(exprs: Option<&'n Node<'n>>, place: Place, out: &mut Vec<SelectorUse<'n>>) {
    for e in exprs.and_then(Node::as_seq).into_iter().flatten() {
        let Some(key_node) = e.get("key") else {
            continue;
        };
        let Some(key) = key_node.as_str() else {
            continue;
        };
        let values = e
            .get("values")
            .and_then(Node::as_seq)
            .into_iter()
            .flatten()
            .filter_map(|v| Some((v.as_str()?, v.span)))
            .collect();
        out.push(SelectorUse {
            key,
            key_span: key_node.span,
            operator: e.get("operator").and_then(Node::as_str).unwrap_or(""),
            values,
            place,
        });
    }
}

/// Every label requirement of a pod spec: nodeSelector, required and preferred node affinity.
pub fn pod_selector_uses<'n>(spec: &'n Node<'n>) -> Vec<SelectorUse<'n>> {
    let mut out = Vec::new();
    map_uses(spec.get("nodeSelector"), Place::NodeSelector, &mut out);
    let na = spec.get("affinity").and_then(|a| a.get("nodeAffinity"));
    let terms = na
        .and_then(|n| n.get("requiredDuringSchedulingIgnoredDuringExecution"))
        .and_then(|r| r.get("nodeSelectorTerms"))
        .and_then(Node::as_seq);
    for t in terms.into_iter().flatten() {
        expression_uses(t.get("matchExpressions"), Place::RequiredAffinity, &mut out);
    }
    let preferred = na
        .and_then(|n| n.get("preferredDuringSchedulingIgnoredDuringExecution"))
        .and_then(Node::as_seq);
    for p in preferred.into_iter().flatten() {
        let exprs = p.get("preference").and_then(|p| p.get("matchExpressions"));
        expression_uses(exprs, Place::PreferredAffinity, &mut out);
    }
    out
}

/// The `scheduling.nodeSelector` entries of a RuntimeClass object.
pub fn runtime_class_selector_uses<'n>(rc: &'n Node<'n>) -> Vec<SelectorUse<'n>> {
    let mut out = Vec::new();
    map_uses(
        rc.get("scheduling").and_then(|s| s.get("nodeSelector")),
        Place::RuntimeClass,
        &mut out,
    );
    out
}

/// A selector value that no kubelet writes for its label, and how bad it is: an error when
/// the requirement can match no node, a warning for a dead value in an `In` list that has a
/// valid one, or in a `NotIn` list. Preferred affinity is a wish and is skipped.
#[derive(Debug, Clone)]
pub struct BadValue<'n> {
    pub key: &'n str,
    pub value: &'n str,
    pub span: Span,
    pub operator: &'n str,
    pub severity: crate::finding::Severity,
}

/// The bad values among `uses` for the keys `key` accepts, judged by `valid`.
pub fn bad_label_values<'n>(
    uses: &[SelectorUse<'n>],
    key: impl Fn(&str) -> bool,
    valid: impl Fn(&str) -> bool,
) -> Vec<BadValue<'n>> {
    use crate::finding::Severity;
    let mut out = Vec::new();
    for u in uses.iter().filter(|u| key(u.key)) {
        if u.place == Place::PreferredAffinity {
            continue;
        }
        let has_valid = u.values.iter().any(|(v, _)| valid(v));
        let severity = match u.operator {
            "=" | "In" if !has_valid => Severity::Error,
            "=" | "In" | "NotIn" => Severity::Warning,
            _ => continue,
        };
        for (value, span) in u.values.iter().filter(|(v, _)| !valid(v)) {
            out.push(BadValue {
                key: u.key,
                value,
                span: *span,
                operator: u.operator,
                severity,
            });
        }
    }
    out
}

/// Does a bad value make the pod unschedulable: an error among its own selectors, or a bad
/// value in the nodeSelector of its RuntimeClass (when that is in a scanned file, where it is
/// reported; it still explains this pod's placement)?
pub fn bad_value_blocks<'a>(
    w: &Pod<'a>,
    cx: &Context<'a>,
    own_error: bool,
    key: impl Fn(&str) -> bool,
    valid: impl Fn(&str) -> bool,
) -> bool {
    use crate::facts::inventory::Origin;
    use crate::facts::placement::RuntimeClassRef;
    use crate::facts::pod::scheduling;
    if own_error {
        return true;
    }
    match scheduling(w, cx).runtime_class {
        RuntimeClassRef::Found(rc) if matches!(rc.origin, Origin::File { .. }) => rc
            .node_selector
            .iter()
            .flatten()
            .any(|(k, v)| key(k) && !valid(v)),
        _ => false,
    }
}

/// The pod spec, as the place edits go.
pub fn pod_spec_at<'n, 'a>(w: &'n Pod<'a>) -> At<'n, 'a> {
    At {
        key: w.spec_key,
        map: w.spec_node,
    }
}

/// What `edits` do, for help text: an insertion as the text it adds and where (`into`), a
/// replacement as old and new text, a deletion as what it removes. Help and fix cannot
/// disagree: both come from the same edit.
pub fn describe(src: &str, edits: &[Edit], into: &str) -> String {
    let mut out = String::new();
    for e in edits {
        let old = src.get(e.span.start..e.span.end).unwrap_or("").trim();
        if e.span.is_empty() {
            out.push_str(&format!("add to `{into}`:\n{}", snippet(e)));
        } else if e.text.is_empty() {
            out.push_str(&format!("remove `{old}`\n"));
        } else if !e.text.contains('\n') && !old.contains('\n') {
            out.push_str(&format!("change `{old}` to `{}`\n", e.text));
        } else {
            let first = old.lines().next().unwrap_or("");
            out.push_str(&format!("replace `{first}` with:\n{}", snippet(e)));
        }
    }
    out
}

/// Sets `set` in the pod's `nodeSelector` (merging into it, or adding it), in the file's
/// style: the fix, and the help that says it. Without a fix (no source text, or a layout the
/// edits do not handle) the help shows the keys to add.
pub fn selector_fix(
    w: &Pod<'_>,
    cx: &Context<'_>,
    set: &[(&str, String)],
    applicability: Applicability,
) -> (Option<Fix>, String) {
    let pairs: Vec<(&str, &str)> = set.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let into = w.edit_target("nodeSelector");
    let edits = (!cx.source.is_empty())
        .then(|| Writer::new(cx.source).merge_map(pod_spec_at(w), "nodeSelector", &pairs))
        .flatten()
        .filter(|e| !e.is_empty());
    match edits {
        Some(edits) => {
            let help = describe(cx.source, &edits, &into);
            (
                Some(Fix {
                    applicability,
                    edits,
                }),
                help,
            )
        }
        None => {
            let mut help = format!("add to `{}`:\n", w.path("nodeSelector"));
            for (k, v) in set {
                help.push_str(&format!("{k}: {}\n", yaml_str(v)));
            }
            (None, help)
        }
    }
}

/// A fix of one edit (none without one).
pub fn one_edit(edit: Option<Edit>, applicability: Applicability) -> Option<Fix> {
    edit.map(|e| Fix {
        applicability,
        edits: vec![e],
    })
}
