//! Where a pod can be placed: its nodeSelector and required node affinity against a pool's
//! labels, and its tolerations against the pool's taints (kube-scheduler's NodeAffinity and
//! TaintToleration filters).

use k8s_openapi::api::core::v1::PodSpec;

use crate::cluster::NodePool;
use crate::scheduling::{node_selector_map_matches, node_selector_matches, untolerated, Tri};

/// Do the pod's label constraints admit the pool? (`RequiredNodeAffinity.Match`: the
/// nodeSelector and the required affinity must both match.) Preferred affinity is a wish,
/// not a constraint, and is ignored.
pub fn admits(spec: &PodSpec, pool: &NodePool) -> Tri {
    let by_selector = spec
        .node_selector
        .as_ref()
        .map_or(Tri::Yes, |m| node_selector_map_matches(m, pool));
    let by_affinity = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|na| {
            na.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .map_or(Tri::Yes, |sel| node_selector_matches(sel, pool));
    by_selector.and(by_affinity)
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
