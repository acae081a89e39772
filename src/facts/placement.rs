//! Where a pod can be placed: its nodeSelector and required node affinity against a pool's
//! labels, and its tolerations against the pool's taints (kube-scheduler's NodeAffinity and
//! TaintToleration filters), after the RuntimeClass admission plugin has merged the
//! RuntimeClass's `scheduling` into the pod (spec §0.7).

use std::borrow::Cow;
use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{NodeSelector, PodSpec, Taint, Toleration};

use crate::facts::cluster::{known_windows_taints, NodePool};
use crate::facts::context::Context;
use crate::facts::inventory::RuntimeClassDef;
use crate::facts::scheduling::{
    merge_node_selector, merge_tolerations, node_selector_map_matches, node_selector_matches,
    requirement_matches, tolerates, untolerated, LabelValue, Labels, Tri,
};
use crate::k8s::Workload;

/// Do the pod's label constraints admit the pool? (`RequiredNodeAffinity.Match`: the
/// nodeSelector and the required affinity must both match.) Preferred affinity is a wish,
/// not a constraint, and is ignored. RuntimeClass scheduling is not merged here; rules use
/// [`scheduling`].
pub fn admits(spec: &PodSpec, pool: &NodePool) -> Tri {
    let by_selector = spec
        .node_selector
        .as_ref()
        .map_or(Tri::Yes, |m| node_selector_map_matches(m, pool));
    by_selector
        .and(required_affinity(spec).map_or(Tri::Yes, |sel| node_selector_matches(sel, pool)))
}

/// Labels admit the pool and every NoSchedule/NoExecute taint of it is tolerated.
pub fn fits(spec: &PodSpec, pool: &NodePool) -> Tri {
    let tolerations = spec.tolerations.as_deref().unwrap_or_default();
    let tolerated = if untolerated(tolerations, &pool.taints).is_empty() {
        Tri::Yes
    } else {
        Tri::No
    };
    admits(spec, pool).and(tolerated)
}

fn required_affinity(spec: &PodSpec) -> Option<&NodeSelector> {
    spec.affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()
}

/// The RuntimeClass a pod names, if any.
#[derive(Debug, Clone, Copy)]
pub enum RuntimeClassRef<'a> {
    None,
    Found(&'a RuntimeClassDef),
    /// Named but defined neither in the scanned files nor in `cluster.runtimeClasses`.
    Missing(&'a str),
}

/// `runtimeclass admission setScheduling` rejected the pod: the RuntimeClass and the pod
/// select different values for one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub key: String,
    pub runtime_class_value: String,
    pub pod_value: String,
}

/// A pod's scheduling constraints as the scheduler sees them, after admission.
#[derive(Debug, Clone)]
pub struct Scheduling<'a> {
    pub node_selector: Option<Cow<'a, BTreeMap<String, String>>>,
    pub affinity: Option<&'a NodeSelector>,
    pub tolerations: Cow<'a, [Toleration]>,
    pub runtime_class: RuntimeClassRef<'a>,
    pub conflict: Option<Conflict>,
    /// `spec.nodeName` is set: the scheduler is bypassed and the node is named, not chosen.
    pub node_name: Option<&'a str>,
    /// The pod's own nodeSelector, to tell which keys the RuntimeClass added.
    own_selector: Option<&'a BTreeMap<String, String>>,
}

/// The RuntimeClass named `name`: from the scanned files first (they are what gets
/// applied), then from `cluster.runtimeClasses`.
pub fn runtime_class<'c>(cx: &Context<'c>, name: &str) -> Option<&'c RuntimeClassDef> {
    let cluster: &'c crate::facts::cluster::Cluster = cx.cluster;
    cx.inventory
        .runtime_classes
        .get(name)
        .or_else(|| cluster.runtime_classes.iter().find(|r| r.name == name))
}

