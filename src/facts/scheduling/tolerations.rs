//! Taints and tolerations: `ToleratesTaint`, the taints a pod leaves untolerated, and the
//! RuntimeClass admission merge of tolerations.

use k8s_openapi::api::core::v1::{Taint, Toleration};

fn s(o: &Option<String>) -> &str {
    o.as_deref().unwrap_or("")
}

/// `IsDecimalInteger` (canonical form: no '+', no leading zeros, no "-0") then `ParseInt`,
/// as `compareNumericValues` in component-helpers does for Lt/Gt tolerations.
fn canonical_i64(v: &str) -> Option<i64> {
    let digits = v.strip_prefix('-').unwrap_or(v);
    let canonical = v == "0"
        || (digits.starts_with(|c: char| ('1'..='9').contains(&c))
            && digits.bytes().all(|c| c.is_ascii_digit()));
    if canonical {
        v.parse().ok()
    } else {
        None
    }
}

/// `Toleration.ToleratesTaint` (api/core/v1/toleration.go, component-helpers for Lt/Gt).
pub fn tolerates(tol: &Toleration, taint: &Taint) -> bool {
    let (effect, key) = (s(&tol.effect), s(&tol.key));
    if !effect.is_empty() && effect != taint.effect {
        return false;
    }
    // An empty key matches every key only with Exists (the documented contract; the API
    // rejects an empty key with any other operator, though ToleratesTaint would compare values).
    if (key.is_empty() && s(&tol.operator) != "Exists") || (!key.is_empty() && key != taint.key) {
        return false;
    }
    let (tol_value, taint_value) = (s(&tol.value), s(&taint.value));
    match s(&tol.operator) {
        "" | "Equal" => tol_value == taint_value,
        "Exists" => true,
        op @ ("Lt" | "Gt") => match (canonical_i64(tol_value), canonical_i64(taint_value)) {
            // Lt: taint < toleration; Gt: taint > toleration.
            (Some(t), Some(n)) => (op == "Lt" && n < t) || (op == "Gt" && n > t),
            _ => false,
        },
        _ => false,
    }
}

/// The NoSchedule/NoExecute taints that no toleration tolerates, in input order
/// (TaintToleration `Filter`); PreferNoSchedule only affects scoring.
pub fn untolerated<'t>(tols: &[Toleration], taints: &'t [Taint]) -> Vec<&'t Taint> {
    taints
        .iter()
        .filter(|t| matches!(t.effect.as_str(), "NoSchedule" | "NoExecute"))
        .filter(|t| !tols.iter().any(|tol| tolerates(tol, t)))
        .collect()
}

/// `apiequality.Semantic.DeepEqual` on tolerations (absent string == "").
fn same_toleration(a: &Toleration, b: &Toleration) -> bool {
    s(&a.key) == s(&b.key)
        && s(&a.operator) == s(&b.operator)
        && s(&a.value) == s(&b.value)
        && s(&a.effect) == s(&b.effect)
        && a.toleration_seconds == b.toleration_seconds
}

/// pkg/util/tolerations `isSuperset`: does `ss` tolerate every taint `t` tolerates?
pub(super) fn is_superset(ss: &Toleration, t: &Toleration) -> bool {
    if same_toleration(ss, t) {
        return true;
    }
    let ss_op = s(&ss.operator);
    if s(&t.key) != s(&ss.key) && (!s(&ss.key).is_empty() || ss_op != "Exists") {
        return false;
    }
    if s(&t.effect) != s(&ss.effect) && !s(&ss.effect).is_empty() {
        return false;
    }
    if s(&ss.effect) == "NoExecute" {
        if let Some(limit) = ss.toleration_seconds {
            if t.toleration_seconds.is_none_or(|secs| secs > limit) {
                return false;
            }
        }
    }
    match ss_op {
        // Only a literal "Equal" on `t` counts; "" is not defaulted in admission.
        "" | "Equal" => s(&t.operator) == "Equal" && s(&t.value) == s(&ss.value),
        "Exists" => true,
        _ => false,
    }
}

/// RuntimeClass admission merge of tolerations: `MergeTolerations(pod, runtimeClass)` from
/// pkg/util/tolerations (superset logic since kubernetes#81732, i.e. every release with
/// RuntimeClass scheduling). The result is a union: pod tolerations then RuntimeClass ones,
/// dropping any toleration that another one (earlier, or later and not identical) subsumes;
/// exact duplicates keep the first.
pub fn merge_tolerations(pod: &[Toleration], runtime_class: &[Toleration]) -> Vec<Toleration> {
    let all: Vec<&Toleration> = pod.iter().chain(runtime_class).collect();
    let mut merged: Vec<Toleration> = Vec::new();
    for (i, t) in all.iter().enumerate() {
        let redundant = merged.iter().any(|m| is_superset(m, t))
            || all[i + 1..]
                .iter()
                .any(|later| !same_toleration(t, later) && is_superset(later, t));
        if !redundant {
            merged.push((*t).clone());
        }
    }
    merged
}