/// The pod's scheduling after the RuntimeClass admission plugin: the RuntimeClass's
/// nodeSelector merged into the pod's (a conflicting key rejects the pod) and its
/// tolerations merged with the pod's by `MergeTolerations` (pkg/util/tolerations: a union
/// with superset de-duplication, kubernetes#81732 — not the older "RuntimeClass wins per
/// key and effect" behaviour described in spec §0.7(b)). Affinity is never touched.
///
/// Against a built-in cluster model (default or preset), whose Windows taint is a guess, a
/// pod that tolerates any documented Windows taint ([`known_windows_taints`]) is taken to
/// tolerate them all: it has dealt with Windows taints, in its cluster's convention.
pub fn compute<'a>(w: &Workload<'a>, cx: &Context<'a>) -> Scheduling<'a> {
    let mut s = merged(w, cx);
    if !cx.cluster.is_declared() {
        let known = known_windows_taints();
        if known
            .iter()
            .any(|t| s.tolerations.iter().any(|tol| tolerates(tol, t)))
        {
            let mut all = s.tolerations.into_owned();
            all.extend(known.into_iter().map(|t| Toleration {
                key: Some(t.key),
                operator: Some("Equal".to_owned()),
                value: t.value,
                effect: Some(t.effect),
                ..Default::default()
            }));
            s.tolerations = Cow::Owned(all);
        }
    }
    s
}

fn merged<'a>(w: &Workload<'a>, cx: &Context<'a>) -> Scheduling<'a> {
    let spec: &'a PodSpec = w.spec;
    let mut s = Scheduling {
        node_selector: spec.node_selector.as_ref().map(Cow::Borrowed),
        affinity: required_affinity(spec),
        tolerations: Cow::Borrowed(spec.tolerations.as_deref().unwrap_or_default()),
        runtime_class: RuntimeClassRef::None,
        conflict: None,
        node_name: spec.node_name.as_deref(),
        own_selector: spec.node_selector.as_ref(),
    };
    let Some(name) = spec.runtime_class_name.as_deref() else {
        return s;
    };
    let Some(rc) = runtime_class(cx, name) else {
        s.runtime_class = RuntimeClassRef::Missing(name);
        return s;
    };
    s.runtime_class = RuntimeClassRef::Found(rc);
    if !rc.has_scheduling {
        return s;
    }
    if let Some(sel) = &rc.node_selector {
        match merge_node_selector(spec.node_selector.as_ref(), sel) {
            Ok(m) => s.node_selector = Some(Cow::Owned(m)),
            Err((key, runtime_class_value, pod_value)) => {
                s.conflict = Some(Conflict {
                    key,
                    runtime_class_value,
                    pod_value,
                });
                return s;
            }
        }
    }
    if let Some(t) = &rc.tolerations {
        s.tolerations = Cow::Owned(merge_tolerations(&s.tolerations, t));
    }
    s
}

/// What a pool has for a nodeSelector key it does not match.
#[derive(Debug, Clone, PartialEq)]
pub enum Have {
    Value(String),
    Absent,
    /// Not listed, but a node of this OS never has the wanted value (`node_labels`).
    OtherOs(String),
}

/// Why a pool cannot take the pod.
#[derive(Debug, Clone, PartialEq)]
pub enum Exclusion {
    /// A nodeSelector entry the pool does not have.
    Selector {
        key: String,
        want: String,
        have: Have,
        /// The RuntimeClass that added this key, if the pod did not set it itself.
        from_runtime_class: Option<String>,
    },
    /// The required node affinity; `expr` names the failing expression when there is one term.
    Affinity {
        expr: Option<String>,
    },
    Taint(Taint),
}

impl Exclusion {
    pub fn describe(&self) -> String {
        match self {
            Exclusion::Selector {
                key,
                want,
                have,
                from_runtime_class,
            } => {
                let whose = match from_runtime_class {
                    Some(rc) => format!("RuntimeClass `{rc}` nodeSelector"),
                    None => "nodeSelector".to_owned(),
                };
                match have {
                    Have::Value(v) => format!("{whose} `{key}: {want}` (the pool has `{v}`)"),
                    Have::Absent => format!("{whose} `{key}: {want}` (the pool has no such label)"),
                    Have::OtherOs(os) => {
                        format!(
                            "{whose} `{key}: {want}` (the pool's {os} nodes never have this value)"
                        )
                    }
                }
            }
            Exclusion::Affinity { expr: Some(e) } => format!("required node affinity `{e}`"),
            Exclusion::Affinity { expr: None } => {
                "required node affinity (no term matches)".to_owned()
            }
            Exclusion::Taint(t) => format!("taint `{}` is not tolerated", taint_text(t)),
        }
    }
}

/// `key=value:Effect`, the way kubectl prints a taint.
pub fn taint_text(t: &Taint) -> String {
    match t.value.as_deref() {
        Some(v) if !v.is_empty() => format!("{}={v}:{}", t.key, t.effect),
        _ => format!("{}:{}", t.key, t.effect),
    }
}

impl Scheduling<'_> {
    /// A RuntimeClass that is missing or conflicts means winlint cannot tell where the pod
    /// goes (or that it is never created): placement rules stay quiet.
    pub fn judgeable(&self) -> bool {
        self.conflict.is_none()
            && !matches!(self.runtime_class, RuntimeClassRef::Missing(_))
            && !self.bound_to_node()
    }

    /// The pod goes to a node picked by name, not by the labels winlint models: through
    /// `spec.nodeName` (no scheduler at all), or a required affinity whose every term names
    /// the node (`matchFields` on `metadata.name`, as the DaemonSet controller writes).
    pub fn bound_to_node(&self) -> bool {
        if self.node_name.is_some() {
            return true;
        }
        let Some(aff) = self.affinity else {
            return false;
        };
        !aff.node_selector_terms.is_empty()
            && aff.node_selector_terms.iter().all(|t| {
                t.match_fields
                    .iter()
                    .flatten()
                    .any(|f| f.key == "metadata.name" && f.operator == "In")
            })
    }

    /// nodeSelector and required node affinity, against the pool's labels.
    pub fn admits(&self, pool: &NodePool) -> Tri {
        let by_selector = self
            .node_selector
            .as_ref()
            .map_or(Tri::Yes, |m| node_selector_map_matches(m, pool));
        by_selector.and(
            self.affinity
                .map_or(Tri::Yes, |sel| node_selector_matches(sel, pool)),
        )
    }

    /// The pool's NoSchedule/NoExecute taints that no toleration tolerates.
    pub fn untolerated<'p>(&self, pool: &'p NodePool) -> Vec<&'p Taint> {
        untolerated(&self.tolerations, &pool.taints)
    }

    /// Labels admit the pool and every NoSchedule/NoExecute taint is tolerated.
    pub fn fits(&self, pool: &NodePool) -> Tri {
        let tolerated = if self.untolerated(pool).is_empty() {
            Tri::Yes
        } else {
            Tri::No
        };
        self.admits(pool).and(tolerated)
    }

    /// The selector keys whose value this pool's labels cannot tell (the pool does not
    /// declare them): what makes [`Self::admits`] Unknown rather than a clear answer.
    pub fn unknown_keys(&self, pool: &NodePool) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for (k, v) in self.node_selector.iter().flat_map(|m| m.iter()) {
            if pool.label(k).could_be(k, v) == Tri::Unknown {
                keys.push(k.clone());
            }
        }
        let exprs = self
            .affinity
            .into_iter()
            .flat_map(|a| a.node_selector_terms.iter())
            .flat_map(|t| t.match_expressions.iter().flatten());
        for r in exprs {
            if requirement_matches(r, pool) == Tri::Unknown && !keys.contains(&r.key) {
                keys.push(r.key.clone());
            }
        }
        keys
    }

    /// Can the scheduler place the pod on the pool? [`Self::fits`], except that a missing
    /// RuntimeClass could still add tolerations and nodeSelector entries: then only a label
    /// exclusion is certain, and every other pool is Unknown. A conflict (the pod is never
    /// created) is judged by the caller.
    pub fn schedulable(&self, pool: &NodePool) -> Tri {
        if matches!(self.runtime_class, RuntimeClassRef::Missing(_)) {
            return match self.admits(pool) {
                Tri::No => Tri::No,
                _ => Tri::Unknown,
            };
        }
        self.fits(pool)
    }

    /// The first reason the pool is definitely excluded: a nodeSelector entry, the required
    /// affinity, then a taint. None when the pool may take the pod.
    pub fn exclusion(&self, pool: &NodePool) -> Option<Exclusion> {
        self.exclusions(pool).into_iter().next()
    }

    /// Every reason the pool is definitely excluded, in [`Self::exclusion`]'s order: the
    /// nodeSelector entries, the required affinity, then each untolerated taint.
    pub fn exclusions(&self, pool: &NodePool) -> Vec<Exclusion> {
        let mut out = Vec::new();
        if let Some(sel) = &self.node_selector {
            for (key, want) in sel.iter() {
                let label = pool.label(key);
                if label.could_be(key, want) != Tri::No {
                    continue;
                }
                let have = match label {
                    LabelValue::Value(v) => Have::Value(v.to_owned()),
                    LabelValue::Implied { os, .. } => Have::OtherOs(os.to_owned()),
                    _ => Have::Absent,
                };
                let own = self.own_selector.is_some_and(|o| o.contains_key(key));
                let from_runtime_class = match self.runtime_class {
                    RuntimeClassRef::Found(rc) if !own => Some(rc.name.clone()),
                    _ => None,
                };
                out.push(Exclusion::Selector {
                    key: key.clone(),
                    want: want.clone(),
                    have,
                    from_runtime_class,
                });
            }
        }
        if let Some(aff) = self.affinity {
            if node_selector_matches(aff, pool) == Tri::No {
                let expr = match aff.node_selector_terms.as_slice() {
                    [term] => term
                        .match_expressions
                        .iter()
                        .flatten()
                        .find(|r| requirement_matches(r, pool) == Tri::No)
                        .map(|r| {
                            let values = r.values.as_deref().unwrap_or_default();
                            if values.is_empty() {
                                format!("{} {}", r.key, r.operator)
                            } else {
                                format!("{} {} [{}]", r.key, r.operator, values.join(", "))
                            }
                        }),
                    _ => None,
                };
                out.push(Exclusion::Affinity { expr });
            }
        }
        out.extend(
            self.untolerated(pool)
                .into_iter()
                .map(|t| Exclusion::Taint(t.clone())),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::azure_policy::AzurePolicy;
    use crate::facts::cluster::Cluster;
    use crate::facts::images::Classifier;
    use crate::facts::inventory::Inventory;
    use crate::facts::pod::{scheduling, Memo, Pod};
    use crate::k8s::{classify, Classified};
    use crate::yaml::{parse_chunk, split_documents, Limits};

    /// Runs `f` on the workload of the first object in `text`, with `inventory` collected
    /// from `text` too.
    fn with_workload(text: &str, f: impl for<'a> Fn(&Pod<'a>, &Context<'a>)) {
        let (cluster, policy) = (Cluster::default(), AzurePolicy::default());
        let images = Classifier::default();
        let mut inventory = Inventory::default();
        inventory.collect("t.yaml", text);
        let cx = Context {
            cluster: &cluster,
            images: &images,
            inventory: &inventory,
            azure_policy: &policy,
            gmsa_webhook: false,
            source: "",
        };
        let arena = crate::yaml::Arena::new();
        for chunk in split_documents(text) {
            let docs = parse_chunk(&arena, chunk, Limits::default()).expect("yaml");
            for doc in &docs {
                let Classified::Objects(objs) = classify(&doc.root) else {
                    continue;
                };
                for c in objs {
                    let obj = c.decode().expect("decodes");
                    let memo = Memo::default();
                    if let Some(w) = obj.workload() {
                        f(&Pod::new(w, &memo), &cx);
                        return;
                    }
                }
            }
        }
        panic!("no workload in {text}");
    }

    const RC: &str = "apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata: {name: win}\nhandler: runhcs-wcow-process\nscheduling:\n  nodeSelector: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: '10.0.17763'}\n  tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]\n---\n";

    #[test]
    fn runtime_class_scheduling_is_merged() {
        let pod = format!("{RC}apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  runtimeClassName: win\n  containers: [{{name: c, image: x}}]\n");
        with_workload(&pod, |w, cx| {
            let s = scheduling(w, cx);
            assert!(s.judgeable());
            let c = Cluster::default();
            let fits: Vec<&str> = c
                .pools
                .iter()
                .filter(|p| s.fits(p) == Tri::Yes)
                .map(|p| p.name.as_str())
                .collect();
            assert_eq!(fits, ["windows-2019"]);
            let linux = s.exclusion(&c.pools[0]).expect("excluded");
            assert!(
                linux
                    .describe()
                    .starts_with("RuntimeClass `win` nodeSelector"),
                "{}",
                linux.describe()
            );
        });
    }

    #[test]
    fn conflict_and_missing() {
        let pod = format!("{RC}apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  runtimeClassName: win\n  nodeSelector: {{kubernetes.io/os: linux}}\n  containers: [{{name: c, image: x}}]\n");
        with_workload(&pod, |w, cx| {
            let s = scheduling(w, cx);
            assert_eq!(
                s.conflict,
                Some(Conflict {
                    key: "kubernetes.io/os".into(),
                    runtime_class_value: "windows".into(),
                    pod_value: "linux".into()
                })
            );
            assert!(!s.judgeable());
        });
        let missing = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  runtimeClassName: nope\n  containers: [{name: c, image: x}]\n";
        with_workload(missing, |w, cx| {
            let s = scheduling(w, cx);
            assert!(matches!(s.runtime_class, RuntimeClassRef::Missing("nope")));
            assert!(!s.judgeable());
        });
    }

    #[test]
    fn every_exclusion_is_listed_and_a_missing_runtime_class_leaves_taints_open() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeSelector: {kubernetes.io/os: linux}\n  containers: [{name: c, image: x}]\n";
        with_workload(pod, |w, cx| {
            let s = scheduling(w, cx);
            let c = Cluster::default();
            let all: Vec<String> = s
                .exclusions(&c.pools[1])
                .iter()
                .map(Exclusion::describe)
                .collect();
            assert_eq!(
                all,
                [
                    "nodeSelector `kubernetes.io/os: linux` (the pool has `windows`)",
                    "taint `os=windows:NoSchedule` is not tolerated"
                ]
            );
            assert_eq!(
                s.exclusion(&c.pools[1]).map(|e| e.describe()),
                all.first().cloned()
            );
            assert_eq!(s.schedulable(&c.pools[0]), Tri::Yes);
            assert_eq!(s.schedulable(&c.pools[1]), Tri::No);
        });
        let missing = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  runtimeClassName: nope\n  nodeSelector: {kubernetes.io/os: windows}\n  containers: [{name: c, image: x}]\n";
        with_workload(missing, |w, cx| {
            let s = scheduling(w, cx);
            let c = Cluster::default();
            // Labels exclude for sure; the unknown RuntimeClass may tolerate the taint.
            assert_eq!(s.schedulable(&c.pools[0]), Tri::No);
            assert_eq!(s.schedulable(&c.pools[1]), Tri::Unknown);
            assert_eq!(s.fits(&c.pools[1]), Tri::No);
        });
    }

    #[test]
    fn exclusions_name_the_constraint() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions:\n          - {key: kubernetes.io/os, operator: In, values: [linux]}\n  containers: [{name: c, image: x}]\n";
        with_workload(pod, |w, cx| {
            let s = scheduling(w, cx);
            let c = Cluster::default();
            assert_eq!(s.exclusion(&c.pools[0]), None);
            assert_eq!(
                s.exclusion(&c.pools[1]).map(|e| e.describe()),
                Some("required node affinity `kubernetes.io/os In [linux]`".into())
            );
        });
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeSelector: {kubernetes.io/os: windows}\n  containers: [{name: c, image: x}]\n";
        with_workload(pod, |w, cx| {
            let s = scheduling(w, cx);
            let c = Cluster::default();
            assert_eq!(
                s.exclusion(&c.pools[0]).map(|e| e.describe()),
                Some("nodeSelector `kubernetes.io/os: windows` (the pool has `linux`)".into())
            );
            assert_eq!(
                s.exclusion(&c.pools[1]).map(|e| e.describe()),
                Some("taint `os=windows:NoSchedule` is not tolerated".into())
            );
        });
    }
}
